/*
 * Internal: what the release engine asks of an environment's deploy backend
 * (the built-in "none" and "exec", or one registered with
 * promote_deploy_backend_register()): run a named workflow (a pre- or
 * post-action check) and read how it ended; sync the application at the
 * promoted commit and read its health. Nothing here blocks: a start returns
 * at once with a run id, and the engine polls.
 *
 * Runs are found again by id while the process that started them lives;
 * after a crash a poll gets PROMOTE_ENOTFOUND and the engine starts the
 * check again (checks and syncs may run twice; commits never do).
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_H
#define PROMOTE_PROVIDERS_DEPLOY_H

#include "core/common.h"
#include "core/buf.h"

#include <promote.h>

/* What is deployed or checked. Every string is required but `commit`
 * ("" before the step wrote anything: a pre-check runs on the branch's tip). */
typedef struct promote__deploy_target {
	const char *release;
	const char *product;
	const char *environment;
	const char *version;
	const char *commit;   /* hex: the promoted commit on the environment's branch */
	const char *products; /* a sync's products, "NAME=VERSION NAME=VERSION" (NULL: one product's) */
} promote__deploy_target;

/* 1 when `environment` has a deploy backend other than "none". */
bool promote__deploy_configured(promote_context *ctx, const char *environment);

/* Start workflow `workflow` (a name under `workflows:`) through the target
 * environment's backend; *run_id (malloc'd) names the run.
 * PROMOTE_ENOTFOUND for an unknown workflow; PROMOTE_ENOTSUPPORTED when the
 * environment's backend cannot run workflows ("none"). */
int promote__workflow_start(char **run_id, promote_context *ctx, const char *workflow,
	const promote__deploy_target *target);

/* How run `run_id` of `workflow` is: *state a promote_workflow_state; when
 * finished, *exit_status (-1: killed at its timeout) and `output` (may be
 * NULL) receives its last PROMOTE__CHECK_OUTPUT_MAX bytes (4096).
 * PROMOTE_ENOTFOUND when the run is unknown (started by a process that is gone). */
int promote__workflow_poll(int *state, int *exit_status, promote_buf *output, promote_context *ctx,
	const char *workflow, const char *run_id, const promote__deploy_target *target);

/* Ask the environment's backend to sync the target at target->commit. */
int promote__deploy_sync(promote_context *ctx, const promote__deploy_target *target);

/* The release was aborted while it deployed: ask the environment's backend to
 * stop the sync it started for the target (its abort slot, since v2).
 * PROMOTE_ENOTSUPPORTED for a backend without one; PROMOTE_ENOTFOUND when
 * none of this release runs. */
int promote__deploy_abort(promote_context *ctx, const promote__deploy_target *target);

/* Where the sync is: *sync a promote_sync_state, *health a
 * promote_health_state; `detail` (may be NULL) a short text for the step's
 * reason ("health Progressing"). PROMOTE_ENOTFOUND when no sync was asked
 * for by this process (ask again). */
int promote__deploy_poll(int *sync, int *health, promote_buf *detail, promote_context *ctx,
	const promote__deploy_target *target);

/* The bound of the environment's deploy (deploy.timeout) and of a workflow
 * (workflows.NAME.timeout), in seconds; the defaults when not set. */
uint32_t promote__deploy_timeout(promote_context *ctx, const char *environment);
uint32_t promote__workflow_timeout(promote_context *ctx, const char *workflow);

#endif
