/*
 * The transitions every part of the release machine records: a step moved
 * from one state to another with its results, failed, or left to try again
 * after a transient error — each one promote__release_update() — and what
 * the event callback is told of them. Also the small rules they share (a
 * final state, the pause before a retry, the flow's retries).
 */
#include "release_machine.h"

#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t promote__now(const promote_context *ctx)
{
	return promote__context_now(ctx);
}

int64_t promote__release_deadline(const promote_release *r)
{
	return (r->restarted > r->created ? r->restarted : r->created) + (int64_t)r->timeout_s;
}

void promote__poll_soon(promote__poll_state *ps, uint32_t ms)
{
	if (ms < ps->next_ms)
		ps->next_ms = ms;
}

static const promote_flow *flow_of(const promote_release *r)
{
	const promote_flow *flow = NULL;
	if (promote_flow_lookup(&flow, r->ctx, r->flow) != 0) {
		promote_error_clear();
		return NULL;
	}
	return flow;
}

unsigned promote__release_retries(const promote_release *r)
{
	/* The loader sets the default (3): 0 is a flow that retries nothing. */
	const promote_flow *flow = flow_of(r);
	return flow ? flow->retries : PROMOTE__RETRIES_DEFAULT;
}

bool promote__step_final(int state)
{
	return state == PROMOTE_STEP_SUCCEEDED || state == PROMOTE_STEP_FAILED || state == PROMOTE_STEP_SKIPPED ||
		state == PROMOTE_STEP_ABORTED;
}

char *promote__step_failure(const promote_release_step *step)
{
	const char *why = step->error && *step->error ? step->error : step->reason && *step->reason ? step->reason : "";
	return *why ? promote__strdupf("%s %s (%s)", step->environment,
			      step->state == PROMOTE_STEP_SKIPPED ? "was skipped" : "failed", why)
		    : promote__strdupf("%s %s", step->environment, step->state == PROMOTE_STEP_SKIPPED ? "was skipped" : "failed");
}

/* ---- recording a result --------------------------------------------------- */

static int set_if(char **field, const char *value)
{
	return value ? promote__set_string(field, value) : 0;
}

static const promote__check *check_of(const promote_release_step *s, const char *name, bool post)
{
	for (size_t i = 0; i < s->check_count; i++)
		if (s->checks[i].post == post && strcmp(s->checks[i].name, name) == 0)
			return &s->checks[i];
	return NULL;
}

/* "running pre-check smoke (1 of 2)": the first check of the phase that has not passed yet. */
static char *checks_reason(const promote_release_step *s, bool post)
{
	char **names = post ? s->post : s->pre;
	size_t count = post ? s->post_count : s->pre_count, next = 0;
	const promote__check *c = NULL;
	for (; next < count; next++) {
		c = check_of(s, names[next], post);
		if (!c || !c->done || c->status != 0)
			break;
	}
	const char *phase = post ? "post" : "pre";
	return next == count ? promote__strdupf("%s-checks passed", phase)
		: c && c->done ? promote__strdupf("%s-check %s failed", phase, names[next])
		: promote__strdupf("running %s-check %s (%zu of %zu)", phase, names[next], next + 1, count);
}

int promote__step_set_default_reason(promote_release_step *s)
{
	if (s->reason && *s->reason)
		return 0;
	char *reason = NULL;
	if (s->state == PROMOTE_STEP_PRE_CHECK || s->state == PROMOTE_STEP_POST_CHECK)
		reason = checks_reason(s, s->state == PROMOTE_STEP_POST_CHECK);
	else if (s->state == PROMOTE_STEP_PROMOTING)
		reason = strdup(s->action == PROMOTE_ACTION_PULL_REQUEST ? "promoting: opening the change request"
			: s->action == PROMOTE_ACTION_COMMIT ? "promoting: writing the commit" : "promoting");
	else if (s->state == PROMOTE_STEP_DEPLOYING)
		reason = strdup("syncing: the deploy is asked for");
	else
		return 0;
	int rc = reason ? promote__set_string(&s->reason, reason) : promote__error_oom();
	free(reason);
	return rc;
}

static int mutate_result(promote_release *r, bool *changed, void *arg)
{
	promote__step_result *a = arg;
	a->moved = false;
	if (r->state == PROMOTE_RELEASE_ABORTED)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		if (!s || (a->from >= 0 ? s->state != a->from : promote__step_final(s->state)))
			return 0; /* someone else moved it first: continue from there */
	}
	int64_t now = promote__now(r->ctx);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		/* Healthy: the deploy's words say so once the step has gone past it. */
		if (s->state == PROMOTE_STEP_DEPLOYING && a->to != PROMOTE_STEP_DEPLOYING && a->to != PROMOTE_STEP_FAILED &&
			(rc = promote__set_string(&s->deploy, "healthy")))
			break;
		s->state = a->to;
		if ((rc = promote__set_string(&s->reason, a->reason)) || (rc = promote__step_set_default_reason(s)) ||
			(rc = set_if(&s->commit, a->commit)) ||
			(rc = set_if(&s->change, a->change)) || (rc = set_if(&s->head, a->head)) ||
			(rc = set_if(&s->merge_commit, a->merge_commit)) || (rc = promote__set_string(&s->claim, "")))
			break;
		if (a->error && (!s->error || !*s->error))
			rc = promote__set_string(&s->error, a->error);
		if (!s->started)
			s->started = now;
		if (promote__step_final(a->to))
			s->finished = now;
	}
	a->moved = rc == 0;
	*changed = rc == 0;
	return rc;
}

