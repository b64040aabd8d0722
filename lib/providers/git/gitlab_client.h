/*
 * Internal: the gitlab provider's connection to one project at GitLab
 * (gitlab.com or a self-managed instance) — which repository of the
 * configuration a change belongs to, its API base (https://HOST/api/v4, or the
 * repository's `api:`), the project addressed by its URL-encoded path
 * (/projects/group%2Fsub%2Fproject), the token (never kept in a message or
 * record), and calls under it through lib/net's client (retries, GitLab's
 * RateLimit-* headers and the request budget are its).
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITLAB_CLIENT_H
#define PROMOTE_PROVIDERS_GIT_GITLAB_CLIENT_H

#include "core/common.h"
#include "net/api.h"

typedef struct promote__gitlab {
	promote__api *api;
	char *path;                /* "group/sub/project", as in the repository's URL */
	char *project;             /* "/projects/group%2Fsub%2Fproject" */
	const char *merge_method;  /* "merge", "squash" or "rebase" */
} promote__gitlab;

/* The repository of environment `env` (NULL: none named), else the one a change id "PATH!N" names
 * (`id` NULL: none), else the first whose provider is gitlab; connected with the token of
 * $PROMOTE_GITLAB_TOKEN, else $GITLAB_TOKEN, else the context's credentials callback (its password),
 * sent as PRIVATE-TOKEN. PROMOTE_EAUTH when there is none. */
int promote__gitlab_open(promote__gitlab *gl, promote_context *ctx, const char *env, const char *id);
void promote__gitlab_close(promote__gitlab *gl);

#endif
