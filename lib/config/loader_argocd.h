/*
 * Internal: the argocd deploy backend's keys of an environment's deploy:
 * (server, application, project, appNamespace, hold, insecure, argoWorkflows).
 */
#ifndef PROMOTE_CONFIG_LOADER_ARGOCD_H
#define PROMOTE_CONFIG_LOADER_ARGOCD_H

#include "reader.h"

#define PROMOTE__ARGOCD_HOLD_MAX 3600u     /* deploy.hold */
#define PROMOTE__ARGOCD_HOLD_DEFAULT 5u

/* The keys of deploy: mapping `map` into env->argocd; an error for each of them when `backend`
 * (NULL: none named) is not argocd. `what` names the mapping ("'deploy' of environment 'qa'"). */
void promote__load_argocd(promote__reader *r, promote_env *env, const promote__ynode *map, const char *what,
	const char *backend);

#endif
