/* Reading and committing on a git repository with libgit2, no working tree. */
#include "repo.h"
#include "identity.h"
#include "odb_raw.h"
#include "tree_cache.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "git/global_git.h"
#include "git/locks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The thread's libgit2 error as ours; `what` says what was being done. */
int promote__git_failed(int git_rc, const char *what, const char *subject)
{
	const git_error *e = git_error_last();
	int code = git_rc == GIT_ENOTFOUND ? PROMOTE_ENOTFOUND
		: git_rc == GIT_EMODIFIED || git_rc == GIT_ELOCKED ? PROMOTE_ECONFLICT
		: git_rc == GIT_EAUTH ? PROMOTE_EAUTH
		: PROMOTE_EGIT;
	return promote__error(code, PROMOTE_ERROR_CLASS_GIT, "%s '%s': %s", what, subject,
		e && e->message ? e->message : "unknown git error");
}

int promote__git_open(git_repository **out, const char *path)
{
	int rc = promote__need_git();
	if (rc)
		return rc;
	int git_rc = git_repository_open_ext(out, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	return git_rc < 0 ? promote__git_failed(git_rc, "cannot open the git repository", path) : 0;
}

int promote__git_head_target(const char **target, git_reference **head, git_repository *repo)
{
	*target = NULL;
	*head = NULL;
	int git_rc = git_reference_lookup(head, repo, "HEAD");
	if (git_rc < 0)
		return git_rc == GIT_ENOTFOUND ? 0 : git_rc;
	if (git_reference_type(*head) == GIT_REFERENCE_SYMBOLIC)
		*target = git_reference_symbolic_target(*head);
	return 0;
}

int promote__git_branch_tip(git_oid *out, git_repository *repo, const char *branch)
{
	/* refs/heads/ only: a tag or a remote-tracking ref of the same short name is not the branch. */
	promote__strbuf ref;
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	int rc = promote__strbuf_addf(&ref, "refs/heads/%s", branch);
	git_reference *found = NULL;
	git_object *commit = NULL;
	int git_rc = rc == 0 ? git_reference_lookup(&found, repo, promote__strbuf_cstr(&ref)) : 0;
	if (rc == 0 && git_rc == GIT_ENOTFOUND)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no branch named '%s'", branch);
	else if (rc == 0 && git_rc < 0)
		rc = promote__git_failed(git_rc, "cannot read branch", branch);
	else if (rc == 0 && (git_rc = git_reference_peel(&commit, found, GIT_OBJECT_COMMIT)) < 0)
		rc = promote__git_failed(git_rc, "no commit at branch", branch);
	if (rc == 0)
		git_oid_cpy(out, git_object_id(commit));
	git_object_free(commit);
	git_reference_free(found);
	promote__strbuf_free(&ref);
	return rc;
}

int promote__git_tree_of(git_tree **out, git_repository *repo, const git_oid *commit)
{
	git_commit *c = NULL;
	char id[GIT_OID_HEXSZ + 1];
	int git_rc;
	*out = NULL;
	if ((git_rc = git_commit_lookup(&c, repo, commit)) < 0 || (git_rc = git_commit_tree(out, c)) < 0) {
		git_commit_free(c);
		git_oid_tostr(id, sizeof id, commit);
		return promote__git_failed(git_rc, "cannot read commit", id);
	}
	git_commit_free(c);
	return 0;
}

/* A tree entry's mode as a reader's (PROMOTE__MODE_*); 0: not a file. (git once wrote 100664 for a
 * file: a file still.) */
static unsigned reader_mode(git_filemode_t mode)
{
	return mode == GIT_FILEMODE_LINK ? PROMOTE__MODE_LINK
		: mode == GIT_FILEMODE_BLOB_EXECUTABLE ? PROMOTE__MODE_EXECUTABLE
		: mode == GIT_FILEMODE_BLOB || (unsigned)mode == 0100664 ? PROMOTE__MODE_FILE : 0;
}

/*
 * The file `path` of the tree `root` found with its trees read as git
 * stores them (tree_cache.h), not through libgit2's: the folders above it
 * are kept (every file of a folder of thousands of applications passes
 * there, and a release reads a file at the commit that has just written
 * them), the file's own small folder is read once. *found false, no error
 * set, for anything but a file there: the caller's lookup then says what
 * is there.
 */
static int file_in_tree(git_oid *blob, unsigned *mode, bool *found, git_odb *odb, const git_oid *root,
	const char *path)
{
	*found = false;
	git_oid tree = *root;
	for (const char *part = path;;) {
		const char *slash = strchr(part, '/');
		size_t len = slash ? (size_t)(slash - part) : strlen(part);
		promote__git_raw raw;
		promote__git_tree_entry_raw e;
		if (promote__git_tree_read(&raw, odb, &tree, slash != NULL) < 0) {
			git_error_clear();
			return 0;
		}
		bool there = len && promote__git_tree_lookup(&e, &raw, part, len) &&
			(slash ? e.mode == GIT_FILEMODE_TREE : (*mode = reader_mode(e.mode)) != 0);
		if (there)
			git_oid_fromraw(slash ? &tree : blob, e.id);
		promote__git_raw_dispose(&raw);
		if (!there || !slash) {
			*found = there;
			return 0;
		}
		part = slash + 1;
	}
}

/* What is at `path` when it is not a file found by file_in_tree(): libgit2's lookup says it. */
static int not_a_file(git_oid *blob, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	char id[GIT_OID_HEXSZ + 1];
	git_oid_tostr(id, sizeof id, commit);
	int rc = promote__git_tree_of(&tree, repo, commit), git_rc;
	if (rc < 0) {
		/* said */
	} else if ((git_rc = git_tree_entry_bypath(&entry, tree, path)) < 0) {
		rc = git_rc == GIT_ENOTFOUND
			? promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "commit %.12s has no file '%s'", id, path)
			: promote__git_failed(git_rc, "cannot read", path);
	} else if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
			"'%s' is a folder at commit %.12s, not a file", path, id);
	} else { /* a file after all (a tree out of git's order) */
		git_oid_cpy(blob, git_tree_entry_id(entry));
		*mode = reader_mode(git_tree_entry_filemode(entry));
	}
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return rc;
}

