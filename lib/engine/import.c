/*
 * promote_env_import(): an environment import (lib/plan/env_import.c)
 * committed on the configuration's branch — moved by compare-and-swap, or
 * pushed — once. The commit carries "Promote-Import: NEW" and
 * "Promote-From: A": a run repeated after a crash that finds the
 * environment configured already looks for that commit and, when the
 * import made there is exactly what this one would make on its parent,
 * says so instead of refusing; it never makes a second commit.
 */
#include "plan/env_import.h"

#include "git/commit.h"
#include "git/identity.h"
#include "git/session.h"
#include "git/trailers.h"
#include "core/backoff.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* "Import environment perf from staging" and the trailers that find the commit again. */
static int message_of(promote_buf *out, const promote__import_request *req, const promote__import *imp)
{
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the commit message");
	const char *from = promote_env_name(req->from);
	int rc = promote__strbuf_addf(&text, "Import environment %s from %s\n\n", req->name, from);
	if (rc == 0 && imp->namespace_from)
		rc = promote__strbuf_addf(&text, "Namespace %s becomes %s.\n\n", imp->namespace_from, imp->namespace_to);
	if (rc == 0)
		rc = promote__strbuf_addf(&text, "Promote-Import: %s\nPromote-From: %s\n", req->name, from);
	if (rc == 0)
		rc = promote__buf_put(out, promote__strbuf_cstr(&text), promote__strbuf_len(&text));
	promote__strbuf_free(&text);
	return rc;
}

/* A commit on `base` holding the import's changes (*created false: they change nothing). */
static int commit_of(git_oid *out, bool *created, git_repository *repo, const promote__import_request *req,
	const promote__import *imp, const git_oid *base, promote__git_commit_info *info)
{
	promote__git_edit *edits = calloc(imp->changes.size ? imp->changes.size : 1, sizeof *edits);
	promote_buf message = PROMOTE_BUF_INIT;
	int rc = edits ? message_of(&message, req, imp) : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < imp->changes.size; i++) {
		const promote__change *c = &imp->changes.ptr[i];
		edits[i] = (promote__git_edit){ c->path, c->after.ptr, c->after.size, false, c->mode };
	}
	info->message = message.ptr;
	if (rc == 0)
		rc = promote__git_commit(out, created, repo, base, edits, imp->changes.size, info, NULL);
	info->message = NULL;
	promote_buf_dispose(&message);
	free(edits);
	return rc;
}

static int oid_of(git_oid *out, const promote__commit_id *id)
{
	return git_oid_fromstr(out, id->hex) < 0
		? promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "bad commit id '%s'", id->hex) : 0;
}

/*
 * The environment is configured on the branch already: the commit of an
 * earlier import of the same environment from the same source, when
 * importing on its parent makes exactly its tree (*found), else nothing.
 */
static int find_done(git_oid *found, bool *same, promote_context *ctx, promote__git_session *session,
	const promote__import_request *req, const promote__commit_id *tip, promote__git_commit_info *info)
{
	*same = false;
	promote__strbuf lines[2];
	promote__strbuf_init(&lines[0], PROMOTE__MESSAGE_MAX, "a trailer");
	promote__strbuf_init(&lines[1], PROMOTE__MESSAGE_MAX, "a trailer");
	git_oid at;
	int rc = oid_of(&at, tip);
	if (rc == 0 && (rc = promote__strbuf_addf(&lines[0], "Promote-Import: %s", req->name)) == 0)
		rc = promote__strbuf_addf(&lines[1], "Promote-From: %s", promote_env_name(req->from));
	const char *wanted[] = { promote__strbuf_cstr(&lines[0]), promote__strbuf_cstr(&lines[1]) };
	if (rc == 0)
		rc = promote__git_find_by_trailers(found, session->repo, &at, wanted, 2, PROMOTE__TRAILER_SEARCH_DEPTH, NULL);
	git_commit *done = NULL;
	if (rc == 0 && git_commit_lookup(&done, session->repo, found) == 0 && git_commit_parentcount(done) == 1) {
		promote__commit_id parent;
		git_oid_tostr(parent.hex, sizeof parent.hex, git_commit_parent_id(done, 0));
		promote__import again;
		git_oid made;
		bool created = false;
		if (promote__import_make(&again, ctx, promote__git_session_reader(session), req, &parent, NULL) == 0 &&
			commit_of(&made, &created, session->repo, req, &again, git_commit_parent_id(done, 0), info) == 0 &&
			created) {
			git_commit *ours = NULL;
			*same = git_commit_lookup(&ours, session->repo, &made) == 0 &&
				git_oid_equal(git_commit_tree_id(ours), git_commit_tree_id(done));
			git_commit_free(ours);
		}
		promote__import_dispose(&again);
	}
	git_commit_free(done);
	promote__strbuf_free(&lines[0]);
	promote__strbuf_free(&lines[1]);
	if (rc == PROMOTE_ENOTFOUND || rc == 0) {
		promote_error_clear();
		return 0;
	}
	return rc;
}

