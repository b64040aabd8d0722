/*
 * libpromote — for implementers: the deploy-backend vtable.
 *
 * A deploy backend is what happens on the cluster side after a change lands:
 * ask for a sync of an application at a revision, read its sync and health
 * status, run a named workflow (a pre- or post-action check) and read its
 * result. Built in: none (the commit is the deploy), exec (local
 * commands) and argocd (a sync of an Argo CD application); an environment names its backend in promote.yaml
 * (deploy: {backend: NAME}), and a backend registered on the context under
 * that name is the one asked.
 *
 * As for git providers, requests and results are opaque objects: callbacks
 * read requests through the promote_deploy_request_* and
 * promote_workflow_request_* getters and write results through the copying
 * promote_deploy_status_set_* and promote_workflow_status_set_* setters, so
 * no memory crosses between allocators. The built-in backends are written
 * on exactly this API.
 */
#ifndef PROMOTE_SYS_DEPLOY_BACKEND_H
#define PROMOTE_SYS_DEPLOY_BACKEND_H

#include "../common.h"

PROMOTE_BEGIN_DECL

/* Which application (product, environment, cluster) at which revision. */
typedef struct promote_deploy_request promote_deploy_request;
/* Where the backend writes sync state, health and revision. */
typedef struct promote_deploy_status promote_deploy_status;
/* Which workflow to run, for which product, environment and version. */
typedef struct promote_workflow_request promote_workflow_request;
/* Where the backend writes a workflow's run id and state. */
typedef struct promote_workflow_status promote_workflow_status;

typedef enum promote_sync_state {
	PROMOTE_SYNC_UNKNOWN = 0,
	PROMOTE_SYNC_SYNCED = 1,
	PROMOTE_SYNC_OUT_OF_SYNC = 2,
	PROMOTE_SYNC_SYNCING = 3,
	PROMOTE_SYNC_FAILED = 4
} promote_sync_state;

typedef enum promote_health_state {
	PROMOTE_HEALTH_UNKNOWN = 0,
	PROMOTE_HEALTH_HEALTHY = 1,
	PROMOTE_HEALTH_PROGRESSING = 2,
	PROMOTE_HEALTH_DEGRADED = 3,
	PROMOTE_HEALTH_MISSING = 4,
	PROMOTE_HEALTH_SUSPENDED = 5
} promote_health_state;

typedef enum promote_workflow_state {
	PROMOTE_WORKFLOW_PENDING = 0,
	PROMOTE_WORKFLOW_RUNNING = 1,
	PROMOTE_WORKFLOW_SUCCEEDED = 2,
	PROMOTE_WORKFLOW_FAILED = 3
} promote_workflow_state;

/*
 * Every slot optional (NULL: not supported; callers get
 * PROMOTE_ENOTSUPPORTED); same calling rules as the git provider: callbacks
 * run synchronously on the calling thread, must not block for long (start
 * the work and answer; the engine polls), return 0 or a negative
 * promote_error_code, and may return PROMOTE_EUSER (passed through) or
 * PROMOTE_PASSTHROUGH: a backend registered under a built-in one's name
 * ("none", "exec", "argocd") has the built-in one do it. Slots are only appended;
 * each new one says "since vN".
 */
