/*
 * Internal: objects written to a repository's loose objects by promote, as
 * libgit2 writes them (a temporary file in the object's folder — git's
 * "tmp_obj_" name, which git's prune removes if left behind — made read-only,
 * then renamed into place), with two differences that matter at every
 * commit a release makes:
 *
 * - A new object is not first looked for in packs added on disk since:
 *   git_odb_write() rescans the pack folder for every new object.
 * - zlib's state is sized to the object (deflate.h), not cleared at 256 KiB
 *   for a record of a few hundred bytes; and a large tree, which is names
 *   and ids, can be stored as it is inside the zlib stream (zlib's level 0:
 *   a valid stream git and libgit2 read like any other). A folder of 10,000
 *   applications is 360 KiB that zlib's fastest level shrinks by a third in
 *   5.8 ms; stored, 0.2 ms, and read back in 0.14 ms instead of 1 ms.
 *   libgit2's loose writer takes a compression level, but reads 0 as "no
 *   zlib stream at all", which writes an object nothing can read.
 */
#ifndef PROMOTE_GIT_LOOSE_OBJECT_H
#define PROMOTE_GIT_LOOSE_OBJECT_H

#include "core/common.h"

#include <git2.h>

/* The smallest tree promote writes stored (tree_patch.c); a smaller one is deflated. */
#define PROMOTE__GIT_STORED_TREE_MIN ((size_t)16 << 10)

/*
 * Write `data` (`size` bytes, of type `type`, whose id is `id`, computed by
 * the caller) as a loose object of `repo`, deflated, or `stored`. An object
 * already there has the same bytes, and is replaced. 0, or -1 with libgit2's
 * error set.
 */
int promote__git_loose_write(git_repository *repo, const git_oid *id, git_object_t type, const void *data,
	size_t size, bool stored);

/*
 * git_odb_write() of `data` into `odb`, the database of `repo`: its id into
 * *out; an object the database has is kept (and freshened, as libgit2 does,
 * so that git's prune spares it), a new one written by
 * promote__git_loose_write(). libgit2's codes.
 */
int promote__git_object_write(git_oid *out, git_repository *repo, git_odb *odb, git_object_t type, const void *data,
	size_t size);

/* git_blob_create_from_buffer(), written as promote__git_object_write() writes. */
int promote__git_blob_write(git_oid *out, git_repository *repo, const void *data, size_t size);

/* git_commit_create() without moving a ref (the same bytes: git_commit_create_buffer()), written as
 * promote__git_object_write() writes. */
int promote__git_commit_write(git_oid *out, git_repository *repo, const git_signature *author,
	const git_signature *committer, const char *message, const git_tree *tree, size_t parent_count,
	const git_commit **parents);

#endif
