/*
 * The built-in "github" git provider: pull requests at GitHub (github.com or
 * GitHub Enterprise) through its REST API. The branch itself is pushed by the
 * engine (lib/git); this opens, reads, merges, comments on, approves and
 * closes the pull request. The traps it guards against:
 * - never a second pull request: an open one with the same head branch, else
 *   one carrying every label asked for, is reused (a run killed between its
 *   push and its request finds it again);
 * - never an empty one: base...head is compared first;
 * - never a blind merge: the merge names the head commit whose checks were
 *   just read (`sha`); a head that moved meanwhile is refused by GitHub (409)
 *   and reported, not merged;
 * - "not ready yet" (mergeable_state unknown, blocked, behind) told from
 *   "conflict" (dirty): the first reads as checks pending (a release waits)
 *   and refuses a merge with PROMOTE_EBUSY, the second PROMOTE_ECONFLICT.
 * A draft (a manual environment's) counts no approval until a person marks it
 * ready for review at GitHub.
 */
#include "github.h"
#include "github_client.h"
#include "github_graphql.h"
#include "github_state.h"
#include "forge_common.h"
#include "providers/change.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* A pull request's JSON into `out`, with its id. */
static int pull_info(promote_change_info *out, promote__github *gh, json_object *pull)
{
	char *id = promote__github_change_id(gh, promote__forge_int(pull, "number"));
	int rc = id ? promote__github_pull_to_info(out, pull, id) : promote__error_oom();
	free(id);
	return rc;
}

/* The open pull request of head branch `head` (by_head), else one with every label of `request`:
 * *pull NULL when there is none. */
static int find_open(json_object **pull, void *forge, const promote_change_request *request, bool by_head)
{
	promote__github *gh = forge;
	*pull = NULL;
	char *head = by_head ? promote__forge_escape(promote_change_request_head(request), false) : NULL;
	char *suffix = by_head ? (head ? promote__strdupf("/pulls?state=open&per_page=100&head=%s:%s", gh->owner, head) : NULL)
			       : promote__strdupf("/pulls?state=open&per_page=100");
	json_object *list = NULL;
	int rc = suffix ? promote__github_list(&list, gh, suffix) : promote__error_oom();
	size_t n = rc == 0 ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n && !*pull; i++) {
		json_object *candidate = json_object_array_get_idx(list, i);
		if (by_head ? strcmp(promote__forge_string(json_object_object_get(candidate, "head"), "ref"),
				      promote_change_request_head(request)) == 0
			    : promote__forge_has_labels(json_object_object_get(candidate, "labels"), request))
			*pull = json_object_get(candidate);
	}
	json_object_put(list);
	free(suffix);
	free(head);
	return rc;
}

/* Labels of `request` set on pull request `number` (the issues endpoint: a pull request is an issue). */
static int set_labels(promote__github *gh, int64_t number, const promote_change_request *request)
{
	size_t count = promote_change_request_label_count(request);
	if (!count)
		return 0;
	json_object *body = json_object_new_object(), *labels = json_object_new_array(), *answer = NULL;
	int rc = body && labels ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = promote__json_append(labels, json_object_new_string(promote_change_request_label_at(request, i)));
	if (rc == 0) {
		rc = promote__json_put(body, "labels", labels, false);
		labels = NULL;
	}
	char *suffix = promote__strdupf("/issues/%lld/labels", (long long)number);
	if (rc == 0)
		rc = suffix ? promote__github_call(&answer, NULL, gh, "POST", suffix, body) : promote__error_oom();
	free(suffix);
	json_object_put(answer);
	json_object_put(labels);
	json_object_put(body);
	return rc;
}

/* Whether base...head changes anything (GitHub's compare of the two branches). */
static int has_diff(bool *diff, void *forge, const promote_change_request *request)
{
	promote__github *gh = forge;
	char *base = promote__forge_escape(promote_change_request_base(request), true);
	char *head = promote__forge_escape(promote_change_request_head(request), true);
	char *suffix = base && head ? promote__strdupf("/compare/%s...%s?per_page=1", base, head) : NULL;
	json_object *answer = NULL, *files = NULL;
	int rc = suffix ? promote__github_call(&answer, NULL, gh, "GET", suffix, NULL) : promote__error_oom();
	if (rc == 0)
		*diff = json_object_object_get_ex(answer, "files", &files) && json_object_is_type(files, json_type_array) ?
			json_object_array_length(files) > 0 : promote__forge_int(answer, "ahead_by") > 0;
	json_object_put(answer);
	free(suffix);
	free(head);
	free(base);
	return rc;
}

