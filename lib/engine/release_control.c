/*
 * What people do to a release: approve a manual step, abort the release,
 * retry its failed steps. Each is one recorded transition; none advances the
 * release (poll or run next).
 */
#include "release_machine.h"
#include "notify.h"

#include "providers/change.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static int check_handle(promote_release *r, const char *function)
{
	if (!r)
		return promote__error_arg(function, "release");
	if (r->listed)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"release %s comes from a list and is read-only: open it by id (promote_release_open()) to "
			"change it", r->id);
	return promote__release_load(r);
}

static int no_step(const promote_release *r, const char *env)
{
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_RELEASE,
		"release %s has no step into '%s' (its flow '%s' does not promote there)", r->id, env, r->flow);
}

/* ---- approve ------------------------------------------------------------------ */

typedef struct approve_args {
	const char *env;
	const char *by;
	bool waiting;   /* the step was waiting for an approval */
} approve_args;

static int mutate_approve(promote_release *r, bool *changed, void *arg)
{
	approve_args *a = arg;
	promote_release_step *s = promote__release_step(r, a->env);
	a->waiting = s && s->state == PROMOTE_STEP_AWAITING_APPROVAL && r->state != PROMOTE_RELEASE_ABORTED;
	if (!a->waiting)
		return 0;
	for (size_t i = 0; i < s->approval_count; i++)
		if (strcmp(s->approvals[i].by, a->by) == 0)
			return 0; /* approving twice counts once */
	promote__approval *grown = realloc(s->approvals, (s->approval_count + 1) * sizeof *grown);
	if (!grown)
		return promote__error_oom();
	s->approvals = grown;
	promote__approval *added = &s->approvals[s->approval_count];
	added->by = NULL;
	added->at = promote__now(r->ctx);
	int rc = promote__set_string(&added->by, a->by);
	if (rc)
		return rc;
	s->approval_count++;
	*changed = true;
	return 0;
}

int promote_release_approve(promote_release *release, const char *env, const char *by)
{
	if (!env)
		return promote__error_arg(__func__, "env");
	int rc = check_handle(release, __func__);
	if (rc)
		return rc;
	const promote_release_step *s = promote__release_step(release, env);
	if (!s)
		return no_step(release, env);
	if (s->state != PROMOTE_STEP_AWAITING_APPROVAL || release->state == PROMOTE_RELEASE_ABORTED)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"step '%s' of release %s is %s, not waiting for an approval", env, release->id,
			promote_step_state_name(s->state));
	char *name = strdup(env), *who = strdup(promote__change_actor(by));
	if (!name || !who)
		rc = promote__error_oom();
	/* A draft change request becomes ready at its provider first: the record then says what is true. */
	if (rc == 0 && s->action == PROMOTE_ACTION_PULL_REQUEST && s->change && *s->change) {
		promote_change_info *info = NULL;
		rc = promote_change_approve(&info, release->ctx, promote__effect_provider(release->ctx, env), s->change, who);
		if (rc == 0)
			promote__fault_point("(change approved)");
		promote_change_info_free(info);
	}
	approve_args a = { name, who, false };
	if (rc == 0)
		rc = promote__release_update(release, mutate_approve, &a, "Approve");
	if (rc == 0 && !a.waiting)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"step '%s' of release %s moved on meanwhile: it is no longer waiting for an approval", env,
			release->id);
	free(name);
	free(who);
	return rc;
}

/* ---- abort -------------------------------------------------------------------- */

typedef struct abort_args {
	const char *reason;
	PROMOTE__ARRAY(char *) envs; /* the steps aborted now */
	PROMOTE__ARRAY(bool) deploying; /* ... each of which was deploying */
} abort_args;

static void abort_args_reset(abort_args *a)
{
	for (size_t i = 0; i < a->envs.size; i++)
		free(a->envs.ptr[i]);
	a->envs.size = 0;
	a->deploying.size = 0;
}

