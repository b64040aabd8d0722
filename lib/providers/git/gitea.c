/*
 * The built-in "gitea" git provider: pull requests at Gitea or Forgejo
 * (whose API is Gitea's) through the REST API under /api/v1. The branch is
 * pushed by the engine (lib/git); the sequences (reuse or open, read, merge
 * guard, comment, approve, close) and the traps they guard against are the
 * forge layer's (forge_change.h). What is Gitea's own, here:
 * - the API at SCHEME://HOST/api/v1 of the repository's URL, or its `api:`
 *   (Gitea served under a sub-path); "Authorization: token";
 * - no draft flag in the API: a manual environment's pull request gets the
 *   title prefix "WIP: ", which Gitea reads as work in progress (it will not
 *   merge it; its `draft` says so) until a person removes it at Gitea, or
 *   approves it through promote (the prefix is taken off, then approved);
 * - open pull requests cannot be listed by head: every open one is listed
 *   and matched by head.ref;
 * - labels are ids: looked up by name in the repository's labels, and made
 *   when missing;
 * - the empty-change test by /compare/BASE...HEAD (its commits' files);
 * - checks are the combined commit status alone (Gitea's `warning` passes);
 * - `mergeable` false (Gitea is still checking the pull request against its
 *   base, or it conflicts) reads as "not ready yet": the API does not tell
 *   the two apart, so a conflict waits for a person, it is never merged;
 * - the merge names the head (`head_commit_id`): Gitea answers 409 when the
 *   head moved, and 409 for a merge conflict too — the pull request is read
 *   again to say which; 405 when Gitea will not merge now (still checking;
 *   branch protection: approvals or required statuses missing), PROMOTE_EBUSY
 *   so a release tries again within its retries;
 *   the style is the repository's mergeMethod (`Do`), and the head branch is
 *   deleted by Gitea itself (`delete_branch_after_merge`); a conflict is said
 *   naming the base ("it conflicts with main; rebase it onto main");
 * - "merge when checks succeed": a pull request ready but for its pending
 *   checks, where the base branch's protection requires status checks (GET
 *   /branches/BASE; without, Gitea would merge at once), is handed to Gitea
 *   (`merge_when_checks_succeed`; PROMOTE_EBUSY saying so) — a release asks it
 *   by itself; once scheduled (its timeline's pull_scheduled_merge, not
 *   cancelled since) the change reads *waiting* and no merge is sent again.
 * The provider is also named "forgejo" (the kind's alias): Forgejo serves
 * Gitea's API.
 */
#include "gitea.h"
#include "forge.h"
#include "forge_change.h"
#include "forge_json.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The title prefix that makes a pull request work in progress (Gitea's default
 * [repository.pull-request] WORK_IN_PROGRESS_PREFIXES are "WIP:" and "[WIP]"). */
#define WIP_PREFIX "WIP: "

