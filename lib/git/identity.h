/*
 * Internal: who promote's commits are by, found as git finds it — the
 * caller's choice or $PROMOTE_AUTHOR_NAME / $PROMOTE_AUTHOR_EMAIL first
 * (author and committer alike), then $GIT_AUTHOR_* / $GIT_COMMITTER_*,
 * then the configuration (author.* / committer.*, then user.*) of the
 * repository, which libgit2 layers over the global, XDG and system files
 * (for a cached mirror, whose own file names nobody, the user's global
 * configuration is what applies), then $EMAIL for the address, then
 * "promote" <promote@localhost>.
 */
#ifndef PROMOTE_GIT_IDENTITY_H
#define PROMOTE_GIT_IDENTITY_H

#include "commit_info.h"

#include <git2.h>

typedef struct promote__git_identity {
	char *author_name;
	char *author_email;
	char *committer_name;
	char *committer_email;
} promote__git_identity;

/* Fill `out` for commits made in `repo` (may be NULL: no configuration);
 * `name` and `email` (may be NULL) are the caller's choice. Release with
 * promote__git_identity_dispose() (also after a failure). */
int promote__git_identity_read(promote__git_identity *out, git_repository *repo, const char *name, const char *email);
void promote__git_identity_dispose(promote__git_identity *id);

/* The author and committer signatures of `info` (the committer is the
 * author when info names none), dated info->time or now. libgit2's code. */
int promote__git_signatures(git_signature **author, git_signature **committer, const promote__git_commit_info *info);

#endif
