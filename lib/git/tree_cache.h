/*
 * Internal: the trees read or written lately, as git stores them, shared by
 * the process's threads. A release reads a file at each commit it makes:
 * through libgit2's trees, the new folder of a monorepo's 10,000
 * applications (360 KiB) was read back, hashed again and parsed at every
 * step, although the commit had just written it. Here the tree written is
 * kept, and a tree read is found in it by a binary search over its stored
 * entries.
 *
 * Keyed by id alone: a tree's bytes are the same in every repository that
 * has it. Bounded in entries and bytes, least recently used out first; a
 * tree still held by a reader stays alive until released.
 */
#ifndef PROMOTE_GIT_TREE_CACHE_H
#define PROMOTE_GIT_TREE_CACHE_H

#include "core/common.h"
#include "odb_raw.h"
#include "tree_raw.h"

#include <git2.h>

/*
 * The tree `id`, from the cache or read from `odb` (odb_raw.h), into *out,
 * which promote__git_raw_dispose() lets go of. Kept when it is large, or
 * whatever its size when `keep` (a folder above many files looked up). A
 * libgit2 error code (its error set), GIT_ENOTFOUND when `odb` has no
 * object `id`, GIT_ERROR when the object is not a tree.
 */
int promote__git_tree_read(promote__git_raw *out, git_odb *odb, const git_oid *id, bool keep);

/* The objects folder (ending with '/') of a repository a session opened: the large trees stored loose there
 * are read from it in one pass (loose_stored.h), and hashed, before libgit2 is asked. */
void promote__git_tree_cache_objects_at(const char *objects_dir);

/* The tree `id` just written, `data` (size bytes, from malloc()): the cache takes it when it is large,
 * else frees it. */
void promote__git_tree_written(const git_oid *id, unsigned char *data, size_t size);

/* The entry `name` (len bytes) of a tree read by promote__git_tree_read(): found by a binary search in a
 * kept tree, else by a walk. false when absent. */
bool promote__git_tree_lookup(promote__git_tree_entry_raw *e, const promote__git_raw *tree, const char *name,
	size_t len);

/* Every kept tree let go of (those still held go with their last reader): libgit2's stop. */
void promote__git_tree_cache_clear(void);

#endif