static int create(json_object **pull, void *forge, const promote_change_request *request)
{
	promote__github *gh = forge;
	json_object *body = json_object_new_object();
	int rc = body ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "title", promote_change_request_title(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "body", promote_change_request_body(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "head", promote_change_request_head(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "base", promote_change_request_base(request), false);
	if (rc == 0)
		rc = promote__json_put(body, "draft", json_object_new_boolean(promote_change_request_draft(request)), false);
	if (rc == 0)
		rc = promote__github_call(pull, NULL, gh, "POST", "/pulls", body);
	json_object_put(body);
	return rc;
}

/* The pull request for `request`: an open one reused, else a new one (never for an empty change). */
static int open_pull(json_object **pull, promote_change_info *out, promote__github *gh,
	const promote_change_request *request)
{
	char *where = promote__strdupf("%s/%s", gh->owner, gh->name);
	promote__forge_ops ops = { "pull request", where, gh, find_open, has_diff, create };
	int rc = where ? promote__forge_reuse_or_open(pull, out, &ops, request) : promote__error_oom();
	free(where);
	if (rc == 0)
		rc = set_labels(gh, promote__forge_int(*pull, "number"), request);
	return rc;
}

/* open_change (`open`) or find_change: the pull request into `out`. */
static int answer_request(promote_change_info *out, const promote_change_request *request, void *payload, bool open)
{
	promote__github gh;
	int rc = promote__github_open(&gh, payload, promote__forge_request_env(request), NULL);
	if (rc)
		return rc;
	json_object *pull = NULL;
	rc = open ? open_pull(&pull, out, &gh, request) : find_open(&pull, &gh, request, false);
	if (rc == 0 && !pull)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"no open pull request of %s/%s carries every label asked for", gh.owner, gh.name);
	if (rc == 0)
		rc = pull_info(out, &gh, pull);
	json_object_put(pull);
	promote__github_close(&gh);
	return rc;
}

static int github_open_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	return answer_request(out, request, payload, true);
}

static int github_find_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	return answer_request(out, request, payload, false);
}

/* GET .../pulls/N into *pull. */
static int read_pull(json_object **pull, promote__github *gh, int64_t number)
{
	char *suffix = promote__strdupf("/pulls/%lld", (long long)number);
	int rc = suffix ? promote__github_call(pull, NULL, gh, "GET", suffix, NULL) : promote__error_oom();
	free(suffix);
	return rc;
}

/* The checks of commit `sha`: its combined status and its check runs. */
static int read_checks(int *checks, promote__github *gh, const char *sha)
{
	char *status_path = promote__strdupf("/commits/%s/status", sha);
	char *runs_path = promote__strdupf("/commits/%s/check-runs?per_page=100", sha);
	json_object *combined = NULL, *runs = NULL;
	int rc = status_path && runs_path ? promote__github_call(&combined, NULL, gh, "GET", status_path, NULL)
					  : promote__error_oom();
	if (rc == 0)
		rc = promote__github_call(&runs, NULL, gh, "GET", runs_path, NULL);
	if (rc == 0)
		*checks = promote__github_checks(combined, runs);
	json_object_put(combined);
	json_object_put(runs);
	free(runs_path);
	free(status_path);
	return rc;
}

/* Whether branch protection blocks a direct merge of `pull` (required reviews or checks, a merge queue). */
static bool blocked(json_object *pull)
{
	return strcmp(promote__forge_string(pull, "mergeable_state"), "blocked") == 0;
}

/* Everything get_change says: the pull request, its head's checks and its approvals. */
static int read_change(promote_change_info *out, json_object **pull, promote__github *gh, int64_t number)
{
	int rc = read_pull(pull, gh, number), checks = PROMOTE_CHECKS_NONE;
	json_object *head = NULL, *reviews = NULL;
	json_object_object_get_ex(*pull, "head", &head);
	if (rc == 0)
		rc = pull_info(out, gh, *pull);
	bool conflict = false;
	char *waiting = NULL;
	if (rc == 0 && (rc = read_checks(&checks, gh, promote__forge_string(head, "sha"))) == 0 &&
		checks != PROMOTE_CHECKS_FAILING && promote_change_info_state(out) == PROMOTE_CHANGE_OPEN &&
		!promote__forge_bool(*pull, "draft")) {
		/* GitHub holds it (auto-merge on, in the merge queue): a release waits for GitHub's merge. Else
		 * not ready yet (unknown, behind) reads as checks pending; blocked by branch protection goes on
		 * to the merge, which hands it to GitHub's own (promote__github_hand_over()). */
		rc = promote__github_forge_waiting(&waiting, gh, *pull);
		if (rc == 0 && waiting)
			rc = promote_change_info_set_waiting(out, waiting);
		else if (rc == 0 && promote__github_not_mergeable(*pull, &conflict) && !conflict && !blocked(*pull))
			checks = PROMOTE_CHECKS_PENDING;
	}
	free(waiting);
	if (rc == 0)
		rc = promote_change_info_set_checks(out, checks);
	char *suffix = promote__strdupf("/pulls/%lld/reviews?per_page=100", (long long)number);
	if (rc == 0)
		rc = suffix ? promote__github_list(&reviews, gh, suffix) : promote__error_oom();
	/* A draft is a person's turn at GitHub: no approval counts until it is marked ready. */
	if (rc == 0)
		rc = promote_change_info_set_approvals(out,
			promote__forge_bool(*pull, "draft") ? 0 : promote__github_approvals(reviews));
	json_object_put(reviews);
	free(suffix);
	return rc;
}