static char *api_base(const promote__forge_url *url)
{
	return promote__strdupf("%s://%s/api/v1", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

static bool wip_title(const char *title)
{
	return strncasecmp(title, "WIP:", 4) == 0 || strncasecmp(title, "[WIP]", 5) == 0;
}

static bool is_draft(json_object *pull)
{
	return promote__forge_bool(pull, "draft") || wip_title(promote__forge_string(pull, "title"));
}

/* Whether base...head changes anything: a commit of Gitea's compare that touches a file (an answer
 * without the commits' files: any commit). */
static int has_diff(bool *diff, promote__forge *f, const promote_change_request *request)
{
	json_object *answer = NULL, *commits = NULL;
	int rc = promote__forge_compare(&answer, f, request, "");
	size_t n = rc == 0 && json_object_object_get_ex(answer, "commits", &commits) &&
			   json_object_is_type(commits, json_type_array) ? json_object_array_length(commits) : 0;
	if (rc == 0)
		*diff = promote__forge_int(answer, "total_commits") > 0 && n == 0;
	for (size_t i = 0; rc == 0 && i < n && !*diff; i++) {
		json_object *files = NULL, *commit = json_object_array_get_idx(commits, i);
		*diff = !json_object_object_get_ex(commit, "files", &files) || !json_object_is_type(files, json_type_array) ||
			json_object_array_length(files) > 0;
	}
	json_object_put(answer);
	return rc;
}

static int create(json_object **pull, promote__forge *f, const promote_change_request *request)
{
	const char *title = promote_change_request_title(request);
	bool prefix = promote_change_request_draft(request) && !wip_title(title);
	char *shown = prefix ? promote__strdupf(WIP_PREFIX "%s", title) : NULL;
	json_object *body = NULL;
	int rc = shown || !prefix ? promote__forge_pull_body(&body, request, shown ? shown : title) : promote__error_oom();
	if (rc == 0)
		rc = promote__forge_call(pull, NULL, f, "POST", "/pulls", body);
	json_object_put(body);
	free(shown);
	return rc;
}

/* 409: "pull request already exists for these targets". */
static bool already_exists(int rc)
{
	return rc == PROMOTE_ECONFLICT;
}

/* The id of the repository's label `name` in `labels` (0: none). */
static int64_t label_id(json_object *labels, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(labels); i++) {
		json_object *label = json_object_array_get_idx(labels, i);
		if (strcmp(promote__forge_string(label, "name"), name) == 0)
			return promote__forge_int(label, "id");
	}
	return 0;
}

/* The id of label `name`, made in the repository when it has none (grey, described as ours). */
static int label_made(int64_t *id, promote__forge *f, json_object *labels, const char *name)
{
	if ((*id = label_id(labels, name)))
		return 0;
	json_object *body = json_object_new_object(), *made = NULL;
	int rc = body ? promote__json_put_string(body, "name", name, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "color", "#ededed", false);
	if (rc == 0)
		rc = promote__json_put_string(body, "description", "set by libpromote", false);
	if (rc == 0)
		rc = promote__forge_call(&made, NULL, f, "POST", "/labels", body);
	if (rc == 0 && !(*id = promote__forge_int(made, "id")))
		rc = promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_PROVIDER,
			"Gitea made label '%s' of %s/%s but answered no id for it", name, f->owner, f->name);
	if (rc == 0) /* known from now on: a name asked twice is made once */
		rc = promote__json_append(labels, json_object_get(made));
	json_object_put(made);
	json_object_put(body);
	return rc;
}

/* The labels of `request` added to the pull request, by id (POST .../issues/N/labels). */
static int set_labels(promote__forge *f, json_object *pull, const promote_change_request *request)
{
	json_object *labels = NULL, *ids = json_object_new_array(), *body = json_object_new_object(), *answer = NULL;
	char *list = promote__strdupf("/labels?%s", f->kind->page_query);
	int rc = ids && body && list ? promote__forge_list(&labels, f, list) : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < promote_change_request_label_count(request); i++) {
		int64_t id = 0;
		rc = label_made(&id, f, labels, promote_change_request_label_at(request, i));
		if (rc == 0)
			rc = promote__json_append(ids, json_object_new_int64(id));
	}
	if (rc == 0) {
		rc = promote__json_put(body, "labels", ids, false);
		ids = NULL;
	}
	char *suffix = promote__strdupf("/issues/%lld/labels", (long long)promote__forge_int(pull, "number"));
	if (rc == 0)
		rc = suffix ? promote__forge_call(&answer, NULL, f, "POST", suffix, body) : promote__error_oom();
	free(suffix);
	free(list);
	json_object_put(answer);
	json_object_put(body);
	json_object_put(ids);
	json_object_put(labels);
	return rc;
}

/* A person approving through promote is the one a work in progress waits for: its "WIP:" or "[WIP]"
 * title prefix goes (PATCH .../pulls/N {title}), as a person marks it ready at Gitea. */
