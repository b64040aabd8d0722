/*
 * Internal: a REST/JSON client for forges (GitHub, GitLab, Gitea) and Argo CD,
 * over one libcurl client (http.h) whose connections are kept between calls.
 *
 * What a call guarantees:
 * - Retries, jittered and doubling from `backoff_ms`, at most `max_attempts`
 *   requests per call, on: no answer (connection refused or reset, TLS
 *   handshake, the network's bound), 500, 502, 503, 504 (never 501 or other
 *   5xx), 429, and a rate limit (below). A `Retry-After` (seconds or an
 *   HTTP-date) is honoured as the pause before the next attempt.
 * - Rate limits: GitHub's primary limit (403 or 429 with
 *   `X-RateLimit-Remaining: 0`: the pause lasts until `X-RateLimit-Reset`,
 *   epoch seconds), its secondary limit (403 with `Retry-After`, or a body
 *   whose message holds "secondary rate limit": `Retry-After`, else 60 s, as
 *   GitHub's documentation asks), GitLab's (`RateLimit-Remaining: 0` and
 *   `RateLimit-Reset`). A pause longer than `max_wait_s` is not taken: the
 *   call fails at once with PROMOTE_EBUSY and a message saying when the limit
 *   resets (a caller may come back then) — EBUSY, not ETIMEOUT, because
 *   nothing ran out: the server is busy for us until then.
 * - Non-idempotent requests: a POST is sent again only when the server cannot
 *   have acted on it — no byte of the request left (no connection, a TLS
 *   handshake that failed), or the answer says it was refused unprocessed
 *   (429, a rate limit, 503 with Retry-After). A POST that got no answer
 *   after it was sent, or a 500/502/504, is not repeated (a second pull
 *   request or a second sync could follow): PROMOTE_ENET, the caller reads
 *   the state and decides. GET, PUT, PATCH and DELETE are retried: the APIs
 *   this serves define them as setting a state (PATCH sets the fields it
 *   names; PUT .../merge carries the head's sha). A POST goes on a connection
 *   of its own: on a kept one that closes without an answer, libcurl would
 *   send it again by itself.
 * - A budget of `max_requests` requests per host for the client's life,
 *   retries included: the next one fails with PROMOTE_ELIMIT, so one run
 *   cannot spend a token's whole quota.
 * - Bounds: the response's size (`max_response`, PROMOTE_ELIMIT past it);
 *   the network's bound (bound.h); JSON nested at most 64 deep.
 * - The authentication header goes only to the host of `base_url` (an
 *   absolute URL on another host is refused, PROMOTE_EINVALID) and its value
 *   is never shown: every message of this client has it replaced by "***",
 *   even when a server echoes it; nothing traces the request's headers
 *   (libcurl's verbose mode is never turned on; `trace` gets outcomes only).
 * - TLS verified against `ca_bundle`, else $PROMOTE_CA_BUNDLE, else the
 *   system's store; off only with `insecure`. A certificate that does not
 *   verify fails naming the host and how to give a CA bundle.
 * - Proxies: libcurl's own reading of http_proxy, https_proxy, all_proxy and
 *   no_proxy (upper case too, save HTTP_PROXY) stays on: nothing here sets
 *   CURLOPT_PROXY or CURLOPT_NOPROXY.
 * - User agent "libpromote/VERSION"; Accept "application/json" (GitHub's
 *   "application/vnd.github+json" and "X-GitHub-Api-Version" for
 *   PROMOTE__API_GITHUB).
 *
 * A client is used by one thread at a time.
 */
#ifndef PROMOTE_NET_API_H
#define PROMOTE_NET_API_H

#include "core/common.h"

#include <json-c/json.h>

typedef enum promote__api_flavor {
	PROMOTE__API_GENERIC = 0,
	PROMOTE__API_GITHUB,
	PROMOTE__API_GITLAB,
	PROMOTE__API_GITEA,
	PROMOTE__API_ARGOCD
} promote__api_flavor;

