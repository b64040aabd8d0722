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
 * - a Degraded after the sync fails the step; Suspended waits.
 */
#include "argocd.h"
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

static int argocd_sync(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	promote__argocd a;
	promote__argocd_verdict v = { 0 };
	int rc = promote__argocd_open(&a, payload, promote_deploy_request_environment(req),
		promote_deploy_request_product(req));
	if (rc == 0)
		rc = read_verdict(&v, &a, req, false);
	if (rc == 0 && v.kind == PROMOTE__ARGOCD_NONE) {
		json_object *app = NULL;
		bool busy = false;
		rc = promote__argocd_sync(&app, &busy, &a, promote_deploy_request_revision(req),
			promote_deploy_request_release(req), promote_deploy_request_environment(req));
		json_object_put(app);
		if (rc == PROMOTE_ENET) {
			/* Sent, no answer: whether Argo CD took it is read again, never guessed by asking twice. */
			promote_error_clear();
			rc = 0;
		}
		promote__argocd_verdict_dispose(&v);
		if (rc == 0)
			rc = read_verdict(&v, &a, req, false);
		if (rc == 0 && busy && v.kind == PROMOTE__ARGOCD_NONE)
			v.kind = PROMOTE__ARGOCD_BUSY;
	}
	if (rc == 0)
		rc = report(out, &v, promote_deploy_request_revision(req));
	promote__argocd_verdict_dispose(&v);
	promote__argocd_close(&a);
	return rc;
}

static int argocd_status(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	promote__argocd a;
	promote__argocd_verdict v = { 0 };
	int rc = promote__argocd_open(&a, payload, promote_deploy_request_environment(req),
		promote_deploy_request_product(req));
	if (rc == 0)
		rc = read_verdict(&v, &a, req, true);
	if (rc == 0 && v.kind == PROMOTE__ARGOCD_NONE)
		/* Asked for by a process that is gone, or refused while another ran: the caller asks again. */
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY, "%s", v.message);
	else if (rc == 0)
		rc = report(out, &v, promote_deploy_request_revision(req));
	promote__argocd_verdict_dispose(&v);
	promote__argocd_close(&a);
	return rc;
}

const promote_deploy_backend *promote__argocd_backend(void)
{
	static const promote_deploy_backend vtable = {
		.version = PROMOTE_DEPLOY_BACKEND_VERSION,
		.sync = argocd_sync,
		.status = argocd_status,
	};
	return &vtable;
}
