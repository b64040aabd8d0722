/*
 * A step's side effects: the commit on the environment's branch, or the
 * change branch and change request — for one step or a group written
 * together — and the trigger's version commit. Each is looked for before it
 * is made: a commit by its trailers on the branch (a bounded first-parent
 * walk), a change request by its labels. So a process that died after the
 * effect and before the record is followed by one that adopts the effect.
 * Also: a change branch that someone merged outside the provider, found on
 * its base branch.
 */
#include "release_machine.h"
#include "apply.h"
#include "sync_model.h"

#include "git/session.h"
#include "git/trailers.h"
#include "plan/plan.h"
#include "model/context.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

void promote__effect_dispose(promote__effect *e)
{
	free(e->commit);
	free(e->change);
	free(e->head);
	memset(e, 0, sizeof *e);
}

const char *promote__effect_provider(promote_context *ctx, const char *env)
{
	const promote_env *e = NULL;
	const promote_repository *repository = NULL;
	if (env && promote_env_lookup(&e, ctx, env) == 0)
		repository = promote_env_repository(e);
	else
		promote_error_clear();
	return repository ? promote_repository_provider(repository) : NULL;
}

/* The tip of `branch` before `r` was created by this process, or NULL. */
static const git_oid *base_of(const promote_release *r, const char *branch)
{
	for (size_t i = 0; i < r->base_count; i++)
		if (strcmp(r->bases[i].branch, branch) == 0)
			return &r->bases[i].tip;
	return NULL;
}

/* `env`'s branch and its tip now into r->bases, unless it is there already or cannot be read (the search
 * then walks to its usual depth). 0, or PROMOTE_ENOMEM. */
static int take_base(promote_release *r, promote__git_session *session, const char *env_name)
{
	const promote_env *env = NULL;
	char *branch = NULL;
	git_oid tip;
	int rc = promote_env_lookup(&env, r->ctx, env_name);
	if (rc == 0)
		rc = promote__plan_branch_of(&branch, promote__git_session_reader(session), env);
	if (rc == 0 && !base_of(r, branch) && (rc = promote__git_session_branch_tip(&tip, session, branch)) == 0) {
		promote__release_base *more = realloc(r->bases, (r->base_count + 1) * sizeof *more);
		if (more) {
			r->bases = more;
			r->bases[r->base_count++] = (promote__release_base){ branch, tip };
			return 0;
		}
		rc = promote__error_oom();
	}
	free(branch);
	if (rc == 0 || rc == PROMOTE_ENOMEM)
		return rc;
	promote_error_clear();
	return 0;
}

int promote__effect_bases_take(promote_release *r)
{
	promote__git_session *session = NULL;
	if (promote__context_session(&session, r->ctx) != 0) {
		promote_error_clear();
		return 0;
	}
	int rc = r->trigger && *r->trigger ? take_base(r, session, r->trigger) : 0;
	for (size_t i = 0; rc == 0 && i < r->step_count; i++)
		rc = take_base(r, session, r->steps[i].environment);
	return rc;
}

/* The commit on `branch` whose trailers name release `r` and environment `env`: 0 with *hex set
 * (malloc'd), or 0 with *hex NULL when there is none. A commit found was made by a process that died
 * before it could record it — perhaps before it could remove its lock on the branch: not left for the
 * next writer. */
static int find_commit(char **hex, promote_release *r, const char *branch, const char *env)
{
	*hex = NULL;
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, r->ctx);
	git_oid tip, found;
	if (rc == 0 && (rc = promote__git_session_branch_tip(&tip, session, branch)) == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	char *release_line = rc == 0 ? promote__strdupf("Promote-Release: %s", r->id) : NULL;
	char *env_line = rc == 0 ? promote__strdupf("Promote-Environment: %s", env) : NULL;
	if (rc == 0 && (!release_line || !env_line))
		rc = promote__error_oom();
	if (rc == 0) {
		const char *lines[] = { release_line, env_line };
		rc = promote__git_find_by_trailers(&found, session->repo, &tip, lines, 2, PROMOTE__TRAILER_SEARCH_DEPTH,
			base_of(r, branch));
		if (rc == 0 && !(*hex = strdup(git_oid_tostr_s(&found))))
			rc = promote__error_oom();
		else if (rc == PROMOTE_ENOTFOUND)
			rc = 0;
	}
	char *ref = rc == 0 && *hex ? promote__strdupf("refs/heads/%s", branch) : NULL;
	if (rc == 0 && *hex)
		rc = ref ? promote__git_session_settle(session, ref) : promote__error_oom();
	free(ref);
	free(release_line);
	free(env_line);
	return rc;
}

