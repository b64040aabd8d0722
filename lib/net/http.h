/*
 * Internal: one HTTP request with libcurl — bounded, TLS verified unless the
 * caller says otherwise by name, the URL redacted in every message.
 */
#ifndef PROMOTE_NET_HTTP_H
#define PROMOTE_NET_HTTP_H

#include "core/common.h"

typedef struct promote__http_request {
	const char *method;          /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
	const char *url;
	const char *const *headers;  /* "Name: value" strings, NULL-terminated; may be NULL */
	const char *body;            /* body_size bytes (NULL: none; POST, PUT and PATCH send an empty one) */
	size_t body_size;
	const char *user;            /* basic authentication when both are set */
	const char *password;
	bool insecure;               /* do not verify the TLS certificate */
	size_t max_response;         /* the body's bound; 0: 16 MiB */
	long timeout_s;              /* the whole transfer; 0: 300 s */
	uint32_t net_timeout_s;      /* to connect, and without data (bound.h); 0: $PROMOTE_NET_TIMEOUT, else 30 */
	const char *ca_bundle;       /* the CA certificates to verify with (a PEM file); NULL: the system's */
	const char *user_agent;      /* NULL: "git/2.0 (libpromote)", as git's own transport */
	/* On a connection of its own, not one kept from an earlier request: when a
	 * kept connection closes without an answer, libcurl sends the request again
	 * by itself, which a POST that the server may have acted on must not be. */
	bool fresh_connection;
} promote__http_request;

typedef struct promote__http_response {
	long status;
	promote_buf body;
	char content_type[128];
	promote_buf headers;         /* the final answer's header lines, "Name: value\r\n" each (at most 64 KiB) */
	/* Set on failure too: whether any byte of the request was sent (a POST
	 * that was not may be sent again), and whether the TLS certificate did
	 * not verify (or the CA bundle could not be read). */
	bool request_sent;
	bool tls_failed;
} promote__http_response;

/* A client: requests made with one reuse its connections (one TCP and TLS
 * handshake for a push's two requests). Used by one thread at a time. */
typedef struct promote__http_client promote__http_client;

int promote__http_client_new(promote__http_client **out);
void promote__http_client_free(promote__http_client *client);

/*
 * Run `req` with `client`. 0 with `out` filled, whatever the HTTP status
 * (the caller decides what a 401 or a 404 means); PROMOTE_ENET when there is
 * no answer (connection, TLS, the whole transfer's bound), PROMOTE_ETIMEOUT
 * when no connection was made or no data came within the network's bound
 * (the host named), PROMOTE_ELIMIT when the body passes
 * the bound, PROMOTE_ENOMEM. Release `out` with
 * promote__http_response_dispose().
 */
int promote__http_run(promote__http_client *client, promote__http_response *out, const promote__http_request *req);
void promote__http_response_dispose(promote__http_response *res);

/* The value of the answer's first header `name` (any case), blanks around it
 * cut: a malloc'd string, or NULL when there is none (or out of memory). */
char *promote__http_header(const promote__http_response *res, const char *name);

#endif
