/*
 * Internal: new ids for files that exist, written into their trees without a
 * tree builder. A promotion changes the content of files that are there
 * already, under folders of thousands of entries (one per application);
 * libgit2's tree builder parses every entry of each tree on the path into a
 * map, then sorts and writes them all again. Here each tree on the path is
 * copied as it is stored and the 20 bytes of the changed entry's id
 * replaced: the same tree, byte for byte, as the builder writes.
 */
#ifndef PROMOTE_GIT_TREE_PATCH_H
#define PROMOTE_GIT_TREE_PATCH_H

#include "core/common.h"

#include <git2.h>
#include <stdbool.h>

typedef struct promote__tree_patch {
	const char *path;     /* "envs/dev/apps/shop/values.yaml": a file of the tree */
	git_oid id;           /* its new blob */
	git_filemode_t mode;  /* the mode it must have already */
} promote__tree_patch;

/*
 * Write the tree `base` with the files `patches` given their new ids: *out
 * the new tree. *applicable false (nothing else done) when a patch is not
 * a plain replacement — its path is missing, or names a folder, or its mode
 * differs, or two patches name one file — which the tree builder does instead;
 * also when the object database fails, so that the builder says how.
 * PROMOTE_ENOMEM only. `into` (may be NULL: the repository's object
 * database): the backend the new trees are written to, straight (through
 * the object database, each new object makes it look for packs added on
 * disk since).
 */
int promote__git_tree_patch(git_oid *out, bool *applicable, git_repository *repo, const git_oid *base,
	const promote__tree_patch *patches, size_t count, git_odb_backend *into);

#endif
