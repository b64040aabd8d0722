/*
 * A step's checks and deploy, through its environment's deploy backend
 * (providers/deploy/deploy.h): the policy's pre-action workflows one after
 * another before the action, the sync and health of the deploy after it
 * landed, then the post-action workflows. Nothing blocks: a run is started,
 * recorded, and read again at the next poll. Any process may poll a run
 * whose id is recorded; only starting one is claimed (the step's claim,
 * release_claim.c, held through its checks): a process that does not hold
 * it starts nothing. A run whose owner is gone (the backend no longer knows
 * it) is started again by the next owner: after a crash a check may run
 * twice, commits never do.
 */
#include "release_machine.h"

#include "git/session.h"
#include "model/context.h"
#include "providers/deploy/deploy.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* How soon to look at a running check or deploy again (ms). */
#define CHECK_POLL_MS 200u

static promote__check *find_check(promote_release_step *s, const char *name, bool post)
{
	for (size_t i = 0; i < s->check_count; i++)
		if (s->checks[i].post == post && strcmp(s->checks[i].name, name) == 0)
			return &s->checks[i];
	return NULL;
}

/* What a deploy or a check is told of the step (a sync's products read first). */
static int target_of(promote__deploy_target *t, const promote_release *r, const promote_release_step *s)
{
	const char *commit = s->merge_commit && *s->merge_commit ? s->merge_commit : s->commit ? s->commit : "";
	int rc = promote__release_sync_read(r);
	*t = (promote__deploy_target){ r->id, r->product, s->environment, r->version, commit,
		r->sync && rc == 0 ? promote__release_sync_products(r) : NULL };
	return rc;
}

/* ---- recording a check ----------------------------------------------------- */

typedef struct check_args {
	const char *env;
	const char *name;
	bool post;
	int step_state;
	const char *run_id;     /* started (again): its run id */
	const char *owner;      /* who started it: recorded only while the step's claim is still theirs */
	bool finished;          /* ended: status and output */
	int status;
	const char *output;
	bool recorded;
} check_args;

static int mutate_check(promote_release *r, bool *changed, void *arg)
{
	check_args *a = arg;
	a->recorded = false;
	promote_release_step *s = promote__release_step(r, a->env);
	if (r->state == PROMOTE_RELEASE_ABORTED || !s || s->state != a->step_state)
		return 0;
	promote__check *c = find_check(s, a->name, a->post);
	if (!c) {
		promote__check *grown = realloc(s->checks, (s->check_count + 1) * sizeof *grown);
		if (!grown)
			return promote__error_oom();
		s->checks = grown;
		c = &s->checks[s->check_count++];
		memset(c, 0, sizeof *c);
		c->post = a->post;
		c->status = -1;
		int rc = promote__set_string(&c->name, a->name);
		if (rc == 0)
			rc = promote__set_string(&c->output, "");
		if (rc == 0)
			rc = promote__set_string(&c->run_id, "");
		if (rc)
			return rc;
	} else if (c->done) {
		return 0; /* recorded by someone else */
	}
	if (a->run_id && strcmp(s->claim ? s->claim : "", a->owner) != 0)
		return 0; /* taken over meanwhile (its owner thought this one gone): the new owner's run counts */
	int64_t now = promote__now(r->ctx);
	int rc = 0;
	if (a->run_id) {
		rc = promote__set_string(&c->run_id, a->run_id);
		c->started = now;
	}
	if (rc == 0 && a->finished) {
		c->done = true;
		c->status = a->status;
		c->finished = now;
		rc = promote__set_string(&c->output, a->output ? a->output : "");
	}
	/* The reason follows the checks: the one running now, or that they passed. */
	if (rc == 0 && (rc = promote__set_string(&s->reason, "")) == 0)
		rc = promote__step_set_default_reason(s);
	a->recorded = rc == 0;
	*changed = rc == 0;
	return rc;
}

static const char *phase(bool post)
{
	return post ? "post-check" : "pre-check";
}

