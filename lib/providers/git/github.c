/*
 * The built-in "github" git provider: pull requests at GitHub (github.com or
 * GitHub Enterprise) through its REST API. The branch itself is pushed by the
 * engine (lib/git); the sequences (reuse or open, read, merge guard, comment,
 * approve, close) and the traps they guard against are the forge layer's
 * (forge_change.h). What is GitHub's own, here:
 * - the API at https://api.github.com for github.com, https://HOST/api/v3 for
 *   GitHub Enterprise, or the repository's `api:`; "Authorization: Bearer";
 * - open pull requests of a head listed with ?head=OWNER:BRANCH; a draft for
 *   a manual environment (GitHub's `draft`);
 * - the empty-change test by /compare/BASE...HEAD (its files);
 * - checks are the combined commit status and the check runs together;
 *   mergeable_state tells "not ready yet" (unknown, blocked, behind) from
 *   "conflict" (dirty);
 * - the merge names the head (`sha`): a head that moved is refused (409); the
 *   head branch is deleted after the merge;
 * - branch protection that keeps a direct merge out (blocked; a merge refused
 *   for a merge queue) hands the pull request to GitHub's own merge —
 *   auto-merge or the merge queue, through GraphQL (github_graphql.h) — and
 *   a pull request GitHub holds so is waited for, never merged by promote;
 * - a draft is marked ready when a person approves it through promote.
 */
#include "github.h"
#include "github_graphql.h"
#include "github_state.h"
#include "forge.h"
#include "forge_change.h"
#include "forge_json.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* https://api.github.com for github.com, else GitHub Enterprise's /api/v3. */
static char *api_base(const promote__forge_url *url)
{
	if (strcasecmp(url->host, "github.com") == 0 || strcasecmp(url->host, "www.github.com") == 0)
		return promote__strdupf("https://api.github.com");
	return promote__strdupf("%s://%s/api/v3", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

static char *head_query(const promote__forge *f, const char *head)
{
	char *escaped = promote__forge_escape(head, false);
	char *query = escaped ? promote__strdupf("&head=%s:%s", f->owner, escaped) : NULL;
	free(escaped);
	return query;
}

/* GitHub's GraphQL endpoint: `graphql:`, else beside the REST API's base — https://api.github.com/graphql,
 * GitHub Enterprise's /api/graphql beside its /api/v3, else BASE/graphql. */
static char *graphql_url(const char *configured, const char *base)
{
	if (configured)
		return promote__strdupf("%s", configured);
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	if (n >= 7 && strncmp(base + n - 7, "/api/v3", 7) == 0)
		return promote__strdupf("%.*s/api/graphql", (int)(n - 7), base);
	return promote__strdupf("%.*s/graphql", (int)n, base);
}

/* Labels of `request` added to the pull request (the issues endpoint: a pull request is an issue). */
static int set_labels(promote__forge *f, json_object *pull, const promote_change_request *request)
{
	json_object *body = json_object_new_object(), *labels = json_object_new_array(), *answer = NULL;
	int rc = body && labels ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < promote_change_request_label_count(request); i++)
		rc = promote__json_append(labels, json_object_new_string(promote_change_request_label_at(request, i)));
	if (rc == 0) {
		rc = promote__json_put(body, "labels", labels, false);
		labels = NULL;
	}
	char *suffix = promote__strdupf("/issues/%lld/labels", (long long)promote__forge_int(pull, "number"));
	if (rc == 0)
		rc = suffix ? promote__forge_call(&answer, NULL, f, "POST", suffix, body) : promote__error_oom();
	free(suffix);
	json_object_put(answer);
	json_object_put(labels);
	json_object_put(body);
	return rc;
}

/* Whether base...head changes anything (GitHub's compare of the two branches). */
static int has_diff(bool *diff, promote__forge *f, const promote_change_request *request)
{
	json_object *answer = NULL, *files = NULL;
	int rc = promote__forge_compare(&answer, f, request, "?per_page=1");
	if (rc == 0)
		*diff = json_object_object_get_ex(answer, "files", &files) && json_object_is_type(files, json_type_array) ?
			json_object_array_length(files) > 0 : promote__forge_int(answer, "ahead_by") > 0;
	json_object_put(answer);
	return rc;
}

static int create(json_object **pull, promote__forge *f, const promote_change_request *request)
{
	json_object *body = NULL;
	int rc = promote__forge_pull_body(&body, request, promote_change_request_title(request));
	if (rc == 0)
		rc = promote__json_put(body, "draft", json_object_new_boolean(promote_change_request_draft(request)), false);
	if (rc == 0)
		rc = promote__forge_call(pull, NULL, f, "POST", "/pulls", body);
	json_object_put(body);
	return rc;
}

/* 422 "A pull request already exists for OWNER:BRANCH." */
static bool already_exists(int rc)
{
	return rc == PROMOTE_EINVALID && strstr(promote_error_last()->message, "already exists");
}

/* The checks of the head: its combined status and its check runs. */
static int read_checks(int *checks, promote__forge *f, json_object *pull)
{
	const char *sha = promote__forge_string_in(pull, "head", "sha");
	char *status_path = promote__strdupf("/commits/%s/status", sha);
	char *runs_path = promote__strdupf("/commits/%s/check-runs?per_page=100", sha);
	json_object *combined = NULL, *runs = NULL;
	int rc = status_path && runs_path ? promote__forge_call(&combined, NULL, f, "GET", status_path, NULL)
					  : promote__error_oom();
	if (rc == 0)
		rc = promote__forge_call(&runs, NULL, f, "GET", runs_path, NULL);
	if (rc == 0)
		*checks = promote__github_checks(combined, runs);
	json_object_put(combined);
	json_object_put(runs);
	free(runs_path);
	free(status_path);
	return rc;
}

/* Whether branch protection blocks a direct merge of `pull` (required reviews or checks, a merge queue):
 * it goes on to the merge, which hands it to GitHub's own. */
static bool blocked(json_object *pull)
{
	return strcmp(promote__forge_string(pull, "mergeable_state"), "blocked") == 0;
}

/* Branch protection keeps a direct merge out: the pull request goes to GitHub's auto-merge or merge queue
 * (EBUSY: merged later, by GitHub). When GitHub refuses that too, EBUSY still, with both reasons: a
 * release tries again later and fails when its retries are spent. */
static int hand_over(promote__forge *f, json_object *pull, const char *id, bool queue, const char *why)
{
	char *refused = strdup(why);
	int rc = refused ? promote__github_hand_over(f, pull, id, queue) : promote__error_oom();
	if (rc == PROMOTE_ESTATE || rc == PROMOTE_EINVALID)
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "pull request %s cannot be merged yet: %s; "
			"and GitHub's own merge could not take it: %s", id, refused, promote_error_last()->message);
	free(refused);
	return rc;
}

