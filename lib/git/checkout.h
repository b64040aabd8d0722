/*
 * Internal: a scratch checkout — one folder of a commit written into a
 * folder on disk, for commands that need files (a deploy backend's checks).
 * No index and no work tree of the repository are involved: blobs become
 * files (the executable bit kept), symbolic links stay links (never
 * followed: every file is created below a folder opened without following
 * links), submodules become empty folders. A ".git" entry is not written,
 * so git commands run there never read a repository's configuration from it.
 */
#ifndef PROMOTE_GIT_CHECKOUT_H
#define PROMOTE_GIT_CHECKOUT_H

#include "core/common.h"

#include <git2.h>

/* How promote__git_write_folder() writes. */
enum {
	PROMOTE__CHECKOUT_MISSING_EMPTY = 1, /* no such folder: `dest` made empty, not PROMOTE_ENOTFOUND */
	PROMOTE__CHECKOUT_FILES_ONLY = 2     /* the folder's files, not its subfolders */
};

/*
 * Write the folder `path` ("" or "." for the root; "envs/dev") of `commit`
 * into `dest`, which is created with its missing parents and must not hold
 * any of the files written; `flags` are PROMOTE__CHECKOUT_* bits.
 * PROMOTE_ENOTFOUND when `commit` has no folder `path`; PROMOTE_EIO (naming
 * the file) when the disk refuses; PROMOTE_EGIT when an object cannot be
 * read; PROMOTE_ELIMIT for folders nested deeper than 256.
 */
int promote__git_write_folder(git_repository *repo, const git_oid *commit, const char *path, const char *dest,
	unsigned flags);

#endif
