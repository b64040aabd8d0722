/*
 * Internal: what an API's answer says about trying again — whether to, how
 * long to wait first (Retry-After, a rate limit's reset) and whether the
 * server said it did not act on the request (see api.h for the rules).
 */
#ifndef PROMOTE_NET_API_WAIT_H
#define PROMOTE_NET_API_WAIT_H

#include "http.h"

typedef struct promote__api_pause {
	bool retry;         /* the answer asks for another attempt */
	bool refused;       /* the server said it did not act: 429, a rate limit, 503 with Retry-After */
	bool rate_limit;    /* a rate limit (GitHub's primary or secondary, GitLab's, a 429) */
	int64_t wait_ms;    /* the pause the server asked for; -1: none said (back off) */
	int64_t reset_at;   /* when the wait ends, Unix seconds; 0 when none was said */
} promote__api_pause;

/* The pause for an answer of `status` with `res`'s headers, `message` the
 * API's own message (NULL: none), at `now` (Unix seconds); `github`: read
 * GitHub's X-RateLimit-* and secondary limit, `gitlab`: GitLab's RateLimit-*. */
void promote__api_pause_of(promote__api_pause *out, bool github, bool gitlab, long status,
	const promote__http_response *res, const char *message, int64_t now);

/* A Retry-After value, seconds or an HTTP-date, as the seconds to wait from
 * `now`; -1 when it is neither. */
int64_t promote__retry_after_s(const char *value, int64_t now);

#endif
