/* A repository's loose refs packed once there are many (refs_pack.h). */
#include "refs_pack.h"
#include "locks.h"

#include "core/strbuf.h"

#include <stdlib.h>

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

bool promote__git_refs_pack_if_many(git_repository *repo, size_t at_least)
{
	char *refs = promote__strdupf("%srefs", git_repository_path(repo));
	counting c = { 0, at_least };
	int walked = refs ? promote__git_files_each(refs, true, count_ref, &c) : 0;
	free(refs);
	if (walked < 0 || c.count < at_least) {
		promote_error_clear();
		return false;
	}
	git_refdb *db = NULL;
	bool packed = git_repository_refdb(&db, repo) == 0 && git_refdb_compress(db) == 0;
	git_refdb_free(db);
	if (!packed)
		git_error_clear();
	return packed;
}
