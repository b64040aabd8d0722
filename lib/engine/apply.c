/*
 * Applying a plan: the one place that writes to git. A commit on the target
 * branch (action commit) or on a change branch (action pull-request), moved
 * by compare-and-swap; when the branch moved meanwhile, the plan is computed
 * again on the new tip and the commit made again, with a jittered backoff.
 */
#include "plan/plan.h"

#include "git/identity.h"
#include "git/session.h"
#include "core/options.h"
#include "core/backoff.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Version 1 of the options ended before `release`. */
static const size_t options_sizes[] = { offsetof(promote_apply_options, release), sizeof(promote_apply_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_APPLY_OPTIONS_VERSION);

int promote_apply_options_init(promote_apply_options *opts, unsigned int version)
{
	static const promote_apply_options defaults = PROMOTE_APPLY_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_APPLY_OPTIONS_VERSION,
		"promote_apply_options", __func__);
}

const char *promote_apply_outcome_name(int outcome)
{
	static const char *const names[] = { "unchanged", "committed", "proposed", "skipped" };
	return PROMOTE__NAME_OF(names, outcome);
}

/* A release id: it names branches and trailers. */
static int check_release(const char *release)
{
	size_t n = strlen(release);
	bool ok = n >= 1 && n <= 64;
	for (size_t i = 0; ok && i < n; i++)
		ok = (release[i] >= 'a' && release[i] <= 'z') || (release[i] >= 'A' && release[i] <= 'Z') ||
			(release[i] >= '0' && release[i] <= '9') || strchr("._-", release[i]);
	if (!ok || release[0] == '.' || strstr(release, ".."))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"release id '%.80s' is not valid: use 1 to 64 of A-Z a-z 0-9 . _ -, not starting with '.'",
			release);
	return 0;
}

/* "Promote shop 1.4.0 to qa" and the trailers that find the commit again. */
static int message_of(promote_buf *out, const promote_plan *plan, const char *release)
{
	const char *version = plan->version ? plan->version : "(no version)";
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the commit message");
	int rc = promote__strbuf_addf(&text, "Promote %s %s to %s\n\n", plan->product, version, promote_env_name(plan->to));
	if (rc == 0 && release)
		rc = promote__strbuf_addf(&text, "Promote-Release: %s\n", release);
	if (rc == 0)
		rc = promote__strbuf_addf(&text,
			"Promote-Product: %s\nPromote-Environment: %s\nPromote-From: %s\nPromote-Version: %s\n", plan->product,
			promote_env_name(plan->to), promote_env_name(plan->from), version);
	if (rc == 0)
		rc = promote__buf_put(out, promote__strbuf_cstr(&text), promote__strbuf_len(&text));
	promote__strbuf_free(&text);
	return rc;
}

/* The change request for a change branch, through the target environment's
 * provider: found open already (a resumed or repeated run), or opened. */
static int open_change(promote_plan *plan, const char *branch, const char *release)
{
	const promote_repository *repository = promote_env_repository(plan->to);
	const char *provider = repository ? promote_repository_provider(repository) : NULL;
	const char *version = plan->version ? plan->version : "latest";
	const char *const label_keys[] = { "product", "environment", "version", "release" };
	const char *const label_values[] = { plan->product, promote_env_name(plan->to), version, release };
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the change request's title");
	promote_buf body = PROMOTE_BUF_INIT;
	int rc = message_of(&body, plan, release);
	promote_change_request *request = NULL;
	if (rc == 0)
		rc = promote_change_request_new(&request, branch, plan->to_branch);
	if (rc == 0 && (rc = promote__strbuf_setf(&text, "Promote %s %s to %s", plan->product, version,
				promote_env_name(plan->to))) == 0)
		rc = promote_change_request_set_title(request, promote__strbuf_cstr(&text));
	if (rc == 0)
		rc = promote_change_request_set_body(request, body.ptr);
	for (size_t i = 0; rc == 0 && i < (release ? 4u : 3u); i++)
		if ((rc = promote__strbuf_setf(&text, "promote/%s=%s", label_keys[i], label_values[i])) == 0)
			rc = promote_change_request_add_label(request, promote__strbuf_cstr(&text));
	if (rc == 0)
		rc = promote_change_request_add_environment(request, promote_env_name(plan->to));
	if (rc == 0)
		rc = promote_change_request_set_draft(request, promote_env_strategy(plan->to) == PROMOTE_STRATEGY_MANUAL);
	promote_change_info *info = NULL;
	if (rc == 0)
		rc = promote_change_open(&info, plan->ctx, provider, request);
	if (rc == 0) {
		free(plan->change_id);
		if (!(plan->change_id = strdup(promote_change_info_id(info))))
			rc = promote__error_oom();
	}
	promote_change_info_free(info);
	promote_change_request_free(request);
	promote_buf_dispose(&body);
	promote__strbuf_free(&text);
	return rc;
}