/* The open change request of release `r` for `env`: 0 with *info set, or 0 with *info NULL. */
static int find_change(promote_change_info **info, promote_release *r, const char *env)
{
	*info = NULL;
	promote_change_request *request = NULL;
	char *release_label = promote__strdupf("promote/release=%s", r->id);
	char *env_label = promote__strdupf("promote/environment=%s", env);
	int rc = release_label && env_label ? promote_change_request_new(&request, "-", "-") : promote__error_oom();
	if (rc == 0)
		rc = promote_change_request_add_label(request, release_label);
	if (rc == 0)
		rc = promote_change_request_add_label(request, env_label);
	if (rc == 0 && (rc = promote_change_find(info, r->ctx, promote__effect_provider(r->ctx, env), request)) ==
			PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	promote_change_request_free(request);
	free(release_label);
	free(env_label);
	return rc;
}

/* `commit` is `head` or has it among its ancestors. */
static bool holds(git_repository *repo, const git_oid *commit, const git_oid *head)
{
	return git_oid_equal(commit, head) || git_graph_descendant_of(repo, commit, head) == 1;
}

int promote__effect_merged_outside(char **merge_commit, promote_release *r, const char *base, const char *head)
{
	*merge_commit = NULL;
	promote__git_session *session = NULL;
	git_oid tip, wanted;
	if (!head || git_oid_fromstr(&wanted, head) < 0)
		return 0; /* no head recorded: nothing to look for */
	int rc = promote__context_session(&session, r->ctx);
	if (rc == 0 && (rc = promote__git_session_branch_tip(&tip, session, base)) == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	if (rc || !holds(session->repo, &tip, &wanted))
		return rc;
	/* Down the base's first-parent line to the first commit that holds it: the merge. */
	git_oid at = tip;
	for (unsigned depth = 0; depth < PROMOTE__TRAILER_SEARCH_DEPTH && !git_oid_equal(&at, &wanted); depth++) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, session->repo, &at) < 0)
			break;
		bool older = git_commit_parentcount(c) > 0 && holds(session->repo, git_commit_parent_id(c, 0), &wanted);
		if (older)
			at = *git_commit_parent_id(c, 0);
		git_commit_free(c);
		if (!older)
			break;
	}
	*merge_commit = strdup(git_oid_tostr_s(&at));
	return *merge_commit ? 0 : promote__error_oom();
}

static int dup_into(char **field, const char *value)
{
	free(*field);
	*field = strdup(value ? value : "");
	return *field ? 0 : promote__error_oom();
}

/* The plans of the steps `envs`: each from its recorded source, at the release's version, with the
 * action fixed in the record. */
static int make_plans(promote_plan **plans, size_t *failed, promote_release *r, const char *const *envs, size_t count)
{
	const promote__tree_reader *reader = NULL;
	int rc = promote__context_reader(&reader, r->ctx);
	for (size_t i = 0; rc == 0 && i < count; i++) {
		const promote_release_step *step = promote__release_step(r, envs[i]);
		promote_plan_options o = PROMOTE_PLAN_OPTIONS_INIT;
		o.from = step->from;
		o.set_version = r->version;
		if ((rc = promote__plan_make(&plans[i], r->ctx, reader, r->product, envs[i], &o)) == 0)
			plans[i]->action = step->action;
		else
			*failed = i + 1;
	}
	return rc;
}

/* How the release writes: its id in the trailers and branch names, its author. */
static promote_apply_options apply_options(const promote_release *r)
{
	promote_apply_options o = PROMOTE_APPLY_OPTIONS_INIT;
	o.release = r->id;
	o.author_name = r->opts.author_name;
	o.author_email = r->opts.author_email;
	return o;
}

