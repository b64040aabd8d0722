/*
 * Polling a release: read the latest record, write the trigger's version
 * first (a release that sets it), start the steps whose dependencies
 * succeeded (grouping the automatic ones that share a branch), advance every
 * open step, and again while anything moved; then the release's own state.
 * Every transition is a commit of its own in the record; over a remote they
 * are pushed together (promote__release_update_later()): before each side
 * effect (a claim is pushed before its step acts) and at the end of the poll.
 */
#include "release_machine.h"
#include "notify.h"
#include "release_admit.h"

#include "git/session.h"
#include "plan/plan.h"
#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* How often one poll goes round the steps while they move (a flow is a small DAG). */
#define MAX_PASSES 64
/* How recently the mirror may have been fetched for a release's first poll to go without a fetch (see poll()). */
#define JUST_FETCHED_MS 5000

static bool release_final(int state)
{
	return state == PROMOTE_RELEASE_SUCCEEDED || state == PROMOTE_RELEASE_FAILED || state == PROMOTE_RELEASE_ABORTED;
}

/* ---- the trigger's version --------------------------------------------------- */

typedef struct trigger_args {
	const char *commit;
} trigger_args;

static int mutate_trigger(promote_release *r, bool *changed, void *arg)
{
	trigger_args *a = arg;
	if (r->trigger_commit && *r->trigger_commit)
		return 0;
	int rc = promote__set_string(&r->trigger_commit, a->commit);
	*changed = rc == 0;
	return rc;
}

/* The release sets the trigger's version: its first effect, before any step (made or adopted). */
static int set_trigger_version(promote_release *r, promote__poll_state *ps)
{
	if (!r->set_version || (r->trigger_commit && *r->trigger_commit))
		return 0;
	char *commit = NULL;
	bool lost = false;
	/* What this poll recorded is pushed before the commit that names the release. */
	int rc = promote__release_flush_or_batch(r, &lost);
	if (rc || lost || (r->trigger_commit && *r->trigger_commit)) {
		ps->progressed |= lost;
		return rc;
	}
	rc = promote__effect_trigger(&commit, r);
	if (rc == 0 && !*commit) {
		/* The trigger held the version already: what it holds it at is the release's start. */
		promote__git_session *session = NULL;
		const promote_env *env = NULL;
		char *branch = NULL;
		git_oid tip;
		if ((rc = promote__context_session(&session, r->ctx)) == 0 &&
			(rc = promote_env_lookup(&env, r->ctx, r->trigger)) == 0 &&
			(rc = promote__plan_branch_of(&branch, promote__git_session_reader(session), env)) == 0 &&
			(rc = promote__git_session_branch_tip(&tip, session, branch)) == 0) {
			free(commit);
			commit = strdup(git_oid_tostr_s(&tip));
			rc = commit ? 0 : promote__error_oom();
		}
		free(branch);
	}
	if (rc && rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM) {
		/* Nothing can go on without the version: every step fails with why (retry resumes). */
		char *why = promote__strdupf("setting %s's version to %s failed: %s", r->trigger, r->version,
			promote_error_last()->message);
		rc = why ? 0 : promote__error_oom();
		for (size_t i = 0; rc == 0 && i < r->step_count; i++) {
			char *env = strdup(r->steps[i].environment);
			rc = env ? promote__step_fail(r, env, why) : promote__error_oom();
			free(env);
		}
		free(why);
		free(commit);
		ps->progressed = true;
		return rc;
	}
	if (rc == 0) {
		/* The version's commit (kept, over a remote) is pushed with the record that names it. */
		trigger_args a = { commit };
		rc = promote__release_update_later(r, mutate_trigger, &a, "Set the version");
		if (rc == 0)
			rc = promote__release_flush_or_batch(r, &lost); /* lost: read again, the version made again or adopted */
		else
			promote__effect_forget(r);
		ps->progressed = true;
	}
	free(commit);
	return rc;
}

/* ---- starting steps ----------------------------------------------------------- */

typedef struct start_args {
	const char *owner;               /* this handle's claim */
	promote__admission *admission;   /* the gates outside the release */
	int64_t retry_at;                /* the soonest a gate may let a step through by time alone (0: none) */
	PROMOTE__ARRAY(char *) started;  /* the steps started (names copied) */
	PROMOTE__ARRAY(char *) finished; /* the steps skipped */
} start_args;

static void start_args_reset(start_args *a)
{
	for (size_t i = 0; i < a->started.size; i++)
		free(a->started.ptr[i]);
	for (size_t i = 0; i < a->finished.size; i++)
		free(a->finished.ptr[i]);
	a->started.size = a->finished.size = 0;
	a->retry_at = 0;
}

