/*
 * libpromote — sync: one change that makes an environment hold every
 * product of another at that environment's versions (Jenkins X's
 * `jx updatebot sync`), and several products promoted in one change.
 *
 * A promote_sync is a plan of many products at once: every product the
 * source environment has (configured products whose folder is there, and
 * what discovery products find) is planned into the target — updated
 * through its template when the target has it, surgically, or added when
 * it does not — and all of it is written as ONE commit on the target's
 * branch, or one change request when the target's policy (for any of the
 * products) says pull-request or its strategy is manual. Products whose
 * policy action there is none are left out. Planning reads the repository
 * only; nothing is written before promote_sync_apply(). A sync that finds
 * nothing to change applies as PROMOTE_APPLY_UNCHANGED and writes nothing,
 * so applying again after a crash never makes a second commit or change.
 */
#ifndef PROMOTE_SYNC_H
#define PROMOTE_SYNC_H

#include "common.h"
#include "buffer.h"
#include "release.h"
#include "plan.h"

PROMOTE_BEGIN_DECL

typedef struct promote_sync promote_sync;

/* Initialise with PROMOTE_SYNC_OPTIONS_INIT or promote_sync_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_sync_options {
	uint32_t version;
	/* Non-zero: only update products the target has; add none. */
	uint32_t update_only;
	/* Only products whose name matches one of these globs (git's wildmatch:
	 * "app-*", "*-api"); none: every product. */
	const char *const *only;
	size_t only_count;
	/* Leave out products whose name matches one of these globs. */
	const char *const *exclude;
	size_t exclude_count;
	/* Exactly these products (each must be in the source environment:
	 * PROMOTE_ENOTFOUND otherwise); none: every product the filters keep. */
	const char *const *products;
	size_t product_count;
} promote_sync_options;

#define PROMOTE_SYNC_OPTIONS_VERSION 1
#define PROMOTE_SYNC_OPTIONS_INIT { PROMOTE_SYNC_OPTIONS_VERSION, 0, NULL, 0, NULL, 0, NULL, 0 }

PROMOTE_EXTERN(int) promote_sync_options_init(promote_sync_options *opts, unsigned int version);

/* What a sync does to one product. */
typedef enum promote_sync_kind {
	PROMOTE_SYNC_EQUAL = 0,   /* the target holds what the source has: nothing to change */
	PROMOTE_SYNC_UPDATE = 1,  /* the target has it; its template's files and attributes change */
	PROMOTE_SYNC_ADD = 2,     /* the target lacks it: added */
	PROMOTE_SYNC_SKIP = 3     /* left out: the target lacks it and update_only is set, or the
	                             policy's action for it in the target is none */
} promote_sync_kind;

/* "equal", "update", "add", "skip"; static, "unknown" for a value out of range. */
PROMOTE_EXTERN(const char *) promote_sync_kind_name(int kind);

/*
 * Plan syncing environment `to` with `from` (NULL: the environment `to`
 * follows in the default flow). PROMOTE_ENOTFOUND for an unknown
 * environment, or a product of opts->products the source does not have;
 * PROMOTE_EINVALID when from and to are one environment, or for YAML that
 * cannot be edited (file:line:column); PROMOTE_ESTATE when the context has
 * no repository; PROMOTE_ENOTSUPPORTED for an environment in another
 * repository than the context's. The sync keeps the context alive; free it
 * with promote_sync_free().
 */
PROMOTE_EXTERN(int) promote_sync_create(promote_sync **out, promote_context *ctx, const char *from, const char *to,
	const promote_sync_options *opts);
PROMOTE_EXTERN(void) promote_sync_free(promote_sync *sync);

PROMOTE_EXTERN(const char *) promote_sync_from(const promote_sync *sync);
PROMOTE_EXTERN(const char *) promote_sync_to(const promote_sync *sync);
/* The branch the change lands on and the commit the sync was planned on (hex). */
PROMOTE_EXTERN(const char *) promote_sync_branch(const promote_sync *sync);
PROMOTE_EXTERN(const char *) promote_sync_base(const promote_sync *sync);
/* How it is written: PROMOTE_ACTION_COMMIT or PROMOTE_ACTION_PULL_REQUEST,
 * or PROMOTE_ACTION_NONE when every product is left out. */
