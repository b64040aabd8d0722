/*
 * Internal: the built-in "none" deploy backend, every environment's unless
 * it names another: the commit is the deploy. A sync asks nothing and is
 * reported synced and healthy at once; workflows cannot run
 * (PROMOTE_ENOTSUPPORTED, saying how to give the environment a backend).
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_NONE_H
#define PROMOTE_PROVIDERS_DEPLOY_NONE_H

#include "core/common.h"

/* The vtable; its payload is the promote_context (unused). */
const promote_deploy_backend *promote__none_backend(void);

#endif