static int put_hex(promote_buf *commit, const git_oid *id)
{
	if (!commit)
		return 0;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&fresh, hex);
	if (rc == 0)
		*commit = fresh;
	return rc;
}

/* The refusal of an import that finds the environment there: as it was said, unless an earlier run of
 * this very import made it (then *outcome unchanged and its commit). */
static int already(promote_buf *commit, int *outcome, promote_context *ctx, promote__git_session *session,
	const promote__import_request *req, const promote__import *imp, promote__git_commit_info *info, int refused)
{
	const promote_error *e = promote_error_last();
	int klass = e->klass;
	char *said = strdup(e->message);
	if (!said)
		return promote__error_oom();
	git_oid found;
	bool same = false;
	int rc = imp->configured ? find_done(&found, &same, ctx, session, req, &imp->base, info) : 0;
	if (rc == 0 && same) {
		*outcome = PROMOTE_APPLY_UNCHANGED;
		rc = put_hex(commit, &found);
	} else if (rc == 0) {
		rc = promote__error(refused, klass, "%s", said);
	}
	free(said);
	return rc;
}

/* The configuration the import writes must load: nothing is written otherwise. */
static int check_config(promote_context *ctx, const promote__import *imp, const promote__import_request *req)
{
	for (size_t i = 0; i < imp->changes.size; i++) {
		const promote__change *c = &imp->changes.ptr[i];
		if (strcmp(c->path, req->config_path) != 0)
			continue;
		promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
		opts.max_config_size = ctx->options.max_config_size;
		promote_context *check = NULL;
		int rc = promote_context_open_buffer(&check, c->after.ptr, c->after.size, req->config_path, &opts);
		promote_context_free(check);
		if (rc)
			return promote__error(rc, PROMOTE_ERROR_CLASS_CONFIG,
				"importing '%s' would make the configuration invalid: %s; nothing was written",
				req->name, promote_error_last()->message);
	}
	return 0;
}

int promote_env_import(promote_buf *commit, int *outcome, promote_context *ctx, const char *name, const char *from,
	const promote_env_import_options *opts)
{
	if (!outcome || !ctx || !name || !from)
		return promote__error_arg(__func__, !outcome ? "outcome" : !ctx ? "ctx" : !name ? "name" : "from");
	*outcome = PROMOTE_APPLY_UNCHANGED;
	promote__import_request req;
	int rc = promote__import_request_init(&req, ctx, name, from, opts);
	promote__git_session *session = NULL;
	if (rc == 0)
		rc = promote__context_session(&session, ctx);
	promote__git_identity who = { NULL, NULL, NULL, NULL };
	if (rc == 0)
		rc = promote__git_identity_read(&who, session->repo, opts ? opts->author_name : NULL,
			opts ? opts->author_email : NULL);
	promote__git_commit_info info = { who.author_name, who.author_email, 0, NULL, who.committer_name,
		who.committer_email };
	unsigned retries = opts && opts->max_retries ? opts->max_retries : PROMOTE__DEFAULT_RETRIES;
	uint64_t seed = promote__backoff_seed(&req);
	promote__strbuf ref;
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	for (unsigned attempt = 0; rc == 0; attempt++) {
		promote__import imp;
		rc = promote__import_make(&imp, ctx, promote__git_session_reader(session), &req, NULL, NULL);
		if (rc == PROMOTE_EEXISTS) {
			rc = already(commit, outcome, ctx, session, &req, &imp, &info, rc);
			promote__import_dispose(&imp);
			break;
		}
		if (rc == 0)
			rc = check_config(ctx, &imp, &req);
		git_oid base, made;
		bool created = false;
		if (rc == 0 && (rc = oid_of(&base, &imp.base)) == 0)
			rc = commit_of(&made, &created, session->repo, &req, &imp, &base, &info);
		if (rc == 0)
			rc = promote__strbuf_setf(&ref, "refs/heads/%s", imp.branch);
		promote__import_dispose(&imp);
		if (rc == 0)
			promote__fault_point("(import made)"); /* a test build may die here: made, not published */
		if (rc == 0)
			rc = promote__git_session_publish(session, promote__strbuf_cstr(&ref), &made, &base, false);
		if (rc == PROMOTE_ECONFLICT && attempt < retries) {
			/* The branch moved: take what landed, and plan again on it. */
			promote_error_clear();
			promote__backoff(attempt, &seed);
			rc = promote__git_session_refresh(session);
			continue;
		}
		if (rc == 0) {
			promote__fault_point("(import pushed)"); /* a test build may die here: pushed, not said */
			*outcome = PROMOTE_APPLY_COMMITTED;
			rc = put_hex(commit, &made);
		}
		break;
	}
	promote__strbuf_free(&ref);
	promote__git_identity_dispose(&who);
	promote__import_request_dispose(&req);
	return rc;
}