/* promote__git_file_at() with the repository's object database. */
static int file_at(git_oid *blob, uint64_t *size, unsigned *mode, git_repository *repo, git_odb *odb,
	const git_oid *commit, const char *path)
{
	git_commit *c = NULL;
	char id[GIT_OID_HEXSZ + 1];
	bool found = false;
	unsigned found_mode = 0;
	int rc = 0, git_rc;
	if ((git_rc = git_commit_lookup(&c, repo, commit)) < 0) {
		git_oid_tostr(id, sizeof id, commit);
		rc = promote__git_failed(git_rc, "cannot read commit", id);
	} else if ((rc = file_in_tree(blob, &found_mode, &found, odb, git_commit_tree_id(c), path)) < 0 ||
		(!found && (rc = not_a_file(blob, &found_mode, repo, commit, path)) < 0)) {
		/* said */
	} else {
		/* The object's header only: a huge blob costs nothing to refuse. */
		size_t n = 0;
		git_object_t type;
		if ((git_rc = git_odb_read_header(&n, &type, odb, blob)) < 0)
			rc = promote__git_failed(git_rc, "cannot read", path);
		*size = n;
		if (mode)
			*mode = found_mode;
	}
	git_commit_free(c);
	return rc;
}

int promote__git_file_at(git_oid *blob, uint64_t *size, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path)
{
	git_odb *odb = NULL;
	int git_rc = git_repository_odb(&odb, repo);
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot read", path)
			    : file_at(blob, size, mode, repo, odb, commit, path);
	git_odb_free(odb);
	return rc;
}

/* *out = a copy of `data`; *out untouched on failure. */
static int put_fresh(promote_buf *out, const void *data, size_t len)
{
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = promote__buf_put(&fresh, data, len);
	if (rc == 0)
		*out = fresh;
	else
		promote_buf_dispose(&fresh);
	return rc;
}

/* A blob's bytes, read without hashing them again (odb_raw.h). */
static int read_blob(promote_buf *out, git_odb *odb, const git_oid *id, const char *path)
{
	promote__git_raw raw = PROMOTE__GIT_RAW_INIT;
	int rc = 0, git_rc = promote__git_raw_read(&raw, odb, id);
	if (git_rc < 0)
		rc = promote__git_failed(git_rc, "cannot read", path);
	else if (raw.type != GIT_OBJECT_BLOB)
		rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "'%s' is not a file's contents (a %s)", path,
			git_object_type2string(raw.type));
	else
		rc = put_fresh(out, raw.data, raw.size);
	promote__git_raw_dispose(&raw);
	return rc;
}

