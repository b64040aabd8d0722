/* A repository's loose refs packed once there are many (refs_pack.h). */
#include "refs_pack.h"
#include "locks.h"

#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

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

bool promote__git_refs_pack(git_repository *repo)
{
	git_refdb *db = NULL;
	bool packed = git_repository_refdb(&db, repo) == 0 && git_refdb_compress(db) == 0;
	git_refdb_free(db);
	if (!packed)
		git_error_clear();
	return packed;
}