int promote__step_record(promote_release *r, promote__step_result *a, const char *what)
{
	return promote__release_update_later(r, mutate_result, a, what);
}

/* Tell what the steps' new state means: waiting, finished. */
int promote__step_tell(promote_release *r, const char *const *envs, size_t count, int extra_kind)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++) {
		const promote_release_step *s = promote__release_step(r, envs[i]);
		if (!s)
			continue;
		if (extra_kind)
			rc = promote__release_emit(r, extra_kind, s);
		if (rc == 0 && s->state == PROMOTE_STEP_AWAITING_APPROVAL)
			rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_WAITING, s);
		else if (rc == 0 && promote__step_final(s->state))
			rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_FINISHED, s);
	}
	return rc;
}

int promote__step_move(promote_release *r, const char *env, int from, int to, const char *reason, bool *moved)
{
	const char *envs[] = { env };
	promote__step_result a = { envs, 1, from, to, reason, NULL, NULL, NULL, NULL, NULL, false };
	int rc = promote__step_record(r, &a, "Move");
	*moved = rc == 0 && a.moved;
	return rc == 0 && a.moved ? promote__step_tell(r, envs, 1, 0) : rc;
}

int promote__steps_fail(promote_release *r, const char *const *envs, size_t count, const char *error)
{
	promote__step_result a = { envs, count, -1, PROMOTE_STEP_FAILED, error, NULL, NULL, NULL, NULL, error, false };
	int rc = promote__step_record(r, &a, "Fail");
	return rc == 0 && a.moved ? promote__step_tell(r, envs, count, 0) : rc;
}

int promote__step_fail(promote_release *r, const char *env, const char *error)
{
	const char *envs[] = { env };
	return promote__steps_fail(r, envs, 1, error);
}

/* ---- errors of side effects ---------------------------------------------- */

bool promote__release_transient(int code)
{
	return code == PROMOTE_ENET || code == PROMOTE_ETIMEOUT || code == PROMOTE_ECONFLICT || code == PROMOTE_EBUSY;
}

uint32_t promote__release_backoff_ms(unsigned attempts)
{
	uint32_t ms = 1000;
	for (unsigned i = 1; i < attempts && ms < 60000; i++)
		ms *= 2;
	return ms < 60000 ? ms : 60000;
}

typedef struct retry_args {
	const char *const *envs;
	size_t count;
	int state;
	const char *reason;
	int64_t next_attempt;
	bool moved;
} retry_args;

/* A transient failure: the claim is let go, and the steps wait for their next attempt. */
static int mutate_retry_later(promote_release *r, bool *changed, void *arg)
{
	retry_args *a = arg;
	a->moved = false;
	if (r->state == PROMOTE_RELEASE_ABORTED)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		if (!s || s->state != a->state)
			return 0;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		s->next_attempt = a->next_attempt;
		if ((rc = promote__set_string(&s->reason, a->reason)) == 0)
			rc = promote__set_string(&s->claim, "");
	}
	a->moved = rc == 0;
	*changed = rc == 0;
	return rc;
}

int promote__release_effect_failed(promote_release *r, const char *const *envs, size_t count, int code,
	promote__poll_state *ps)
{
	if (code == PROMOTE_EUSER)
		return code;
	char *message = strdup(promote_error_last()->message);
	if (!message)
		return promote__error_oom();
	const promote_release_step *first = promote__release_step(r, envs[0]);
	unsigned retries = promote__release_retries(r), attempts = first ? first->attempts : 0;
	int rc;
	if (promote__release_transient(code) && attempts <= retries) {
		uint32_t wait = promote__release_backoff_ms(attempts);
		char *reason = promote__strdupf("retrying in %us after: %s (attempt %u of %u)", (wait + 999) / 1000, message,
			attempts, retries + 1);
		retry_args a = { envs, count, first ? first->state : -1, reason, promote__now(r->ctx) + (wait + 999) / 1000, false };
		rc = reason ? promote__release_update_later(r, mutate_retry_later, &a, "Retry later") : promote__error_oom();
		promote__poll_soon(ps, wait);
		free(reason);
	} else {
		rc = promote__steps_fail(r, envs, count, message);
	}
	free(message);
	ps->progressed = true;
	return rc;
}

/* ---- words ---------------------------------------------------------------- */

char *promote__step_approval_reason(const promote_release *r, const promote_release_step *s, const char *change,
	unsigned approvals)
{
	if (s->action == PROMOTE_ACTION_PULL_REQUEST && change && *change)
		return promote__strdupf("waiting for approval of change %s (%u of 1)", change, approvals > 1 ? 1 : approvals);
	if (r->sync)
		return promote__strdupf("waiting for approval to sync %s with %s", s->environment, s->from);
	return promote__strdupf("waiting for approval to promote %s %s to %s", r->product, r->version, s->environment);
}