static int approving(promote__forge *f, int64_t number)
{
	json_object *pull = NULL, *body = NULL, *answer = NULL;
	int rc = promote__forge_read_pull(&pull, f, number);
	const char *title = rc == 0 ? promote__forge_string(pull, "title") : "";
	if (rc == 0 && wip_title(title)) {
		title += title[0] == '[' ? 5 : 4;
		title += strspn(title, " ");
		char *suffix = promote__strdupf("/pulls/%lld", (long long)number);
		body = json_object_new_object();
		rc = body && suffix ? promote__json_put_string(body, "title", title, false) : promote__error_oom();
		if (rc == 0)
			rc = promote__forge_call(&answer, NULL, f, "PATCH", suffix, body);
		free(suffix);
	}
	json_object_put(answer);
	json_object_put(body);
	json_object_put(pull);
	return rc;
}

static int read_checks(int *checks, promote__forge *f, json_object *pull)
{
	char *path = promote__strdupf("/commits/%s/status", promote__forge_string_in(pull, "head", "sha"));
	json_object *combined = NULL;
	int rc = path ? promote__forge_call(&combined, NULL, f, "GET", path, NULL) : promote__error_oom();
	if (rc == 0)
		*checks = promote__forge_status_checks(combined);
	json_object_put(combined);
	free(path);
	return rc;
}

static const char *not_mergeable(json_object *pull, bool *conflict)
{
	json_object *mergeable = NULL;
	*conflict = false;
	if (is_draft(pull))
		return "it is a work in progress (its title starts with " WIP_PREFIX "): a person removes the prefix at Gitea";
	if (json_object_object_get_ex(pull, "mergeable", &mergeable) && json_object_is_type(mergeable, json_type_boolean) &&
		!json_object_get_boolean(mergeable))
		return "Gitea does not find it mergeable now: it conflicts with its base branch (then rebase it onto the "
		       "base, or a person resolves the conflict on the branch), or Gitea is still checking it; ask again "
		       "shortly";
	return NULL;
}

/* Whether the base branch of `pull` requires status checks (GET /branches/BASE: its protection's
 * enable_status_check): only then does Gitea's "merge when checks succeed" wait for them — without, Gitea
 * merges at once, its checks pending. So a pull request ready but for its checks is handed over only there. */
static int merge_pending(bool *pending, promote__forge *f, json_object *pull)
{
	json_object *mergeable = NULL, *branch = NULL;
	*pending = false;
	if (is_draft(pull) || !json_object_object_get_ex(pull, "mergeable", &mergeable) ||
		!json_object_get_boolean(mergeable))
		return 0;
	char *escaped = promote__forge_escape(promote__forge_string_in(pull, "base", "ref"), false);
	char *suffix = escaped ? promote__strdupf("/branches/%s", escaped) : NULL;
	int rc = suffix ? promote__forge_call(&branch, NULL, f, "GET", suffix, NULL) : promote__error_oom();
	if (rc == 0)
		*pending = promote__forge_bool(branch, "enable_status_check");
	json_object_put(branch);
	free(suffix);
	free(escaped);
	return rc;
}

/* Gitea holds `pull` for its own merge: the latest of its timeline's "pull_scheduled_merge" and
 * "pull_cancel_scheduled_merge" is the first (the pull request carries no such member). */
static int waiting(char **reason, promote__forge *f, json_object *pull)
{
	*reason = NULL;
	json_object *timeline = NULL, *scheduled = NULL;
	char *suffix = promote__strdupf("/issues/%lld/timeline?%s", (long long)promote__forge_int(pull, "number"),
		f->kind->page_query);
	int rc = suffix ? promote__forge_list(&timeline, f, suffix) : promote__error_oom();
	size_t n = rc == 0 ? json_object_array_length(timeline) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *event = json_object_array_get_idx(timeline, i);
		const char *type = promote__forge_string(event, "type");
		if (strcmp(type, "pull_scheduled_merge") == 0)
			scheduled = event;
		else if (strcmp(type, "pull_cancel_scheduled_merge") == 0)
			scheduled = NULL;
	}
	if (scheduled) {
		const char *by = promote__forge_string_in(scheduled, "user", "login");
		*reason = promote__strdupf("Gitea merges it when its required checks succeed (scheduled%s%s)",
			*by ? " by " : "", by);
		if (!*reason)
			rc = promote__error_oom();
	}
	json_object_put(timeline);
	free(suffix);
	return rc;
}

/* Why Gitea answered 409 to a merge naming head `sha` of `pull`: the head moved (the pull request says
 * another head now), or the merge conflicts with the base branch. */