static int mutate_abort(promote_release *r, bool *changed, void *arg)
{
	abort_args *a = arg;
	abort_args_reset(a);
	if (r->state == PROMOTE_RELEASE_SUCCEEDED || r->state == PROMOTE_RELEASE_ABORTED)
		return 0;
	int64_t now = promote__now(r->ctx);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->step_count; i++) {
		promote_release_step *s = &r->steps[i];
		if (promote__step_final(s->state))
			continue;
		bool deploying = s->state == PROMOTE_STEP_DEPLOYING;
		s->state = PROMOTE_STEP_ABORTED;
		s->finished = now;
		char *name = strdup(s->environment);
		if (!name || (rc = promote__array_push(&a->envs, name)) != 0) {
			free(name);
			rc = promote__error_oom();
			break;
		}
		if ((rc = promote__array_push(&a->deploying, deploying)) != 0) {
			rc = promote__error_oom();
			break;
		}
		if ((rc = promote__set_string(&s->reason, a->reason)) == 0)
			rc = promote__set_string(&s->claim, "");
	}
	r->state = PROMOTE_RELEASE_ABORTED;
	r->finished = now;
	if (rc == 0)
		rc = promote__set_string(&r->reason, a->reason);
	*changed = rc == 0;
	return rc;
}

/* Close a change request of an aborted step, saying why. A change that is gone or merged stays as it is. */
static int close_change(promote_release *r, const char *env, const char *change, const char *why)
{
	const char *provider = promote__effect_provider(r->ctx, env);
	char *comment = promote__strdupf("Release %s was aborted: %s. This change is closed without merging.", r->id, why);
	if (!comment)
		return promote__error_oom();
	int rc = promote_change_comment(r->ctx, provider, change, comment);
	if (rc == 0)
		rc = promote_change_close(r->ctx, provider, change);
	if (rc == PROMOTE_ENOTFOUND || rc == PROMOTE_ESTATE || rc == PROMOTE_ENOTSUPPORTED) {
		promote_error_clear();
		rc = 0;
	}
	free(comment);
	return rc;
}

/* The first failure of the work that follows a recorded abort: the rest is still done. */
typedef struct first_failure {
	int code;
	int klass;
	char *message;
} first_failure;

static void note_failure(first_failure *f, int rc)
{
	if (rc && !f->code) {
		f->code = rc;
		f->klass = promote_error_last()->klass;
		f->message = strdup(promote_error_last()->message);
	}
	if (rc)
		promote_error_clear();
}

static int raise_first(const first_failure *f)
{
	if (!f->code)
		return 0;
	return f->message ? promote__error(f->code, f->klass, "%s", f->message) : promote__error_oom();
}

int promote_release_abort(promote_release *release, const char *reason)
{
	int rc = check_handle(release, __func__);
	if (rc)
		return rc;
	if (release->state == PROMOTE_RELEASE_SUCCEEDED || release->state == PROMOTE_RELEASE_ABORTED)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE, "release %s is %s already: nothing to abort",
			release->id, promote_release_state_name(release->state));
	char *why = reason && *reason ? promote__strdupf("aborted: %s", reason) : strdup("aborted");
	abort_args a = { why, PROMOTE__ARRAY_INIT, PROMOTE__ARRAY_INIT };
	rc = why ? promote__release_update(release, mutate_abort, &a, "Abort") : promote__error_oom();
	/* No further writes to the environments; the change requests its steps opened are closed, and
	 * the syncs of the steps that were deploying stopped — each tried, whatever the others did — and
	 * the steps' and the release's ends told; the first failure is returned. */
	first_failure failed = { 0, 0, NULL };
	for (size_t i = 0; rc == 0 && i < a.envs.size; i++) {
		const promote_release_step *s = promote__release_step(release, a.envs.ptr[i]);
		bool first = true;
		for (size_t j = 0; first && j < i; j++) {
			const promote_release_step *t = promote__release_step(release, a.envs.ptr[j]);
			first = !*t->change || strcmp(t->change, s->change) != 0;
		}
		if (*s->change && first && !*s->merge_commit)
			note_failure(&failed, close_change(release, s->environment, s->change,
				reason && *reason ? reason : "no reason given"));
	}
	for (size_t i = 0; rc == 0 && i < a.envs.size; i++)
		if (a.deploying.ptr[i])
			note_failure(&failed, promote__deploy_stop(release, a.envs.ptr[i]));
	for (size_t i = 0; rc == 0 && i < a.envs.size; i++)
		rc = promote__release_emit(release, PROMOTE_RELEASE_EVENT_STEP_FINISHED,
			promote__release_step(release, a.envs.ptr[i]));
	if (rc == 0)
		rc = promote__release_emit(release, PROMOTE_RELEASE_EVENT_RELEASE_FINISHED, NULL);
	if (rc == 0)
		rc = promote__release_notify(release, NULL);
	rc = rc ? rc : raise_first(&failed);
	free(failed.message);
	abort_args_reset(&a);
	promote__array_free(&a.envs);
	promote__array_free(&a.deploying);
	free(why);
	return rc;
}

