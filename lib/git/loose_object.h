/*
 * Internal: an object written to a repository's loose objects with its bytes
 * stored as they are inside the zlib stream (zlib's level 0: a valid stream
 * that git and libgit2 read like any other).
 *
 * For large trees, which are names and ids: a folder of 10,000 applications
 * is 360 KiB that zlib's fastest level shrinks by a third in 5.8 ms, while
 * storing it takes 0.2 ms, and reading it back 0.14 ms instead of 1 ms.
 * libgit2's loose writer takes a compression level, but reads 0 as "no
 * zlib stream at all", which writes an object nothing can read.
 */
#ifndef PROMOTE_GIT_LOOSE_OBJECT_H
#define PROMOTE_GIT_LOOSE_OBJECT_H

#include "core/common.h"

#include <git2.h>

/*
 * Write `data` (`size` bytes, of type `type`, whose id is `id`, computed by
 * the caller) as a loose object of `repo`, as libgit2 writes one: into a
 * temporary file in the object's folder (git's "tmp_obj_" name, which git's
 * prune removes if left behind), made read-only, then renamed into place (an
 * object already there has the same bytes). 0, or -1 with libgit2's error set.
 */
int promote__git_loose_write_stored(git_repository *repo, const git_oid *id, git_object_t type, const void *data,
	size_t size);

#endif