int promote__git_read_file(promote_buf *out, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path, size_t max)
{
	git_oid id;
	uint64_t size = 0;
	git_odb *odb = NULL;
	int git_rc = git_repository_odb(&odb, repo);
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot read", path)
			    : file_at(&id, &size, mode, repo, odb, commit, path);
	if (rc < 0) {
		/* said */
	} else if (size > max) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, commit);
		rc = promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT,
			"'%s' at commit %.12s has %llu bytes, more than the limit of %zu; it was not read", path, hex,
			(unsigned long long)size, max);
	} else {
		rc = read_blob(out, odb, &id, path);
	}
	git_odb_free(odb);
	return rc;
}

int promote__git_read(promote_buf *out, git_repository *repo, const git_oid *commit, const char *path, size_t max)
{
	return promote__git_read_file(out, NULL, repo, commit, path, max);
}


int promote__git_update_branch(git_repository *repo, const char *branch, const git_oid *target,
	const git_oid *expected, const char *reflog)
{
	promote__strbuf ref;
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	int rc = promote__strbuf_addf(&ref, "refs/heads/%s", branch);
	if (rc == 0 && !git_reference_is_valid_name(promote__strbuf_cstr(&ref)))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_GIT,
			"'%s' is not a valid branch name (a version with spaces or '..'?)", branch);
	if (rc == 0) {
		/* Checked out here or in any linked work tree: never moved under someone's feet. */
		git_reference *existing = NULL;
		bool checked_out = git_reference_lookup(&existing, repo, promote__strbuf_cstr(&ref)) == 0 &&
			git_branch_is_checked_out(existing) == 1;
		git_reference_free(existing);
		if (checked_out)
			rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_GIT,
				"branch '%s' is checked out in the work tree of '%s'; moving it would leave the work tree "
				"behind: promote into a bare repository or a branch that is not checked out",
				branch, git_repository_path(repo));
	}
	if (rc == 0)
		rc = promote__git_update_ref(repo, promote__strbuf_cstr(&ref), target, expected, reflog);
	promote__strbuf_free(&ref);
	return rc;
}

/* update_once()'s answer when the ref to remove no longer points at `expected`. */
#define MOVED_AWAY 1

/* One compare-and-swap of `ref`: libgit2's code, or MOVED_AWAY. */
static int update_once(git_repository *repo, const char *ref, const git_oid *target, const git_oid *expected,
	const char *reflog)
{
	if (!target) {
		/* Removing it, only while it still points at `expected`; one already gone is fine. */
		git_reference *current = NULL;
		int git_rc = git_reference_lookup(&current, repo, ref);
		if (git_rc == GIT_ENOTFOUND)
			return 0;
		bool moved = git_rc == 0 && expected && (git_reference_type(current) != GIT_REFERENCE_DIRECT ||
								!git_oid_equal(git_reference_target(current), expected));
		if (git_rc == 0 && !moved)
			git_rc = git_reference_delete(current);
		git_reference_free(current);
		return moved ? MOVED_AWAY : git_rc;
	}
	/* Created only if absent: matched against the zero id, which libgit2 compares under the ref's lock
	 * (git_reference_create() without force looks for an existing ref before taking the lock, so that
	 * two processes creating it at once could both succeed). */
	git_oid absent;
	memset(&absent, 0, sizeof absent);
	git_reference *updated = NULL;
	int git_rc = git_reference_create_matching(&updated, repo, ref, target, 1, expected ? expected : &absent, reflog);
	git_reference_free(updated);
	return git_rc;
}

int promote__git_update_ref(git_repository *repo, const char *ref, const git_oid *target, const git_oid *expected,
	const char *reflog)
{
	const char *name = strncmp(ref, "refs/heads/", 11) == 0 ? ref + 11 : ref;
	if (!git_reference_is_valid_name(ref))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_GIT, "'%s' is not a valid ref name", name);
	/* A lock in the way: waited for, or the leftover of a finished update
	 * removed, or reported with how to remove it (locks.h). */
	long waited_ms = 0;
	int git_rc, rc = 0;
	do
		git_rc = update_once(repo, ref, target, expected, reflog);
	while (git_rc == GIT_ELOCKED && (rc = promote__git_lock_wait(repo, ref, &waited_ms)) == 0);
	if (git_rc == GIT_ELOCKED)
		return rc;
	if (git_rc == MOVED_AWAY)
		return promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
			"'%s' moved meanwhile; it was left as it is", name);
	if (!target)
		return git_rc < 0 ? promote__git_failed(git_rc, "cannot remove", name) : 0;
	if (git_rc == GIT_EMODIFIED || git_rc == GIT_EEXISTS)
		return promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
			"'%s' moved while the change was prepared; plan again on its new tip", name);
	return git_rc < 0 ? promote__git_failed(git_rc, "cannot move", name) : 0;
}
