/*
 * Internal: the argocd backend's workflows — a check whose workflow has a
 * `workflowTemplate` is submitted to the Argo Workflows server of the
 * environment's deploy.argoWorkflows (POST /api/v1/workflows/NS/submit, from
 * the WorkflowTemplate, with its parameters) and read to its phase (GET
 * /api/v1/workflows/NS/NAME), over lib/net's client. The run id is
 * "NAMESPACE/NAME". The traps it guards against:
 * - never a second run for one start: each workflow is labelled with the
 *   release, environment, workflow and revision, and before submitting, one
 *   of them still pending or running (submitted by a process killed before
 *   it could record it) is taken instead; a submit that got no answer is
 *   never sent again, the labels are read instead;
 * - every wait has a bound: a workflow still running past the check's
 *   timeout (from its creation, on Argo's clock as it wrote it) is
 *   terminated and the check fails, "timed out";
 * - Failed and Error fail the check with Argo's message and each failed
 *   step's, in the check's output.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_ARGO_WORKFLOWS_H
#define PROMOTE_PROVIDERS_DEPLOY_ARGO_WORKFLOWS_H

#include "core/common.h"

#include <promote/sys/deploy_backend.h>

/* The argocd backend's run_workflow and workflow_status; `ctx` is its payload. */
int promote__argo_workflows_run(promote_workflow_status *out, const promote_workflow_request *request,
	promote_context *ctx);
int promote__argo_workflows_status(promote_workflow_status *out, const promote_workflow_request *request,
	promote_context *ctx);

#endif