/* ---- retry -------------------------------------------------------------------- */

typedef struct retry_args {
	const char *env;  /* NULL: every failed step */
	size_t count;     /* the steps resumed */
} retry_args;

static int reset_step(promote_release_step *s)
{
	s->state = PROMOTE_STEP_PENDING;
	s->finished = 0;
	s->claimed = 0;
	s->next_attempt = 0;
	for (size_t i = 0; i < s->check_count; i++) {
		free(s->checks[i].name);
		free(s->checks[i].run_id);
		free(s->checks[i].output);
	}
	free(s->checks);
	s->checks = NULL;
	s->check_count = 0;
	int rc = promote__set_string(&s->reason, "");
	if (rc == 0)
		rc = promote__set_string(&s->error, "");
	if (rc == 0)
		rc = promote__set_string(&s->claim, "");
	if (rc == 0)
		rc = promote__set_string(&s->deploy, "");
	if (rc == 0)
		rc = promote__set_string(&s->gate, "");
	return rc;
}

static int mutate_retry(promote_release *r, bool *changed, void *arg)
{
	retry_args *a = arg;
	a->count = 0;
	if (r->state == PROMOTE_RELEASE_ABORTED || r->state == PROMOTE_RELEASE_SUCCEEDED)
		return 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->step_count; i++) {
		promote_release_step *s = &r->steps[i];
		bool failed = s->state == PROMOTE_STEP_FAILED && (!a->env || strcmp(a->env, s->environment) == 0);
		/* What a failure blocked starts again too (the poll skips it again if something else blocks it). */
		bool blocked = s->state == PROMOTE_STEP_SKIPPED && s->reason && strncmp(s->reason, "blocked:", 8) == 0;
		if (failed || blocked) {
			rc = reset_step(s);
			a->count += failed;
		}
	}
	if (rc == 0 && a->count) {
		r->state = PROMOTE_RELEASE_RUNNING;
		r->finished = 0;
		r->restarted = promote__now(r->ctx); /* the release's timeout counts from here */
		rc = promote__set_string(&r->reason, "");
		*changed = rc == 0;
	}
	return rc;
}

int promote_release_retry(promote_release *release, const char *env)
{
	int rc = check_handle(release, __func__);
	if (rc)
		return rc;
	if (env && !promote__release_step(release, env))
		return no_step(release, env);
	char *name = env ? strdup(env) : NULL;
	retry_args a = { name, 0 };
	rc = env && !name ? promote__error_oom() : promote__release_update(release, mutate_retry, &a, "Retry");
	if (rc == 0 && a.count == 0)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE, "release %s has no failed step%s%s to retry "
			"(it is %s)", release->id, env ? " " : "", env ? env : "", promote_release_state_name(release->state));
	free(name);
	return rc;
}
