/* The argocd backend's workflows, submitted to Argo Workflows (argo_workflows.h). */
#include "argo_workflows.h"
#include "argocd_client.h"
#include "deploy.h"

#include "config/duration.h"
#include "model/context.h"
#include "model/workflow.h"
#include "net/api.h"
#include "providers/api_token.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_NAMESPACE "argo"
#define LABEL_MAX 63
#define FAILED_NODES_SHOWN 20
#define OUTPUT_MAX (64u << 10)

/* Where the token is read; what it must be allowed is said when there is none. */
static const promote__api_token_source token_source = {
	"Argo Workflows", { "PROMOTE_ARGO_WORKFLOWS_TOKEN", "ARGO_TOKEN" }, "Authorization: Bearer %s",
	"the token of a service account that may submit, get, list and terminate workflows and get workflow "
	"templates in the namespace", PROMOTE_ERROR_CLASS_DEPLOY
};

typedef struct argo {
	promote__api *api;
	const char *namespace_;  /* the configuration's, or DEFAULT_NAMESPACE */
	const char *account;     /* the runs' service account, or NULL */
} argo;

static void argo_close(argo *a)
{
	promote__api_free(a->api);
	a->api = NULL;
}

/* The Argo Workflows server of environment `env`'s deploy.argoWorkflows, connected with its token. */
static int argo_open(argo *a, promote_context *ctx, const char *env)
{
	memset(a, 0, sizeof *a);
	const promote__argocd_config *c;
	int rc = promote__argocd_config_of(&c, ctx, env, true);
	if (rc)
		return rc;
	a->namespace_ = c->workflows_namespace ? c->workflows_namespace : DEFAULT_NAMESPACE;
	a->account = c->workflows_account;
	/* The same grpc-gateway answers as Argo CD's. */
	return promote__api_open(&a->api, &token_source, ctx, c->workflows_server, PROMOTE__API_ARGOCD,
		c->workflows_insecure);
}

/* METHOD `path` with `body` (NULL: none): 0 and the answer in *out (the caller puts it), or the
 * call's code with its message. */
static int call(json_object **out, argo *a, const char *method, const char *path, json_object *body)
{
	return promote__api_call_json(a->api, out, NULL, method, path, body);
}

/* ---- labels: what ties a workflow to the check that started it ---------------------------- */

/* A label value (at most 63 of letters, digits, '-', '_' and '.', beginning and ending with a letter
 * or a digit): `text` itself when it is one, else "h" and its FNV-1a hash. */
static void label_value(char out[LABEL_MAX + 1], const char *text)
{
	size_t n = strlen(text);
	bool ok = n > 0 && n <= LABEL_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		ok = alnum || ((c == '-' || c == '_' || c == '.') && i > 0 && i + 1 < n);
	}
	if (ok) {
		memcpy(out, text, n + 1);
		return;
	}
	uint64_t h = 14695981039346656037u;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	snprintf(out, LABEL_MAX + 1, "h%016llx", (unsigned long long)h);
}

/* "promote.release=R,promote.environment=E,promote.workflow=W,promote.revision=C", with `eq` and
 * `comma` between (a selector in a query escapes them). */
static char *labels_of(const promote_workflow_request *req, const char *eq, const char *comma)
{
	char release[LABEL_MAX + 1], env[LABEL_MAX + 1], name[LABEL_MAX + 1], revision[LABEL_MAX + 1];
	label_value(release, promote_workflow_request_release(req));
	label_value(env, promote_workflow_request_environment(req));
	label_value(name, promote_workflow_request_name(req));
	label_value(revision, promote_workflow_request_revision(req));
	return promote__strdupf("promote.release%s%s%spromote.environment%s%s%spromote.workflow%s%s%s"
		"promote.revision%s%s", eq, release, comma, eq, env, comma, eq, name, comma, eq, revision);
}

/* ---- what a workflow says ----------------------------------------------------------------- */

static bool finished(const char *phase)
{
	return strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0 || strcmp(phase, "Error") == 0;
}

/* A workflow of this check that still runs, among the list's `items` (NULL: none). */
static json_object *running_one(json_object *list)
{
	json_object *items = promote__json_at(list, "items");
	size_t n = json_object_is_type(items, json_type_array) ? json_object_array_length(items) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *wf = json_object_array_get_idx(items, i);
		if (*promote__json_text(wf, "metadata.name") && !finished(promote__json_text(wf, "status.phase")))
			return wf;
	}
	return NULL;
}