/* Within the start: ask the gates about pending step `s`, whose dependencies succeeded. *admitted false:
 * it stays pending, its reason and gate say why (*changed when they are new). */
static int admit(promote_release *r, promote_release_step *s, start_args *a, int64_t now, bool *admitted,
	bool *changed)
{
	promote__verdict v;
	const char *gate = "";
	int rc = promote__admission_check(a->admission, r, s, now, &v, &gate);
	*admitted = rc == 0 && v.admitted;
	if (rc || v.admitted)
		return rc;
	if (v.retry_at && (!a->retry_at || v.retry_at < a->retry_at))
		a->retry_at = v.retry_at;
	if (strcmp(s->reason ? s->reason : "", v.reason) != 0 || strcmp(s->gate ? s->gate : "", gate) != 0) {
		rc = promote__set_string(&s->reason, v.reason);
		if (rc == 0)
			rc = promote__set_string(&s->gate, gate);
		*changed = rc == 0;
	}
	free(v.reason);
	return rc;
}

/* The step that promotes into `env`, or NULL (the trigger, or no step). */
static promote_release_step *dep_step(promote_release *r, const char *env)
{
	return promote__release_step(r, env);
}

/* Where the step writes: its repository and branch, as a grouping key. */
static char *write_key(promote_release *r, const promote_release_step *s)
{
	const promote_env *env = NULL;
	if (promote_env_lookup(&env, r->ctx, s->environment) != 0) {
		promote_error_clear();
		return NULL;
	}
	const promote_repository *repo = promote_env_repository(env);
	const char *branch = promote_env_branch(env);
	return promote__strdupf("%s\n%s\n%d", repo ? promote_repository_name(repo) : "", branch ? branch : "", s->action);
}

static bool groupable(const promote_release *r, const promote_release_step *s)
{
	return r->group && s->strategy == PROMOTE_STRATEGY_AUTO && s->action != PROMOTE_ACTION_NONE;
}

/* Steps started together that write to one branch share one commit or change request. */
static int assign_groups(promote_release *r, start_args *a)
{
	int rc = 0;
	bool *done = calloc(a->started.size ? a->started.size : 1, sizeof *done);
	if (!done)
		return promote__error_oom();
	for (size_t i = 0; rc == 0 && i < a->started.size; i++) {
		promote_release_step *s = promote__release_step(r, a->started.ptr[i]);
		if (done[i] || !groupable(r, s))
			continue;
		char *key = write_key(r, s);
		promote__strbuf name;
		promote__strbuf_init(&name, PROMOTE__BRANCH_MAX, "the group's name");
		size_t members = 0;
		for (size_t j = i; key && rc == 0 && j < a->started.size; j++) {
			promote_release_step *t = promote__release_step(r, a->started.ptr[j]);
			char *other = done[j] || !groupable(r, t) ? NULL : write_key(r, t);
			if (other && strcmp(other, key) == 0) {
				done[j] = true;
				members++;
				rc = promote__strbuf_addf(&name, "%s%s", members > 1 ? "+" : "", t->environment);
			}
			free(other);
		}
		for (size_t j = i; rc == 0 && members > 1 && j < a->started.size; j++) {
			promote_release_step *t = promote__release_step(r, a->started.ptr[j]);
			char *other = groupable(r, t) ? write_key(r, t) : NULL;
			if (other && key && strcmp(other, key) == 0)
				rc = promote__set_string(&t->group, promote__strbuf_cstr(&name));
			free(other);
		}
		free(key);
		promote__strbuf_free(&name);
	}
	free(done);
	return rc;
}

/* The steps that start straight with their action, with every step of their group, and those that start
 * with their pre-checks are claimed in the same update: the claim that comes before the side effect (the
 * commit, the first check's run), one write fewer. */
static int claim_started(promote_release *r, start_args *a, int64_t now)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->started.size; i++) {
		promote_release_step *s = promote__release_step(r, a->started.ptr[i]);
		if (s->state == PROMOTE_STEP_PRE_CHECK) {
			rc = promote__claim_step(s, a->owner, now);
			continue;
		}
		bool ready = s->state == PROMOTE_STEP_PROMOTING;
		for (size_t j = 0; ready && *s->group && j < r->step_count; j++)
			ready = strcmp(r->steps[j].group, s->group) != 0 || r->steps[j].state == PROMOTE_STEP_PROMOTING;
		if (ready)
			rc = promote__claim_step(s, a->owner, now);
	}
	return rc;
}

