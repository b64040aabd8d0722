/*
 * Internal: an object's bytes read straight from the object database's
 * backends, as git reads them. libgit2's git_odb_read() hashes every
 * object it reads a second time to check its id, which costs as much as
 * inflating it: a monorepo's folder of 10,000 applications (360 KiB) was
 * hashed again each time a commit, a push or a plan read it. The objects of
 * a repository were hashed when they came (a fetch's index-pack, our own
 * commits), and zlib's checksum still catches a damaged one.
 */
#ifndef PROMOTE_GIT_ODB_RAW_H
#define PROMOTE_GIT_ODB_RAW_H

#include "core/common.h"

#include <git2.h>
#include <git2/sys/odb_backend.h>

typedef struct promote__git_raw {
	const unsigned char *data;
	size_t size;
	git_object_t type;
	/* who owns `data`: a backend's buffer, (read the usual way) an object of the database, or a holder
	 * that release() lets go of (a tree of the cache, tree_cache.h) */
	git_odb_backend *backend;
	void *owned;
	git_odb_object *object;
	void (*release)(void *holder);
	void *holder;
} promote__git_raw;

#define PROMOTE__GIT_RAW_INIT { NULL, 0, GIT_OBJECT_INVALID, NULL, NULL, NULL, NULL, NULL }

/*
 * `id` from the first backend of `odb` that has it; read with
 * git_odb_read() when none has (a pack written since the database last
 * looked, which git_odb_read() refreshes). A libgit2 error code (its error
 * set): GIT_ENOTFOUND when no one has it. *out empty on failure.
 */
int promote__git_raw_read(promote__git_raw *out, git_odb *odb, const git_oid *id);

void promote__git_raw_dispose(promote__git_raw *raw);

#endif
