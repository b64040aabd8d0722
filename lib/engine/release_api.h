/*
 * Being built (issue "Releases"): the part of the releases API whose
 * functions do not exist yet. Each declaration moves to
 * include/promote/release.h when it is implemented, so that the ABI checks
 * stay true.
 */
#ifndef PROMOTE_ENGINE_RELEASE_API_H
#define PROMOTE_ENGINE_RELEASE_API_H

#include <promote.h>

PROMOTE_BEGIN_DECL

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

PROMOTE_END_DECL

#endif
