/*
 * Internal: the git layer on libgit2 — reading blobs at a commit and making
 * commits in memory, without a working tree. A commit is built from a list
 * of edits on a base commit; only the trees along the changed paths are
 * written (git_tree_create_updated), so its cost grows with the change, not
 * with the repository. Branches move by compare-and-swap on the expected old
 * value, the local equivalent of a push with a lease.
 *
 * The mirror cache, remote transports, push with retry and the providers
 * build on this (issue 5).
 */
#ifndef PROMOTE_GIT_REPO_H
#define PROMOTE_GIT_REPO_H

#include "core/common.h"
#include "commit_info.h"
#include "reader.h"

#include <git2.h>

/* One change of a commit: `path` gets `data` (size bytes) with `mode` (a
 * PROMOTE__MODE_*; 0 is a regular file), or is removed. */
typedef struct promote__git_edit {
	const char *path;
	const char *data;
	size_t size;
	bool remove;
	unsigned mode;
} promote__git_edit;

/* The thread's libgit2 error as ours (PROMOTE_EGIT, or ENOTFOUND, ECONFLICT,
 * EAUTH where libgit2 says so); `what` says what was being done to `subject`. */
int promote__git_failed(int git_rc, const char *what, const char *subject);

/* Open the repository at `path` (bare or not; no search upwards). */
int promote__git_open(git_repository **out, const char *path);

/* The reference HEAD names ("refs/heads/main"; its branch may be unborn) into
 * *target, borrowed from *head, which the caller frees; *target NULL when HEAD
 * is detached or missing. 0, or libgit2's code when HEAD is there but cannot
 * be read (EACCES, EIO, garbage): that error, not a HEAD naming no branch. */
int promote__git_head_target(const char **target, git_reference **head, git_repository *repo);

/* The commit branch `branch` ("main": refs/heads/main, never a tag or another
 * ref of that short name) points at. PROMOTE_ENOTFOUND when there is none. */
int promote__git_branch_tip(git_oid *out, git_repository *repo, const char *branch);

/* The tree of `commit` (freed by the caller); "cannot read commit" when it cannot be. */
int promote__git_tree_of(git_tree **out, git_repository *repo, const git_oid *commit);

/* The blob of `path` at `commit`, its size from the object's header (nothing
 * of its content is read) and its mode (one of PROMOTE__MODE_*; `mode` may be
 * NULL). PROMOTE_ENOTFOUND when there is no such file (or it is a folder). */
int promote__git_file_at(git_oid *blob, uint64_t *size, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path);

/* The bytes of `path` at `commit`: PROMOTE_ENOTFOUND when there is no such
 * file (or it is a folder), PROMOTE_ELIMIT — before it is read — when it
 * has more than `max` bytes. */
int promote__git_read(promote_buf *out, git_repository *repo, const git_oid *commit, const char *path, size_t max);

/* The same, and the file's mode in *mode (PROMOTE__MODE_FILE, _EXECUTABLE
 * or _LINK: a link's bytes are its target, never followed). */
int promote__git_read_file(promote_buf *out, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path, size_t max);

/*
 * Move branch `branch` to `target` if it still points at `expected` (NULL:
 * the branch must not exist yet); `target` NULL removes it if it still
 * points at `expected` (one that is not there is fine). PROMOTE_ECONFLICT when it moved meanwhile;
 * PROMOTE_ESTATE for the branch checked out in a non-bare repository (its
 * work tree would no longer match: it is never moved under the user's feet).
 */
int promote__git_update_branch(git_repository *repo, const char *branch, const git_oid *target,
	const git_oid *expected, const char *reflog);

/* The same for any ref (a full name), without the work-tree check. */
int promote__git_update_ref(git_repository *repo, const char *ref, const git_oid *target, const git_oid *expected,
	const char *reflog);

/* Where the local provider keeps its change records: one ref per change. */
#define PROMOTE__GIT_CHANGES_PREFIX "refs/promote/changes/"
/* Where the releases keep their records: one ref per release. */
#define PROMOTE__GIT_RELEASES_PREFIX "refs/promote/releases/"
/* Where watchers record the trigger commit up to which each flow was handled. */
#define PROMOTE__GIT_WATCH_PREFIX "refs/promote/watch/"
/* Where the leases of environments are: which release of a product may act there (engine/release_lease.c). */
#define PROMOTE__GIT_LEASES_PREFIX "refs/promote/leases/"
/* Where holds and rollback pins are kept (engine/holds.h): one ref. */
#define PROMOTE__GIT_HOLDS_REF "refs/promote/holds"

/*
 * A record: one small file kept as the history of a ref (each update a
 * commit on the last), so that it is fetched, pushed and updated by
 * compare-and-swap like a branch. Read: *tip receives the ref's commit;
 * PROMOTE_ENOTFOUND when there is no such ref; PROMOTE_ELIMIT beyond `max`
 * bytes.
 */
int promote__git_record_read(promote_buf *out, git_oid *tip, git_repository *repo, const char *ref, size_t max);
/* The record as commit `commit` of `ref`'s history holds it. */
int promote__git_record_read_at(promote_buf *out, git_repository *repo, const git_oid *commit, const char *ref,
	size_t max);

/* A file kept beside the record in its commit's tree (a large part that
 * does not change with every update, such as a sync release's products). */
