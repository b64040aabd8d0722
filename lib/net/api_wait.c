/* When to try an API call again (see api_wait.h). */
#include "api_wait.h"
#include "curl_api.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* GitHub's documentation: without Retry-After, a secondary limit's wait is at least a minute. */
#define SECONDARY_WAIT_S 60
/* Longer waits are all "too long" alike; the bound keeps the milliseconds from overflowing. */
#define WAIT_MAX_S (400LL * 86400)

int64_t promote__retry_after_s(const char *value, int64_t now)
{
	if (!value || !*value)
		return -1;
	char *end = NULL;
	long long s = strtoll(value, &end, 10);
	if (end != value && *end == '\0')
		return s < 0 ? 0 : s > WAIT_MAX_S ? WAIT_MAX_S : s;
	const promote__curl_api *curl = promote__curl();
	time_t when = curl ? curl->getdate(value, NULL) : (time_t)-1;
	if (when == (time_t)-1)
		return -1;
	int64_t left = (int64_t)when > now ? (int64_t)when - now : 0;
	return left > WAIT_MAX_S ? WAIT_MAX_S : left;
}

/* A header holding a non-negative integer, or -1. */
static int64_t header_int(const promote__http_response *res, const char *name)
{
	char *v = promote__http_header(res, name);
	char *end = NULL;
	long long n = v && *v ? strtoll(v, &end, 10) : -1;
	if (!end || *end != '\0' || n < 0)
		n = -1;
	free(v);
	return n;
}

static bool contains_nocase(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (; text && *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return true;
	return false;
}

/* A primary limit spent: "REMAINING: 0" with "RESET: epoch seconds" (GitHub's
 * X-RateLimit-*, GitLab's RateLimit-*). */
static bool spent(promote__api_pause *out, const promote__http_response *res, const char *remaining,
	const char *reset, int64_t now)
{
	if (header_int(res, remaining) != 0)
		return false;
	int64_t at = header_int(res, reset);
	out->rate_limit = out->retry = out->refused = true;
	if (at >= 0) {
		int64_t left = at > now ? at - now : 0;
		out->wait_ms = (left > WAIT_MAX_S ? WAIT_MAX_S : left) * 1000;
		out->reset_at = now + out->wait_ms / 1000;
	}
	return true;
}

void promote__api_pause_of(promote__api_pause *out, bool github, bool gitlab, long status,
	const promote__http_response *res, const char *message, int64_t now)
{
	*out = (promote__api_pause){ false, false, false, -1, 0 };
	char *ra = promote__http_header(res, "Retry-After");
	int64_t after = promote__retry_after_s(ra, now);
	free(ra);
	if (status == 403 || status == 429) {
		if (after < 0 && github)
			spent(out, res, "X-RateLimit-Remaining", "X-RateLimit-Reset", now);
		if (after < 0 && gitlab && !out->rate_limit)
			spent(out, res, "RateLimit-Remaining", "RateLimit-Reset", now);
		if (!out->rate_limit && github && status == 403 && after < 0 &&
			contains_nocase(message, "secondary rate limit")) {
			out->rate_limit = out->retry = out->refused = true;
			after = SECONDARY_WAIT_S;
		}
		if (status == 429 || (status == 403 && after >= 0 && (github || gitlab)))
			out->rate_limit = out->retry = out->refused = true;
	} else if (status == 503) {
		out->retry = true;
		out->refused = after >= 0;
	} else if (status == 500 || status == 502 || status == 504) {
		out->retry = true;
	}
	if (out->retry && after >= 0) {
		out->wait_ms = after * 1000;
		out->reset_at = now + after;
	}
}
