/*
 * Internal: the apply gate — whether a version may be promoted into an
 * environment outside a flow (a one-step release, `promote apply`).
 *
 * A version reaches an environment through the environments the default
 * flow promotes it after: every environment ENV depends on in that flow,
 * directly or not, the trigger included ("upstream"). The gate names the
 * upstream environments that the version has not been through: that do not
 * hold it (their version attribute at their branch's tip) and never held it
 * (in their branch's history: dev moving on to 1.5.0 does not take back
 * that 1.4.0 went through it). It also says whether ENV held the version
 * before — going back to it is a rollback, not a skipped gate. Read only:
 * everything through the session's tree reader, as planning does.
 *
 * Whether an environment held a version is found by reading the product's
 * version attribute at each commit of the first-parent history of its branch, newest first,
 * at most `max_commits` commits (PROMOTE__GATE_HISTORY_MAX by default). The
 * value itself is compared, not the commits' trailers: a version written by
 * hand, or by a commit of another tool, has no trailers, and a commit with
 * Promote-Version trailers may have been reverted since. The file's bytes
 * are compared with the previous commit's first, so only commits that
 * changed it are parsed.
 */
#ifndef PROMOTE_PLAN_GATE_H
#define PROMOTE_PLAN_GATE_H

#include "git/reader.h"
#include "model/context.h"

#define PROMOTE__GATE_HISTORY_MAX 1000

/* An upstream environment that does not hold the version and never held it. */
typedef struct promote__gate_miss {
	const promote_env *env;
	char *version;          /* what it holds; NULL when the product is not there (or its branch is not) */
} promote__gate_miss;

typedef struct promote__gate {
	const promote_flow *flow;     /* the default flow, or NULL when there is none */
	promote__gate_miss *missing;  /* nearest first: by the flow's waves, latest first, the trigger last */
	size_t missing_count;
	bool current;                 /* ENV holds the version now (at its branch's tip) */
	bool rollback;                /* ENV held it at an older commit of its branch's first-parent history */
	promote__commit_id held_at;   /* that commit, when rollback */
	size_t commits_read;          /* how much of ENV's history was read (only when something is missing) */
} promote__gate;

/*
 * The gate for promoting `product` at `version` into `env`: *out filled
 * (dispose it with promote__gate_dispose(), also after a failure). An
 * environment's history is read only when it does not hold the version now
 * (ENV's: when an upstream environment misses it); at most `max_commits`
 * commits of each (0: PROMOTE__GATE_HISTORY_MAX).
 * ENV without upstream environments (the trigger, an environment that is no
 * step of the default flow, no default flow) misses nothing. Errors:
 * PROMOTE_ENOTFOUND for an unknown environment or product, a version file
 * that is no valid YAML (PROMOTE_EINVALID), git errors of the reader.
 */
int promote__plan_gate(promote__gate *out, promote_context *ctx, const promote__tree_reader *r, const char *product,
	const char *env, const char *version, size_t max_commits);

/* The gate refuses: something upstream misses the version, and it is neither
 * ENV's current version nor one it held before. */
bool promote__gate_refuses(const promote__gate *gate);

/*
 * Set the thread's error to the refusal and return PROMOTE_ESTATE (class
 * PROMOTE_ERROR_CLASS_RELEASE): "refusing to promote shop 1.5.0 into prod:
 * staging holds 1.4.0 and qa holds 1.4.2 (the default flow promotes prod
 * after them); bring it through them first, or force it with a reason
 * (promote_release_options.force and .reason)". A library message names no
 * command-line option: a front end may replace the part after the last ';'
 * with its own ("or pass --force --reason TEXT").
 */
int promote__gate_refusal(const promote__gate *gate, const char *product, const char *env, const char *version);

void promote__gate_dispose(promote__gate *gate);

#endif
