/* The github provider's GraphQL calls (github_graphql.h). */
#include "github_graphql.h"
#include "github_state.h"
#include "forge_common.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char QUEUE_QUERY[] =
	"query PromoteMergeQueueEntry($id: ID!) { node(id: $id) { ... on PullRequest { "
	"isInMergeQueue mergeQueueEntry { position state } } } }";
static const char AUTO_MERGE_MUTATION[] =
	"mutation PromoteEnableAutoMerge($id: ID!, $head: GitObjectID!, $method: PullRequestMergeMethod!) { "
	"enablePullRequestAutoMerge(input: {pullRequestId: $id, expectedHeadOid: $head, mergeMethod: $method}) { "
	"pullRequest { autoMergeRequest { enabledAt } } } }";
static const char ENQUEUE_MUTATION[] =
	"mutation PromoteEnqueue($id: ID!, $head: GitObjectID!) { "
	"enqueuePullRequest(input: {pullRequestId: $id, expectedHeadOid: $head}) { "
	"mergeQueueEntry { position state } } }";
static const char READY_MUTATION[] =
	"mutation PromoteReadyForReview($id: ID!) { "
	"markPullRequestReadyForReview(input: {pullRequestId: $id}) { pullRequest { isDraft } } }";

/* The code of GitHub's first GraphQL error, with its words. */
static int answer_error(json_object *errors, const char *what)
{
	json_object *first = json_object_array_get_idx(errors, 0);
	const char *type = promote__forge_string(first, "type"), *message = promote__forge_string(first, "message");
	int code = strcmp(type, "NOT_FOUND") == 0 ? PROMOTE_ENOTFOUND
		   : strcmp(type, "FORBIDDEN") == 0 ? PROMOTE_EAUTH : PROMOTE_ESTATE;
	return promote__error(code, PROMOTE_ERROR_CLASS_PROVIDER, "GitHub refused %s: %s%s%s", what,
		*message ? message : "no reason given", *type ? " — " : "", type);
}

int promote__github_graphql(json_object **data, promote__github *gh, const char *what, const char *query,
	json_object *variables)
{
	*data = NULL;
	json_object *body = json_object_new_object(), *errors = NULL, *found = NULL;
	int rc = body ? promote__json_put_string(body, "query", query, false) : promote__error_oom();
	if (rc == 0 && variables)
		rc = promote__json_put(body, "variables", json_object_get(variables), false);
	promote__api_reply reply = { 0, NULL, NULL, NULL };
	if (rc == 0)
		rc = promote__api_call(gh->graphql, &reply, "POST", "", body);
	if (rc == 0 && promote__json_get(&errors, reply.json, "errors", json_type_array, false) &&
	    json_object_array_length(errors) > 0)
		rc = answer_error(errors, what);
	else if (rc == 0 && !promote__json_get(&found, reply.json, "data", json_type_object, false))
		rc = promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_PROVIDER,
			"GitHub answered %s with no data and no error", what);
	if (rc == 0)
		*data = json_object_get(found);
	promote__api_reply_dispose(&reply);
	json_object_put(body);
	return rc;
}

/* Variables {"id": the pull request's node id, "head": its head's sha (with_head)}. */
static json_object *pull_variables(json_object *pull, bool with_head)
{
	json_object *vars = json_object_new_object(), *head = NULL;
	json_object_object_get_ex(pull, "head", &head);
	if (vars && (promote__json_put_string(vars, "id", promote__forge_string(pull, "node_id"), false) ||
		     (with_head && promote__json_put_string(vars, "head", promote__forge_string(head, "sha"), false)))) {
		json_object_put(vars);
		return NULL;
	}
	return vars;
}

/* The merge queue entry of `pull` ({position, state}), or NULL when it is in no queue. */
static int queue_entry(json_object **entry, promote__github *gh, json_object *pull)
{
	*entry = NULL;
	json_object *vars = pull_variables(pull, false), *data = NULL, *node = NULL, *found = NULL;
	int rc = vars ? promote__github_graphql(&data, gh, "the merge queue query", QUEUE_QUERY, vars) : promote__error_oom();
	if (rc == 0 && promote__json_get(&node, data, "node", json_type_object, false) &&
	    promote__forge_bool(node, "isInMergeQueue") &&
	    promote__json_get(&found, node, "mergeQueueEntry", json_type_object, false))
		*entry = json_object_get(found);
	json_object_put(data);
	json_object_put(vars);
	return rc;
}

