/* The argocd backend's connection to one application (argocd_client.h). */
#include "argocd_client.h"
#include "argocd_judge.h"

#include "config/loader_argocd.h"
#include "providers/api_token.h"
#include "model/context.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A Kubernetes object's name (an application's, a project's, a namespace's): nothing in it needs
 * escaping in a URL. */
static int check_name(const char *name, const char *what, const char *env)
{
	if (promote__kubernetes_name(name))
		return 0;
	return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, "the Argo CD %s of environment '%s' would "
		"be '%.64s', which is no Kubernetes name (lower-case letters, digits, '-' and '.'); fix deploy.%s",
		what, env, name, strcmp(what, "application") == 0 ? "application" : what);
}

/* Where the token is read; what it must be allowed is said when there is none. */
static const promote__api_token_source argocd_token = {
	"Argo CD", { "PROMOTE_ARGOCD_TOKEN", "ARGOCD_AUTH_TOKEN" }, "Authorization: Bearer %s",
	"the token of an account that may get and sync the applications (and, to abort, terminate their "
	"operations)", PROMOTE_ERROR_CLASS_DEPLOY
};

/* The application's name: the pattern with {product} and {env} replaced. */
static int application_name(char **out, const promote__argocd_config *c, const char *env, const char *product)
{
	const char *pattern = c->application ? c->application : "{product}-{env}";
	if (!*product && strstr(pattern, "{product}"))
		return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_DEPLOY, "environment '%s' names its Argo "
			"CD application per product ('%s'), and a sync of several products has none: give deploy.application "
			"one name without {product} for the environment", env, pattern);
	static const char *const names[] = { "{product}", "{env}" };
	const char *const values[] = { product, env };
	*out = promote__expand(pattern, names, values, PROMOTE_ARRAY_SIZE(names));
	return *out ? check_name(*out, "application", env) : PROMOTE_ENOMEM;
}

/* "?appNamespace=A&project=P" (either may be missing), or "". */
static int query_of(char **out, const promote__argocd_config *c, const char *env)
{
	int rc = c->app_namespace ? check_name(c->app_namespace, "appNamespace", env) : 0;
	if (rc == 0 && c->project)
		rc = check_name(c->project, "project", env);
	if (rc)
		return rc;
	*out = promote__strdupf("%s%s%s%s%s", c->app_namespace ? "?appNamespace=" : "",
		c->app_namespace ? c->app_namespace : "", c->project ? (c->app_namespace ? "&" : "?") : "",
		c->project ? "project=" : "", c->project ? c->project : "");
	return *out ? 0 : PROMOTE_ENOMEM;
}

int promote__argocd_config_of(const promote__argocd_config **out, promote_context *ctx, const char *env,
	bool workflows)
{
	const promote_env *e;
	int rc = promote_env_lookup(&e, ctx, env);
	if (rc)
		return rc;
	*out = &e->argocd;
	if (workflows && !e->argocd.workflows_server)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, "environment '%s' names no Argo "
			"Workflows server to submit its workflows to: give its deploy 'argoWorkflows: {server: "
			"https://argo-workflows.example.com}'", env);
	if (!workflows && !e->argocd.server)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, "environment '%s' has no Argo CD "
			"server: give its deploy a 'server: https://argocd.example.com'", env);
	return 0;
}

int promote__argocd_open(promote__argocd *a, promote_context *ctx, const char *env, const char *product)
{
	memset(a, 0, sizeof *a);
	const promote__argocd_config *c;
	int rc = promote__argocd_config_of(&c, ctx, env, false);
	if (rc)
		return rc;
	a->hold_s = c->hold_s ? c->hold_s : PROMOTE__ARGOCD_HOLD_DEFAULT;
	a->app_namespace = c->app_namespace;
	a->project = c->project;
	rc = application_name(&a->application, c, env, product);
	if (rc == 0)
		rc = query_of(&a->query, c, env);
	if (rc == 0)
		rc = promote__api_open(&a->api, &argocd_token, ctx, c->server, PROMOTE__API_ARGOCD, c->insecure);
	if (rc)
		promote__argocd_close(a);
	return rc;
}

void promote__argocd_close(promote__argocd *a)
{
	promote__api_free(a->api);
	free(a->application);
	free(a->query);
	memset(a, 0, sizeof *a);
}

/* METHOD /api/v1/applications/NAME`suffix``query` with `body`: 0 with *out, else the call's code. */
static int call(json_object **out, promote__argocd *a, const char *method, const char *suffix, const char *query,
	json_object *body)
{
	*out = NULL;
	char *path = promote__strdupf("/api/v1/applications/%s%s%s", a->application, suffix, query);
	int rc = path ? promote__api_call_json(a->api, out, NULL, method, path, body) : promote__error_oom();
	free(path);
	return rc;
}

int promote__argocd_get(json_object **app, promote__argocd *a, bool refresh)
{
	char *query = refresh ? promote__strdupf("%s%crefresh=normal", a->query, *a->query ? '&' : '?') : NULL;
	int rc = !refresh || query ? call(app, a, "GET", "", refresh ? query : a->query, NULL) : promote__error_oom();
	free(query);
	return rc;
}

int promote__argocd_terminate(promote__argocd *a)
{
	json_object *answer = NULL;
	int rc = call(&answer, a, "DELETE", "/operation", a->query, NULL);
	json_object_put(answer);
	return rc;
}

/* {"name": NAME, "value": VALUE} appended to `infos`. */
static int add_info(json_object *infos, const char *name, const char *value)
{
	json_object *item = json_object_new_object();
	int rc = item ? promote__json_put_string(item, "name", name, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(item, "value", value, false);
	if (rc == 0)
		return promote__json_append(infos, item);
	json_object_put(item);
	return rc;
}

static int sync_body(json_object **out, promote__argocd *a, const char *revision, const char *release,
	const char *env)
{
	json_object *body = json_object_new_object(), *infos = json_object_new_array();
	int rc = body && infos ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "name", a->application, false);
	if (rc == 0)
		rc = promote__json_put_string(body, "revision", revision, false);
	if (rc == 0 && a->app_namespace)
		rc = promote__json_put_string(body, "appNamespace", a->app_namespace, false);
	if (rc == 0 && a->project)
		rc = promote__json_put_string(body, "project", a->project, false);
	if (rc == 0)
		rc = add_info(infos, PROMOTE__ARGOCD_INFO_RELEASE, release);
	if (rc == 0)
		rc = add_info(infos, PROMOTE__ARGOCD_INFO_ENV, env);
	if (rc == 0) {
		rc = promote__json_put(body, "infos", infos, false);
		infos = NULL;
	}
	json_object_put(infos);
	if (rc)
		json_object_put(body);
	*out = rc ? NULL : body;
	return rc;
}

int promote__argocd_sync(json_object **app, bool *busy, promote__argocd *a, const char *revision, const char *release,
	const char *env)
{
	*busy = false;
	json_object *body = NULL;
	int rc = sync_body(&body, a, revision, release, env);
	if (rc == 0)
		rc = call(app, a, "POST", "/sync", "", body);
	/* Argo CD refuses a sync while an operation runs: 400 (FailedPrecondition) or 409, "another
	 * operation is already in progress". */
	if ((rc == PROMOTE_EINVALID || rc == PROMOTE_ECONFLICT || rc == PROMOTE_ERROR) &&
	    promote__argocd_busy_message(promote_error_last()->message)) {
		*busy = true;
		promote_error_clear();
		rc = 0;
	}
	json_object_put(body);
	return rc;
}