typedef struct promote__api_options {
	const char *base_url;        /* "https://api.github.com", "http://127.0.0.1:4010/api/v3"; a trailing slash is dropped */
	const char *auth_header;     /* the whole header, "Authorization: Bearer T" or "PRIVATE-TOKEN: T"; NULL: none. Never shown */
	promote__api_flavor flavor;  /* which rate-limit headers to read */
	const char *ca_bundle;       /* a CA file; NULL: $PROMOTE_CA_BUNDLE, else the system's */
	bool insecure;               /* TLS not verified: only when a user said so by name */
	unsigned max_requests;       /* the budget of requests per host for this client's life; 0: 1000 */
	size_t max_response;         /* 0: 16 MiB */
	uint32_t net_timeout_s;      /* 0: $PROMOTE_NET_TIMEOUT, else 30 (bound.h) */
	unsigned max_attempts;       /* per call, the first included; 0: 5 */
	unsigned max_wait_s;         /* the longest pause honoured for Retry-After / a rate limit's reset; 0: 60.
				      * Longer: PROMOTE_EBUSY at once, saying when to retry */
	/* Added beyond the first contract. */
	unsigned backoff_ms;         /* the first pause between attempts without Retry-After; doubled each time,
				      * jittered (half to all of it), at most max_wait_s; 0: 1000 */
	/* How a pause is taken; NULL: nanosleep(). Tests record the pauses instead of waiting them out. */
	void (*sleep_ms)(unsigned ms, void *payload);
	void *sleep_payload;
	/* Each request's outcome, one line ("GET URL: HTTP 503, attempt 1 of 5; again in 850 ms"), for
	 * a caller's debug log; NULL: none. Never a header; the secret replaced by "***" as in errors. */
	void (*trace)(const char *line, void *payload);
	void *trace_payload;
} promote__api_options;

typedef struct promote__api promote__api;

/* A client for `options->base_url` (copied, with everything else it needs).
 * PROMOTE_EINVALID for a missing or non-http(s) base URL or an auth header
 * without "Name: value"; PROMOTE_ENOMEM; the codes of promote__need_curl(). */
int promote__api_new(promote__api **out, const promote__api_options *options);
void promote__api_free(promote__api *api);

typedef struct promote__api_reply {
	long status;         /* the last answer's HTTP status; 0: none */
	json_object *json;   /* the parsed body; NULL when the body is empty; owned by the reply */
	char *next;          /* the Link header's rel="next" URL (pagination), or NULL */
	char *etag;          /* or NULL */
} promote__api_reply;

/*
 * method: GET POST PUT PATCH DELETE. path: "/repos/o/r/pulls" (appended to
 * base_url; "" for base_url itself, a GraphQL endpoint) or an absolute URL on the same host (a `next` link). body: sent
 * as JSON (NULL: none). Returns 0 for 2xx (and 304), else a negative code
 * with a message naming the method, the redacted URL, the status and the
 * API's own message (GitHub's/Gitea's "message" and "errors", GitLab's
 * "message"/"error", Argo CD's "error"/"message"):
 *   401, 403 (not a rate limit)  PROMOTE_EAUTH: the token was refused or lacks permission
 *   404                          PROMOTE_ENOTFOUND
 *   405                          PROMOTE_ESTATE (GitHub: "not mergeable")
 *   409                          PROMOTE_ECONFLICT
 *   400, 422                     PROMOTE_EINVALID
 *   rate limited past max_wait_s PROMOTE_EBUSY (when it resets)
 *   transient, attempts spent    PROMOTE_ENET (PROMOTE_ETIMEOUT for the network's bound)
 *   more than max_response       PROMOTE_ELIMIT, and for the budget spent
 *   a 2xx body that is not JSON  PROMOTE_ERROR naming its content type
 *   any other status             PROMOTE_ERROR
 * All of class PROMOTE_ERROR_CLASS_NET. The reply is filled for non-2xx
 * answers too (callers read 404/409/422 bodies); dispose of it in every case.
 */
int promote__api_call(promote__api *api, promote__api_reply *out, const char *method, const char *path,
	json_object *body);
void promote__api_reply_dispose(promote__api_reply *reply);

/* promote__api_call() for a caller that wants only the answer's JSON: 0 and
 * *out the parsed body (the caller puts it; NULL for an empty one), or the
 * call's code with *out NULL; *status (when not NULL) the answer's HTTP
 * status in either case. */
int promote__api_call_json(promote__api *api, json_object **out, long *status, const char *method, const char *path,
	json_object *body);

/* A GET that asks the server for the body only if it changed since `etag`
 * (an earlier reply's, as it came; NULL or "": a plain GET). An unchanged
 * resource answers 304: 0, status 304, json NULL. GitHub does not count a 304
 * against the rate limit: for polling. Otherwise as promote__api_call(). */
int promote__api_get_if_changed(promote__api *api, promote__api_reply *out, const char *path, const char *etag);

/* How a failed call should be treated by its caller. */
typedef enum promote__api_class {
	PROMOTE__API_TRANSIENT = 1,  /* the same call may succeed later: no answer, 5xx, 429 */
	PROMOTE__API_NOT_READY,      /* the state is not there yet: a rate limit's wait (EBUSY), 405, 425 */
	PROMOTE__API_PERMANENT       /* calling again changes nothing: 4xx, a refused token, a bound */
} promote__api_class;

/* From a call's reply status (0: none) and its return code (not 0). */
promote__api_class promote__api_classify(long status, int rc);

#endif
