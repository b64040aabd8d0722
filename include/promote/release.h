/*
 * libpromote — releases: one product at one version through a whole flow.
 *
 * A release is one run of a flow (or a single promotion, flow "manual") for
 * one product at one version. Each step promotes into one environment, as
 * the effective policy for that step says (policy.h): pre-action checks,
 * the action (a commit, or a change request that is merged when approved
 * and its checks pass), the deploy (when the environment has a deploy
 * backend) and post-action checks. A step starts when every step it depends
 * on succeeded; steps that do not depend on each other advance side by side.
 *
 * The record of a release lives in the GitOps repository itself, at
 * refs/promote/releases/ID: a JSON document (doc/RELEASES.md), one commit
 * per transition, the ref moved by compare-and-swap (pushed, for a remote
 * repository). Any process on any machine can open a release by its id and
 * advance, approve, abort or retry it; two processes advancing the same
 * release never both perform a side effect. Every side effect is found
 * again before it is made (the commit's trailers "Promote-Release: ID" and
 * "Promote-Environment: ENV", the change branch promote/ID/ENV), so a
 * release resumed after a crash never makes a second commit or change.
 *
 * A promote_release is a snapshot of the record plus the means to advance
 * it; it is owned by the caller (promote_release_free()) and keeps its
 * context alive. Steps are borrowed from their release and valid until the
 * release is next advanced (poll, run, approve, abort, retry) or freed.
 */
#ifndef PROMOTE_RELEASE_H
#define PROMOTE_RELEASE_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

typedef struct promote_release promote_release;
typedef struct promote_release_step promote_release_step;
typedef struct promote_release_list promote_release_list;

/* Where a step is. The values are fixed; new states are only appended. */
typedef enum promote_step_state {
	PROMOTE_STEP_PENDING = 0,           /* waiting for the steps it depends on */
	PROMOTE_STEP_PRE_CHECK = 1,         /* the policy's pre-action workflows run */
	PROMOTE_STEP_PROMOTING = 2,         /* the commit or change request is being made */
	PROMOTE_STEP_AWAITING_APPROVAL = 3, /* manual: waiting for promote_release_approve() */
	PROMOTE_STEP_AWAITING_MERGE = 4,    /* a change request waits for its checks or its merge */
	PROMOTE_STEP_DEPLOYING = 5,         /* the deploy backend syncs; waiting for health */
	PROMOTE_STEP_POST_CHECK = 6,        /* the policy's post-action workflows run */
	PROMOTE_STEP_SUCCEEDED = 7,
	PROMOTE_STEP_FAILED = 8,
	PROMOTE_STEP_SKIPPED = 9,           /* never promotes, or blocked by a failed dependency */
	PROMOTE_STEP_ABORTED = 10
} promote_step_state;

/* (Named with _t, as libgit2 does, because promote_release_state() reads it.) */
typedef enum promote_release_state_t {
	PROMOTE_RELEASE_RUNNING = 0,   /* a step can advance without anyone */
	PROMOTE_RELEASE_WAITING = 1,   /* every open step waits for a person (an approval) */
	PROMOTE_RELEASE_SUCCEEDED = 2, /* every step succeeded or was skipped by policy */
	PROMOTE_RELEASE_FAILED = 3,    /* a step failed (or the release timed out); retry resumes */
	PROMOTE_RELEASE_ABORTED = 4
} promote_release_state_t;

/* "pending", "pre_check", "promoting", "awaiting_approval", "awaiting_merge",
 * "deploying", "post_check", "succeeded", "failed", "skipped", "aborted";
 * and "running", "waiting", "succeeded", "failed", "aborted". Static,
 * "unknown" for a value out of range. */
PROMOTE_EXTERN(const char *) promote_step_state_name(int state);
PROMOTE_EXTERN(const char *) promote_release_state_name(int state);

/* Free a release opened or started by the caller; NULL is fine. */
PROMOTE_EXTERN(void) promote_release_free(promote_release *release);

typedef struct promote_release_event promote_release_event;

/* ---- events -------------------------------------------------------------- */

/* What happened (promote_release_event_kind()). More kinds may be added:
 * ignore the ones you do not know. */
