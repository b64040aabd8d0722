/* The repository session: opened once, shared by every layer that reads or writes it. */
#include "session.h"
#include "clone.h"
#include "locks.h"
#include "mirror.h"
#include "start_ahead.h"
#include "tree_cache.h"

#include "core/clock.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the read-only view ---------------------------------------------------- */

static int head_branch(char **out, void *self)
{
	promote__git_session *s = self;
	git_reference *head = NULL;
	const char *target = NULL;
	*out = NULL;
	int git_rc = promote__git_head_target(&target, &head, s->repo);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read the HEAD of", s->where);
	if (!target) {
		git_reference_free(head);
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "the HEAD of '%s' names no branch",
			s->where);
	}
	*out = strdup(strncmp(target, "refs/heads/", 11) == 0 ? target + 11 : target);
	git_reference_free(head);
	return *out ? 0 : promote__error_oom();
}

int promote__git_session_branch_tip(git_oid *out, promote__git_session *s, const char *branch)
{
	for (size_t i = 0; i < s->pending_count; i++) {
		const char *ref = s->pending[i].ref;
		if (strncmp(ref, "refs/heads/", 11) == 0 && strcmp(ref + 11, branch) == 0) {
			*out = s->pending[i].tip;
			return 0;
		}
	}
	return promote__git_branch_tip(out, s->repo, branch);
}

static int tip(promote__commit_id *out, void *self, const char *branch)
{
	promote__git_session *s = self;
	git_oid id;
	int rc = promote__git_session_branch_tip(&id, s, branch);
	if (rc == 0)
		git_oid_tostr(out->hex, sizeof out->hex, &id);
	return rc;
}

static int commit_of(git_oid *out, const promote__commit_id *commit)
{
	return git_oid_fromstr(out, commit->hex) < 0
		? promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_GIT, "'%.80s' is not a commit id", commit->hex)
		: 0;
}

static int read_file(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit,
	const char *path, size_t max)
{
	promote__git_session *s = self;
	git_oid id;
	int rc = commit_of(&id, commit);
	return rc ? rc : promote__git_read_file(out, mode, s->repo, &id, path, max);
}

/* The tree of folder `path` ("" the root) at `commit`; PROMOTE_ENOTFOUND when there is none. */
static int folder_at(git_tree **out, git_repository *repo, const git_oid *commit, const char *path)
{
	git_tree *root = NULL;
	git_tree_entry *entry = NULL;
	int rc, git_rc;
	char id[GIT_OID_HEXSZ + 1];
	git_oid_tostr(id, sizeof id, commit);
	*out = NULL;
	if ((rc = promote__git_tree_of(&root, repo, commit)) == 0 && !*path) {
		*out = root;
		return 0;
	}
	if (rc == 0 && (git_rc = git_tree_entry_bypath(&entry, root, path)) < 0)
		rc = git_rc == GIT_ENOTFOUND ? promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
						      "commit %.12s has no folder '%s'", id, path)
					     : promote__git_failed(git_rc, "cannot read", path);
	else if (rc == 0 && git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "'%s' is a file at commit %.12s, not a folder",
			path, id);
	else if (rc == 0 && (git_rc = git_tree_lookup(out, repo, git_tree_entry_id(entry))) < 0)
		rc = promote__git_failed(git_rc, "cannot read", path);
	git_tree_entry_free(entry);
	git_tree_free(root);
	return rc;
}

static int list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb, void *payload)
{
	promote__git_session *s = self;
	git_oid id;
	git_tree *tree = NULL;
	int rc = commit_of(&id, commit);
	if (rc == 0)
		rc = folder_at(&tree, s->repo, &id, path);
	for (size_t i = 0; rc == 0 && i < (tree ? git_tree_entrycount(tree) : 0); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_object_t type = git_tree_entry_type(e);
		/* Submodules (commits) are neither: what they hold is not in this repository. */
		if (type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE)
			rc = cb(git_tree_entry_name(e), type == GIT_OBJECT_TREE ? PROMOTE__ENTRY_FOLDER : PROMOTE__ENTRY_FILE,
				payload);
	}
	git_tree_free(tree);
	return rc;
}