static char *queue_reason(json_object *entry)
{
	return promote__strdupf("in GitHub's merge queue at position %lld (%s): GitHub merges it when its turn comes",
		(long long)promote__forge_int(entry, "position"), promote__forge_string(entry, "state"));
}

int promote__github_forge_waiting(char **reason, promote__github *gh, json_object *pull)
{
	*reason = NULL;
	json_object *auto_merge = NULL, *by = NULL, *entry = NULL;
	if (promote__json_get(&auto_merge, pull, "auto_merge", json_type_object, false)) {
		json_object_object_get_ex(auto_merge, "enabled_by", &by);
		const char *login = promote__forge_string(by, "login");
		*reason = promote__strdupf("GitHub's auto-merge is on (%s%s%s): GitHub merges it once its branch "
			"protection is satisfied", promote__forge_string(auto_merge, "merge_method"), *login ? ", by " : "",
			login);
		return *reason ? 0 : promote__error_oom();
	}
	/* The REST answer says nothing of a merge queue: asked always, as a merge-queue branch's pull request
	 * may read "clean". A server whose schema has no merge queue (an older GitHub Enterprise) refuses the
	 * query: then it holds nothing. */
	int rc = queue_entry(&entry, gh, pull);
	if (rc == PROMOTE_ESTATE) {
		promote_error_clear();
		rc = 0;
	}
	if (rc == 0 && entry && !(*reason = queue_reason(entry)))
		rc = promote__error_oom();
	json_object_put(entry);
	return rc;
}

/* GraphQL's spelling of a merge method ("merge" -> "MERGE"). */
static json_object *method_value(const char *method)
{
	char upper[16];
	size_t n = 0;
	for (; method[n] && n + 1 < sizeof upper; n++)
		upper[n] = (char)(method[n] >= 'a' && method[n] <= 'z' ? method[n] - 'a' + 'A' : method[n]);
	upper[n] = '\0';
	return json_object_new_string(upper);
}

int promote__github_hand_over(promote__github *gh, json_object *pull, const char *id, bool queue)
{
	json_object *vars = pull_variables(pull, true), *data = NULL, *entry = NULL, *head = NULL;
	json_object_object_get_ex(pull, "head", &head);
	int rc = vars ? 0 : promote__error_oom();
	if (rc == 0 && queue)
		rc = queue_entry(&entry, gh, pull);  /* queued already (a run that died after it): not again */
	if (rc == 0 && queue && !entry) {
		json_object *payload = NULL;
		rc = promote__github_graphql(&data, gh, "adding the pull request to the merge queue", ENQUEUE_MUTATION, vars);
		if (rc == 0 && promote__json_get(&payload, data, "enqueuePullRequest", json_type_object, false) &&
		    promote__json_get(&entry, payload, "mergeQueueEntry", json_type_object, false))
			json_object_get(entry);
	} else if (rc == 0 && !queue) {
		rc = promote__json_put(vars, "method", method_value(gh->merge_method), false);
		if (rc == 0)
			rc = promote__github_graphql(&data, gh, "turning on auto-merge", AUTO_MERGE_MUTATION, vars);
	}
	char *reason = rc == 0 ? entry ? queue_reason(entry)
				     : promote__strdupf("GitHub's auto-merge is on (%s): GitHub merges it once its "
							"branch protection is satisfied", gh->merge_method)
			       : NULL;
	if (rc == 0)
		rc = reason ? promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
				      "pull request %s is handed to GitHub, whose branch protection keeps a direct merge "
				      "out: %s; head %.12s", id, reason, promote__forge_string(head, "sha"))
			    : promote__error_oom();
	free(reason);
	json_object_put(entry);
	json_object_put(data);
	json_object_put(vars);
	return rc;
}

int promote__github_mark_ready(promote__github *gh, json_object *pull)
{
	json_object *vars = pull_variables(pull, false), *data = NULL;
	int rc = vars ? promote__github_graphql(&data, gh, "marking the draft ready for review", READY_MUTATION, vars)
		      : promote__error_oom();
	json_object_put(data);
	json_object_put(vars);
	return rc;
}