typedef enum promote_release_event_kind_t {
	PROMOTE_RELEASE_EVENT_STEP_STARTED = 1,
	PROMOTE_RELEASE_EVENT_STEP_WAITING = 2,   /* with its reason */
	PROMOTE_RELEASE_EVENT_COMMITTED = 3,      /* the step's commit landed (commit) */
	PROMOTE_RELEASE_EVENT_CHANGE_OPENED = 4,  /* change request opened or found (change) */
	PROMOTE_RELEASE_EVENT_CHANGE_MERGED = 5,  /* (change, commit: the merge commit) */
	PROMOTE_RELEASE_EVENT_DEPLOYED = 6,       /* the deploy is healthy */
	PROMOTE_RELEASE_EVENT_CHECK_FINISHED = 7, /* a workflow ended (check, exit status) */
	PROMOTE_RELEASE_EVENT_STEP_FINISHED = 8,  /* succeeded, failed, skipped or aborted (state) */
	PROMOTE_RELEASE_EVENT_RELEASE_FINISHED = 9
} promote_release_event_kind_t;

/* Called on the thread that advances the release, after the transition is
 * recorded. Return 0 to go on; anything else stops the call that advances
 * the release with PROMOTE_EUSER (the record stays consistent: a later
 * call resumes). The event is borrowed for the call only. */
typedef int (*promote_release_event_cb)(const promote_release_event *event, void *payload);

PROMOTE_EXTERN(int) promote_release_event_kind(const promote_release_event *event);
/* "step started", "step waiting", "committed", "change opened", "change
 * merged", "deployed", "check finished", "step finished", "release
 * finished"; static, "unknown" otherwise. */
PROMOTE_EXTERN(const char *) promote_release_event_kind_name(int kind);
/* Strings borrowed for the call; "" when the event does not carry them. */
PROMOTE_EXTERN(const char *) promote_release_event_release(const promote_release_event *event);
PROMOTE_EXTERN(const char *) promote_release_event_environment(const promote_release_event *event);
PROMOTE_EXTERN(const char *) promote_release_event_reason(const promote_release_event *event);
PROMOTE_EXTERN(const char *) promote_release_event_commit(const promote_release_event *event);
PROMOTE_EXTERN(const char *) promote_release_event_change(const promote_release_event *event);
PROMOTE_EXTERN(const char *) promote_release_event_check(const promote_release_event *event);
/* The step's (or, for RELEASE_FINISHED, the release's) state after the event. */
PROMOTE_EXTERN(int) promote_release_event_state(const promote_release_event *event);
/* CHECK_FINISHED: the workflow's exit status (-1: killed at its timeout). */
PROMOTE_EXTERN(int) promote_release_event_exit_status(const promote_release_event *event);

/* ---- starting and opening ------------------------------------------------ */

/* Initialise with PROMOTE_RELEASE_OPTIONS_INIT or promote_release_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_release_options {
	uint32_t version;
	/* 1: every step gets its own commit or change request (no grouping). */
	uint32_t no_group;
	/* start: the flow; NULL: the product's `flows` (first that applies),
	 * else "default". Ignored with `to`. */
	const char *flow;
	/* start: set the trigger environment's version attribute to this version
	 * first (one commit, part of the release); NULL: promote the trigger's
	 * current version. With `to`: the version to promote into `to`. */
	const char *set_version;
	/* start: a one-step release (flow "manual") promoting into `to` only,
	 * from `from` (NULL: what `to` depends on in the default flow). It
	 * refuses a version the environments upstream of `to` in the default
	 * flow do not hold (PROMOTE_ESTATE, naming them) unless `force`, or the
	 * version is one `to` held before (a rollback). */
	const char *to;
	const char *from;
	uint32_t force;
	uint32_t reserved;
	/* With `force`: why (required, recorded in the release). */
	const char *reason;
	/* The author of the release's commits (as promote_apply_options). */
	const char *author_name;
	const char *author_email;
	/* Told every transition of the release (start, open, and every call that
	 * advances it). */
	promote_release_event_cb event_cb;
	void *event_payload;
} promote_release_options;

#define PROMOTE_RELEASE_OPTIONS_VERSION 1
#define PROMOTE_RELEASE_OPTIONS_INIT \
	{ PROMOTE_RELEASE_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL }

PROMOTE_EXTERN(int) promote_release_options_init(promote_release_options *opts, unsigned int version);

