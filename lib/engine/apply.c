/*
 * Applying a plan: the one place that writes to git. A commit on the target
 * branch (action commit) or on a change branch (action pull-request), moved
 * by compare-and-swap; when the branch moved meanwhile, the plan is computed
 * again on the new tip and the commit made again, with a jittered backoff.
 */
#include "apply.h"
#include "plan/plan.h"

#include "git/commit.h"
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

/* "qa", or "qa, staging" (sep ", ") or "qa+staging" (sep "+"): the environments promoted together. */
static int env_names(promote__strbuf *out, promote_plan *const *plans, size_t count, const char *sep)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = promote__strbuf_addf(out, "%s%s", i ? sep : "", promote_env_name(plans[i]->to));
	return rc;
}

/* "Promote shop 1.4.0 to qa" (or "to qa, staging") and the trailers that find the commit again: one
 * Promote-Environment per environment, one Promote-From per source. */
static int message_of(promote_buf *out, promote_plan *const *plans, size_t count, const char *release)
{
	const promote_plan *plan = plans[0];
	const char *version = plan->version ? plan->version : "(no version)";
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the commit message");
	int rc = promote__strbuf_addf(&text, "Promote %s %s to ", plan->product, version);
	if (rc == 0)
		rc = env_names(&text, plans, count, ", ");
	if (rc == 0)
		rc = promote__strbuf_adds(&text, "\n\n");
	if (rc == 0 && release)
		rc = promote__strbuf_addf(&text, "Promote-Release: %s\n", release);
	if (rc == 0)
		rc = promote__strbuf_addf(&text, "Promote-Product: %s\n", plan->product);
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = promote__strbuf_addf(&text, "Promote-Environment: %s\n", promote_env_name(plans[i]->to));
	for (size_t i = 0; rc == 0 && i < count; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = plans[j]->from == plans[i]->from;
		if (!seen)
			rc = promote__strbuf_addf(&text, "Promote-From: %s\n", promote_env_name(plans[i]->from));
	}
	if (rc == 0)
		rc = promote__strbuf_addf(&text, "Promote-Version: %s\n", version);
	if (rc == 0)
		rc = promote__buf_put(out, promote__strbuf_cstr(&text), promote__strbuf_len(&text));
	promote__strbuf_free(&text);
	return rc;
}

/* The labels of one product's change request: promote/product=, one
 * promote/environment= per environment, promote/version=, promote/release=. */
static int product_labels(promote_change_request *request, promote_plan *const *plans, size_t count,
	const char *release)
{
	const char *version = plans[0]->version ? plans[0]->version : "latest";
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "a change request's label");
	int rc = promote__strbuf_setf(&text, "promote/product=%s", plans[0]->product);
	if (rc == 0)
		rc = promote_change_request_add_label(request, promote__strbuf_cstr(&text));
	for (size_t i = 0; rc == 0 && i < count; i++)
		if ((rc = promote__strbuf_setf(&text, "promote/environment=%s", promote_env_name(plans[i]->to))) == 0)
			rc = promote_change_request_add_label(request, promote__strbuf_cstr(&text));
	if (rc == 0 && (rc = promote__strbuf_setf(&text, "promote/version=%s", version)) == 0)
		rc = promote_change_request_add_label(request, promote__strbuf_cstr(&text));
	if (rc == 0 && release && (rc = promote__strbuf_setf(&text, "promote/release=%s", release)) == 0)
		rc = promote_change_request_add_label(request, promote__strbuf_cstr(&text));
	promote__strbuf_free(&text);
	return rc;
}

/* The change request for a change branch, through the target environment's
 * provider: found open already (a resumed or repeated run), or opened. */
