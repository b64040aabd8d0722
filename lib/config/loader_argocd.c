/*
 * deploy: of backend argocd — which Argo CD server and application a
 * release syncs and watches (the backend: providers/deploy/argocd.c):
 *
 *   deploy: {backend: argocd, server: https://argocd.example.com,
 *            application: "{product}-{env}", project: shop, appNamespace: argocd,
 *            hold: 5s, insecure: true,
 *            argoWorkflows: {server: https://argo-workflows.example.com, namespace: argo,
 *                            serviceAccount: promote-checks, insecure: true}}
 *
 * server is required, an http(s) URL; application defaults to
 * "{product}-{env}"; insecure (TLS not verified) only when written so.
 * argoWorkflows is where workflows with a `workflowTemplate` are submitted
 * (its server required; namespace "argo" when not given).
 * The token is never here: it comes from the environment or the context's
 * credentials callback.
 */
#include "loader_argocd.h"

#include "labels.h"

#include "core/strutil.h"

#include <string.h>

/* The keys only this backend reads. */
static const char *const argocd_keys[] = { "server", "application", "project", "appNamespace", "hold", "insecure",
	"argoWorkflows" };

static bool read_insecure(promote__reader *r, const promote__ynode *n, const char *what)
{
	return promote__read_bool(r, n, promote__label_field(r, "insecure", what), false);
}

/* Key `server` of `map`, an http(s) URL: what `address` says, such as `example`; required (`missing`
 * says so). NULL when not given or reported. */
static const char *read_server(promote__reader *r, const promote__ynode *map, const char *what, const char *missing,
	const char *address, const char *example)
{
	const promote__ynode *n = promote__map_get(map, "server");
	if (n)
		return promote__read_http_url(r, n, promote__label_field(r, "server", what),
			promote__labelf(r, "%s, such as %s", address, example));
	promote__reader_error(r, map, "%s %s; give %s, e.g. 'server: %s'", what, missing, address, example);
	return NULL;
}

/* Key `key` of `map`: a Kubernetes object's name, or NULL (not given, or reported). */
static const char *read_kubernetes_name(promote__reader *r, const promote__ynode *map, const char *key,
	const char *owner)
{
	const char *what = promote__label_field(r, key, owner), *name;
	const promote__ynode *n = promote__map_get(map, key);
	if (!n || !(name = promote__read_string(r, n, what)))
		return NULL;
	if (promote__kubernetes_name(name))
		return name;
	promote__reader_error(r, n, "%s is '%s', which is no Kubernetes name (lower-case letters, digits, '-' and "
		"'.')", what, name);
	return NULL;
}

/* argoWorkflows: {server, namespace, serviceAccount, insecure} — where the workflows of a
 * `workflowTemplate` are submitted (providers/deploy/argo_workflows.c). */
static void load_workflows(promote__reader *r, promote__argocd_config *c, const promote__ynode *node, const char *owner)
{
	const char *what = promote__label_field(r, "argoWorkflows", owner);
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, what), *n;
	if (!map)
		return;
	c->workflows_where = promote__reader_where(r, node);
	promote__check_keys(r, map, KEYS("server", "namespace", "serviceAccount", "insecure"), what);
	c->workflows_server = read_server(r, map, what, "has no 'server'", "the Argo Workflows server's address",
		"https://argo-workflows.example.com");
	c->workflows_namespace = read_kubernetes_name(r, map, "namespace", what);
	c->workflows_account = read_kubernetes_name(r, map, "serviceAccount", what);
	if ((n = promote__map_get(map, "insecure")))
		c->workflows_insecure = read_insecure(r, n, what);
}

void promote__load_argocd(promote__reader *r, promote_env *env, const promote__ynode *map, const char *what,
	const char *backend)
{
	bool argocd = backend && strcmp(backend, "argocd") == 0;
	promote__argocd_config *c = &env->argocd;
	for (size_t i = 0; i < PROMOTE_ARRAY_SIZE(argocd_keys); i++) {
		const promote__ynode *n = promote__map_get(map, argocd_keys[i]);
		if (n && !argocd) {
			promote__reader_error(r, n, "'%s' of %s is a setting of the argocd backend, but %s%s%s; remove '%s' "
				"or write 'backend: argocd'", argocd_keys[i], what, backend ? "the backend is '" : "no backend is named",
				backend ? backend : "", backend ? "'" : "", argocd_keys[i]);
			return;
		}
	}
	if (!argocd)
		return;
	const promote__ynode *n;
	c->server = read_server(r, map, what, "has backend argocd and no 'server'", "Argo CD's address",
		"https://argocd.example.com");
	if ((n = promote__map_get(map, "application")) &&
	    (c->application = promote__read_string(r, n, promote__label_field(r, "application", what))) &&
	    !*c->application) {
		promote__reader_error(r, n, "%s is empty; give the Argo CD application's name, e.g. \"{product}-{env}\"",
			promote__label_field(r, "application", what));
	}
	if ((n = promote__map_get(map, "project")))
		c->project = promote__read_string(r, n, promote__label_field(r, "project", what));
	if ((n = promote__map_get(map, "appNamespace")))
		c->app_namespace = promote__read_string(r, n, promote__label_field(r, "appNamespace", what));
	if ((n = promote__map_get(map, "hold")))
		promote__read_duration(r, n, promote__label_field(r, "hold", what), PROMOTE__ARGOCD_HOLD_MAX, &c->hold_s);
	if ((n = promote__map_get(map, "insecure")))
		c->insecure = read_insecure(r, n, what);
	if ((n = promote__map_get(map, "argoWorkflows")))
		load_workflows(r, c, n, what);
}
