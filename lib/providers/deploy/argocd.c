/*
 * The built-in "argocd" deploy backend (see argocd.h). The traps it guards
 * against:
 * - never a second sync: the operation is tagged with the release id (its
 *   infos) and the revision; before it asks for a sync it reads the
 *   application, and a sync of this release already there (asked for by a
 *   process killed before it could record it) is followed, not repeated;
 * - another operation running is a wait, not a failure: none is started
 *   over it, and Argo CD's refusal ("another operation is already in
 *   progress") reads the same;
 * - a Healthy read before our operation finished never counts, nor one from
 *   a comparison older than its finish (Argo CD is asked to refresh), nor
 *   one at another revision: argocd_judge.c has the rules;
 * - Healthy must last: Argo CD must have seen it Healthy for the hold
 *   (deploy.hold, 5 s) after the sync, on its own clock;
 * - a Degraded after the sync fails the step; Suspended waits;
 * - an aborted release's sync is terminated, never anyone else's operation.
 * Its workflows (pre- and post-action checks) are submitted to Argo
 * Workflows: argo_workflows.h.
 */
#include "argocd.h"
#include "argo_workflows.h"
#include "argocd_client.h"
#include "argocd_judge.h"

#include "core/error.h"

#include <promote/sys/deploy_backend.h>

#include <stdlib.h>

/* The verdict into `out`. */
static int report(promote_deploy_status *out, const promote__argocd_verdict *v, const char *revision)
{
	int rc = promote_deploy_status_set_sync(out, v->sync);
	if (rc == 0)
		rc = promote_deploy_status_set_health(out, v->health);
	if (rc == 0 && v->sync == PROMOTE_SYNC_SYNCED)
		rc = promote_deploy_status_set_revision(out, revision);
	if (rc == 0)
		rc = promote_deploy_status_set_message(out, v->message ? v->message : "");
	return rc;
}

/* The application of the request's product and environment, read and judged; with `refresh`, a
 * verdict that asks for one is read again after Argo CD was asked to compare. */
static int read_verdict(promote__argocd_verdict *v, promote__argocd *a, const promote_deploy_request *req,
	bool refresh)
{
	promote__argocd_subject s = { a->application, promote_deploy_request_release(req),
		promote_deploy_request_revision(req), a->hold_s };
	json_object *app = NULL;
	int rc = promote__argocd_get(&app, a, false);
	if (rc == 0)
		rc = promote__argocd_judge(v, app, &s);
	if (rc == 0 && refresh && v->refresh) {
		json_object_put(app);
		promote__argocd_verdict_dispose(v);
		if ((rc = promote__argocd_get(&app, a, true)) == 0)
			rc = promote__argocd_judge(v, app, &s);
	}
	json_object_put(app);
	return rc;
}

/* What a slot asks of the application. */
typedef enum ask {
	ASK_SYNC,    /* a sync of this release, asked for when Argo CD has none */
	ASK_STATUS,  /* how it stands; PROMOTE_ENOTFOUND when Argo CD has no sync of this release */
	ASK_ABORT    /* the release was aborted: its operation, if it still runs, terminated */
} ask;

/* Ask for a sync of the request's revision: *busy when Argo CD refused it because an operation
 * runs. A sync sent without an answer is not sent again: whether Argo CD took it is read again
 * (the caller does). */
static int start_sync(bool *busy, promote__argocd *a, const promote_deploy_request *req)
{
	json_object *app = NULL;
	int rc = promote__argocd_sync(&app, busy, a, promote_deploy_request_revision(req),
		promote_deploy_request_release(req), promote_deploy_request_environment(req));
	json_object_put(app);
	if (rc == PROMOTE_ENET)
		promote_error_clear();
	return rc == PROMOTE_ENET ? 0 : rc;
}

/* After the read: a sync started, or this release's operation terminated (an operation of anyone
 * else is left alone), as `what` asks. */
static int act(promote__argocd_verdict *v, promote__argocd *a, const promote_deploy_request *req, ask what)
{
	bool busy = false;
	int rc = 0;
	if (what == ASK_SYNC && v->kind == PROMOTE__ARGOCD_NONE) {
		promote__argocd_verdict_dispose(v);
		rc = start_sync(&busy, a, req);
		if (rc == 0)
			rc = read_verdict(v, a, req, false);
		if (rc == 0 && busy && v->kind == PROMOTE__ARGOCD_NONE)
			v->kind = PROMOTE__ARGOCD_BUSY;
	} else if (what == ASK_STATUS && v->kind == PROMOTE__ARGOCD_NONE) {
		/* Asked for by a process that is gone, or refused while another ran: the caller asks again. */
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY, "%s", v->message);
	} else if (what == ASK_ABORT && (v->kind != PROMOTE__ARGOCD_OURS || !v->running)) {
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY, "no sync of release %s runs on Argo CD "
			"application '%s': nothing to terminate", promote_deploy_request_release(req), a->application);
	} else if (what == ASK_ABORT) {
		rc = promote__argocd_terminate(a);
	}
	return rc;
}

/* The application of the request read, acted on as `what` asks, and how it stands into `out`. */
static int follow(promote_deploy_status *out, const promote_deploy_request *req, promote_context *ctx, ask what)
{
	promote__argocd a;
	promote__argocd_verdict v = { 0 };
	int rc = promote__argocd_open(&a, ctx, promote_deploy_request_environment(req),
		promote_deploy_request_product(req));
	if (rc == 0)
		rc = read_verdict(&v, &a, req, what == ASK_STATUS);
	if (rc == 0)
		rc = act(&v, &a, req, what);
	if (rc == 0)
		rc = report(out, &v, promote_deploy_request_revision(req));
	promote__argocd_verdict_dispose(&v);
	promote__argocd_close(&a);
	return rc;
}

static int argocd_sync(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	return follow(out, req, payload, ASK_SYNC);
}

static int argocd_status(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	return follow(out, req, payload, ASK_STATUS);
}

static int argocd_run_workflow(promote_workflow_status *out, const promote_workflow_request *req, void *payload)
{
	return promote__argo_workflows_run(out, req, payload);
}

static int argocd_workflow_status(promote_workflow_status *out, const promote_workflow_request *req, void *payload)
{
	return promote__argo_workflows_status(out, req, payload);
}

static int argocd_abort(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	return follow(out, req, payload, ASK_ABORT);
}

const promote_deploy_backend *promote__argocd_backend(void)
{
	static const promote_deploy_backend vtable = {
		.version = PROMOTE_DEPLOY_BACKEND_VERSION,
		.sync = argocd_sync,
		.status = argocd_status,
		.run_workflow = argocd_run_workflow,
		.workflow_status = argocd_workflow_status,
		.abort = argocd_abort,
	};
	return &vtable;
}