static bool same_tree(git_repository *repo, const git_oid *a, const git_oid *b)
{
	git_commit *ca = NULL, *cb = NULL;
	bool same = git_commit_lookup(&ca, repo, a) == 0 && git_commit_lookup(&cb, repo, b) == 0 &&
		git_oid_equal(git_commit_tree_id(ca), git_commit_tree_id(cb));
	git_commit_free(ca);
	git_commit_free(cb);
	return same;
}

/* After `failed` (an error already set): the change branch `ref` this call
 * published at `made` goes back to `previous`, or away when it was new. The
 * error stays the one of `failed`, told that the branch was undone, or, if
 * that failed too, what to remove by hand. */
static int withdraw(promote__git_session *session, const char *ref, const git_oid *made, const git_oid *previous,
	const char *branch, int failed)
{
	const promote_error *e = promote_error_last();
	int klass = e->klass;
	char *why = strdup(e->message);
	if (!why)
		return promote__error_oom();
	int rc = promote__git_session_publish(session, ref, previous, made, true);
	if (rc == 0)
		rc = promote__error(failed, klass, "%s (the change branch '%s' was %s)", why, branch,
			previous ? "moved back" : "removed");
	else
		rc = promote__error(failed, klass, "%s; and the change branch '%s' it was made on could not be %s (%s): "
			"remove it by hand", why, branch, previous ? "moved back" : "removed", promote_error_last()->message);
	free(why);
	return rc;
}

