/*
 * Internal: the release state machine (release.c and the release_*.c files
 * beside it). A poll reads the latest record, then advances every step whose
 * turn it is; each transition is one promote__release_update() of its own,
 * so that a process killed between two of them leaves a record another
 * process resumes from. Before every side effect the step is claimed (a
 * transition of its own), then the effect is looked for (and adopted when a
 * dead process made it before it could record it), then made, then recorded.
 */
#ifndef PROMOTE_ENGINE_RELEASE_MACHINE_H
#define PROMOTE_ENGINE_RELEASE_MACHINE_H

#include "release_record.h"
#include "config/loader_deploy.h"
#include "config/duration.h"

/* How long a claim holds when its owner is not known to be gone (seconds). */
#define PROMOTE__CLAIM_LEASE_S 300
/* How old its claim is when an owner still at work renews it (seconds): well within the lease. */
#define PROMOTE__CLAIM_RENEW_S (PROMOTE__CLAIM_LEASE_S / 3)
/* How long to wait before polling again while something runs elsewhere (ms). */
#define PROMOTE__POLL_MS 1000u

/* What one poll learned, besides the record: when to come back. */
typedef struct promote__poll_state {
	uint32_t next_ms;     /* the soonest a step can move again (UINT32_MAX: nothing runs) */
	bool progressed;      /* a transition was recorded in this pass */
	PROMOTE__ARRAY(char *) idle; /* steps that could not move in this poll: not read again in it */
} promote__poll_state;

/* Poll again in `ms` at the latest. */
void promote__poll_soon(promote__poll_state *ps, uint32_t ms);

/* ---- events (release_events.c) ------------------------------------------- */

struct promote_release_event {
	int kind;
	const char *release, *environment, *reason, *commit, *change, *check;
	int state;
	int exit_status;
};

/* Tell the caller's event callback about step `step` (NULL: the release);
 * PROMOTE_EUSER (error set) when it asks to stop. */
int promote__release_emit(promote_release *r, int kind, const promote_release_step *step);
/* The same for a check that finished. */
int promote__release_emit_check(promote_release *r, const promote_release_step *step, const promote__check *check);

/* ---- transitions (release_step.c) ---------------------------------------- */


typedef struct promote__step_result {
	const char *const *envs;
	size_t count;
	int from;             /* the state they must be in; -1: any open state */
	int to;
	const char *reason;   /* NULL: "" */
	const char *commit, *change, *head, *merge_commit; /* NULL: unchanged */
	const char *error;    /* kept when the step has none yet */
	bool moved;           /* out: recorded (false: someone else moved them first) */
} promote__step_result;

/* Record the result `a` (one update): the steps `a->envs`, all in `a->from`, move to `a->to`. */
int promote__step_record(promote_release *r, promote__step_result *a, const char *what);
/* Tell the event callback what the steps' new state means (waiting, finished), after `extra_kind` (0: none). */
int promote__step_tell(promote_release *r, const char *const *envs, size_t count, int extra_kind);
/* Fail the steps `envs` (from any open state) with `error`. */
int promote__steps_fail(promote_release *r, const char *const *envs, size_t count, const char *error);
/* Within a mutation: give step `s`, when its reason is "", the one its state means ("running pre-check
 * smoke (1 of 2)", "syncing: ...", "promoting: writing the commit"); final and waiting states keep theirs. */
int promote__step_set_default_reason(promote_release_step *s);
/* A final step state: succeeded, failed, skipped, aborted. */
bool promote__step_final(int state);

/* Record `step` of `r` (by environment) as moving from `from` to `to` with
 * `reason` (NULL: ""); nothing happens when another process moved it away
 * from `from` first (*moved false). Final states set `finished`. */
int promote__step_move(promote_release *r, const char *env, int from, int to, const char *reason, bool *moved);
/* Fail the step (from whatever open state it is in) with `error` (kept only
 * when it has none yet) and the reason. */
int promote__step_fail(promote_release *r, const char *env, const char *error);
/* A step failed: what it shows ("staging failed (post-check verify exited 1)"). */
char *promote__step_failure(const promote_release_step *step);

/* The step's first transition, once every step it depends on succeeded. */
int promote__step_first_state(const promote_release_step *step);
/* "waiting for approval of change promote/ID/prod (0 of 1)", or of a commit; malloc'd. */
char *promote__step_approval_reason(const promote_release *r, const promote_release_step *step, const char *change,
	unsigned approvals);

/* Advance one step from its current state as far as one transition goes
 * (group effects advance all the steps of their group). */
int promote__step_advance(promote_release *r, const char *env, promote__poll_state *ps);

/* ---- claims (release_claim.c) -------------------------------------------- */

/* "host:pid:nonce" of this process and release handle (static storage per call site: copy it). */
int promote__claim_owner(char **out, const promote_release *r);
/* Claim every step of `envs` (all in state `state`) for a side effect: one
 * update, all or none. *claimed false when another process holds a live
 * claim on one of them, or moved one away from `state`, or a transient
 * retry's pause has not passed (ps told when to come back). */
int promote__claim(promote_release *r, const char *const *envs, size_t count, int state, bool *claimed,
	promote__poll_state *ps);
/* The same, kept for the next flush instead of pushed now: for an effect that stays in the repository (a
 * commit), pushed together with the claim and the record that names it — the record's compare-and-swap is
 * then what keeps a second process from making it too. */
