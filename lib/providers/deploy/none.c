/* The built-in "none" deploy backend (see none.h), on the public API only. */
#include "none.h"

#include "core/error.h"

/* Synced and healthy at the revision asked for: nothing else deploys. */
static int none_status(promote_deploy_status *out, const promote_deploy_request *request, void *payload)
{
	(void)payload;
	int rc = promote_deploy_status_set_sync(out, PROMOTE_SYNC_SYNCED);
	if (rc == 0)
		rc = promote_deploy_status_set_health(out, PROMOTE_HEALTH_HEALTHY);
	if (rc == 0)
		rc = promote_deploy_status_set_revision(out, promote_deploy_request_revision(request));
	if (rc == 0)
		rc = promote_deploy_status_set_message(out, "no deploy backend: the commit is the deploy");
	return rc;
}

static int none_workflow(promote_workflow_status *out, const promote_workflow_request *request, void *payload)
{
	(void)out;
	(void)payload;
	return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_DEPLOY,
		"environment '%s' has no deploy backend to run workflow '%s': give it one in promote.yaml, e.g. "
		"deploy: {backend: exec} to run the workflow's command, or take the workflow out of its policy",
		promote_workflow_request_environment(request), promote_workflow_request_name(request));
}

const promote_deploy_backend *promote__none_backend(void)
{
	static const promote_deploy_backend vtable = {
		.version = PROMOTE_DEPLOY_BACKEND_VERSION,
		.sync = none_status,
		.status = none_status,
		.run_workflow = none_workflow,
		.workflow_status = none_workflow,
	};
	return &vtable;
}