static int mutate_start(promote_release *r, bool *changed, void *arg)
{
	start_args *a = arg;
	start_args_reset(a);
	if (release_final(r->state))
		return 0;
	int64_t now = promote__now(r->ctx);
	int rc = 0;
	/* Skips travel down the flow in one call: steps are in the flow's order. */
	for (size_t i = 0; rc == 0 && i < r->step_count; i++) {
		promote_release_step *s = &r->steps[i];
		if (s->state != PROMOTE_STEP_PENDING)
			continue;
		const promote_release_step *blocker = NULL;
		bool ready = true;
		for (size_t d = 0; d < s->depends_count; d++) {
			const promote_release_step *dep = dep_step(r, s->depends_on[d]);
			if (!dep)
				continue; /* the trigger */
			if (dep->state == PROMOTE_STEP_FAILED || dep->state == PROMOTE_STEP_SKIPPED ||
				dep->state == PROMOTE_STEP_ABORTED) {
				blocker = blocker ? blocker : dep;
			} else if (dep->state != PROMOTE_STEP_SUCCEEDED) {
				ready = false;
			}
		}
		char *reason = NULL;
		if (s->strategy == PROMOTE_STRATEGY_NEVER) {
			s->state = PROMOTE_STEP_SKIPPED;
			reason = promote__strdupf("%s never promotes automatically", s->environment);
		} else if (blocker) {
			char *failure = promote__step_failure(blocker);
			s->state = PROMOTE_STEP_SKIPPED;
			reason = failure ? promote__strdupf("blocked: %s", failure) : NULL;
			free(failure);
		} else if (ready) {
			bool admitted = false;
			if ((rc = admit(r, s, a, now, &admitted, changed)) != 0 || !admitted)
				continue;
			/* Time spent stopped by a gate (a hold, a freeze window) is not the release's: its timeout
			 * counts from when the gate let the step through. */
			if (s->gate && *s->gate)
				r->restarted = now;
			if ((rc = promote__set_string(&s->gate, "")) != 0)
				break;
			s->state = promote__step_first_state(s);
			if (s->state == PROMOTE_STEP_AWAITING_APPROVAL)
				reason = promote__step_approval_reason(r, s, NULL, 0);
			else
				reason = strdup("");
			s->started = now;
		} else {
			continue;
		}
		if (!reason) {
			rc = promote__error_oom();
			break;
		}
		rc = promote__set_string(&s->reason, reason);
		if (rc == 0)
			rc = promote__step_set_default_reason(s);
		free(reason);
		char *name = rc == 0 ? strdup(s->environment) : NULL;
		if (rc == 0 && !name)
			rc = promote__error_oom();
		if (rc == 0 && s->state == PROMOTE_STEP_SKIPPED) {
			s->finished = now;
			rc = promote__array_push(&a->finished, name);
		} else if (rc == 0) {
			rc = promote__array_push(&a->started, name);
		}
		if (rc)
			free(name);
		*changed = true;
	}
	if (rc == 0)
		rc = assign_groups(r, a);
	if (rc == 0)
		rc = claim_started(r, a, now);
	return rc;
}

static int start_ready(promote_release *r, promote__poll_state *ps)
{
	char *owner = NULL;
	int rc = promote__claim_owner(&owner, r);
	start_args a = { owner, NULL, 0, PROMOTE__ARRAY_INIT, PROMOTE__ARRAY_INIT };
	if (rc == 0)
		rc = promote__admission_new(&a.admission, r);
	if (rc == 0)
		rc = promote__release_update_later(r, mutate_start, &a, "Start steps");
	if (rc == 0 && a.retry_at) {
		int64_t wait_s = a.retry_at - promote__now(r->ctx);
		promote__poll_soon(ps, wait_s <= 0 ? 1 : wait_s >= UINT32_MAX / 1000 ? UINT32_MAX - 1 : (uint32_t)wait_s * 1000);
	}
	for (size_t i = 0; rc == 0 && i < a.started.size; i++) {
		const promote_release_step *s = promote__release_step(r, a.started.ptr[i]);
		rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_STARTED, s);
		if (rc == 0 && s->state == PROMOTE_STEP_AWAITING_APPROVAL)
			rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_WAITING, s);
	}
	for (size_t i = 0; rc == 0 && i < a.finished.size; i++)
		rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_FINISHED, promote__release_step(r, a.finished.ptr[i]));
	if (a.started.size || a.finished.size)
		ps->progressed = true;
	start_args_reset(&a);
	promote__admission_free(a.admission);
	promote__array_free(&a.started);
	promote__array_free(&a.finished);
	free(owner);
	return rc;
}

