/*
 * Internal: the read-only view of a repository that planning needs — a
 * branch's tip, a file's bytes at a commit, a folder's entries — and nothing
 * that writes. The repository session implements it on libgit2
 * (promote__git_session_reader()); a test implements it in memory. lib/plan
 * reads trees only through it, so it includes no libgit2 header.
 *
 * Every slot must be provided but `parsed`. Each returns 0 or a negative
 * PROMOTE_E* code with the thread's error set.
 */
#ifndef PROMOTE_GIT_READER_H
#define PROMOTE_GIT_READER_H

#include "core/common.h"

/* A commit by its hex id (40 digits for SHA-1; room for SHA-256's 64). */
typedef struct promote__commit_id {
	char hex[65];
} promote__commit_id;

typedef enum promote__entry_type {
	PROMOTE__ENTRY_FILE,
	PROMOTE__ENTRY_FOLDER,
} promote__entry_type;

/* A file's mode, as git records it in a tree. */
enum {
	PROMOTE__MODE_FILE = 0100644,
	PROMOTE__MODE_EXECUTABLE = 0100755,
	PROMOTE__MODE_LINK = 0120000  /* a symbolic link: its bytes are the link's target, never followed */
};

/* One entry of a folder; non-zero stops the listing and is returned by it. */
typedef int (*promote__entry_cb)(const char *name, promote__entry_type type, void *payload);

typedef struct promote__tree_reader {
	/*
	 * The branch the repository's HEAD names ("main"), in *out (freed by the
	 * caller). PROMOTE_ENOTFOUND when HEAD names no branch.
	 */
	int (*head_branch)(char **out, void *self);
	/* The commit `branch` points at. PROMOTE_ENOTFOUND when there is none. */
	int (*tip)(promote__commit_id *out, void *self, const char *branch);
	/*
	 * The bytes of the file `path` at `commit` (a new buffer in *out), and
	 * its mode (one of PROMOTE__MODE_*) in *mode. PROMOTE_ENOTFOUND when
	 * there is no such file, or it is a folder; PROMOTE_ELIMIT, before
	 * anything of it is read, when it has more than `max` bytes.
	 */
	int (*read)(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit, const char *path,
		size_t max);
	/*
	 * Call `cb` for every entry of the folder `path` ("" for the root) at
	 * `commit`, in git's order. PROMOTE_ENOTFOUND when there is no such
	 * folder (nothing called).
	 */
	int (*list)(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb,
		void *payload);
	/*
	 * The first parent of `commit` (the commit the branch was at before it,
	 * for a branch moved by commits and merges into it). PROMOTE_ENOTFOUND
	 * for a commit without parents.
	 */
	int (*parent)(promote__commit_id *out, void *self, const promote__commit_id *commit);
	void *self;
	/*
	 * Optional (NULL: none): the file `path` at `commit` already parsed, when its bytes are `bytes`
	 * (a reader that reads ahead on other threads: plan/prefetch.h), as promote_yaml_doc_parse()
	 * names it `path` with no options; the caller owns it. NULL when it has none.
	 */
	struct promote_yaml_doc *(*parsed)(void *self, const promote__commit_id *commit, const char *path,
		const char *bytes, size_t size);
} promote__tree_reader;

#endif
