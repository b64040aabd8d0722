/* Internal: a commit of file edits on a parent, written without a work tree. */
#ifndef PROMOTE_GIT_COMMIT_H
#define PROMOTE_GIT_COMMIT_H

#include "repo.h"

/*
 * A commit on `parent` applying `edits`. *created is false (and *out the
 * parent) when the edits change nothing: promotion is idempotent. Paths are
 * relative ("envs/dev/values.yaml"), without "." or ".." components. A
 * commit of many files stores its objects as one pack, which `keep` (may be
 * NULL: the pack is not kept) then holds for the commit's push; what it held
 * before is forgotten either way.
 */
int promote__git_commit(git_oid *out, bool *created, git_repository *repo, const git_oid *parent,
	const promote__git_edit *edits, size_t count, const promote__git_commit_info *info, promote__git_pack_kept *keep);

#endif