static int parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	promote__git_session *s = self;
	git_oid id;
	git_commit *c = NULL;
	int rc = commit_of(&id, commit), git_rc;
	if (rc == 0 && (git_rc = git_commit_lookup(&c, s->repo, &id)) < 0)
		rc = promote__git_failed(git_rc, "cannot read commit", commit->hex);
	if (rc == 0 && git_commit_parentcount(c) == 0)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "commit %.12s has no parent", commit->hex);
	if (rc == 0)
		git_oid_tostr(out->hex, sizeof out->hex, git_commit_parent_id(c, 0));
	git_commit_free(c);
	return rc;
}

const promote__tree_reader *promote__git_session_reader(promote__git_session *s)
{
	return &s->reader;
}

/* ---- opening, refreshing, publishing ---------------------------------------- */

/* libgit2's last error, without user information in URLs. */
static int open_failed(const char *shown)
{
	const git_error *e = git_error_last();
	char *detail = promote__redact_url(e && e->message ? e->message : "unknown git error");
	int rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot open the git repository '%s': %s", shown,
		detail ? detail : "(a message that could not be shown)");
	free(detail);
	return rc;
}

int promote__git_session_open(promote__git_session **out, const promote__git_location *loc)
{
	*out = NULL;
	promote__git_session *s = calloc(1, sizeof *s);
	if (!s)
		return promote__error_oom();
	s->reader = (promote__tree_reader){ head_branch, tip, read_file, list, parent, s, NULL };
	if (loc->creds)
		s->creds = *loc->creds;
	s->creds.helpers = &s->helpers; /* git's helpers asked once for the remote (credential_helper.h) */
	if (loc->events)
		s->events = *loc->events;
	s->worktree = loc->worktree;
	bool http = promote__git_is_http(loc->repository);
	/* libgit2 starts (and libcurl, for the pushes, loads) on a thread of its own while this one starts
	 * git's credential helper and locks the mirror (start_ahead.h). */
	if (promote__git_is_remote(loc->repository))
		s->starting = promote__git_start_ahead(&s->starter, http);
	if (!s->creds.cb && http)
		promote__git_helper_ask_ahead(&s->helpers, loc->repository);
	int rc = promote__git_mirror(&s->path, loc->repository, loc->cache_dir, &s->creds, loc->events);
	bool remote = rc == 0 && promote__git_is_remote(loc->repository);
	s->fetches[PROMOTE_TRANSFER_OK] += remote; /* the clone or fetch of the mirror */
	s->fetched_ms = remote ? promote__now_ms() : 0;
	if (rc == 0 && ((remote && !(s->remote_url = strdup(loc->repository))) ||
			       (loc->remote_name && !(s->remote_name = strdup(loc->remote_name))) ||
			       !(s->where = remote ? promote__redact_url(loc->repository) : strdup(s->path))))
		rc = promote__error_oom();
	if (rc == 0 && git_repository_open_ext(&s->repo, s->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		char *shown = promote__redact_url(loc->repository);
		rc = shown ? open_failed(shown) : promote__error_oom();
		free(shown);
	}
	if (rc) {
		promote__git_session_free(s);
		return rc;
	}
	/* Its large trees, which promote stores loose, are read from there in one pass (tree_cache.h). */
	git_buf objects = { 0 };
	if (git_repository_item_path(&objects, s->repo, GIT_REPOSITORY_ITEM_OBJECTS) == 0)
		promote__git_tree_cache_objects_at(objects.ptr);
	git_buf_dispose(&objects);
	git_error_clear();
	*out = s;
	return 0;
}

int promote__git_session_reader_open(promote__tree_reader **out, promote__git_session *s)
{
	*out = NULL;
	promote__git_session *lone = calloc(1, sizeof *lone);
	if (!lone)
		return promote__error_oom();
	int rc = 0;
	if (!(lone->path = strdup(s->path)) || !(lone->where = strdup(s->where)))
		rc = promote__error_oom();
	else if (git_repository_open_ext(&lone->repo, lone->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		rc = open_failed(lone->where);
	if (rc) {
		promote__git_session_free(lone);
		return rc;
	}
	lone->reader = (promote__tree_reader){ head_branch, tip, read_file, list, parent, lone, NULL };
	*out = &lone->reader;
	return 0;
}

void promote__git_session_reader_close(promote__tree_reader *reader)
{
	if (reader)
		promote__git_session_free(reader->self);
}

void promote__git_session_adopt(promote__git_session *s, const promote__credentials *creds,
	const promote__events *events)
{
	s->creds = *creds;
	s->creds.helpers = &s->helpers;
	s->events = *events;
}

void promote__git_session_free(promote__git_session *s)
{
	if (!s)
		return;
	if (s->starting)
		promote__git_start_joined(s->starter);
	git_repository_free(s->repo);
	free(s->path);
	free(s->remote_url);
	free(s->remote_name);
	free(s->where);
	promote__git_helper_memo_dispose(&s->helpers);
	promote__git_pack_kept_dispose(&s->kept);
	for (size_t i = 0; i < s->pending_count; i++)
		free(s->pending[i].ref);
	free(s->pending);
	free(s);
}

promote__git_pack_kept *promote__git_session_pack_keeper(promote__git_session *s)
{
	return s->remote_url ? &s->kept : NULL;
}

int promote__git_session_refresh(promote__git_session *s)
{
	if (!s->remote_url)
		return 0;
	int rc = promote__git_mirror_fetch(s->repo, s->path, s->remote_url, &s->creds, &s->events);
	s->fetches[rc ? PROMOTE_TRANSFER_FAILED : PROMOTE_TRANSFER_OK]++;
	if (rc == 0)
		s->fetched_ms = promote__now_ms();
	return rc;
}

int promote__git_session_refresh_unless_fresh(promote__git_session *s, uint32_t fresh_ms)
{
	bool fresh = s->fetched_ms && promote__now_ms() - s->fetched_ms < (int64_t)fresh_ms;
	return fresh ? 0 : promote__git_session_refresh(s);
}

int promote__git_session_pushed(promote__git_session *s, int rc)
{
	if (rc != PROMOTE_ENOTSUPPORTED)
		s->pushes[rc == 0 ? PROMOTE_TRANSFER_OK : rc == PROMOTE_ECONFLICT ? PROMOTE_TRANSFER_REFUSED
			: PROMOTE_TRANSFER_FAILED]++;
	return rc;
}

int promote__git_session_publish(promote__git_session *s, const char *ref, const git_oid *target,
	const git_oid *expected, bool force)
{
	/* The records under refs/promote/ are bookkeeping: their pushes show no progress. What the caller
	 * expects the remote to hold (NULL: no such ref) spares asking the server first. */
	git_oid none;
	memset(&none, 0, sizeof none);
	if (s->remote_url) {
		int rc = promote__git_session_pushed(s, promote__git_push(s->repo, s->path, s->remote_url, &s->creds,
			strncmp(ref, "refs/promote/", 13) == 0 ? NULL : &s->events, target, expected ? expected : &none, ref,
			force, &s->kept));
		if (target && git_oid_equal(target, &s->kept.commit)) /* pushed, or to be made again */
			promote__git_pack_kept_dispose(&s->kept);
		return rc;
	}
	if (s->worktree && promote__git_is_checked_out_here(s->repo, ref))
		return promote__git_commit_checked_out(s->repo, ref, target, expected, "promote");
	if (strncmp(ref, "refs/heads/", 11) == 0)
		return promote__git_update_branch(s->repo, ref + 11, target, expected, "promote");
	return promote__git_update_ref(s->repo, ref, target, expected, "promote");
}

int promote__git_session_settle_own(promote__git_session *s)
{
	if (s->remote_url || s->own_locks_settled)
		return 0;
	int rc = promote__git_settle_finished(s->repo, "refs/promote");
	if (rc == 0)
		rc = promote__git_settle_finished(s->repo, "refs/heads/promote");
	s->own_locks_settled = rc == 0;
	return rc;
}

int promote__git_session_settle(promote__git_session *s, const char *ref)
{
	if (s->remote_url)
		return 0; /* a mirror: its locks went when it was opened */
	promote__strbuf lock;
	promote__strbuf_init(&lock, PROMOTE__PATH_MAX, "the lock file's path");
	int rc = promote__strbuf_addf(&lock, "%s/%s.lock", git_repository_path(s->repo), ref);
	struct stat st;
	long waited_ms = 0;
	if (rc == 0 && stat(promote__strbuf_cstr(&lock), &st) == 0)
		rc = promote__git_lock_wait(s->repo, ref, &waited_ms);
	promote__strbuf_free(&lock);
	return rc;
}