static int refused_merge(promote__forge *f, json_object *pull, int64_t number, const char *sha, const char *id)
{
	char *said = promote__strdupf("%s", promote_error_last()->message);
	const char *base = promote__forge_string_in(pull, "base", "ref");
	json_object *now = NULL;
	promote_error_clear();
	int rc = promote__forge_read_pull(&now, f, number);
	const char *head = rc == 0 ? promote__forge_string_in(now, "head", "sha") : "";
	if (rc == 0 && strcmp(head, sha) != 0)
		rc = promote__forge_head_moved(f, id, sha);
	else if (rc == 0 && said && strstr(said, "onflict"))
		rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
			"pull request %s cannot be merged: it conflicts with %s; rebase it onto %s, or resolve the conflict "
			"on its branch (Gitea refused the merge of head %.12s: %s)", id, base, base, sha, said);
	else if (rc == 0)
		rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
			"pull request %s was not merged: Gitea refused the merge of head %.12s into %s (%s)", id, sha, base,
			said ? said : "409");
	json_object_put(now);
	free(said);
	return rc;
}

/* POST .../merge naming head `sha` (head_commit_id); the merge commit read from the pull request after. */
static int merge(char **merge_sha, promote__forge *f, json_object *pull, int64_t number, const char *id)
{
	const char *sha = promote__forge_string_in(pull, "head", "sha");
	json_object *body = json_object_new_object(), *answer = NULL, *merged = NULL;
	char *suffix = promote__strdupf("/pulls/%lld/merge", (long long)number);
	int rc = body && suffix ? promote__json_put_string(body, "Do", f->merge_method, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "head_commit_id", sha, false);
	if (rc == 0)
		rc = promote__json_put(body, "delete_branch_after_merge", json_object_new_boolean(1), false);
	/* Its required checks pending: Gitea schedules the merge (201) and carries it out when they succeed. */
	if (rc == 0 && f->hand_over)
		rc = promote__json_put(body, "merge_when_checks_succeed", json_object_new_boolean(1), false);
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, f, "POST", suffix, body);
	if (rc == PROMOTE_ECONFLICT)
		rc = refused_merge(f, pull, number, sha, id);
	else if (rc == PROMOTE_ESTATE) /* 405: mostly "not yet" (still checking, protection): tried again */
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
			"Gitea does not merge pull request %s now (%s)", id, promote_error_last()->message);
	if (rc == 0)
		rc = promote__forge_read_pull(&merged, f, number);
	if (rc == 0 && f->hand_over && !promote__forge_bool(merged, "merged"))
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "pull request %s is handed to Gitea: Gitea "
			"merges it when its required checks succeed (head %.12s, scheduled)", id, sha);
	if (rc == 0 && !(*merge_sha = promote__strdupf("%s", promote__forge_string(merged, "merge_commit_sha"))))
		rc = promote__error_oom();
	json_object_put(merged);
	json_object_put(answer);
	json_object_put(body);
	free(suffix);
	return rc;
}

static const promote__forge_kind gitea = {
	.provider = "gitea",
	.alias = "forgejo",  /* Forgejo serves Gitea's API */
	.forge = "Gitea",
	.token = { "Gitea", { "PROMOTE_GITEA_TOKEN", "GITEA_TOKEN" }, "Authorization: token %s",
		"a token that may write the repository and its issues (scopes write:repository and write:issue)",
		PROMOTE_ERROR_CLASS_PROVIDER },
	.flavor = PROMOTE__API_GITEA,
	.page_query = "limit=50",
	.approve_event = "APPROVED",
	.api_base = api_base,
	.head_query = NULL,
	.has_diff = has_diff,
	.create = create,
	.already_exists = already_exists,
	.set_labels = set_labels,
	.is_draft = is_draft,
	.read_checks = read_checks,
	.not_mergeable = not_mergeable,
	.waiting = waiting,
	.merge_pending = merge_pending,
	.approving = approving,
	.merge = merge,
};

PROMOTE__FORGE_PROVIDER(promote__gitea_provider, gitea)