static int open_change(promote_plan *const *plans, size_t count, const char *branch, const char *release,
	const promote__apply_group *group)
{
	promote_plan *plan = plans[0];
	const promote_repository *repository = promote_env_repository(plan->to);
	const char *provider = repository ? promote_repository_provider(repository) : NULL;
	promote__strbuf title;
	promote__strbuf_init(&title, PROMOTE__MESSAGE_MAX, "the change request's title");
	promote_buf body = PROMOTE_BUF_INIT;
	int rc = group ? group->message(&body, group->self, release) : message_of(&body, plans, count, release);
	promote_change_request *request = NULL;
	if (rc == 0)
		rc = promote_change_request_new(&request, branch, plan->to_branch);
	/* The title is the message's first line. */
	if (rc == 0)
		rc = promote__strbuf_setf(&title, "%.*s", (int)strcspn(body.ptr, "\n"), body.ptr);
	if (rc == 0)
		rc = promote_change_request_set_title(request, promote__strbuf_cstr(&title));
	if (rc == 0)
		rc = promote_change_request_set_body(request, body.ptr);
	if (rc == 0 && !group)
		rc = product_labels(request, plans, count, release);
	for (size_t i = 0; rc == 0 && group && i < group->label_count; i++)
		rc = promote_change_request_add_label(request, group->labels[i]);
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (i == 0 || plans[i]->to != plans[i - 1]->to)
			rc = promote_change_request_add_environment(request, promote_env_name(plans[i]->to));
	if (rc == 0)
		rc = promote_change_request_set_draft(request, promote_env_strategy(plan->to) == PROMOTE_STRATEGY_MANUAL);
	promote_change_info *info = NULL;
	if (rc == 0)
		rc = promote_change_open(&info, plan->ctx, provider, request);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		free(plans[i]->change_id);
		if (!(plans[i]->change_id = strdup(promote_change_info_id(info))))
			rc = promote__error_oom();
	}
	promote_change_info_free(info);
	promote_change_request_free(request);
	promote_buf_dispose(&body);
	promote__strbuf_free(&title);
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

/* Compute every plan again on the current tips (attempt > 0, or plans made on different tips of their
 * common branch). */
static int replan(promote_plan *const *plans, size_t count, promote__git_session *session,
	const promote__apply_group *group)
{
	int rc = 0;
	if (group)
		rc = group->replan(group->self, promote__git_session_reader(session));
	for (size_t i = 0; rc == 0 && !group && i < count; i++)
		rc = promote__plan_compute(plans[i], promote__git_session_reader(session));
	if (rc == PROMOTE_ENOTFOUND || rc == PROMOTE_EINVALID) /* what the plan needs is gone */
		rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
			"'%s' moved while %s was promoted, and on its new tip the promotion cannot be "
			"planned again: %s; nothing was written: look at what changed there, then "
			"promote again", plans[0]->to_branch, plans[0]->product, promote_error_last()->message);
	return rc;
}

static bool same_base(promote_plan *const *plans, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (strcmp(plans[i]->base.hex, plans[0]->base.hex) != 0)
			return false;
	return true;
}

typedef struct numbered_edit {
	promote__git_edit edit;
	size_t order;
} numbered_edit;

static int by_path_then_order(const void *a, const void *b)
{
	const numbered_edit *x = a, *y = b;
	int c = strcmp(x->edit.path, y->edit.path);
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* The edits of every plan, in one array (the paths are the plans'). A file
 * several plans changed (each on what the one before left) is written once,
 * as the last one left it. */
static int edits_of(promote__git_edit **out, size_t *n, promote_plan *const *plans, size_t count)
{
	size_t total = 0;
	for (size_t i = 0; i < count; i++)
		total += plans[i]->changes.size;
	numbered_edit *all = calloc(total ? total : 1, sizeof *all);
	promote__git_edit *edits = calloc(total ? total : 1, sizeof *edits);
	if (!all || !edits) {
		free(all);
		free(edits);
		return promote__error_oom();
	}
	size_t k = 0;
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < plans[i]->changes.size; j++, k++) {
			const promote__change *c = &plans[i]->changes.ptr[j];
			all[k] = (numbered_edit){ { c->path, c->after.ptr, c->after.size, false, c->mode }, k };
		}
	if (count > 1)
		qsort(all, total, sizeof *all, by_path_then_order);
	size_t kept = 0;
	for (size_t i = 0; i < total; i++) {
		if (i + 1 < total && strcmp(all[i].edit.path, all[i + 1].edit.path) == 0)
			continue; /* a later plan wrote it again */
		edits[kept++] = all[i].edit;
	}
	free(all);
	*out = edits;
	*n = kept;
	return 0;
}

/* Plans that are written together: one target branch and action, and one product unless a group says otherwise. */
static int check_together(promote_plan *const *plans, size_t count, bool one_product)
{
	for (size_t i = 1; i < count; i++)
		if (strcmp(plans[i]->to_branch, plans[0]->to_branch) != 0 || plans[i]->action != plans[0]->action ||
			(one_product && strcmp(plans[i]->product, plans[0]->product) != 0))
			return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
				"promotions into '%s' and '%s' cannot be written in one commit: they need the same "
				"%starget branch and action", promote_env_name(plans[0]->to),
				promote_env_name(plans[i]->to), one_product ? "product, " : "");
	return 0;
}

