/*
 * Internal: the argocd backend's connection to one application at an Argo CD
 * server — its name from the environment's deploy.application pattern, the
 * server's REST API (/api/v1/applications/NAME...) through lib/net's client
 * (retries, Retry-After, the request budget, TLS and the token's redaction
 * are its), and the token, never kept in a message or a record.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_ARGOCD_CLIENT_H
#define PROMOTE_PROVIDERS_DEPLOY_ARGOCD_CLIENT_H

#include "core/common.h"
#include "net/api.h"
#include "config/schema.h"

typedef struct promote__argocd {
	promote__api *api;
	char *application;   /* its name, "shop-qa" */
	char *query;         /* "?appNamespace=A&project=P" or "" */
	const char *app_namespace; /* the configuration's (it lives with the context), or NULL */
	const char *project;
	uint32_t hold_s;
} promote__argocd;

/* The application of `product` in environment `env` (deploy: {backend: argocd, ...}), connected
 * with the token of $PROMOTE_ARGOCD_TOKEN, else $ARGOCD_AUTH_TOKEN, else the context's credentials
 * callback (its password). PROMOTE_EAUTH when there is none; PROMOTE_EINVALID for a name that is
 * not an application's. */
int promote__argocd_open(promote__argocd *a, promote_context *ctx, const char *env, const char *product);

/* Environment `env`'s deploy keys of the argocd backend, *out: the lookup's error, else
 * PROMOTE_EINVALID saying what to write when the server needed is not given — Argo CD's, or with
 * `workflows` Argo Workflows'. */
int promote__argocd_config_of(const promote__argocd_config **out, promote_context *ctx, const char *env,
	bool workflows);
void promote__argocd_close(promote__argocd *a);

/* GET the application (`refresh`: asking Argo CD to compare it again first): 0 with *app (the
 * caller puts it), or the code of promote__api_call() with its message. */
int promote__argocd_get(json_object **app, promote__argocd *a, bool refresh);

/* POST .../sync at `revision`, the operation tagged with `release` and `env` (its infos): 0 with
 * *app the answer, or the call's code; *busy when Argo CD refused it because an operation runs. */
int promote__argocd_sync(json_object **app, bool *busy, promote__argocd *a, const char *revision, const char *release,
	const char *env);

/* DELETE .../operation: Argo CD terminates the operation that runs. 0, or the call's code. */
int promote__argocd_terminate(promote__argocd *a);

#endif
