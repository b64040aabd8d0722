/*
 * Internal: the github provider's connection to one repository at GitHub —
 * which repository of the configuration a change belongs to, its API base
 * (https://api.github.com for github.com, https://HOST/api/v3 for GitHub
 * Enterprise, or the repository's `api:`; its GraphQL endpoint beside it, or
 * `graphql:`), the token (never kept in a
 * message or record), and calls under /repos/OWNER/NAME through lib/net's
 * client (retries, rate limits and the request budget are its).
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITHUB_CLIENT_H
#define PROMOTE_PROVIDERS_GIT_GITHUB_CLIENT_H

#include "core/common.h"
#include "net/api.h"

typedef struct promote__github {
	promote__api *api;
	promote__api *graphql;     /* GitHub's GraphQL endpoint (github_graphql.h), the same token */
	char *owner;
	char *name;
	const char *merge_method;  /* "merge", "squash" or "rebase" */
} promote__github;

/* The repository of environment `env` (NULL: none named), else the one a change id
 * "OWNER/NAME#N" names (`id` NULL: none), else the first whose provider is github;
 * connected with the token of $PROMOTE_GITHUB_TOKEN, else $GITHUB_TOKEN, else the
 * context's credentials callback (its password). PROMOTE_EAUTH when there is none. */
int promote__github_open(promote__github *gh, promote_context *ctx, const char *env, const char *id);
void promote__github_close(promote__github *gh);

/* METHOD /repos/OWNER/NAME`suffix` with `body` (borrowed; NULL: none): 0 with *out the answer's JSON
 * (the caller puts it; NULL for an empty one), or the code of promote__api_call() with its message.
 * `status` (may be NULL) gets the HTTP status either way. */
int promote__github_call(json_object **out, long *status, promote__github *gh, const char *method, const char *suffix,
	json_object *body);

/* GET /repos/OWNER/NAME`suffix`, a list, with every page after it (Link rel="next", at most 20
 * pages) appended: 0 with *out an array (the caller puts it), or the call's code. */
int promote__github_list(json_object **out, promote__github *gh, const char *suffix);

/* A change's id, "OWNER/NAME#N", from a pull request's number. */
char *promote__github_change_id(const promote__github *gh, int64_t number);
/* The number of change `id` ("OWNER/NAME#N" or "N"): 0 or PROMOTE_EINVALID saying what an id looks like. */
int promote__github_change_number(int64_t *number, const char *id);

#endif
