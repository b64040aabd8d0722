/*
 * Internal: the built-in "gitea" git provider — pull requests at Gitea or
 * Forgejo through its REST API under /api/v1 (gitea.c says what is Gitea's
 * own; doc/PROVIDERS.md how it is configured).
 */
#ifndef PROMOTE_PROVIDERS_GITEA_H
#define PROMOTE_PROVIDERS_GITEA_H

#include "providers/change.h"

#include <promote/sys/git_provider.h>

const promote_git_provider *promote__gitea_provider(void);

#endif
