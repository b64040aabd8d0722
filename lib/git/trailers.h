/*
 * Internal: finding a commit again by the trailers its message carries
 * ("Promote-Release: ID", "Promote-Environment: ENV"), so that a release
 * resumed after a crash adopts the commit it made instead of making another.
 */
#ifndef PROMOTE_GIT_TRAILERS_H
#define PROMOTE_GIT_TRAILERS_H

#include "core/common.h"

#include <git2.h>

/* How many commits a search walks back from a branch's tip by default. */
#define PROMOTE__TRAILER_SEARCH_DEPTH 500u

/*
 * The newest commit on the first-parent line from `tip` (at most `depth`
 * commits, and none below `stop` when it is on that line: a commit known to
 * be older than any that could hold the lines; NULL: none) whose message
 * holds every line of `lines` (each a whole line, such as
 * "Promote-Release: shop-1.4.0-3fa9c1"), into *out. PROMOTE_ENOTFOUND (no
 * error set) when none does.
 */
int promote__git_find_by_trailers(git_oid *out, git_repository *repo, const git_oid *tip,
	const char *const *lines, size_t count, unsigned depth, const git_oid *stop);

#endif