/* "post-check verify exited 1", "... timed out after 10m". */
static char *check_failure(promote_context *ctx, const promote__check *c)
{
	if (c->status < 0)
		return promote__strdupf("%s %s timed out after %s", phase(c->post), c->name,
			promote__duration(promote__workflow_timeout(ctx, c->name)).text);
	return promote__strdupf("%s %s exited %d", phase(c->post), c->name, c->status);
}

/* Start check `name` of step `env` (in `state`): the step is claimed first — a process that does not win the
 * claim (its owner lives, and polls the run it starts) leaves the check alone and polls again later — then
 * the check started and its run id recorded. `seen` is the run id the caller read ("" none): when the record
 * holds another one once claimed, someone started it meanwhile, and this process polls that run instead. */
static int start_check(promote_release *r, const char *env, const char *name, bool post, int state, const char *seen,
	promote__poll_state *ps)
{
	const char *envs[] = { env };
	bool claimed = false;
	int rc = promote__claim(r, envs, 1, state, &claimed, ps);
	if (rc || !claimed)
		return rc;
	promote_release_step *s = promote__release_step(r, env);
	const promote__check *c = find_check(s, name, post);
	if (strcmp(c && c->run_id ? c->run_id : "", seen) != 0) {
		promote__poll_soon(ps, 1); /* its run is polled at once */
		return 0;
	}
	promote__deploy_target t;
	if ((rc = target_of(&t, r, s)))
		return rc;
	char *run_id = NULL, *owner = NULL;
	rc = promote__workflow_start(&run_id, r->ctx, name, &t);
	if (rc == PROMOTE_EUSER || rc == PROMOTE_ENOMEM)
		return rc;
	if (rc) {
		char *why = promote__strdupf("%s %s could not start: %s", phase(post), name, promote_error_last()->message);
		rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
		free(why);
		ps->progressed = true;
		return rc;
	}
	promote__fault_point("(check started)"); /* a test build may die here: started, not recorded */
	/* Recorded with the poll's other transitions: until then, the claim keeps others from starting it. */
	check_args a = { env, name, post, state, run_id, NULL, false, -1, NULL, false };
	rc = promote__claim_owner(&owner, r);
	a.owner = owner;
	if (rc == 0)
		rc = promote__release_update_later(r, mutate_check, &a, "Start check");
	/* In a watcher's batch the pass's push comes later and may be lost with all it carries: the id of a run
	 * started outside git goes now, else the claim's owner (this handle, gone with the pass) would be all the
	 * others see of it. */
	promote__git_session *session = NULL;
	bool lost = false;
	if (rc == 0 && promote__context_session(&session, r->ctx) == 0 && session->batch)
		rc = promote__release_flush(r, &lost);
	ps->progressed |= rc == 0 && (a.recorded || lost);
	promote__poll_soon(ps, CHECK_POLL_MS);
	free(owner);
	free(run_id);
	return rc;
}

/* The same with copies of the check's name and the run id seen, which belong to the record it reads again. */
static int start_check_copied(promote_release *r, const char *env, const char *name, bool post, const char *seen,
	promote__poll_state *ps)
{
	int state = promote__release_step(r, env)->state;
	char *own_name = strdup(name), *own_seen = strdup(seen);
	int rc = own_name && own_seen ? start_check(r, env, own_name, post, state, own_seen, ps) : promote__error_oom();
	free(own_name);
	free(own_seen);
	return rc;
}

