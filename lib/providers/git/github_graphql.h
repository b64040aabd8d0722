/*
 * Internal: the github provider's GraphQL calls — what GitHub's REST API
 * cannot do: turn on a pull request's auto-merge, add it to a merge queue,
 * read its place in the queue, mark a draft ready for review.
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITHUB_GRAPHQL_H
#define PROMOTE_PROVIDERS_GIT_GITHUB_GRAPHQL_H

#include "github_client.h"

/* POST `query` with `variables` (borrowed; NULL: none) to GitHub's GraphQL endpoint: 0 with *data
 * the answer's "data" (the caller puts it), or the code of the call (promote__api_call()), or for an
 * answer with "errors" (GitHub answers those with 200): PROMOTE_ENOTFOUND (NOT_FOUND),
 * PROMOTE_EAUTH (FORBIDDEN), else PROMOTE_ESTATE, the message naming `what` and GitHub's words. */
int promote__github_graphql(json_object **data, promote__github *gh, const char *what, const char *query,
	json_object *variables);

/* Where GitHub itself holds open pull request `pull` (REST JSON): its auto-merge on (the REST answer
 * says so), else its entry in the merge queue (a GraphQL query). *reason a sentence (malloc'd) or NULL
 * when GitHub holds nothing. */
int promote__github_forge_waiting(char **reason, promote__github *gh, json_object *pull);

/* Hand open pull request `pull` (change `id`) to GitHub's own merge, because branch protection keeps a
 * direct one out: into the merge queue (`queue`: the merge was refused for one) or with auto-merge on
 * (GitHub merges it once protection is satisfied; with a merge queue, it joins the queue then). Both name
 * the head whose checks were read (expectedHeadOid): a head that moved is not merged. Returns
 * PROMOTE_EBUSY saying so once handed over (the change is not merged yet), or the code of the call. */
int promote__github_hand_over(promote__github *gh, json_object *pull, const char *id, bool queue);

/* Mark draft pull request `pull` ready for review (a person approved it through promote). */
int promote__github_mark_ready(promote__github *gh, json_object *pull);

#endif