/*
 * Start a release of `product`: its record is written (state running, every
 * step pending) and nothing else is done yet — advance it with
 * promote_release_poll() or promote_release_run(). The id is
 * PRODUCT-VERSION-xxxxxx. PROMOTE_ENOTFOUND for an unknown product, flow or
 * environment; PROMOTE_EINVALID for a bad version or options;
 * PROMOTE_ESTATE when the version is refused at `to` (see options).
 */
PROMOTE_EXTERN(int) promote_release_start(promote_release **out, promote_context *ctx, const char *product,
	const promote_release_options *opts);
/* Open the release `id` (its latest record); PROMOTE_ENOTFOUND if none.
 * Only the options' author and event fields are used. */
PROMOTE_EXTERN(int) promote_release_open(promote_release **out, promote_context *ctx, const char *id,
	const promote_release_options *opts);

/* ---- advancing ----------------------------------------------------------- */

/*
 * Advance the release as far as it can go now without blocking: every step
 * whose turn it is takes its next transitions (writes, opens and merges
 * changes, starts and reads checks and deploys). *next_poll_ms (may be
 * NULL) says when polling again can make progress (0: the release is final
 * or waits for a person). Errors of one step fail that step (recorded,
 * the release goes on); the call itself fails only when the record cannot
 * be read or written (PROMOTE_EGIT, PROMOTE_ENET, ...) or on PROMOTE_EUSER.
 */
PROMOTE_EXTERN(int) promote_release_poll(promote_release *release, uint32_t *next_poll_ms);
/*
 * Poll until the release is final, waits for a person, or `timeout_ms`
 * passed (0: the release's own timeout). 0 in the first two cases (read the
 * state); PROMOTE_ETIMEOUT in the last (the release stays as it is, and
 * can be resumed).
 */
PROMOTE_EXTERN(int) promote_release_run(promote_release *release, uint32_t timeout_ms);
/* Approve the manual step into `env` as `by` (NULL: as the git provider
 * names the caller): a draft change request is marked ready, a manual
 * commit step may write. PROMOTE_ESTATE when the step is not waiting for
 * an approval; PROMOTE_ENOTFOUND when the release has no step `env`.
 * Does not advance the release: poll or run next. */
PROMOTE_EXTERN(int) promote_release_approve(promote_release *release, const char *env, const char *by);
/* Stop the release: no further writes; its steps' open change requests are
 * closed with a comment saying why (`reason` may be NULL). */
PROMOTE_EXTERN(int) promote_release_abort(promote_release *release, const char *reason);
/* Resume a failed release from its failed steps (`env` NULL: every failed
 * step; else that one), and the steps they blocked; what succeeded stays.
 * PROMOTE_ESTATE when there is nothing to retry. */
PROMOTE_EXTERN(int) promote_release_retry(promote_release *release, const char *env);

/* ---- reading ------------------------------------------------------------- */

/* Strings owned by the release. */
PROMOTE_EXTERN(const char *) promote_release_id(const promote_release *release);
PROMOTE_EXTERN(const char *) promote_release_product(const promote_release *release);
PROMOTE_EXTERN(const char *) promote_release_version(const promote_release *release);
PROMOTE_EXTERN(const char *) promote_release_flow(const promote_release *release);
/* A promote_release_state_t; and why it is not final (or why it failed), "" if nothing to say. */
PROMOTE_EXTERN(int) promote_release_state(const promote_release *release);
PROMOTE_EXTERN(const char *) promote_release_reason(const promote_release *release);
/* Seconds since the epoch; 0 when not finished. */
PROMOTE_EXTERN(int64_t) promote_release_created(const promote_release *release);
PROMOTE_EXTERN(int64_t) promote_release_finished(const promote_release *release);

/* Steps in the flow's order (waves, then declaration order). */
PROMOTE_EXTERN(size_t) promote_release_step_count(const promote_release *release);
PROMOTE_EXTERN(const promote_release_step *) promote_release_step_at(const promote_release *release, size_t index);
/* The step into `env`, or NULL. */
PROMOTE_EXTERN(const promote_release_step *) promote_release_step_lookup(
	const promote_release *release, const char *env);

