/* A repository's loose refs packed once there are many (refs_pack.h). */
#define _DEFAULT_SOURCE /* d_type */
#include "refs_pack.h"
#include "locks.h"

#include "core/strbuf.h"
#include "core/strutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Folders deeper than this below refs/ are left alone. */
#define DEPTH_MAX 32

typedef struct counting {
	size_t count, limit;
} counting;

/* A ref's lock file is no ref. 1 stops the walk at the limit. */
static int count_ref(const char *path, const char *name, const struct stat *st, void *payload)
{
	(void)path, (void)st;
	counting *c = payload;
	c->count += !promote__git_is_lock_name(name);
	return c->count >= c->limit;
}

bool promote__git_refs_loose_many(const char *gitdir, size_t at_least)
{
	size_t len = strlen(gitdir);
	char *refs = promote__strdupf("%s%srefs", gitdir, len && gitdir[len - 1] == '/' ? "" : "/");
	counting c = { 0, at_least };
	int walked = refs ? promote__git_files_each(refs, true, count_ref, &c) : 0;
	free(refs);
	if (walked < 0)
		promote_error_clear();
	return walked >= 0 && c.count >= at_least;
}

/* Remove the empty folders below `dir`, deepest first, and `dir` itself when it is then empty and at least
 * `depth` 2 (refs/ and refs/NAME/ stay, as git's pack-refs spares them). A folder that holds something is
 * left: rmdir() says so (and a file a file system did not say was one: opendir() and rmdir() refuse it). */
static void remove_empty(const char *dir, int depth)
{
	DIR *d = depth <= DEPTH_MAX ? opendir(dir) : NULL;
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			bool folder = e->d_type == DT_DIR || e->d_type == DT_UNKNOWN;
			if (!folder || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *sub = promote__strdupf("%s/%s", dir, e->d_name);
			if (sub)
				remove_empty(sub, depth + 1);
			free(sub);
		}
		closedir(d);
	}
	if (depth >= 2)
		rmdir(dir);
}

bool promote__git_refs_pack(git_repository *repo)
{
	git_refdb *db = NULL;
	bool packed = git_repository_refdb(&db, repo) == 0 && git_refdb_compress(db) == 0;
	git_refdb_free(db);
	if (!packed)
		git_error_clear();
	/* libgit2 leaves the folders of the refs it packed (a release's leases are one folder each), and every
	 * fetch walks them. */
	char *refs = packed ? promote__strdupf("%srefs", git_repository_path(repo)) : NULL;
	if (refs)
		remove_empty(refs, 0);
	free(refs);
	return packed;
}
