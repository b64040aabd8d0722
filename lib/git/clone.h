/*
 * Internal: an ordinary (non-bare) clone as git's own commands see it — the
 * remote its current branch pulls from, and its checked-out branch moved as
 * `git commit` moves it (the index and the work tree follow).
 */
#ifndef PROMOTE_GIT_CLONE_H
#define PROMOTE_GIT_CLONE_H

#include "repo.h"

/*
 * The remote a non-bare repository promotes into: its current branch's
 * (`branch.NAME.remote`), else `origin`. *name and *url receive copies
 * (freed by the caller); both NULL for a bare repository or one without
 * such a remote (then the repository itself is where changes land). A
 * relative path as the URL is taken from the work tree's root.
 */
int promote__git_upstream(char **name, char **url, git_repository *repo);

/* Is `ref` (a full name) the branch checked out in `repo`'s own work tree? */
bool promote__git_is_checked_out_here(git_repository *repo, const char *ref);

/*
 * Move the branch `ref` checked out in `repo`'s work tree from `expected` to
 * `target` as `git commit` would: the branch by compare-and-swap, then the
 * files that differ between the two commits written to the work tree and
 * the index, so that `git status` is clean afterwards. Refused with
 * PROMOTE_ESTATE, nothing written, when the work tree or the index has
 * changes to tracked files (anywhere: commit or stash them first), or an
 * untracked file stands where the commit writes one. PROMOTE_ECONFLICT when
 * the branch moved meanwhile.
 */
int promote__git_commit_checked_out(git_repository *repo, const char *ref, const git_oid *target,
	const git_oid *expected, const char *reflog);

#endif