typedef struct promote_deploy_backend {
	uint32_t version;
	uint32_t reserved;
	/* Ask for the application to be synced at the request's revision; may
	 * fill `out` with how it stands now (the caller polls `status` next). */
	int (*sync)(promote_deploy_status *out, const promote_deploy_request *request, void *payload);
	/* Read the application's sync state, health and deployed revision.
	 * PROMOTE_ENOTFOUND when no sync of it is known (the caller asks again). */
	int (*status)(promote_deploy_status *out, const promote_deploy_request *request, void *payload);
	/* Start a workflow; must set the run id in `out` (and may set its state). */
	int (*run_workflow)(promote_workflow_status *out, const promote_workflow_request *request, void *payload);
	/* Read the state of the run promote_workflow_request_run_id() names,
	 * started earlier; once finished, its exit status and output.
	 * PROMOTE_ENOTFOUND for a run this backend does not know (started by a
	 * process that is gone): the caller starts the workflow again. */
	int (*workflow_status)(promote_workflow_status *out, const promote_workflow_request *request, void *payload);
	/* Release `payload` when the context no longer needs it. */
	void (*free_payload)(void *payload);
	/* Since v2. The release was aborted while it deployed: stop the sync
	 * this backend started for the request (its release, revision and
	 * application), if it still runs — never one it did not start. May
	 * fill `out` with how it stands. PROMOTE_ENOTFOUND when none of this
	 * release runs. Without it (or for a v1 vtable) nothing is stopped. */
	int (*abort)(promote_deploy_status *out, const promote_deploy_request *request, void *payload);
} promote_deploy_backend;

#define PROMOTE_DEPLOY_BACKEND_VERSION 2
#define PROMOTE_DEPLOY_BACKEND_INIT \
	{ PROMOTE_DEPLOY_BACKEND_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL }

/* ---- requests: what to deploy or check (read-only, valid during the call) ---- */

/*
 * Strings are owned by the request and never NULL ("" when unknown). The
 * revision is the commit's hex id: the promoted commit on the environment's
 * branch, or that branch's tip for a check that runs before anything was
 * written. The timeout is the configured bound in seconds (deploy.timeout,
 * workflows.NAME.timeout; 600 when not set); a backend stops work that runs
 * longer. Clusters are the environment's `clusters:`, in order; _at returns
 * NULL out of range.
 */
