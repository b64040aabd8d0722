/*
 * Internal: the built-in "gitlab" git provider — merge requests at GitLab
 * (gitlab.com or a self-managed instance) through its REST API v4 (gitlab.c
 * says which traps it guards against; doc/PROVIDERS.md how it is configured).
 */
#ifndef PROMOTE_PROVIDERS_GITLAB_H
#define PROMOTE_PROVIDERS_GITLAB_H

#include "providers/change.h"

#include <promote/sys/git_provider.h>

const promote_git_provider *promote__gitlab_provider(void);

#endif