/* The plans written as the release's. A commit over a remote is kept for the caller's next flush, which
 * pushes it with the record that names it. */
static int apply(promote_buf *made, int *outcome, const promote_release *r, promote_plan **plans, size_t count)
{
	promote_apply_options o = apply_options(r);
	return promote__plans_apply(made, outcome, plans, count, &o, true);
}

/* A commit made is kept for the push that carries its record too (over a remote), not published at once
 * (a local repository's branch moves when it is made). */
static bool kept_for_flush(const promote_release *r)
{
	promote__git_session *session = NULL;
	return promote__context_session(&session, r->ctx) == 0 && session->remote_url;
}

/* Where a test build may die once a commit (a step's, or the trigger's version) is made. */
static const char *commit_point(const promote_release *r, bool version)
{
	return kept_for_flush(r) ? version ? "(version commit kept)" : "(commit kept)"
		: version ? "(version commit published)" : "(commit published)";
}

void promote__effect_forget(promote_release *r)
{
	promote__git_session *session = NULL;
	if (promote__context_session(&session, r->ctx))
		return;
	for (size_t i = session->pending_count; i > 0; i--)
		if (strncmp(session->pending[i - 1].ref, "refs/heads/", 11) == 0)
			promote__git_pending_drop(session, &session->pending[i - 1]);
}

/* The sync a sync release's step writes (a reference: promote_sync_free()): the one it started with, in
 * its process (sync_release.c), the first time; else planned again from the recorded source commit and
 * products. */
static int sync_of(promote_sync **out, promote_release *r, const promote_release_step *step)
{
	*out = NULL;
	promote_sync *s = r->prepared_sync;
	/* Once: the release's reference passes to the caller. A write that has to be made again (a push
	 * race lost at the flush) plans on the branch's new tip, never again on this sync's old base. */
	r->prepared_sync = NULL;
	if (s && strcmp(s->written_count ? s->written[0]->from_commit.hex : "", r->sync->source_commit) == 0) {
		*out = s;
		return 0;
	}
	promote_sync_free(s);
	/* Another process (or after a crash): the recorded products, read at the recorded commit. */
	promote__commit_id source;
	if (strlen(r->sync->source_commit) >= sizeof source.hex)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"release %s records no valid source commit; start the sync again", r->id);
	strcpy(source.hex, r->sync->source_commit);
	int rc = promote__release_sync_read(r);
	if (rc)
		return rc;
	const char **names = calloc(r->sync->product_count ? r->sync->product_count : 1, sizeof *names);
	if (!names)
		return promote__error_oom();
	for (size_t i = 0; i < r->sync->product_count; i++)
		names[i] = r->sync->products[i].name;
	promote_sync_options o = PROMOTE_SYNC_OPTIONS_INIT;
	o.products = names;
	o.product_count = r->sync->product_count;
	o.update_only = r->sync->update_only;
	rc = promote__sync_make(&s, r->ctx, step->from, step->environment, &o, &source);
	free(names);
	if (rc)
		return rc;
	*out = s;
	return 0;
}

/* What a step writes: one product's plans (several steps grouped), or a sync's. */
typedef struct writing {
	promote_plan **plans;
	size_t count;
	promote_sync *sync;
} writing;

static void writing_dispose(writing *w)
{
	for (size_t i = 0; w->plans && i < w->count; i++)
		promote_plan_free(w->plans[i]);
	free(w->plans);
	promote_sync_free(w->sync);
}

static int writing_make(writing *w, size_t *failed, promote_release *r, const char *const *envs, size_t count)
{
	memset(w, 0, sizeof *w);
	if (r->sync) {
		const promote_release_step *step = promote__release_step(r, envs[0]);
		int rc = sync_of(&w->sync, r, step);
		if (rc == 0) { /* the action fixed in the record */
			w->sync->action = step->action;
			for (size_t i = 0; i < w->sync->written_count; i++)
				w->sync->written[i]->action = step->action;
		} else
			*failed = 1;
		return rc;
	}
	w->count = count;
	w->plans = calloc(count, sizeof *w->plans);
	return w->plans ? make_plans(w->plans, failed, r, envs, count) : promote__error_oom();
}

