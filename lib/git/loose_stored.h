/*
 * Internal: a loose object whose zlib stream stores its bytes as they are
 * (zlib's level 0), as promote writes a large tree (loose_object.h), read
 * back in one pass. libgit2's loose reader reads the file into one buffer,
 * inflates it into a second and the tree cache copied it into a third: for
 * a folder of 10,000 applications (360 KiB), three times a release, that
 * was 2 ms each, most of it in page faults of fresh memory. Here the file
 * is read into the buffer the cache keeps, and the stored blocks are joined
 * in place.
 */
#ifndef PROMOTE_GIT_LOOSE_STORED_H
#define PROMOTE_GIT_LOOSE_STORED_H

#include "core/common.h"

#include <git2.h>

/*
 * The loose object `id` of the objects folder `objects_dir` (ending with
 * '/'): 0 with *data (malloc'd, the caller's) holding its *size bytes and
 * *type. GIT_ENOTFOUND when there is no such file; GIT_PASSTHROUGH when it
 * is smaller than the trees promote stores (PROMOTE__GIT_STORED_TREE_MIN,
 * loose_object.h: only its size is read), or is not a stream of stored
 * blocks with a valid checksum and header (a deflated object, or a damaged
 * one): libgit2's reader then reads it, or says what is wrong. No error is
 * set.
 */
int promote__git_loose_read_stored(unsigned char **data, size_t *size, git_object_t *type, const char *objects_dir,
	const git_oid *id);

#endif
