/*
 * The token a provider or backend sends to its server's API: read from the
 * environment, else asked of the context's credentials callback (its answer's
 * password), and made into the request header — one lookup for every forge,
 * Argo CD and Argo Workflows, so each finds, words and wipes it the same way.
 */
#ifndef PROMOTE_PROVIDERS_API_TOKEN_H
#define PROMOTE_PROVIDERS_API_TOKEN_H

#include "core/common.h"
#include "net/api.h"

typedef struct promote__api_token_source {
	const char *service;        /* who the token is for, said when there is none: "GitHub", "Argo CD" */
	const char *variables[2];   /* the environment variables read, in order; the second may be NULL */
	const char *header_format;  /* the whole header, "%s" the token: "Authorization: Bearer %s" */
	const char *help;           /* what the token must be: "a token that may write contents ..." */
	int error_class;            /* a promote_error_class */
} promote__api_token_source;

/*
 * The header (malloc'd; give it to promote__api_token_header_free) for a
 * request to `url`. PROMOTE_EAUTH when neither the environment nor the
 * callback has a token, saying where to put one and what it must be allowed;
 * a callback's error as it is.
 */
int promote__api_token_header(char **out, const promote__api_token_source *source, promote_context *ctx,
	const char *url);

/* Wipe and free a header of promote__api_token_header; NULL is fine. */
void promote__api_token_header_free(char *header);

/* A client (lib/net) of the API at `server` sending the token `source` says
 * (its header wiped once the client has it): the context's network timeout,
 * TLS verified unless `insecure`. The codes of promote__api_token_header()
 * and promote__api_new(). */
int promote__api_open(promote__api **out, const promote__api_token_source *source, promote_context *ctx,
	const char *server, promote__api_flavor flavor, bool insecure);

#endif