/* A manual environment's pull request is a draft until a person approves it: this is that person. */
static int approving(promote__forge *f, int64_t number)
{
	json_object *pull = NULL;
	int rc = promote__forge_read_pull(&pull, f, number);
	if (rc == 0 && promote__forge_bool(pull, "draft"))
		rc = promote__github_mark_ready(f, pull);
	json_object_put(pull);
	return rc;
}

/* After the merge: the head branch goes (an error there is not the merge's: it is left). */
static void delete_branch(promote__forge *f, const char *branch)
{
	/* The ref as one path segment ("heads%2FBRANCH"), as /compare/ takes its branches. */
	char *ref = promote__strdupf("heads/%s", branch), *escaped = ref ? promote__forge_escape(ref, true) : NULL;
	char *suffix = escaped ? promote__strdupf("/git/refs/%s", escaped) : NULL;
	free(ref);
	json_object *answer = NULL;
	if (suffix && promote__forge_call(&answer, NULL, f, "DELETE", suffix, NULL) != 0)
		promote_error_clear();
	json_object_put(answer);
	free(suffix);
	free(escaped);
}

/* PUT .../merge naming head `sha`: GitHub refuses it (409) when the head moved since. Blocked by branch
 * protection, or refused for a merge queue: handed to GitHub's own merge. */
static int merge(char **merge_sha, promote__forge *f, json_object *pull, int64_t number, const char *id)
{
	bool conflict = false;
	if (blocked(pull))
		return hand_over(f, pull, id, false, promote__github_not_mergeable(pull, &conflict));
	const char *sha = promote__forge_string_in(pull, "head", "sha");
	json_object *body = json_object_new_object(), *answer = NULL;
	char *suffix = promote__strdupf("/pulls/%lld/merge", (long long)number);
	int rc = body && suffix ? promote__json_put_string(body, "sha", sha, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "merge_method", f->merge_method, false);
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, f, "PUT", suffix, body);
	if (rc == PROMOTE_ESTATE && strstr(promote_error_last()->message, "merge queue"))
		rc = hand_over(f, pull, id, true, promote_error_last()->message);
	else if (rc == PROMOTE_ECONFLICT)
		rc = promote__forge_head_moved(f, id, sha);
	else if (rc == PROMOTE_ESTATE)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"GitHub does not merge pull request %s now (%s)", id, promote_error_last()->message);
	if (rc == 0 && !(*merge_sha = promote__strdupf("%s", promote__forge_string(answer, "sha"))))
		rc = promote__error_oom();
	if (rc == 0)
		delete_branch(f, promote__forge_string_in(pull, "head", "ref"));
	json_object_put(answer);
	json_object_put(body);
	free(suffix);
	return rc;
}

static const promote__forge_kind github = {
	.provider = "github",
	.forge = "GitHub",
	.token = { "GitHub", { "PROMOTE_GITHUB_TOKEN", "GITHUB_TOKEN" }, "Authorization: Bearer %s",
		"a token that may write contents and pull requests and read statuses and checks (classic: repo)",
		PROMOTE_ERROR_CLASS_PROVIDER },
	.flavor = PROMOTE__API_GITHUB,
	.page_query = "per_page=100",
	.approve_event = "APPROVE",
	.api_base = api_base,
	.graphql_url = graphql_url,
	.head_query = head_query,
	.has_diff = has_diff,
	.create = create,
	.already_exists = already_exists,
	.set_labels = set_labels,
	.read_checks = read_checks,
	.not_mergeable = promote__github_not_mergeable,
	.waiting = promote__github_forge_waiting,
	.merge_anyway = blocked,
	.approving = approving,
	.merge = merge,
};

PROMOTE__FORGE_PROVIDER(promote__github_provider, github)