/* Strings owned by the release; "" when the step has none (yet). */
PROMOTE_EXTERN(const char *) promote_release_step_environment(const promote_release_step *step);
/* A promote_step_state, and the reason a person understands. */
PROMOTE_EXTERN(int) promote_release_step_state(const promote_release_step *step);
PROMOTE_EXTERN(const char *) promote_release_step_reason(const promote_release_step *step);
PROMOTE_EXTERN(unsigned int) promote_release_step_attempts(const promote_release_step *step);
/* The promote_strategy and promote_action of the effective policy for the
 * step, fixed when the release started (promote_strategy_name(),
 * promote_action_name()). */
PROMOTE_EXTERN(int) promote_release_step_strategy(const promote_release_step *step);
PROMOTE_EXTERN(int) promote_release_step_action(const promote_release_step *step);
/* The step's commit on the environment's branch; its change request and
 * that change's head commit and merge commit. */
PROMOTE_EXTERN(const char *) promote_release_step_commit(const promote_release_step *step);
PROMOTE_EXTERN(const char *) promote_release_step_change(const promote_release_step *step);
PROMOTE_EXTERN(const char *) promote_release_step_head(const promote_release_step *step);
PROMOTE_EXTERN(const char *) promote_release_step_merge_commit(const promote_release_step *step);
/* The first error that failed the step (a later one does not replace it). */
PROMOTE_EXTERN(const char *) promote_release_step_error(const promote_release_step *step);
PROMOTE_EXTERN(int64_t) promote_release_step_started(const promote_release_step *step);
PROMOTE_EXTERN(int64_t) promote_release_step_finished(const promote_release_step *step);
/* The gate that keeps a pending step from starting while the steps it
 * depends on have succeeded — "hold" (a hold or rollback pin on its
 * environment), "window" (a freeze window), "soak" (a step before it is
 * soaking), "queue" (another release of the product goes first there) —
 * its reason says the rest; "" when no gate stops it. Names are only
 * added. Owned by the release. */
PROMOTE_EXTERN(const char *) promote_release_step_gate(const promote_release_step *step);

/* The checks (pre- and post-action workflows) run so far, in order. */
PROMOTE_EXTERN(size_t) promote_release_step_check_count(const promote_release_step *step);
PROMOTE_EXTERN(const char *) promote_release_step_check_name_at(const promote_release_step *step, size_t index);
/* "pre" or "post". */
PROMOTE_EXTERN(const char *) promote_release_step_check_phase_at(const promote_release_step *step, size_t index);
/* The exit status; -1 while running or when killed at its timeout. */
PROMOTE_EXTERN(int) promote_release_step_check_status_at(const promote_release_step *step, size_t index);
/* The last 4 KiB of its output (stdout and stderr). */
PROMOTE_EXTERN(const char *) promote_release_step_check_output_at(const promote_release_step *step, size_t index);

/* The record as JSON (doc/RELEASES.md), into a new buffer the caller disposes. */
PROMOTE_EXTERN(int) promote_release_to_json(promote_buf *out, const promote_release *release);

/* ---- listing ------------------------------------------------------------- */

typedef struct promote_release_list_options {
	uint32_t version;
	/* Only the releases of this product (NULL: all). */
	const char *product;
	/* Only releases in this promote_release_state_t; -1: any. */
	int32_t state;
	/* At most this many (0: all). */
	uint32_t limit;
} promote_release_list_options;

#define PROMOTE_RELEASE_LIST_OPTIONS_VERSION 1
#define PROMOTE_RELEASE_LIST_OPTIONS_INIT { PROMOTE_RELEASE_LIST_OPTIONS_VERSION, NULL, -1, 0 }

PROMOTE_EXTERN(int) promote_release_list_options_init(promote_release_list_options *opts, unsigned int version);

/* The releases recorded in the context's repository, newest first. */
PROMOTE_EXTERN(int) promote_release_list_new(promote_release_list **out, promote_context *ctx,
	const promote_release_list_options *opts);
PROMOTE_EXTERN(size_t) promote_release_list_count(const promote_release_list *list);
/* Borrowed from the list (read it with the accessors above; it cannot be
 * advanced — open it by id for that). NULL when out of range. */
PROMOTE_EXTERN(const promote_release *) promote_release_list_at(const promote_release_list *list, size_t index);
PROMOTE_EXTERN(void) promote_release_list_free(promote_release_list *list);

PROMOTE_END_DECL

#endif
