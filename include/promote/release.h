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
