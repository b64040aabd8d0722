/* The other repositories of a context's environments (repo_set.h). */
#include "repo_set.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "git/mirror.h"
#include "git/session.h"

#include <stdlib.h>
#include <string.h>

/* A branch's tip as the session said it, kept for the entry's life. */
struct promote__repo_tip {
	struct promote__repo_tip *next;
	promote__commit_id commit;
	char branch[];
};

promote__repo_entry *promote__repo_set_find(promote__repo_set *set, const char *url)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i]->url, url) == 0)
			return set->items[i];
	return NULL;
}

int promote__repo_set_add(promote__repo_entry **out, promote__repo_set *set, const char *url, const char *location,
	bool here)
{
	promote__repo_entry **grown = realloc(set->items, (set->count + 1) * sizeof *grown);
	if (!grown)
		return promote__error_oom();
	set->items = grown;
	promote__repo_entry *e = calloc(1, sizeof *e);
	if (!e || !(e->url = strdup(url)) || !(e->location = strdup(location))) {
		if (e)
			free(e->url);
		free(e);
		return promote__error_oom();
	}
	e->here = here;
	*out = set->items[set->count++] = e;
	return 0;
}

static const promote__tree_reader *base_of(const promote__repo_entry *e)
{
	return promote__git_session_reader(e->session);
}

static int head_branch(char **out, void *self)
{
	promote__repo_entry *e = self;
	int rc = e->head ? 0 : base_of(e)->head_branch(&e->head, base_of(e)->self);
	if (rc == 0 && !(*out = strdup(e->head)))
		rc = promote__error_oom();
	return rc;
}

static int tip(promote__commit_id *out, void *self, const char *branch)
{
	promote__repo_entry *e = self;
	for (const struct promote__repo_tip *t = e->tips; t; t = t->next)
		if (strcmp(t->branch, branch) == 0) {
			*out = t->commit;
			return 0;
		}
	int rc = base_of(e)->tip(out, base_of(e)->self, branch);
	struct promote__repo_tip *t = rc == 0 ? malloc(sizeof *t + strlen(branch) + 1) : NULL;
	if (t) { /* (not kept when out of memory: asked again next time) */
		t->commit = *out;
		strcpy(t->branch, branch);
		t->next = e->tips;
		e->tips = t;
	}
	return rc;
}

static int read_file(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit, const char *path,
	size_t max)
{
	const promote__repo_entry *e = self;
	return base_of(e)->read(out, mode, base_of(e)->self, commit, path, max);
}

static int list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb, void *payload)
{
	const promote__repo_entry *e = self;
	return base_of(e)->list(base_of(e)->self, commit, path, cb, payload);
}

static int parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	const promote__repo_entry *e = self;
	return base_of(e)->parent(out, base_of(e)->self, commit);
}

int promote__repo_set_reader(const promote__tree_reader **out, promote__repo_entry *e,
	const struct promote__git_location *where)
{
	*out = NULL;
	if (!e->session) {
		int rc = promote__git_session_open(&e->session, where);
		if (rc)
			return rc;
		e->reader = (promote__tree_reader){ head_branch, tip, read_file, list, parent, e, NULL };
	}
	*out = &e->reader;
	return 0;
}

void promote__repo_set_dispose(promote__repo_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		promote__repo_entry *e = set->items[i];
		while (e->tips) {
			struct promote__repo_tip *next = e->tips->next;
			free(e->tips);
			e->tips = next;
		}
		free(e->head);
		free(e->url);
		free(e->location);
		promote__git_session_free(e->session);
		free(e);
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
