/*
 * libpromote — for implementers: the deploy-backend vtable.
 *
 * A deploy backend is what happens on the cluster side after a change lands:
 * ask for a sync of an application at a revision, read its sync and health
 * status, run a named workflow (a pre- or post-action check) and read its
 * result. Built in (later versions): none (the commit is the deploy), exec,
 * argocd.
 *
 * As for git providers, requests and results are opaque objects read and
 * written through accessors, added with the first built-in backend; this
 * version fixes the vtable and its registration.
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

/* Every slot optional (NULL: not supported); same calling rules as the git
 * provider. Slots are only appended; each new one says "since vN". */
typedef struct promote_deploy_backend {
	uint32_t version;
	uint32_t reserved;
	/* Ask for the application to be synced at the request's revision. */
	int (*sync)(promote_deploy_status *out, const promote_deploy_request *request, void *payload);
	/* Read the application's sync state, health and deployed revision. */
	int (*status)(promote_deploy_status *out, const promote_deploy_request *request, void *payload);
	/* Start a workflow; fill `out` with its run id and state. */
	int (*run_workflow)(promote_workflow_status *out, const promote_workflow_request *request, void *payload);
	/* Read the state of a workflow run started earlier. */
	int (*workflow_status)(promote_workflow_status *out, const promote_workflow_request *request, void *payload);
	/* Release `payload` when the context no longer needs it. */
	void (*free_payload)(void *payload);
} promote_deploy_backend;

#define PROMOTE_DEPLOY_BACKEND_VERSION 1
#define PROMOTE_DEPLOY_BACKEND_INIT \
	{ PROMOTE_DEPLOY_BACKEND_VERSION, 0, NULL, NULL, NULL, NULL, NULL }

/* Fill `backend` with empty slots for `version`; PROMOTE_EVERSION if unknown. */
PROMOTE_EXTERN(int) promote_deploy_backend_init(promote_deploy_backend *backend, unsigned int version);

/* Register a deploy backend on `ctx` under `name`; same rules as
 * promote_git_provider_register(). */
PROMOTE_EXTERN(int) promote_deploy_backend_register(
	promote_context *ctx, const char *name, const promote_deploy_backend *backend, void *payload);

/* Registered deploy backends, in registration order. */
PROMOTE_EXTERN(size_t) promote_deploy_backend_count(const promote_context *ctx);
PROMOTE_EXTERN(const char *) promote_deploy_backend_name_at(const promote_context *ctx, size_t index);

PROMOTE_END_DECL

#endif