int promote_plan_apply(promote_buf *commit, int *outcome, promote_plan *plan, const promote_apply_options *opts)
{
	if (!outcome || !plan)
		return promote__error_arg(__func__, !outcome ? "outcome" : "plan");
	*outcome = PROMOTE_APPLY_UNCHANGED;
	promote_apply_options o = PROMOTE_APPLY_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_APPLY_OPTIONS_VERSION, "promote_apply_options");
	if (rc == 0 && o.release)
		rc = check_release(o.release);
	if (rc)
		return rc;
	unsigned retries = o.max_retries ? o.max_retries : PROMOTE__DEFAULT_RETRIES;
	if (plan->action == PROMOTE_ACTION_NONE) {
		*outcome = PROMOTE_APPLY_SKIPPED;
		return 0;
	}
	promote__git_session *session = NULL;
	promote__git_identity who = { NULL, NULL, NULL, NULL };
	rc = promote__context_session(&session, plan->ctx);
	git_repository *repo = session ? session->repo : NULL;
	if (rc == 0)
		rc = promote__git_identity_read(&who, repo, o.author_name, o.author_email);
	promote__git_commit_info info = { who.author_name, who.author_email, 0, NULL, who.committer_name,
		who.committer_email };
	uint64_t seed = promote__backoff_seed(plan);
	promote__strbuf branch, ref;
	promote__strbuf_init(&branch, PROMOTE__BRANCH_MAX, "the branch's name");
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	bool published = false;
	for (unsigned attempt = 0; rc == 0; attempt++) {
		if (attempt > 0 && (rc = promote__plan_compute(plan, promote__git_session_reader(session)))) {
			if (rc == PROMOTE_ENOTFOUND || rc == PROMOTE_EINVALID) /* what the plan needs is gone */
				rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
					"'%s' moved while %s was promoted, and on its new tip the promotion cannot be "
					"planned again: %s; nothing was written: look at what changed there, then "
					"promote again", plan->to_branch, plan->product, promote_error_last()->message);
			break;
		}
		if (plan->changes.size == 0) {
			/* Already in place — perhaps by a run killed before it could
			 * remove its lock on the branch: not left for the next one. */
			if ((rc = promote__strbuf_setf(&ref, "refs/heads/%s", plan->to_branch)) == 0)
				rc = promote__git_session_settle(session, promote__strbuf_cstr(&ref));
			break;
		}
		promote__git_edit *edits = calloc(plan->changes.size, sizeof *edits);
		promote_buf message = PROMOTE_BUF_INIT;
		rc = edits ? message_of(&message, plan, o.release) : promote__error_oom();
		for (size_t i = 0; rc == 0 && i < plan->changes.size; i++) {
			edits[i].path = plan->changes.ptr[i].path;
			edits[i].data = plan->changes.ptr[i].after.ptr;
			edits[i].size = plan->changes.ptr[i].after.size;
			edits[i].mode = plan->changes.ptr[i].mode;
		}
		info.message = message.ptr;
		git_oid base, made;
		bool created = false;
		if (rc == 0 && (rc = git_oid_fromstr(&base, plan->base.hex) < 0 ? promote__error(PROMOTE_EGIT,
						    PROMOTE_ERROR_CLASS_GIT, "bad base commit '%s'", plan->base.hex) : 0) == 0)
			rc = promote__git_commit(&made, &created, repo, &base, edits, plan->changes.size, &info);
		free(edits);
		promote_buf_dispose(&message);
		if (rc || !created)
			break;
		/* The target branch, or the change request of the local provider: a
		 * branch named after what it promotes. */
		bool proposing = plan->action == PROMOTE_ACTION_PULL_REQUEST;
		rc = !proposing ? promote__strbuf_setf(&branch, "%s", plan->to_branch)
			: o.release ? promote__strbuf_setf(&branch, "promote/%s/%s", o.release, promote_env_name(plan->to))
				    : promote__strbuf_setf(&branch, "promote/%s/%s/%s", plan->product,
					      plan->version ? plan->version : "latest", promote_env_name(plan->to));
		if (rc || (rc = promote__strbuf_setf(&ref, "refs/heads/%s", promote__strbuf_cstr(&branch))))
			break;
		const git_oid *expected = &base;
		git_oid existing;
		if (proposing) {
			expected = git_reference_name_to_id(&existing, repo, promote__strbuf_cstr(&ref)) == 0 ? &existing : NULL;
			if (expected && same_tree(repo, &existing, &made)) {
				made = existing; /* proposed already: never a second change, nor its lock left */
				if ((rc = promote__git_session_settle(session, promote__strbuf_cstr(&ref))))
					break;
				*outcome = PROMOTE_APPLY_PROPOSED;
				goto done;
			}
		}
		/* A mirror of a remote: the remote is where the change lands (the mirror
		 * learns it at the next fetch); a local repository's branch moves here. */
		rc = promote__git_session_publish(session, promote__strbuf_cstr(&ref), &made, expected, proposing);
		published = rc == 0;
		if (rc == PROMOTE_ECONFLICT && attempt < retries) {
			promote_error_clear();
			promote__backoff(attempt, &seed);
			/* Someone else's change landed first: take it, then plan again on it. */
			rc = promote__git_session_refresh(session);
			continue;
		}
		if (rc)
			break;
		*outcome = plan->action == PROMOTE_ACTION_PULL_REQUEST ? PROMOTE_APPLY_PROPOSED : PROMOTE_APPLY_COMMITTED;
done:
		if (proposing && (rc = open_change(plan, promote__strbuf_cstr(&branch), o.release))) {
			/* No change request: no change branch of this call left behind either. */
			if (published)
				rc = withdraw(session, promote__strbuf_cstr(&ref), &made, expected,
					promote__strbuf_cstr(&branch), rc);
			*outcome = PROMOTE_APPLY_UNCHANGED;
			break;
		}
		if (commit) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof hex, &made);
			promote_buf fresh = PROMOTE_BUF_INIT;
			rc = promote__buf_puts(&fresh, hex);
			if (rc == 0)
				*commit = fresh;
		}
		break;
	}
	promote__git_identity_dispose(&who);
	promote__strbuf_free(&branch);
	promote__strbuf_free(&ref);
	return rc;
}
