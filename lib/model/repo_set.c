/* The other repositories of a context's environments (repo_set.h). */
#include "repo_set.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "git/mirror.h"
#include "git/session.h"

#include <stdlib.h>
#include <string.h>

promote__repo_entry *promote__repo_set_find(promote__repo_set *set, const char *url)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i].url, url) == 0)
			return &set->items[i];
	return NULL;
}

int promote__repo_set_add(promote__repo_entry **out, promote__repo_set *set, const char *url, const char *location,
	bool here)
{
	promote__repo_entry *grown = realloc(set->items, (set->count + 1) * sizeof *grown);
	if (!grown)
		return promote__error_oom();
	set->items = grown;
	promote__repo_entry e = { strdup(url), strdup(location), here, NULL };
	if (!e.url || !e.location) {
		free(e.url);
		free(e.location);
		return promote__error_oom();
	}
	set->items[set->count] = e;
	*out = &set->items[set->count++];
	return 0;
}

void promote__repo_set_dispose(promote__repo_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->items[i].url);
		free(set->items[i].location);
		promote__git_session_free(set->items[i].session);
	}
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

bool promote__repo_is_absolute(const char *url)
{
	return url[0] == '/' || strncmp(url, "file://", 7) == 0 || promote__git_is_remote(url);
}

int promote__repo_resolve(char **out, const char *base, const char *rel)
{
	*out = NULL;
	size_t n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--;
	const char *host = strstr(base, "://");
	size_t floor = host ? (size_t)(host - base) + 3 : 0; /* a URL keeps its scheme and host */
	for (;;) {
		if (strncmp(rel, "./", 2) == 0) {
			rel += 2;
		} else if (strcmp(rel, ".") == 0) {
			rel += 1;
		} else if (strncmp(rel, "../", 3) == 0 || strcmp(rel, "..") == 0) {
			size_t i = n;
			/* The last '/' (or an scp-like URL's ':') after the floor. */
			while (i > floor && base[i - 1] != '/' && (host || base[i - 1] != ':'))
				i--;
			if (i <= floor || (i == 1 && n == 1) || (base[i - 1] == ':' && i == n))
				return 0;
			/* "/x" climbs to "/", "host:x" to "host:" */
			n = base[i - 1] == ':' ? i : i > 1 ? i - 1 : 1;
			rel += rel[2] ? 3 : 2;
		} else {
			break;
		}
	}
	bool sep = base[n - 1] == '/' || base[n - 1] == ':';
	*out = *rel ? promote__strdupf("%.*s%s%s", (int)n, base, sep ? "" : "/", rel) : strndup(base, n);
	return *out ? 0 : promote__error_oom();
}