/* "workflow argo/smoke-x7k2p (WorkflowTemplate smoke) Failed: MESSAGE" and a line per failed step. */
static int describe(promote__strbuf *sb, json_object *wf, const char *ns)
{
	const char *phase = promote__json_text(wf, "status.phase"), *message = promote__json_text(wf, "status.message");
	const char *tmpl = promote__json_text(wf, "spec.workflowTemplateRef.name");
	int rc = promote__strbuf_addf(sb, "workflow %s/%s%s%s%s %s%s%s\n", ns, promote__json_text(wf, "metadata.name"),
		*tmpl ? " (WorkflowTemplate " : "", tmpl, *tmpl ? ")" : "", *phase ? phase : "Pending", *message ? ": " : "",
		message);
	json_object *nodes = promote__json_at(wf, "status.nodes");
	size_t shown = 0;
	if (rc == 0 && json_object_is_type(nodes, json_type_object)) {
		json_object_object_foreach(nodes, id, node) {
			(void)id;
			const char *p = promote__json_text(node, "phase");
			if (strcmp(promote__json_text(node, "type"), "Pod") != 0 || (strcmp(p, "Failed") && strcmp(p, "Error")))
				continue;
			if (shown++ == FAILED_NODES_SHOWN || rc)
				break;
			const char *name = promote__json_text(node, "displayName");
			rc = promote__strbuf_addf(sb, "  step %s %s: %s\n", *name ? name : promote__json_text(node, "name"), p,
				promote__json_text(node, "message"));
		}
	}
	return rc;
}

/* PUT .../terminate: Argo stops the workflow (its exit handlers still run). */
static int terminate(argo *a, const char *name)
{
	json_object *body = json_object_new_object(), *answer = NULL;
	char *path = promote__strdupf("/api/v1/workflows/%s/%s/terminate", a->namespace_, name);
	int rc = body && path ? promote__json_put_string(body, "name", name, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "namespace", a->namespace_, false);
	if (rc == 0)
		rc = call(&answer, a, "PUT", path, body);
	json_object_put(answer);
	json_object_put(body);
	free(path);
	return rc;
}

/* How workflow `wf` stands into `out`; one that runs past the request's timeout (from its creation)
 * is terminated and reported failed, exit status -1. */
static int report(promote_workflow_status *out, argo *a, json_object *wf, const promote_workflow_request *req)
{
	const char *name = promote__json_text(wf, "metadata.name"), *phase = promote__json_text(wf, "status.phase");
	char *run_id = promote__strdupf("%s/%s", a->namespace_, name);
	int rc = run_id ? promote_workflow_status_set_run_id(out, run_id) : promote__error_oom();
	free(run_id);
	int64_t created = 0;
	uint32_t timeout_s = promote_workflow_request_timeout(req);
	bool overdue = !finished(phase) && promote__json_when(&created, wf, "metadata.creationTimestamp") &&
		(int64_t)time(NULL) >= created + (int64_t)timeout_s;
	if (rc == 0 && overdue)
		rc = terminate(a, name);
	promote__strbuf text;
	promote__strbuf_init(&text, OUTPUT_MAX, "the workflow's output");
	if (rc == 0 && overdue)
		rc = promote__strbuf_addf(&text, "terminated: still %s after the timeout, %s\n", *phase ? phase : "Pending",
			promote__duration(timeout_s).text);
	if (rc == 0 && (rc = describe(&text, wf, a->namespace_)) == PROMOTE_ELIMIT) {
		promote_error_clear(); /* as much as the bound holds */
		rc = 0;
	}
	int state = overdue || strcmp(phase, "Failed") == 0 || strcmp(phase, "Error") == 0 ? PROMOTE_WORKFLOW_FAILED
		: strcmp(phase, "Succeeded") == 0 ? PROMOTE_WORKFLOW_SUCCEEDED
		: strcmp(phase, "Running") == 0 ? PROMOTE_WORKFLOW_RUNNING : PROMOTE_WORKFLOW_PENDING;
	if (rc == 0)
		rc = promote_workflow_status_set_state(out, state);
	if (rc == 0 && overdue)
		rc = promote_workflow_status_set_exit_status(out, -1);
	if (rc == 0 && state != PROMOTE_WORKFLOW_PENDING && state != PROMOTE_WORKFLOW_RUNNING) {
		const char *s = promote__strbuf_cstr(&text);
		rc = promote_workflow_status_set_output(out, s, strlen(s));
	}
	promote__strbuf_free(&text);
	return rc;
}

/* ---- submit ---------------------------------------------------------------------------------- */

/* GET the workflows labelled as this check's: 0 and *out the list (the caller puts it). */
static int list_mine(json_object **out, argo *a, const promote_workflow_request *req)
{
	char *selector = labels_of(req, "%3D", "%2C");
	char *path = selector ? promote__strdupf("/api/v1/workflows/%s?listOptions.labelSelector=%s", a->namespace_,
		selector) : NULL;
	int rc = path ? call(out, a, "GET", path, NULL) : promote__error_oom();
	free(path);
	free(selector);
	return rc;
}