/* ---- the release's state ------------------------------------------------------ */

typedef struct state_args {
	bool timed_out;
	bool became_final;
} state_args;

/* What the steps say of the release: running, waiting, succeeded, failed; *why the step that says it. */
static int state_of(const promote_release *r, const promote_release_step **why)
{
	bool open = false, only_people = true;
	const promote_release_step *failed = NULL, *waiting = NULL, *gated = NULL;
	for (size_t i = 0; i < r->step_count; i++) {
		const promote_release_step *s = &r->steps[i];
		if (s->state == PROMOTE_STEP_FAILED && !failed)
			failed = s;
		if (promote__step_final(s->state))
			continue;
		open = true;
		bool held = s->state == PROMOTE_STEP_PENDING && promote__gate_waits_for_person(s->gate);
		if (s->state == PROMOTE_STEP_AWAITING_APPROVAL || held)
			waiting = waiting ? waiting : s;
		else if (s->state != PROMOTE_STEP_PENDING)
			only_people = false;
		else if (s->gate && *s->gate)
			gated = gated ? gated : s; /* waits for time or for another release */
	}
	*why = failed ? failed : waiting;
	if (!open)
		return failed ? PROMOTE_RELEASE_FAILED : PROMOTE_RELEASE_SUCCEEDED;
	if (only_people && waiting) {
		*why = waiting;
		return PROMOTE_RELEASE_WAITING;
	}
	/* Running, but nothing moves until a gate opens: the release says which. */
	*why = only_people ? gated : NULL;
	return PROMOTE_RELEASE_RUNNING;
}

static int mutate_state(promote_release *r, bool *changed, void *arg)
{
	state_args *a = arg;
	a->became_final = false;
	if (release_final(r->state))
		return 0;
	int64_t now = promote__now(r->ctx);
	int rc = 0;
	char *timeout_reason = NULL;
	if (a->timed_out) {
		timeout_reason = promote__strdupf("the release timed out after %s", promote__duration(r->timeout_s).text);
		if (!timeout_reason)
			return promote__error_oom();
		for (size_t i = 0; rc == 0 && i < r->step_count; i++) {
			promote_release_step *s = &r->steps[i];
			if (promote__step_final(s->state))
				continue;
			s->state = PROMOTE_STEP_FAILED;
			s->finished = now;
			rc = promote__set_string(&s->reason, timeout_reason);
			if (rc == 0 && (!s->error || !*s->error))
				rc = promote__set_string(&s->error, timeout_reason);
			rc = rc ? rc : promote__set_string(&s->claim, "");
		}
	}
	const promote_release_step *why = NULL;
	int state = state_of(r, &why);
	char *reason = timeout_reason ? strdup(timeout_reason)
		: state == PROMOTE_RELEASE_FAILED && why ? promote__step_failure(why)
		: state != PROMOTE_RELEASE_SUCCEEDED && why ? strdup(why->reason ? why->reason : "")
		: strdup("");
	free(timeout_reason);
	if (rc == 0 && !reason)
		rc = promote__error_oom();
	if (rc == 0 && (state != r->state || strcmp(reason, r->reason ? r->reason : "") != 0 || a->timed_out)) {
		r->state = state;
		rc = promote__set_string(&r->reason, reason);
		if (release_final(state)) {
			r->finished = now;
			a->became_final = true;
		}
		*changed = rc == 0;
	}
	free(reason);
	return rc;
}

static int settle_state(promote_release *r, bool timed_out)
{
	state_args a = { timed_out, false };
	int rc = promote__release_update_later(r, mutate_state, &a, timed_out ? "Time out" : "State");
	for (size_t i = 0; rc == 0 && timed_out && i < r->step_count; i++)
		if (r->steps[i].state == PROMOTE_STEP_FAILED && r->steps[i].finished >= r->updated)
			rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_STEP_FINISHED, &r->steps[i]);
	if (rc == 0 && a.became_final)
		rc = promote__release_emit(r, PROMOTE_RELEASE_EVENT_RELEASE_FINISHED, NULL);
	return rc;
}

/* ---- one poll ------------------------------------------------------------------ */

