#include "strutil.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Optimal string alignment distance, rows of at most PROMOTE__SUGGEST_MAX
 * characters compared (longer words are never typos of our short key names
 * anyway). */
size_t promote__edit_distance(const char *a, const char *b)
{
	enum { MAX = PROMOTE__SUGGEST_MAX };
	size_t n = strlen(a), m = strlen(b);
	if (n > MAX || m > MAX)
		return (size_t)-1;
	size_t d[MAX + 1][MAX + 1];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
				d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *promote__suggest(const char *word, const char *const *candidates, size_t count)
{
	const char *best = NULL;
	size_t best_distance = (size_t)-1;
	for (size_t i = 0; i < count; i++) {
		size_t distance = promote__edit_distance(word, candidates[i]);
		size_t longer = strlen(word) > strlen(candidates[i]) ? strlen(word) : strlen(candidates[i]);
		size_t allowed = longer / 3 ? longer / 3 : 1;
		if (distance <= allowed && distance < best_distance) {
			best = candidates[i];
			best_distance = distance;
		}
	}
	return best;
}

const char *promote__did_you_mean(const char *word, const char *const *candidates, size_t count)
{
	/* A suggestion is at most PROMOTE__SUGGEST_MAX bytes (a longer one has no
	 * edit distance), so the sentence always fits: nothing is ever cut. */
	static _Thread_local char text[sizeof " (did you mean ''?)" + PROMOTE__SUGGEST_MAX];
	const char *best = promote__suggest(word, candidates, count);
	if (!best)
		return "";
	snprintf(text, sizeof text, " (did you mean '%s'?)", best);
	return text;
}

long promote__env_seconds(const char *name, long max, long fallback)
{
	const char *env = getenv(name);
	char *end = NULL;
	long s = env && *env ? strtol(env, &end, 10) : -1;
	return env && *env && end && *end == '\0' && s >= 0 && s <= max ? s : fallback;
}

const char *promote__scp_like_colon(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	return colon && colon != url && (!slash || colon < slash) ? colon : NULL;
}

bool promote__kubernetes_name(const char *name)
{
	size_t n = strlen(name);
	bool ok = n > 0 && n <= 253 && isalnum((unsigned char)name[0]) && isalnum((unsigned char)name[n - 1]);
	for (const char *p = name; ok && *p; p++)
		ok = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.';
	return ok;
}

char *promote__last_line(const char *text, size_t size, size_t max)
{
	const char *p = text ? text : "";
	size_t end = text ? size : 0;
	while (end && (p[end - 1] == '\n' || p[end - 1] == '\r' || p[end - 1] == ' '))
		end--;
	size_t start = end;
	while (start && p[start - 1] != '\n' && end - start < max)
		start--;
	char *line = malloc(end - start + 1);
	if (line) {
		memcpy(line, p + start, end - start);
		line[end - start] = '\0';
	}
	return line;
}

size_t promote__common_prefix(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i = 0;
	for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
		uint64_t x, y;
		memcpy(&x, a + i, sizeof x);
		memcpy(&y, b + i, sizeof y);
		if (x != y)
			break;
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

size_t promote__common_suffix(const unsigned char *a_end, const unsigned char *b_end, size_t n)
{
	size_t i = 0;
	for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
		uint64_t x, y;
		memcpy(&x, a_end - i - sizeof x, sizeof x);
		memcpy(&y, b_end - i - sizeof y, sizeof y);
		if (x != y)
			break;
	}
	while (i < n && a_end[-1 - (ptrdiff_t)i] == b_end[-1 - (ptrdiff_t)i])
		i++;
	return i;
}