/* Open the repository of change `id` and read its number. */
static int open_change_id(promote__github *gh, int64_t *number, void *payload, const char *id)
{
	int rc = promote__github_change_number(number, id);
	return rc ? rc : promote__github_open(gh, payload, NULL, id);
}

static int github_get_change(promote_change_info *out, const char *id, void *payload)
{
	promote__github gh;
	int64_t number;
	int rc = open_change_id(&gh, &number, payload, id);
	if (rc)
		return rc;
	json_object *pull = NULL;
	rc = read_change(out, &pull, &gh, number);
	json_object_put(pull);
	promote__github_close(&gh);
	return rc;
}

/* PUT .../merge naming head `sha`: GitHub refuses it (409) when the head moved since. */
static int put_merge(char **merge_sha, promote__github *gh, int64_t number, const char *sha, const char *id)
{
	json_object *body = json_object_new_object(), *answer = NULL;
	char *suffix = promote__strdupf("/pulls/%lld/merge", (long long)number);
	int rc = body && suffix ? promote__json_put_string(body, "sha", sha, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "merge_method", gh->merge_method, false);
	if (rc == 0)
		rc = promote__github_call(&answer, NULL, gh, "PUT", suffix, body);
	rc = promote__forge_merge_refused(rc, "pull request", "GitHub", id, sha);
	if (rc == 0 && !(*merge_sha = promote__strdupf("%s", promote__forge_string(answer, "sha"))))
		rc = promote__error_oom();
	json_object_put(answer);
	json_object_put(body);
	free(suffix);
	return rc;
}

/* After the merge: the head branch goes (an error there is not the merge's: it is left). */
static void delete_branch(promote__github *gh, const char *branch)
{
	/* The ref as one path segment ("heads%2FBRANCH"), as /compare/ takes its branches. */
	char *ref = promote__strdupf("heads/%s", branch), *escaped = ref ? promote__forge_escape(ref, true) : NULL;
	char *suffix = escaped ? promote__strdupf("/git/refs/%s", escaped) : NULL;
	free(ref);
	json_object *answer = NULL;
	if (suffix && promote__github_call(&answer, NULL, gh, "DELETE", suffix, NULL) != 0)
		promote_error_clear();
	json_object_put(answer);
	free(suffix);
	free(escaped);
}

/* Branch protection keeps a direct merge out: the pull request goes to GitHub's auto-merge or merge queue
 * (EBUSY: merged later, by GitHub). When GitHub refuses that too, EBUSY still, with both reasons: a
 * release tries again later and fails when its retries are spent. */
static int hand_over(promote__github *gh, json_object *pull, const char *id, bool queue, const char *why)
{
	char *refused = strdup(why);
	int rc = refused ? promote__github_hand_over(gh, pull, id, queue) : promote__error_oom();
	if (rc == PROMOTE_ESTATE || rc == PROMOTE_EINVALID)
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "pull request %s cannot be merged yet: %s; "
			"and GitHub's own merge could not take it: %s", id, refused, promote_error_last()->message);
	free(refused);
	return rc;
}