int promote__claim_later(promote_release *r, const char *const *envs, size_t count, int state, bool *claimed,
	promote__poll_state *ps);
/* Within a mutation: claim step `s` for `owner`; an attempt of its action is counted when the claim is for
 * its commit or change request (state promoting) or follows a transient error. */
int promote__claim_step(promote_release_step *s, const char *owner, int64_t now);
/* A claim that is still held by someone else (not `owner`) who may act. */
bool promote__claim_live(const promote_release_step *step, const char *owner, int64_t now);
/* The step `env`, claimed by this handle, is still at work (a check runs): its claim is renewed (with the
 * poll's other transitions) once PROMOTE__CLAIM_RENEW_S have passed since it was made or last renewed, so
 * that it stays live while its owner lives. Nothing when the claim is someone else's or recent. */
int promote__claim_renew(promote_release *r, const char *env);

/* ---- effects (release_effects.c) ------------------------------------------ */

/* Make (or adopt) the commit or change request of the steps `envs` (one
 * group, claimed, state promoting): *commit / *change receive what exists
 * now ("" none); *landed true when nothing is left to do for the action
 * (committed, in place already, or action none). */
typedef struct promote__effect {
	char *commit;        /* the step's commit on the environment's branch */
	char *change;        /* the change request's id */
	char *head;          /* the change branch's commit */
	bool landed;         /* the change is on the environment's branch (no change request to wait for) */
	bool kept;           /* the commit is made but kept for the next flush (over a remote), not pushed yet */
	size_t failed;       /* an error: 1 + the index of the step whose promotion could not be planned (0: all could) */
} promote__effect;

void promote__effect_dispose(promote__effect *e);
/* A commit over a remote is not pushed here but kept in the session: the caller records it, then pushes
 * both with promote__release_flush() — or, when it cannot record it, forgets it (promote__effect_forget()). */
int promote__effect_make(promote__effect *e, promote_release *r, const char *const *envs, size_t count);
/* The commits kept by promote__effect_make()/promote__effect_trigger() and not pushed yet: dropped. */
void promote__effect_forget(promote_release *r);
/* The change branch's commit `head` is on branch `base` already (merged by someone outside the provider,
 * with git): *merge_commit receives the first commit of base's first-parent line that holds it (malloc'd);
 * NULL when base does not hold it. */
int promote__effect_merged_outside(char **merge_commit, promote_release *r, const char *base, const char *head);
/* Before the release's record is created: its environments' branches' tips, below which no commit of it can
 * be (r->bases). Best effort: a branch that cannot be read now is searched to the usual depth. 0 or
 * PROMOTE_ENOMEM. */
int promote__effect_bases_take(promote_release *r);
/* The trigger's version commit of a release that sets the version (made or adopted). */
int promote__effect_trigger(char **commit, promote_release *r);
/* The git provider of environment `env` (NULL: the context's first repository's). */
const char *promote__effect_provider(promote_context *ctx, const char *env);

/* ---- checks and deploys (release_checks.c) -------------------------------- */

int promote__release_poll(promote_release *r, uint32_t *next_poll_ms);
/* The same without fetching first: the caller fetched the repository for many releases (a watcher's pass). */
int promote__release_poll_fetched(promote_release *r, uint32_t *next_poll_ms);

/* Advance the pre- or post-action checks of `env` (state pre_check or
 * post_check): *done when every check of the phase passed; a failing one
 * fails the step. */
int promote__checks_advance(promote_release *r, const char *env, bool post, bool *done, promote__poll_state *ps);
/* The step's next state once its change is in place: deploying (not after action none, which wrote
 * nothing to sync), post_check or succeeded. */
int promote__step_after_landing(promote_context *ctx, const promote_release_step *step);
/* Advance the deploy of `env` (state deploying): *done when healthy. */
int promote__deploy_advance(promote_release *r, const char *env, bool *done, promote__poll_state *ps);

/* The step into `env` was aborted while it deployed: the environment's deploy backend is asked to
 * stop the sync it started (a backend without that slot, or with nothing running, is no error). */
int promote__deploy_stop(promote_release *r, const char *env);

/* ---- errors --------------------------------------------------------------- */

/* A failure that may pass by itself (network, a timeout, a lost race, a server's 5xx). */
bool promote__release_transient(int code);
/* Record a failed side effect of the steps `envs` (claimed): a transient
 * error within the flow's retries leaves them to be tried again after a
 * pause (reason "retrying ..."), anything else fails them with the message. */
int promote__release_effect_failed(promote_release *r, const char *const *envs, size_t count, int code,
	promote__poll_state *ps);

/* The flow's retries for transient errors (from the context's configuration). */
unsigned promote__release_retries(const promote_release *r);
/* The pause before attempt `attempts` + 1 after a transient error (ms). */
uint32_t promote__release_backoff_ms(unsigned attempts);

/* When the release's timeout runs out: its bound from its start or its latest retry (seconds since the epoch). */
int64_t promote__release_deadline(const promote_release *r);

/* Every open step is pending and one of them is stopped by a gate (release_admit.h): the release waits
 * on holds, windows or soak, not on its own work — and does not time out meanwhile. */
bool promote__release_gated(const promote_release *r);

/* Now, in seconds since the epoch, on the context's clock (promote_context_options.clock_cb). */
int64_t promote__now(const promote_context *ctx);

#endif
