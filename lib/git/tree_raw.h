/*
 * Internal: a tree's entries read as git stores them — "MODE NAME\0" and the
 * 20 bytes of the entry's id, sorted in git's order — without libgit2's
 * parse into a tree object (a folder of 10,000 applications is 360 KiB of
 * entries). One reader for every walk over stored trees: the patch of a
 * commit's trees, the push's walk, the lookup of a file at a commit.
 */
#ifndef PROMOTE_GIT_TREE_RAW_H
#define PROMOTE_GIT_TREE_RAW_H

#include "core/common.h"

#include <git2.h>
#include <stdbool.h>

typedef struct promote__git_tree_entry_raw {
	const char *name;
	size_t len;
	git_filemode_t mode;     /* its octal digits read; 0 where they are not octal */
	const unsigned char *id; /* the 20 bytes of its id, inside the tree */
} promote__git_tree_entry_raw;

/*
 * The entry at byte *at of `tree` (`size` bytes), *at moved past it; false at
 * the end, or where the tree is not one git wrote (*at then short of `size`).
 */
bool promote__git_tree_raw_next(promote__git_tree_entry_raw *e, const unsigned char *tree, size_t size, size_t *at);

/*
 * The entry `name` (len bytes) looked for from byte *from on, then from the
 * start; *from moves past it, so that names looked for in git's order are
 * found soon. false when absent or the tree is malformed.
 */
bool promote__git_tree_raw_find(promote__git_tree_entry_raw *e, const unsigned char *tree, size_t size, size_t *from,
	const char *name, size_t len);

/*
 * How many bytes of whole entries `a` and `b` (each the entries of a tree
 * from one entry's start on, a_size and b_size bytes) begin with alike: the
 * same bytes from two entries' starts are the same entries, so these are
 * found by comparing bytes and walking only the entries' ends, not by
 * pairing entry by entry (a folder of 10,000 applications where one changed).
 */
size_t promote__git_tree_raw_same(const unsigned char *a, size_t a_size, const unsigned char *b, size_t b_size);

/* git's order of a tree's entries: by name, a folder's as if it ended in '/'. */
int promote__git_tree_raw_order(const promote__git_tree_entry_raw *a, const promote__git_tree_entry_raw *b);

/* git's id of the large tree `tree` (`size` bytes): the SHA-1 of "tree SIZE\0" and its bytes by OpenSSL's
 * SHA-1, not libgit2's collision-detecting one (360 KiB: 0.2 ms, not 3 ms). 0, or GIT_ERROR with libgit2's
 * error set. */
int promote__git_large_tree_id(git_oid *out, const unsigned char *tree, size_t size);

#endif