typedef struct promote__git_record_file {
	const char *name;
	const void *data;
	size_t size;
} promote__git_record_file;

/* A commit holding `data` as the record, on `parent` (NULL: the first);
 * the parent's other files are kept as they are, and `attach` (may be
 * NULL) is written beside the record. */
int promote__git_record_commit(git_oid *out, git_repository *repo, const git_oid *parent, const char *data,
	size_t size, const promote__git_record_file *attach, const promote__git_commit_info *info);
/* (A file kept beside the record is read as any file of its commit: promote__git_read().) */

/*
 * A pack (git's pack format, as a push sends it) of `commit` and the trees
 * and blobs it adds to its first parent, which the receiver must have (a
 * commit without parents: all of its tree). When `have` (may be NULL), the
 * receiver's commit, is a first-parent ancestor of `commit` a few commits
 * back, every commit between them is packed the same way (a record's
 * versions pushed together). `thin`: a large tree or blob that replaces one
 * at its path is sent as a delta against that one, which the receiver has
 * or finds in the pack (a thin pack: git's receive-pack takes one unless it
 * advertises no-thin). Appended to `out`; *objects receives how many
 * objects it holds.
 */
int promote__git_pack_added(promote_buf *out, size_t *objects, git_repository *repo, const git_oid *commit,
	const git_oid *have, bool thin);

/* Where an object is in a pack: its offset from the pack's start, and the CRC-32 of its entry's bytes. */
typedef struct promote__git_pack_entry {
	git_oid id;
	uint64_t offset;
	uint32_t crc;
} promote__git_pack_entry;

/* The same, whole objects (no delta), for a commit whose new objects were written into `memory` (a
 * libgit2 mempack: commit.c): those are read from there as they are — they were hashed when written —
 * not read and hashed again through `repo`'s object database. *entries (to free) receives where each
 * of the *objects objects is in the pack, for its index (promote__git_pack_store()). */
int promote__git_pack_written(promote_buf *out, size_t *objects, promote__git_pack_entry **entries,
	git_repository *repo, const git_oid *commit, git_odb_backend *memory);

/* The CRC-32 a pack's index gives an entry of `size` bytes. */
uint32_t promote__git_pack_crc(const char *data, size_t size);

/* Append `v`, 4 bytes big-endian; append the SHA-1 of `out`'s bytes from `start` on (a pack's or an
 * index's trailer). */
int promote__git_pack_put_be32(promote_buf *out, uint32_t v);
int promote__git_pack_put_sum(promote_buf *out, size_t start);

/*
 * Store `pack` (whole, made by promote__git_pack_written() with its `count` entries, which are sorted
 * here) in the objects folder `objects_dir` of `odb` as git stores a pack it has indexed:
 * pack/pack-SUM.pack, then its index (version 2) pack/pack-SUM.idx, each written under a temporary
 * name and renamed (a reader never sees part of either; an interrupted store leaves only a temporary
 * file), then `odb` looks for it. The index is written from the entries: the objects are not
 * read, inflated and hashed again as libgit2's indexer would.
 */
int promote__git_pack_store(git_odb *odb, const char *objects_dir, const promote_buf *pack,
	promote__git_pack_entry *entries, size_t count);

/*
 * The pack a commit of many files was stored as (commit.c), kept for its
 * push: `commit`, the `parent` it was made on, and the pack of `objects`
 * objects, the commit and what it adds to the parent, each object whole
 * (no delta). Pushed as it is when the receiver has `parent`: its objects
 * are not compressed a second time, and the receiver completes no thin
 * pack (for thousands of files, the larger cost of the two).
 */
typedef struct promote__git_pack_kept {
	git_oid commit, parent;
	promote_buf pack;
	size_t objects;
} promote__git_pack_kept;

/* The pack forgotten (may be NULL). */
void promote__git_pack_kept_dispose(promote__git_pack_kept *kept);

/* Append to `out` one pack holding the objects of the packs `first` and
 * `second` (each whole: header, entries, checksum), in that order: their
 * entries as they are (a delta's base stays where it was, relative to it),
 * under a header that counts both and a checksum of the whole. For the kept
 * pack of a branch's commit pushed with the small records that say it was
 * made (one request, one pack). */
int promote__git_pack_join(promote_buf *out, const promote_buf *first, const promote_buf *second);

/* The same for `count` commits at once, each with its receiver's commit `haves[i]` (`haves` may be NULL):
 * one pack, an object that two of them add sent once (several refs pushed in one request). `from_root`
 * (may be NULL): for a commit without `have` whose whole history is new to the receiver (a record created
 * and moved on before its first push), every commit back to its root is packed, when it has at most 256. */
int promote__git_pack_added_many(promote_buf *out, size_t *objects, git_repository *repo, const git_oid *commits,
	const git_oid *haves, const bool *from_root, size_t count, bool thin);

/*
 * Merge `head` into `base`: *out is `head` when `base` is its ancestor (a
 * fast-forward, *merge_made false), `base` when `head` is in it already,
 * else a new merge commit with parents base and head (*merge_made true).
 * PROMOTE_ECONFLICT, naming the files, when the two changed the same lines.
 */
int promote__git_merge(git_oid *out, bool *merge_made, git_repository *repo, const git_oid *base,
	const git_oid *head, const promote__git_commit_info *info);

#endif
