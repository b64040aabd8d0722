/*
 * deploy: of backend argocd — which Argo CD server and application a
 * release syncs and watches (the backend: providers/deploy/argocd.c):
 *
 *   deploy: {backend: argocd, server: https://argocd.example.com,
 *            application: "{product}-{env}", project: shop, appNamespace: argocd,
 *            hold: 5s, insecure: true}
 *
 * server is required, an http(s) URL; application defaults to
 * "{product}-{env}"; insecure (TLS not verified) only when written so.
 * The token is never here: it comes from the environment or the context's
 * credentials callback.
 */
#include "loader_argocd.h"

#include "labels.h"

#include <string.h>

/* The keys only this backend reads. */
static const char *const argocd_keys[] = { "server", "application", "project", "appNamespace", "hold", "insecure" };

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
	if ((n = promote__map_get(map, "server")))
		c->server = promote__read_http_url(r, n, promote__label_field(r, "server", what),
			"Argo CD's address, such as https://argocd.example.com");
	else
		promote__reader_error(r, map, "%s has backend argocd and no 'server'; give Argo CD's address, e.g. "
			"'server: https://argocd.example.com'", what);
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
	if ((n = promote__map_get(map, "insecure"))) {
		static const char *const values[] = { "false", "true" };
		c->insecure = promote__read_enum(r, n, promote__label_field(r, "insecure", what), values, 2) == 1;
	}
}