static int submit_body(json_object **out, argo *a, const char *tmpl, const promote_workflow_request *req)
{
	json_object *body = json_object_new_object(), *opts = json_object_new_object(), *params = json_object_new_array();
	char *labels = labels_of(req, "=", ",");
	int rc = body && opts && params && labels ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < promote_workflow_request_arg_count(req); i++)
		rc = promote__json_append(params, json_object_new_string(promote_workflow_request_arg_at(req, i)));
	if (rc == 0)
		rc = promote__json_put_string(opts, "labels", labels, false);
	if (rc == 0 && a->account)
		rc = promote__json_put_string(opts, "serviceAccount", a->account, false);
	if (rc == 0) {
		rc = promote__json_put(opts, "parameters", params, false);
		params = NULL;
	}
	if (rc == 0)
		rc = promote__json_put_string(body, "namespace", a->namespace_, false);
	if (rc == 0)
		rc = promote__json_put_string(body, "resourceKind", "WorkflowTemplate", false);
	if (rc == 0)
		rc = promote__json_put_string(body, "resourceName", tmpl, false);
	if (rc == 0) {
		rc = promote__json_put(body, "submitOptions", opts, false);
		opts = NULL;
	}
	json_object_put(params);
	json_object_put(opts);
	free(labels);
	if (rc)
		json_object_put(body);
	*out = rc ? NULL : body;
	return rc;
}

/* POST .../submit from WorkflowTemplate `tmpl`: 0 and *out the workflow made. A submit without an
 * answer is not sent again (lib/net): whether Argo took it, the labels say (the caller reads them). */
static int submit(json_object **out, argo *a, const char *tmpl, const promote_workflow_request *req)
{
	json_object *body = NULL;
	char *path = promote__strdupf("/api/v1/workflows/%s/submit", a->namespace_);
	int rc = path ? submit_body(&body, a, tmpl, req) : promote__error_oom();
	if (rc == 0)
		rc = call(out, a, "POST", path, body);
	json_object_put(body);
	free(path);
	return rc;
}

/* A workflow of this check still running (NULL: none), read from the labels. */
static int find_running(json_object **out, json_object **list, argo *a, const promote_workflow_request *req)
{
	int rc = list_mine(list, a, req);
	*out = rc == 0 ? running_one(*list) : NULL;
	return rc;
}

int promote__argo_workflows_run(promote_workflow_status *out, const promote_workflow_request *req,
	promote_context *ctx)
{
	const char *name = promote_workflow_request_name(req), *env = promote_workflow_request_environment(req);
	const promote__workflow *w = promote__workflow_find(ctx, name);
	if (!w || !w->workflow_template)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, "workflow '%s' has no "
			"'workflowTemplate', and environment '%s' submits its workflows to Argo Workflows (its deploy backend "
			"is argocd): give the workflow the WorkflowTemplate to submit", name, env);
	argo a;
	json_object *list = NULL, *made = NULL, *wf = NULL;
	int rc = argo_open(&a, ctx, env);
	/* One submitted by a process killed before it could record its run is taken, not repeated. */
	if (rc == 0)
		rc = find_running(&wf, &list, &a, req);
	if (rc == 0 && !wf && (rc = submit(&made, &a, w->workflow_template, req)) == 0)
		wf = made;
	if (rc == PROMOTE_ENET && !wf) {
		char *lost = strdup(promote_error_last()->message);
		json_object_put(list);
		list = NULL;
		rc = lost ? find_running(&wf, &list, &a, req) : promote__error_oom();
		if (rc == 0 && !wf)
			rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_DEPLOY, "%s; and Argo Workflows shows no "
				"workflow of it", lost);
		free(lost);
	}
	if (rc == 0)
		rc = report(out, &a, wf, req);
	json_object_put(made);
	json_object_put(list);
	argo_close(&a);
	return rc;
}

int promote__argo_workflows_status(promote_workflow_status *out, const promote_workflow_request *req,
	promote_context *ctx)
{
	const char *run_id = promote_workflow_request_run_id(req), *slash = strchr(run_id, '/');
	char *ns = slash ? strndup(run_id, (size_t)(slash - run_id)) : NULL;
	if (slash && !ns)
		return promote__error_oom();
	if (!ns || !promote__kubernetes_name(ns) || !promote__kubernetes_name(slash + 1)) {
		free(ns);
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_DEPLOY, "'%.80s' is no run of Argo Workflows "
			"(NAMESPACE/NAME)", run_id);
	}
	argo a;
	json_object *wf = NULL;
	char *path = promote__strdupf("/api/v1/workflows/%s/%s", ns, slash + 1);
	int rc = path ? argo_open(&a, ctx, promote_workflow_request_environment(req)) : promote__error_oom();
	if (rc == 0) {
		a.namespace_ = ns; /* the run's own, should the configuration have moved on */
		rc = call(&wf, &a, "GET", path, NULL);
		if (rc == 0)
			rc = report(out, &a, wf, req);
		argo_close(&a);
	}
	json_object_put(wf);
	free(path);
	free(ns);
	return rc;
}