/* The names of the steps that are open now, copied (the record is read again as they advance). */
static int open_steps(char ***out, size_t *count, const promote_release *r)
{
	*out = calloc(r->step_count ? r->step_count : 1, sizeof **out);
	*count = 0;
	if (!*out)
		return promote__error_oom();
	for (size_t i = 0; i < r->step_count; i++) {
		if (promote__step_final(r->steps[i].state) || r->steps[i].state == PROMOTE_STEP_PENDING)
			continue;
		if (!((*out)[*count] = strdup(r->steps[i].environment)))
			return promote__error_oom();
		(*count)++;
	}
	return 0;
}

/* `env` waits on something outside in this poll (a check or deploy running, a change's checks): it is
 * read once per poll, not again in each pass that other steps' progress makes. */
static bool idle(const promote__poll_state *ps, const char *env)
{
	for (size_t i = 0; i < ps->idle.size; i++)
		if (strcmp(ps->idle.ptr[i], env) == 0)
			return true;
	return false;
}

static int one_pass(promote_release *r, promote__poll_state *ps)
{
	int rc = set_trigger_version(r, ps);
	if (rc == 0)
		rc = start_ready(r, ps);
	char **names = NULL;
	size_t count = 0;
	if (rc == 0)
		rc = open_steps(&names, &count, r);
	for (size_t i = 0; rc == 0 && i < count && !release_final(r->state); i++) {
		if (idle(ps, names[i]))
			continue;
		bool before = ps->progressed;
		ps->progressed = false;
		rc = promote__step_advance(r, names[i], ps);
		if (rc == 0 && !ps->progressed) {
			char *name = strdup(names[i]);
			rc = name ? promote__array_push(&ps->idle, name) : promote__error_oom();
			if (rc)
				free(name);
		}
		ps->progressed |= before;
	}
	for (size_t i = 0; names && i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

bool promote__release_gated(const promote_release *r)
{
	bool gated = false;
	for (size_t i = 0; i < r->step_count; i++) {
		const promote_release_step *s = &r->steps[i];
		if (promote__step_final(s->state))
			continue;
		if (s->state != PROMOTE_STEP_PENDING)
			return false;
		gated |= s->gate && *s->gate;
	}
	return gated;
}

static int poll(promote_release *r, uint32_t *next_poll_ms, bool fetch)
{
	promote__poll_state ps = { UINT32_MAX, false, PROMOTE__ARRAY_INIT };
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, r->ctx);
	if (rc == 0)
		rc = promote__git_session_settle_own(session);
	/* (The first poll of a release just started, on a mirror fetched just before, would fetch the record
	 * it has just pushed: a round trip of three requests for nothing new. Another process's move is met
	 * anyway, by the compare-and-swap of what this poll writes.) */
	bool just_started = r->just_started;
	r->just_started = false;
	if (rc == 0 && fetch)
		rc = just_started ? promote__git_session_refresh_unless_fresh(session, JUST_FETCHED_MS)
				  : promote__git_session_refresh(session);
	if (rc == 0)
		rc = promote__release_load(r);
	for (int pass = 0; rc == 0 && pass < MAX_PASSES && !release_final(r->state); pass++) {
		if (r->timeout_s && promote__now(r->ctx) >= promote__release_deadline(r) && !promote__release_gated(r)) {
			rc = settle_state(r, true);
			break;
		}
		ps.progressed = false;
		rc = one_pass(r, &ps);
		if (rc == 0 && !ps.progressed)
			break;
	}
	if (rc == 0 && !release_final(r->state))
		rc = settle_state(r, false);
	/* What the poll recorded is pushed, even when it stops on an error (a step's failure is kept). */
	bool lost = false;
	int flushed = promote__release_flush_or_batch(r, &lost);
	if (rc == 0 && flushed)
		rc = flushed;
	else if (rc == 0 && lost)
		promote__poll_soon(&ps, 1); /* another process moved first: poll again at once, from its record */
	/* Who is to be told of what the poll did; a notification never holds the release up (tried again later). */
	if (rc == 0)
		rc = promote__release_notify(r, NULL);
	for (size_t i = 0; i < ps.idle.size; i++)
		free(ps.idle.ptr[i]);
	promote__array_free(&ps.idle);
	if (next_poll_ms) {
		bool idle = rc != 0 || release_final(r->state) || r->state == PROMOTE_RELEASE_WAITING;
		*next_poll_ms = idle ? 0 : ps.next_ms == UINT32_MAX ? PROMOTE__POLL_MS : ps.next_ms;
	}
	return rc;
}

int promote__release_poll(promote_release *r, uint32_t *next_poll_ms)
{
	return poll(r, next_poll_ms, true);
}

int promote__release_poll_fetched(promote_release *r, uint32_t *next_poll_ms)
{
	return poll(r, next_poll_ms, false);
}