static int github_merge_change(promote_change_info *out, const char *id, void *payload)
{
	promote__github gh;
	int64_t number;
	int rc = open_change_id(&gh, &number, payload, id);
	if (rc)
		return rc;
	json_object *pull = NULL, *head = NULL;
	char *merge_sha = NULL;
	rc = read_change(out, &pull, &gh, number);
	json_object_object_get_ex(pull, "head", &head);
	int state = rc == 0 ? promote_change_info_state(out) : PROMOTE_CHANGE_OPEN;
	bool conflict = false;
	const char *why = rc == 0 && state == PROMOTE_CHANGE_OPEN ? promote__github_not_mergeable(pull, &conflict) : NULL;
	if (rc || state == PROMOTE_CHANGE_MERGED) {
		/* merged already (a run that died after the merge): nothing to do */
	} else if (state == PROMOTE_CHANGE_CLOSED) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"pull request %s is closed; reopen it at GitHub or apply the promotion again", id);
	} else if (*promote_change_info_waiting(out)) {
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "pull request %s is not merged by promote: "
			"%s", id, promote_change_info_waiting(out));
	} else if (why && !conflict && blocked(pull) && promote_change_info_checks(out) != PROMOTE_CHECKS_PENDING &&
		   promote_change_info_checks(out) != PROMOTE_CHECKS_FAILING) {
		rc = hand_over(&gh, pull, id, false, why);
	} else if (why) {
		/* Not ready yet is EBUSY: a release tries again later; a conflict waits for a person. */
		rc = promote__error(conflict ? PROMOTE_ECONFLICT : PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
			"pull request %s cannot be merged yet: %s", id, why);
	} else if (promote_change_info_checks(out) == PROMOTE_CHECKS_PENDING ||
		   promote_change_info_checks(out) == PROMOTE_CHECKS_FAILING) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"pull request %s is not merged: the checks of its head %.12s are %s", id,
			promote__forge_string(head, "sha"), promote_checks_state_name(promote_change_info_checks(out)));
	} else if ((rc = put_merge(&merge_sha, &gh, number, promote__forge_string(head, "sha"), id)) == PROMOTE_ESTATE &&
		   strstr(promote_error_last()->message, "merge queue")) {
		rc = hand_over(&gh, pull, id, true, promote_error_last()->message);
	} else if (rc == 0) {
		delete_branch(&gh, promote__forge_string(head, "ref"));
		rc = promote_change_info_set_state(out, PROMOTE_CHANGE_MERGED);
		if (rc == 0)
			rc = promote_change_info_set_merge_commit(out, merge_sha);
	}
	free(merge_sha);
	json_object_put(pull);
	promote__github_close(&gh);
	return rc;
}

/* METHOD /repos/OWNER/NAME`format`(the number of change `id`) with the body {key: value}. */
static int send_to(void *payload, const char *id, const char *method, const char *format, const char *key,
	const char *value)
{
	promote__github gh;
	int64_t number;
	int rc = open_change_id(&gh, &number, payload, id);
	if (rc)
		return rc;
	char *suffix = promote__strdupf(format, (long long)number);
	char *path = suffix ? promote__strdupf("/repos/%s/%s%s", gh.owner, gh.name, suffix) : NULL;
	rc = path ? promote__forge_send(gh.api, method, path, key, value) : promote__error_oom();
	free(path);
	free(suffix);
	promote__github_close(&gh);
	return rc;
}

static int github_comment_change(const char *id, const char *body, void *payload)
{
	return send_to(payload, id, "POST", "/issues/%lld/comments", "body", body);
}

static int github_close_change(const char *id, void *payload)
{
	return send_to(payload, id, "PATCH", "/pulls/%lld", "state", "closed");
}

static int github_approve_change(promote_change_info *out, const char *id, const char *by, void *payload)
{
	promote__github gh;
	int64_t number;
	int rc = open_change_id(&gh, &number, payload, id);
	if (rc)
		return rc;
	/* GitHub records the token's owner as the reviewer; `by` is said in the review's text. */
	json_object *request = json_object_new_object(), *answer = NULL, *pull = NULL;
	char *suffix = promote__strdupf("/pulls/%lld/reviews", (long long)number);
	char *text = promote__strdupf("Approved with libpromote by %s", promote__change_actor(by));
	rc = request && suffix && text ? promote__json_put_string(request, "event", "APPROVE", false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(request, "body", text, false);
	/* A manual environment's pull request is a draft until a person approves it: this is that person. */
	if (rc == 0 && (rc = read_pull(&pull, &gh, number)) == 0 && promote__forge_bool(pull, "draft"))
		rc = promote__github_mark_ready(&gh, pull);
	json_object_put(pull);
	pull = NULL;
	if (rc == 0)
		rc = promote__github_call(&answer, NULL, &gh, "POST", suffix, request);
	if (rc == 0)
		rc = read_change(out, &pull, &gh, number);
	json_object_put(pull);
	json_object_put(answer);
	json_object_put(request);
	free(text);
	free(suffix);
	promote__github_close(&gh);
	return rc;
}

const promote_git_provider *promote__github_provider(void)
{
	static const promote_git_provider vtable = {
		.version = PROMOTE_GIT_PROVIDER_VERSION,
		.open_change = github_open_change,
		.get_change = github_get_change,
		.find_change = github_find_change,
		.merge_change = github_merge_change,
		.comment_change = github_comment_change,
		.close_change = github_close_change,
		.approve_change = github_approve_change,
	};
	return &vtable;
}
