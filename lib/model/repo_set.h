/*
 * Internal: the repositories a context's environments live in besides its
 * own, by the url their `repositories` entry gives: where each is, whether
 * it is the context's own after all, and a read-only session on it, opened
 * on first read (context_repos.c) and closed with the set.
 */
#ifndef PROMOTE_MODEL_REPO_SET_H
#define PROMOTE_MODEL_REPO_SET_H

#include "core/common.h"
#include "git/reader.h"

struct promote__git_location;
struct promote__git_session;
struct promote__repo_tip;

typedef struct promote__repo_entry {
	char *url;                            /* as configured */
	char *location;                       /* where it is: a relative path resolved */
	bool here;                            /* it is the context's repository */
	struct promote__git_session *session; /* NULL until first read; never for `here` */
	/* The session's view, its HEAD and branch tips read once: a repository only read is fetched once
	 * per context, so a sync of thousands of products asks git for its refs once, not per product. */
	promote__tree_reader reader;
	char *head;
	struct promote__repo_tip *tips;
} promote__repo_entry;

typedef struct promote__repo_set {
	promote__repo_entry **items;
	size_t count;
} promote__repo_set;

/* The entry of `url`, or NULL. */
promote__repo_entry *promote__repo_set_find(promote__repo_set *set, const char *url);

/* A new entry (the strings copied) in *out, valid until the set is disposed. */
int promote__repo_set_add(promote__repo_entry **out, promote__repo_set *set, const char *url, const char *location,
	bool here);

/* The reader of `e`'s repository, its session opened on `where` (its location: e->location) on first
 * request. The errors of promote__git_session_open(). */
int promote__repo_set_reader(const promote__tree_reader **out, promote__repo_entry *e,
	const struct promote__git_location *where);

/* Close every session, free every entry: empty and usable again. */
void promote__repo_set_dispose(promote__repo_set *set);

/* A URL (remote or file://) or an absolute path: taken as it is. */
bool promote__repo_is_absolute(const char *url);

/*
 * The relative path `rel` resolved against the folder or URL `base` into
 * *out (freed by the caller): each leading "../" takes a component off it
 * (a URL keeps its scheme and host; an scp-like "host:path" its host), "./"
 * nothing — as git resolves a submodule's relative URL. *out NULL (and 0)
 * when it climbs above the base's root.
 */
int promote__repo_resolve(char **out, const char *base, const char *rel);

#endif