int promote__checks_advance(promote_release *r, const char *env, bool post, bool *done, promote__poll_state *ps)
{
	*done = false;
	promote_release_step *s = promote__release_step(r, env);
	char **names = post ? s->post : s->pre;
	size_t count = post ? s->post_count : s->pre_count;
	for (size_t i = 0; i < count; i++) {
		promote__check *c = find_check(s, names[i], post);
		if (!c || !c->run_id || !*c->run_id)
			return start_check_copied(r, env, names[i], post, "", ps);
		if (c->done && c->status == 0)
			continue;
		if (c->done) {
			char *why = check_failure(r->ctx, c);
			int rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
			free(why);
			return rc;
		}
		promote__deploy_target t;
		int rc = target_of(&t, r, s);
		if (rc)
			return rc;
		int state = PROMOTE_WORKFLOW_RUNNING, status = -1;
		promote_buf output = PROMOTE_BUF_INIT;
		rc = promote__workflow_poll(&state, &status, &output, r->ctx, c->name, c->run_id, &t);
		if (rc == PROMOTE_ENOTFOUND) {
			/* Unknown here: started by another process (or context), which polls it while it lives and
			 * holds the step's claim; a run whose owner is gone is started again by the next owner. */
			promote_error_clear();
			promote_buf_dispose(&output);
			return start_check_copied(r, env, names[i], post, c->run_id, ps);
		}
		if (rc == 0 && (state == PROMOTE_WORKFLOW_SUCCEEDED || state == PROMOTE_WORKFLOW_FAILED)) {
			char *name = strdup(c->name);
			check_args a = { env, name, post, s->state, NULL, NULL, true,
				state == PROMOTE_WORKFLOW_FAILED && status == 0 ? 1 : status, output.ptr ? output.ptr : "", false };
			rc = name ? promote__release_update(r, mutate_check, &a, "Check finished") : promote__error_oom();
			if (rc == 0 && a.recorded) {
				ps->progressed = true;
				s = promote__release_step(r, env);
				c = find_check(s, name, post);
				rc = promote__release_emit_check(r, s, c);
				if (rc == 0 && c->status != 0) {
					char *why = check_failure(r->ctx, c);
					rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
					free(why);
				}
			}
			free(name);
		} else if (rc == 0) {
			/* Still running: its owner keeps the step's claim live for as long as it takes. */
			rc = promote__claim_renew(r, env);
			promote__poll_soon(ps, CHECK_POLL_MS);
		} else if (rc != PROMOTE_EUSER) {
			char *why = promote__strdupf("%s %s could not be read: %s", phase(post), c->name, promote_error_last()->message);
			rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
			free(why);
		}
		promote_buf_dispose(&output);
		return rc;
	}
	*done = true;
	return 0;
}

int promote__step_after_landing(promote_context *ctx, const promote_release_step *step)
{
	/* Action none wrote nothing: there is no new revision to sync; the post workflows still run. */
	if (step->action != PROMOTE_ACTION_NONE && promote__deploy_configured(ctx, step->environment))
		return PROMOTE_STEP_DEPLOYING;
	return step->post_count ? PROMOTE_STEP_POST_CHECK : PROMOTE_STEP_SUCCEEDED;
}

/* ---- the deploy ------------------------------------------------------------- */

typedef struct deploy_args {
	const char *env;
	const char *status;   /* the deploy's words */
	bool requested;       /* a sync was asked for now: its time is the deploy's start */
	bool recorded;
} deploy_args;

static int mutate_deploy(promote_release *r, bool *changed, void *arg)
{
	deploy_args *a = arg;
	a->recorded = false;
	promote_release_step *s = promote__release_step(r, a->env);
	if (r->state == PROMOTE_RELEASE_ABORTED || !s || s->state != PROMOTE_STEP_DEPLOYING)
		return 0;
	int rc = promote__set_string(&s->deploy, a->status);
	if (rc == 0)
		rc = promote__set_string(&s->reason, a->status);
	if (rc == 0 && a->requested) {
		/* The deploy's bound counts from here (no claim is held: a sync may be asked twice). */
		s->claimed = promote__now(r->ctx);
		rc = promote__set_string(&s->claim, "");
	}
	a->recorded = rc == 0;
	*changed = rc == 0;
	return rc;
}

