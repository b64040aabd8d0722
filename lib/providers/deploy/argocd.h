/*
 * Internal: the built-in "argocd" deploy backend — a release's deploy is a
 * sync of the environment's Argo CD application at the promoted commit,
 * through Argo CD's REST API (argocd.c says which traps it guards against;
 * doc/PROVIDERS.md how it is configured). Workflows it does not run.
 *
 * Written on the public vtable and accessors of promote/sys/deploy_backend.h
 * alone; its payload is the context (the environment's deploy: settings and
 * the credentials callback). It keeps no state: everything it decides is
 * read again from Argo CD at each call, so a process that is killed and
 * started again, or another machine, carries on where it stood.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_ARGOCD_H
#define PROMOTE_PROVIDERS_DEPLOY_ARGOCD_H

#include "core/common.h"

/* The vtable; its payload is the promote_context. */
const promote_deploy_backend *promote__argocd_backend(void);

#endif