PROMOTE_EXTERN(const char *) promote_deploy_request_product(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_environment(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_revision(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_version(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_release(const promote_deploy_request *request);
/* A sync's release (product ""): every product it wrote with its version,
 * "NAME=VERSION NAME=VERSION ..." in name order; "" for one product's. */
PROMOTE_EXTERN(const char *) promote_deploy_request_products(const promote_deploy_request *request);
PROMOTE_EXTERN(uint32_t) promote_deploy_request_timeout(const promote_deploy_request *request);
PROMOTE_EXTERN(size_t) promote_deploy_request_cluster_count(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_cluster_name_at(const promote_deploy_request *request, size_t index);
PROMOTE_EXTERN(const char *) promote_deploy_request_cluster_namespace_at(
	const promote_deploy_request *request, size_t index);
/* The environment's deploy.sync and deploy.health commands (argv, placeholders
 * such as "{env}" expanded): what the exec backend runs; empty when not set. */
PROMOTE_EXTERN(size_t) promote_deploy_request_sync_arg_count(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_sync_arg_at(const promote_deploy_request *request, size_t index);
PROMOTE_EXTERN(size_t) promote_deploy_request_health_arg_count(const promote_deploy_request *request);
PROMOTE_EXTERN(const char *) promote_deploy_request_health_arg_at(const promote_deploy_request *request, size_t index);

/* The same for a workflow; also its name (under `workflows:`), its `run:`
 * command (argv, placeholders expanded) — for the argocd backend, and one
 * registered under its name, its `parameters:` instead, "NAME=VALUE" each
 * (placeholders expanded), as Argo Workflows' submit takes them — and for
 * workflow_status the run id run_workflow set ("" for run_workflow). */
PROMOTE_EXTERN(const char *) promote_workflow_request_name(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_run_id(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_product(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_environment(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_revision(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_version(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_release(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_products(const promote_workflow_request *request);
PROMOTE_EXTERN(uint32_t) promote_workflow_request_timeout(const promote_workflow_request *request);
PROMOTE_EXTERN(size_t) promote_workflow_request_cluster_count(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_cluster_name_at(
	const promote_workflow_request *request, size_t index);
PROMOTE_EXTERN(const char *) promote_workflow_request_cluster_namespace_at(
	const promote_workflow_request *request, size_t index);
PROMOTE_EXTERN(size_t) promote_workflow_request_arg_count(const promote_workflow_request *request);
PROMOTE_EXTERN(const char *) promote_workflow_request_arg_at(const promote_workflow_request *request, size_t index);

/* ---- results: written by the callbacks (strings copied) ------------------ */

/* Maximum bytes of a workflow's output kept: the last ones. */
#define PROMOTE_WORKFLOW_OUTPUT_MAX 4096

/*
 * A deploy's status: a promote_sync_state, a promote_health_state, the
 * revision deployed (hex), and a short message a person reads in the step's
 * reason ("rollout 2 of 3 replicas"). Defaults: unknown, unknown, "", "".
 * PROMOTE_EINVALID for NULL arguments or a state out of range.
 */
PROMOTE_EXTERN(int) promote_deploy_status_set_sync(promote_deploy_status *status, int sync);
PROMOTE_EXTERN(int) promote_deploy_status_set_health(promote_deploy_status *status, int health);
PROMOTE_EXTERN(int) promote_deploy_status_set_revision(promote_deploy_status *status, const char *revision);
PROMOTE_EXTERN(int) promote_deploy_status_set_message(promote_deploy_status *status, const char *message);

/*
 * A workflow run: its id (required from run_workflow: what workflow_status
 * is asked with later), a promote_workflow_state (default: running), its
 * exit status once finished (-1: killed; when not set, 0 for succeeded and
 * 1 for failed), and its output: `size` bytes of which the last
 * PROMOTE_WORKFLOW_OUTPUT_MAX are kept (cut at a character boundary of
 * UTF-8 text). PROMOTE_EINVALID for NULL arguments or a state out of range.
 */
PROMOTE_EXTERN(int) promote_workflow_status_set_run_id(promote_workflow_status *status, const char *run_id);
PROMOTE_EXTERN(int) promote_workflow_status_set_state(promote_workflow_status *status, int state);
PROMOTE_EXTERN(int) promote_workflow_status_set_exit_status(promote_workflow_status *status, int exit_status);
PROMOTE_EXTERN(int) promote_workflow_status_set_output(promote_workflow_status *status, const char *output,
	size_t size);

/* The names of the states, as the CLI and the release record show them;
 * static, "unknown" out of range: "unknown", "synced", "out-of-sync",
 * "syncing", "failed"; "unknown", "healthy", "progressing", "degraded",
 * "missing", "suspended"; "pending", "running", "succeeded", "failed". */
PROMOTE_EXTERN(const char *) promote_sync_state_name(int sync);
PROMOTE_EXTERN(const char *) promote_health_state_name(int health);
PROMOTE_EXTERN(const char *) promote_workflow_state_name(int state);

/* ---- the vtable ---------------------------------------------------------- */

/* Fill `backend` with empty slots for `version`; PROMOTE_EVERSION if unknown. */
PROMOTE_EXTERN(int) promote_deploy_backend_init(promote_deploy_backend *backend, unsigned int version);

/* Register a deploy backend on `ctx` under `name`; same rules as
 * promote_git_provider_register(). */
PROMOTE_EXTERN(int) promote_deploy_backend_register(
	promote_context *ctx, const char *name, const promote_deploy_backend *backend, void *payload);

/* The built-in deploy backends' names ("none", "exec", "argocd"), index 0 up; NULL
 * past the last. Static. */
PROMOTE_EXTERN(const char *) promote_deploy_backend_builtin_at(size_t index);

/* Registered deploy backends, in registration order. */
PROMOTE_EXTERN(size_t) promote_deploy_backend_count(const promote_context *ctx);
PROMOTE_EXTERN(const char *) promote_deploy_backend_name_at(const promote_context *ctx, size_t index);

PROMOTE_END_DECL

#endif