static int request_sync(promote_release *r, promote_release_step *s, promote__poll_state *ps)
{
	/* The commit to deploy, and what the release kept with it, are on the remote before it is asked for. */
	bool lost = false;
	int rc = promote__release_flush(r, &lost);
	if (rc || lost) {
		ps->progressed |= lost;
		return rc;
	}
	s = promote__release_step(r, s->environment);
	promote__deploy_target t;
	if ((rc = target_of(&t, r, s)))
		return rc;
	char *env = strdup(s->environment);
	rc = env ? promote__deploy_sync(r->ctx, &t) : promote__error_oom();
	if (rc == 0) {
		deploy_args a = { env, "syncing", true, false };
		rc = promote__release_update(r, mutate_deploy, &a, "Sync");
		ps->progressed |= rc == 0 && a.recorded;
		promote__poll_soon(ps, CHECK_POLL_MS);
	} else if (rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM) {
		char *why = promote__strdupf("the deploy could not start: %s", promote_error_last()->message);
		rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
		free(why);
	}
	free(env);
	return rc;
}

int promote__deploy_stop(promote_release *r, const char *env)
{
	const promote_release_step *s = promote__release_step(r, env);
	promote__deploy_target t;
	int rc = s ? target_of(&t, r, s) : 0;
	if (rc == 0 && s)
		rc = promote__deploy_abort(r->ctx, &t);
	if (rc == PROMOTE_ENOTFOUND || rc == PROMOTE_ENOTSUPPORTED) {
		promote_error_clear();
		rc = 0;
	}
	return rc;
}

int promote__deploy_advance(promote_release *r, const char *env, bool *done, promote__poll_state *ps)
{
	*done = false;
	promote_release_step *s = promote__release_step(r, env);
	if (!promote__deploy_configured(r->ctx, env)) {
		*done = true;
		return 0;
	}
	if (!s->deploy || !*s->deploy)
		return request_sync(r, s, ps);
	promote__deploy_target t;
	int rc = target_of(&t, r, s);
	if (rc)
		return rc;
	int sync = PROMOTE_SYNC_UNKNOWN, health = PROMOTE_HEALTH_UNKNOWN;
	promote_buf detail = PROMOTE_BUF_INIT;
	rc = promote__deploy_poll(&sync, &health, &detail, r->ctx, &t);
	uint32_t bound = promote__deploy_timeout(r->ctx, env);
	char *why = NULL;
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = request_sync(r, s, ps); /* asked for by a process that is gone */
	} else if (rc == 0 && health == PROMOTE_HEALTH_HEALTHY && sync != PROMOTE_SYNC_FAILED) {
		*done = true;
	} else if (rc == 0 && (health == PROMOTE_HEALTH_DEGRADED || sync == PROMOTE_SYNC_FAILED)) {
		why = promote__strdupf("the deploy failed: %s", detail.ptr && *detail.ptr ? detail.ptr
			: sync == PROMOTE_SYNC_FAILED ? "sync failed" : "health Degraded");
		rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
	} else if (rc == 0 && promote__now(r->ctx) - s->claimed > (int64_t)bound) {
		/* Strictly past the bound, counted in whole seconds from the sync: the backend's own deadline
		 * has passed too, so a backend that enforces it (exec kills its command) has had its say first. */
		why = promote__strdupf("the deploy was not healthy within %s (%s)", promote__duration(bound).text,
			detail.ptr && *detail.ptr ? detail.ptr : "health Progressing");
		rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
	} else if (rc == 0) {
		why = promote__strdupf("syncing: %s", detail.ptr && *detail.ptr ? detail.ptr : "health Progressing");
		if (why && strcmp(why, s->reason ? s->reason : "") != 0) {
			deploy_args a = { env, why, false, false };
			rc = promote__release_update(r, mutate_deploy, &a, "Deploying");
		} else if (!why) {
			rc = promote__error_oom();
		}
		promote__poll_soon(ps, CHECK_POLL_MS);
	} else if (rc != PROMOTE_EUSER) {
		why = promote__strdupf("the deploy's state could not be read: %s", promote_error_last()->message);
		rc = why ? promote__step_fail(r, env, why) : promote__error_oom();
	}
	free(why);
	promote_buf_dispose(&detail);
	return rc;
}
