/* Reading and committing on a git repository with libgit2, no working tree. */
#include "repo.h"
#include "identity.h"
#include "odb_raw.h"
#include "tree_patch.h"

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

/* The mode of a tree entry as git writes it ("100644"), as a reader's (PROMOTE__MODE_*); 0: not a file. */
static unsigned file_mode(const char *text, size_t len)
{
	static const struct {
		const char *text;
		unsigned mode;
	} modes[] = { { "100644", PROMOTE__MODE_FILE }, { "100755", PROMOTE__MODE_EXECUTABLE },
		{ "120000", PROMOTE__MODE_LINK } };
	for (size_t i = 0; i < PROMOTE_ARRAY_SIZE(modes); i++)
		if (strlen(modes[i].text) == len && memcmp(modes[i].text, text, len) == 0)
			return modes[i].mode;
	return 0;
}

/*
 * The file `path` of `root` found with its own folder read as git stores it,
 * not through libgit2's trees: the folders above it are looked up (cached:
 * every file of a folder of thousands of applications passes there), but
 * the small folder of one application is read once for one file, and its
 * tree kept in the cache would stay to the end (a sync reads a file in each
 * of 10,000 folders of each environment). *found false, no error set, for
 * anything but a file there: the caller's lookup then says what is there.
 */
static int file_in_folder(git_oid *blob, unsigned *mode, bool *found, git_odb *odb, git_tree *root, const char *path)
{
	*found = false;
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	git_oid folder;
	git_oid_cpy(&folder, git_tree_id(root));
	if (slash) {
		char *dir = strndup(path, (size_t)(slash - path));
		git_tree_entry *entry = NULL;
		if (!dir)
			return promote__error_oom();
		bool tree = git_tree_entry_bypath(&entry, root, dir) == 0 && git_tree_entry_type(entry) == GIT_OBJECT_TREE;
		if (tree)
			git_oid_cpy(&folder, git_tree_entry_id(entry));
		git_tree_entry_free(entry);
		free(dir);
		if (!tree) {
			git_error_clear();
			return 0;
		}
	}
	promote__git_raw object;
	if (promote__git_raw_read(&object, odb, &folder) < 0 || object.type != GIT_OBJECT_TREE) {
		git_error_clear();
		promote__git_raw_dispose(&object);
		return 0;
	}
	const unsigned char *id;
	size_t from = 0, mode_len = 0;
	const char *mode_text = NULL;
	if (*name && (id = promote__git_tree_raw_find(object.data, object.size, &from, name, strlen(name), &mode_text,
			      &mode_len)) && (*mode = file_mode(mode_text, mode_len)) != 0) {
		git_oid_fromraw(blob, id);
		*found = true;
	}
	promote__git_raw_dispose(&object);
	return 0;
}

int promote__git_file_at(git_oid *blob, uint64_t *size, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_odb *odb = NULL;
	int rc = 0, git_rc;
	char id[GIT_OID_HEXSZ + 1];
	git_oid_tostr(id, sizeof id, commit);
	bool found = false;
	unsigned found_mode = 0;
	if ((rc = promote__git_tree_of(&tree, repo, commit)) < 0) {
		/* the commit cannot be read: said */
	} else if ((git_rc = git_repository_odb(&odb, repo)) < 0) {
		rc = promote__git_failed(git_rc, "cannot read", path);
	} else if ((rc = file_in_folder(blob, &found_mode, &found, odb, tree, path)) < 0) {
		/* out of memory: said */
	} else if (found) {
		/* The object's header only: a huge blob costs nothing to refuse. */
		size_t n = 0;
		git_object_t type;
		if ((git_rc = git_odb_read_header(&n, &type, odb, blob)) < 0)
			rc = promote__git_failed(git_rc, "cannot read", path);
		*size = n;
		if (mode)
			*mode = found_mode;
	} else if ((git_rc = git_tree_entry_bypath(&entry, tree, path)) < 0) {
		rc = git_rc == GIT_ENOTFOUND
			? promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "commit %.12s has no file '%s'", id, path)
			: promote__git_failed(git_rc, "cannot read", path);
	} else if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
			"'%s' is a folder at commit %.12s, not a file", path, id);
	} else {
		/* The object's header only: a huge blob costs nothing to refuse. */
		size_t n = 0;
		git_object_t type;
		git_oid_cpy(blob, git_tree_entry_id(entry));
		if ((git_rc = git_odb_read_header(&n, &type, odb, blob)) < 0)
			rc = promote__git_failed(git_rc, "cannot read", path);
		*size = n;
		git_filemode_t m = git_tree_entry_filemode(entry);
		if (mode)
			*mode = m == GIT_FILEMODE_LINK ? PROMOTE__MODE_LINK
				: m == GIT_FILEMODE_BLOB_EXECUTABLE ? PROMOTE__MODE_EXECUTABLE : PROMOTE__MODE_FILE;
	}
	git_odb_free(odb);
	git_tree_entry_free(entry);
	git_tree_free(tree);
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
static int read_blob(promote_buf *out, git_repository *repo, const git_oid *id, const char *path)
{
	git_odb *odb = NULL;
	promote__git_raw raw = PROMOTE__GIT_RAW_INIT;
	int rc = 0, git_rc = git_repository_odb(&odb, repo);
	if (git_rc == 0)
		git_rc = promote__git_raw_read(&raw, odb, id);
	if (git_rc < 0)
		rc = promote__git_failed(git_rc, "cannot read", path);
	else if (raw.type != GIT_OBJECT_BLOB)
		rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "'%s' is not a file's contents (a %s)", path,
			git_object_type2string(raw.type));
	else
		rc = put_fresh(out, raw.data, raw.size);
	promote__git_raw_dispose(&raw);
	git_odb_free(odb);
	return rc;
}

int promote__git_read_file(promote_buf *out, unsigned *mode, git_repository *repo, const git_oid *commit,
	const char *path, size_t max)
{
	git_oid id;
	uint64_t size = 0;
	int rc = promote__git_file_at(&id, &size, mode, repo, commit, path);
	if (rc < 0) {
		/* said */
	} else if (size > max) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof hex, commit);
		rc = promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT,
			"'%s' at commit %.12s has %llu bytes, more than the limit of %zu; it was not read", path, hex,
			(unsigned long long)size, max);
	} else {
		rc = read_blob(out, repo, &id, path);
	}
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