PROMOTE_EXTERN(int) promote_sync_action(const promote_sync *sync);

/* The products considered, sorted by name: each one's name, what the sync
 * does to it (a promote_sync_kind), the version it gets (the source's;
 * NULL when its template names no version attribute) and the version the
 * target holds before (NULL: none, or the product is not there). Out of
 * range: NULL, or -1 for the kind. */
PROMOTE_EXTERN(size_t) promote_sync_product_count(const promote_sync *sync);
PROMOTE_EXTERN(const char *) promote_sync_product_at(const promote_sync *sync, size_t index);
PROMOTE_EXTERN(int) promote_sync_product_kind_at(const promote_sync *sync, size_t index);
PROMOTE_EXTERN(const char *) promote_sync_product_version_at(const promote_sync *sync, size_t index);
PROMOTE_EXTERN(const char *) promote_sync_product_previous_at(const promote_sync *sync, size_t index);
/* How many products have `kind`. */
PROMOTE_EXTERN(size_t) promote_sync_count_of(const promote_sync *sync, int kind);

/* The files that change, repository-relative, sorted (a file several
 * products share counted once). */
PROMOTE_EXTERN(size_t) promote_sync_change_count(const promote_sync *sync);
PROMOTE_EXTERN(const char *) promote_sync_change_path_at(const promote_sync *sync, size_t index);
/* A unified diff of every change ("" when there is none). */
PROMOTE_EXTERN(int) promote_sync_diff(promote_buf *out, const promote_sync *sync);

/*
 * Write the sync as ONE change: a commit on the target's branch
 * ("Sync ENV with SOURCE: …"), or for action pull-request one commit on the
 * change branch promote/sync/SOURCE/ENV and its change request (a draft
 * when the target's strategy is manual; an open one is reused, never a
 * second opened). The branch moves by compare-and-swap; when it moved
 * meanwhile every product is planned again on the new tip, up to
 * opts->max_retries times, then PROMOTE_ECONFLICT. *outcome is a
 * promote_apply_outcome; `commit` (may be NULL) receives the new commit's
 * id. opts->release, when given, is the release the change belongs to
 * (its trailers, change branch promote/RELEASE/ENV and label); a sync
 * release (promote_sync_release()) sets it. Applying twice makes one change.
 */
PROMOTE_EXTERN(int) promote_sync_apply(promote_buf *commit, int *outcome, promote_sync *sync,
	const promote_apply_options *opts);

/*
 * The sync as a release of one step (flow "sync", no product; see
 * release.h): recorded in the repository like every release, the step into
 * the target runs the pre-action checks of every product it writes (each
 * once), the change as promote_sync_action() says (a manual target's change
 * request is a draft that waits for promote_release_approve()), the deploy
 * and the post-action checks. The record fixes the source's commit and the
 * products written (only the ones that change): whichever process advances
 * the release writes exactly those, as they are at that commit, even if the
 * source moved on. Advance it with promote_release_run() or _poll().
 *
 * Exactly once: when an unfinished sync release from the same source into
 * the same target exists, *out is that one (opened; `sync` is not used),
 * never a second. When the sync has nothing to write and none is
 * unfinished, *out is NULL and 0 is returned. The release keeps `sync`
 * alive for its step (promote_sync_free() may be called at once).
 */
PROMOTE_EXTERN(int) promote_sync_release(promote_release **out, promote_sync *sync,
	const promote_release_options *opts);

/* After promote_sync_apply() proposed the change: its change request's id
 * at the environment's git provider; NULL otherwise. Owned by the sync. */
PROMOTE_EXTERN(const char *) promote_sync_change_id(const promote_sync *sync);

/* The sync as JSON (doc/SYNC.md): from, to, branch, base, action, the
 * products with kind, version and previous, and the changed paths. */
PROMOTE_EXTERN(int) promote_sync_to_json(promote_buf *out, const promote_sync *sync);

PROMOTE_END_DECL

#endif