static int writing_action(const writing *w)
{
	return w->sync ? w->sync->action : w->plans[0]->action;
}

static const char *writing_branch(const writing *w)
{
	return w->sync ? promote_sync_branch(w->sync) : w->plans[0]->to_branch;
}

static int writing_apply(promote_buf *made, int *outcome, const promote_release *r, writing *w)
{
	if (!w->sync)
		return apply(made, outcome, r, w->plans, w->count);
	promote_apply_options o = apply_options(r);
	return promote__sync_write(made, outcome, w->sync, &o, true);
}

static const char *writing_change(const writing *w)
{
	return w->sync ? w->sync->change_id : w->plans[0]->change_id;
}

int promote__effect_make(promote__effect *e, promote_release *r, const char *const *envs, size_t count)
{
	memset(e, 0, sizeof *e);
	writing w;
	int rc = writing_make(&w, &e->failed, r, envs, count);
	int action = rc == 0 ? writing_action(&w) : PROMOTE_ACTION_NONE;
	if (rc == 0 && action == PROMOTE_ACTION_NONE) {
		e->landed = true;
		goto done;
	}
	/* Made already, by a process that died before it could record it? */
	if (rc == 0 && action == PROMOTE_ACTION_COMMIT &&
		(rc = find_commit(&e->commit, r, writing_branch(&w), envs[0])) == 0 && e->commit) {
		e->landed = true;
		goto done;
	}
	if (rc == 0 && action == PROMOTE_ACTION_PULL_REQUEST) {
		promote_change_info *info = NULL;
		if ((rc = find_change(&info, r, envs[0])) == 0 && info) {
			rc = dup_into(&e->change, promote_change_info_id(info));
			if (rc == 0)
				rc = dup_into(&e->head, promote_change_info_head(info));
			promote_change_info_free(info);
			goto done;
		}
	}
	promote_buf made = PROMOTE_BUF_INIT;
	int outcome = PROMOTE_APPLY_UNCHANGED;
	if (rc == 0)
		rc = writing_apply(&made, &outcome, r, &w);
	/* A test build may die here: the effect made, not yet recorded (found again by its trailers). */
	if (rc == 0 && outcome != PROMOTE_APPLY_UNCHANGED)
		promote__fault_point(outcome == PROMOTE_APPLY_PROPOSED ? "(change opened)" : commit_point(r, false));
	if (rc == 0 && outcome == PROMOTE_APPLY_PROPOSED) {
		rc = dup_into(&e->change, writing_change(&w));
		if (rc == 0)
			rc = dup_into(&e->head, made.ptr);
	} else if (rc == 0) {
		/* Committed now, or in place already (nothing to write). */
		e->landed = true;
		e->kept = outcome == PROMOTE_APPLY_COMMITTED && kept_for_flush(r);
		if (outcome == PROMOTE_APPLY_COMMITTED)
			rc = dup_into(&e->commit, made.ptr);
	}
	promote_buf_dispose(&made);
done:
	writing_dispose(&w);
	return rc;
}

int promote__effect_trigger(char **commit, promote_release *r)
{
	*commit = NULL;
	const promote__tree_reader *reader = NULL;
	promote_plan *plan = NULL;
	int rc = promote__context_reader(&reader, r->ctx);
	if (rc == 0)
		rc = promote__plan_set_version(&plan, r->ctx, reader, r->product, r->trigger, r->version);
	if (rc == 0)
		rc = find_commit(commit, r, plan->to_branch, r->trigger);
	if (rc == 0 && !*commit) {
		promote_buf made = PROMOTE_BUF_INIT;
		int outcome = PROMOTE_APPLY_UNCHANGED;
		plan->action = PROMOTE_ACTION_COMMIT;
		rc = apply(&made, &outcome, r, &plan, 1);
		if (rc == 0 && outcome == PROMOTE_APPLY_COMMITTED)
			promote__fault_point(commit_point(r, true));
		/* Unchanged: the trigger holds the version already; nothing was written. */
		if (rc == 0)
			rc = dup_into(commit, outcome == PROMOTE_APPLY_COMMITTED ? made.ptr : "");
		promote_buf_dispose(&made);
	}
	promote_plan_free(plan);
	return rc;
}
