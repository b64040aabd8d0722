/*
 * Internal: the built-in "github" git provider — pull requests at GitHub
 * (github.com or GitHub Enterprise) through its REST API (github.c says
 * which traps it guards against; doc/PROVIDERS.md how it is configured).
 */
#ifndef PROMOTE_PROVIDERS_GITHUB_H
#define PROMOTE_PROVIDERS_GITHUB_H

#include "providers/change.h"

#include <promote/sys/git_provider.h>

const promote_git_provider *promote__github_provider(void);

#endif