static int apply_plans(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later, const promote__apply_group *group);

/* Already in place — perhaps by a run killed before it could remove its
 * lock on the branch: that lock is not left for the next one. */
static int settle(promote__git_session *session, const char *branch)
{
	promote__strbuf ref;
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	int rc = promote__strbuf_setf(&ref, "refs/heads/%s", branch);
	if (rc == 0)
		rc = promote__git_session_settle(session, promote__strbuf_cstr(&ref));
	promote__strbuf_free(&ref);
	return rc;
}

int promote__apply_settle(promote_context *ctx, const char *branch)
{
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, ctx);
	return rc ? rc : settle(session, branch);
}

int promote__plans_apply(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later)
{
	return apply_plans(commit, outcome, plans, count, opts, later, NULL);
}

int promote__group_apply(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later, const promote__apply_group *group)
{
	return apply_plans(commit, outcome, plans, count, opts, later, group);
}

static int apply_plans(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later, const promote__apply_group *group)
{
	*outcome = PROMOTE_APPLY_UNCHANGED;
	promote_apply_options o = PROMOTE_APPLY_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_APPLY_OPTIONS_VERSION, "promote_apply_options");
	if (rc == 0 && o.release)
		rc = check_release(o.release);
	if (rc == 0)
		rc = check_together(plans, count, !group);
	if (rc)
		return rc;
	promote_plan *plan = plans[0];
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
		if ((attempt > 0 || !same_base(plans, count)) && (rc = replan(plans, count, session, group)))
			break;
		size_t n = 0;
		for (size_t i = 0; i < count; i++)
			n += plans[i]->changes.size;
		if (n == 0) {
			rc = settle(session, plan->to_branch);
			break;
		}
		promote__git_edit *edits = NULL;
		promote_buf message = PROMOTE_BUF_INIT;
		rc = edits_of(&edits, &n, plans, count);
		if (rc == 0)
			rc = group ? group->message(&message, group->self, o.release)
				   : message_of(&message, plans, count, o.release);
		info.message = message.ptr;
		git_oid base, made;
		bool created = false;
		if (rc == 0 && (rc = git_oid_fromstr(&base, plan->base.hex) < 0 ? promote__error(PROMOTE_EGIT,
						    PROMOTE_ERROR_CLASS_GIT, "bad base commit '%s'", plan->base.hex) : 0) == 0)
			rc = promote__git_commit(&made, &created, repo, &base, edits, n, &info,
				promote__git_session_pack_keeper(session));
		free(edits);
		promote_buf_dispose(&message);
		if (rc || !created)
			break;
		/* The target branch, or the change request of the local provider: a
		 * branch named after what it promotes. */
		bool proposing = plan->action == PROMOTE_ACTION_PULL_REQUEST;
		if (!proposing)
			rc = promote__strbuf_setf(&branch, "%s", plan->to_branch);
		else if (group)
			rc = promote__strbuf_setf(&branch, "%s", group->branch);
		else if (o.release && (rc = promote__strbuf_setf(&branch, "promote/%s/", o.release)) == 0)
			rc = env_names(&branch, plans, count, "+");
		else if (!o.release)
			rc = promote__strbuf_setf(&branch, "promote/%s/%s/%s", plan->product,
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
		 * learns it at the next fetch); a local repository's branch moves here.
		 * Later: kept for the caller's next flush, with its record (no race to
		 * lose before then). */
		if (later && !proposing && session->remote_url)
			rc = promote__git_session_publish_later(session, promote__strbuf_cstr(&ref), &made, expected);
		else
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
		*outcome = proposing ? PROMOTE_APPLY_PROPOSED : PROMOTE_APPLY_COMMITTED;
done:
		if (proposing && (rc = open_change(plans, count, promote__strbuf_cstr(&branch), o.release, group))) {
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

int promote_plan_apply(promote_buf *commit, int *outcome, promote_plan *plan, const promote_apply_options *opts)
{
	if (!outcome || !plan)
		return promote__error_arg(__func__, !outcome ? "outcome" : "plan");
	return promote__plans_apply(commit, outcome, &plan, 1, opts, false);
}
