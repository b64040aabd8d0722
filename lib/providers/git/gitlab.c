/*
 * The built-in "gitlab" git provider: merge requests at GitLab (gitlab.com or
 * self-managed) through its REST API v4. The branch itself is pushed by the
 * engine (lib/git); this opens, reads, merges, comments on, approves and
 * closes the merge request. It is a promote__forge_kind (forge.h): the
 * sequences — reuse or open, read, merge guard, comment, approve, close — are
 * the forge layer's (forge_change.h), shared with github and gitea; GitLab's
 * paths (/projects/URL-ENCODED-PATH/merge_requests/IID, notes, approvals,
 * repository/compare) and answers are its adapters here. The traps:
 * - never a second merge request: an open one from the same source branch,
 *   else one carrying every label asked for, is reused;
 * - never an empty one: the repository's compare of target...source first;
 * - never a blind merge: the merge names the head commit whose pipeline was
 *   just read (`sha`); GitLab answers 409 when the head moved: reported, not
 *   merged;
 * - "not ready yet" (detailed_merge_status checking, unchecked, ci_must_pass,
 *   ci_still_running, not_approved, discussions_not_resolved, ...) told from
 *   "conflict" (conflict, need_rebase): the first reads as checks pending (a
 *   release waits) and refuses a merge with PROMOTE_EBUSY, the second
 *   PROMOTE_ECONFLICT;
 * - a merge asked while the head's pipeline runs, of a merge request that is
 *   not a draft (an environment whose changes may merge themselves), is left
 *   to GitLab: "merge when pipeline succeeds" (auto_merge), still with `sha`;
 *   the call says so with PROMOTE_EBUSY. A release asks that merge itself as
 *   soon as the merge request is ready but for its pipeline (the change's
 *   hand_over, providers/change.h); once GitLab holds it
 *   (merge_when_pipeline_succeeds read from the merge request) the change
 *   reads *waiting* — a release waits for GitLab's merge and adopts it — and
 *   no merge is sent again.
 * A draft (a manual environment's, "Draft:" in its title) counts no approval
 * until it is marked ready: by a person at GitLab, or by approve_change, which
 * approves it (naming the head read: GitLab refuses if it moved) and takes the
 * draft prefix off its title.
 */
#include "gitlab.h"
#include "gitlab_state.h"
#include "forge.h"
#include "forge_change.h"
#include "forge_json.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The API's base without `api:`: https://HOST/api/v4 (http for an http URL; https for ssh). */
static char *api_base(const promote__forge_url *url)
{
	return promote__strdupf("%s://%s/api/v4", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

/* The project by its whole path, URL-encoded: /projects/group%2Fsub%2Fproject. */
static char *prefix(const promote__forge *f)
{
	char *path = promote__strdupf("%s/%s", f->owner, f->name);
	char *escaped = path ? promote__forge_escape(path, true) : NULL;
	char *out = escaped ? promote__strdupf("/projects/%s", escaped) : NULL;
	free(escaped);
	free(path);
	return out;
}

/* The labels of `request` as GitLab takes them: one comma-separated string (malloc'd). */
static char *labels_string(const promote_change_request *request)
{
	promote__strbuf buf;
	promote__strbuf_init(&buf, PROMOTE__MESSAGE_MAX, "a merge request's labels");
	for (size_t i = 0; i < promote_change_request_label_count(request); i++)
		if (promote__strbuf_addf(&buf, "%s%s", i ? "," : "", promote_change_request_label_at(request, i))) {
			free(buf.ptr);
			return NULL;
		}
	return promote__strbuf_take(&buf);
}

/* "&KEY=VALUE" with `value` escaped for a query (malloc'd). */
static char *query(const char *key, const char *value)
{
	char *escaped = value ? promote__forge_escape(value, false) : NULL;
	char *out = escaped ? promote__strdupf("&%s=%s", key, escaped) : NULL;
	free(escaped);
	return out;
}

static char *head_query(const promote__forge *f, const char *head)
{
	(void)f;
	return query("source_branch", head);
}

static char *labels_query(const promote__forge *f, const promote_change_request *request)
{
	(void)f;
	char *labels = labels_string(request);
	char *out = query("labels", labels);
	free(labels);
	return out;
}

static const char *head_branch(json_object *mr)
{
	return promote__forge_string(mr, "source_branch");
}

static const char *head_sha(json_object *mr)
{
	return promote__forge_string(mr, "sha");
}

/* Whether target...source changes anything (GitLab's compare of the two branches). */
static int has_diff(bool *diff, promote__forge *f, const promote_change_request *request)
{
	char *base = promote__forge_escape(promote_change_request_base(request), false);
	char *head = promote__forge_escape(promote_change_request_head(request), false);
	char *suffix = base && head ? promote__strdupf("/repository/compare?from=%s&to=%s&straight=false", base, head) : NULL;
	json_object *answer = NULL, *diffs = NULL;
	int rc = suffix ? promote__forge_call(&answer, NULL, f, "GET", suffix, NULL) : promote__error_oom();
	if (rc == 0)
		*diff = json_object_object_get_ex(answer, "diffs", &diffs) && json_object_is_type(diffs, json_type_array) &&
			json_object_array_length(diffs) > 0;
	json_object_put(answer);
	free(suffix);
	free(head);
	free(base);
	return rc;
}

static int create(json_object **mr, promote__forge *f, const promote_change_request *request)
{
	json_object *body = json_object_new_object();
	/* GitLab has no draft flag on creation: a "Draft:" title is one. */
	char *title = promote__strdupf("%s%s", promote_change_request_draft(request) ? "Draft: " : "",
		promote_change_request_title(request));
	char *labels = labels_string(request);
	int rc = body && title && labels ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "source_branch", promote_change_request_head(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "target_branch", promote_change_request_base(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "title", title, false);
	if (rc == 0)
		rc = promote__json_put_string(body, "description", promote_change_request_body(request), false);
	if (rc == 0 && *labels)
		rc = promote__json_put_string(body, "labels", labels, false);
	if (rc == 0)
		rc = promote__forge_call(mr, NULL, f, "POST", "/merge_requests", body);
	json_object_put(body);
	free(labels);
	free(title);
	return rc;
}

/* GitLab answers 409 "Another open merge request already exists for this source branch". */
static bool already_exists(int rc)
{
	return (rc == PROMOTE_EINVALID || rc == PROMOTE_ECONFLICT) && strstr(promote_error_last()->message, "already exists");
}

/* PUT .../merge_requests/IID with {key: value}, the answer dropped. */
static int update(promote__forge *f, int64_t iid, const char *key, const char *value)
{
	json_object *body = json_object_new_object(), *answer = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld", (long long)iid);
	int rc = body && suffix ? promote__json_put_string(body, key, value, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, f, "PUT", suffix, body);
	json_object_put(answer);
	json_object_put(body);
	free(suffix);
	return rc;
}

/* A reused merge request gets the labels asked for (add_labels keeps the others). */
static int set_labels(promote__forge *f, json_object *mr, const promote_change_request *request)
{
	char *labels = labels_string(request);
	int rc = labels ? update(f, promote__forge_int(mr, "iid"), "add_labels", labels) : promote__error_oom();
	free(labels);
	return rc;
}

static int read_checks(int *checks, promote__forge *f, json_object *mr)
{
	(void)f;
	*checks = promote__gitlab_checks(mr);
	return 0;
}

/* The approvals: GET .../merge_requests/IID/approvals, its approved_by. */
static int read_approvals(unsigned *approvals, promote__forge *f, int64_t iid)
{
	json_object *answer = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld/approvals", (long long)iid);
	int rc = suffix ? promote__forge_call(&answer, NULL, f, "GET", suffix, NULL) : promote__error_oom();
	if (rc == 0)
		*approvals = promote__gitlab_approvals(answer);
	json_object_put(answer);
	free(suffix);
	return rc;
}

/* Its pipeline runs and it is not a draft: GitLab merges it when the pipeline succeeds. Not when GitLab
 * holds it so already (merge_when_pipeline_succeeds): never asked twice. */
static int merge_pending(bool *pending, promote__forge *f, json_object *mr)
{
	(void)f;
	*pending = !promote__gitlab_draft(mr) && !promote__forge_bool(mr, "merge_when_pipeline_succeeds") &&
		   promote__gitlab_waits_for_pipeline(mr);
	return 0;
}

/* What GitLab's automatic merge of `mr` waits for, in a person's words (malloc'd; NULL: out of memory). */
static char *auto_merge_reason(json_object *mr)
{
	json_object *pipeline = NULL;
	if (!json_object_object_get_ex(mr, "head_pipeline", &pipeline) || !json_object_is_type(pipeline, json_type_object))
		return promote__strdupf("GitLab merges it when its pipeline succeeds");
	return promote__strdupf("GitLab merges it when its pipeline succeeds (pipeline %lld %s)",
		(long long)promote__forge_int(pipeline, "id"), promote__forge_string(pipeline, "status"));
}

/* Its head pipeline failed (or was canceled): said with its id; GitLab cancels an automatic merge then. */
static char *checks_why(json_object *mr)
{
	json_object *pipeline = NULL;
	json_object_object_get_ex(mr, "head_pipeline", &pipeline);
	return promote__strdupf("its pipeline %lld %s, and GitLab does not merge it (an automatic merge is cancelled)",
		(long long)promote__forge_int(pipeline, "id"), promote__forge_string(pipeline, "status"));
}

/* GitLab holds `mr` for its own merge ("merge when pipeline succeeds" set, by promote or a person): a
 * release waits for that merge, saying which pipeline it waits for. */
static int waiting(char **reason, promote__forge *f, json_object *mr)
{
	(void)f;
	*reason = NULL;
	if (!promote__forge_bool(mr, "merge_when_pipeline_succeeds"))
		return 0;
	*reason = auto_merge_reason(mr);
	return *reason ? 0 : promote__error_oom();
}

/* PUT .../merge naming head `sha` (GitLab answers 409 when the head moved since); while its pipeline runs,
 * when the pipeline succeeds. Merged only when GitLab says so: an automatic merge waits for the pipeline,
 * and a merge GitLab is still carrying out ("locked") is read again later — never recorded without its
 * commit. */
static int merge(char **merge_sha, promote__forge *f, json_object *mr, int64_t iid, const char *id)
{
	const char *sha = head_sha(mr);
	bool automatic = f->hand_over;
	json_object *body = json_object_new_object(), *merged = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld/merge", (long long)iid);
	int rc = body && suffix ? promote__json_put_string(body, "sha", sha, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(body, "should_remove_source_branch", json_object_new_boolean(1), false);
	if (rc == 0 && strcmp(f->merge_method, "squash") == 0)
		rc = promote__json_put(body, "squash", json_object_new_boolean(1), false);
	/* merge_when_pipeline_succeeds until GitLab 17.11, auto_merge since; each ignores the other. */
	if (rc == 0 && automatic)
		rc = promote__json_put(body, "merge_when_pipeline_succeeds", json_object_new_boolean(1), false);
	if (rc == 0 && automatic)
		rc = promote__json_put(body, "auto_merge", json_object_new_boolean(1), false);
	if (rc == 0)
		rc = promote__forge_call(&merged, NULL, f, "PUT", suffix, body);
	if (rc == PROMOTE_ECONFLICT)
		rc = promote__forge_head_moved(f, id, sha);
	else if (rc == PROMOTE_ESTATE)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"GitLab does not merge merge request %s now (%s)", id, promote_error_last()->message);
	char *reason = rc == 0 && automatic ? auto_merge_reason(merged) : NULL;
	if (rc == 0 && automatic && !reason)
		rc = promote__error_oom();
	if (rc == 0 && strcmp(promote__forge_string(merged, "state"), "merged") != 0)
		rc = automatic ? promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
				"merge request %s is handed to GitLab: %s; head %.12s", id, reason, sha)
			       : promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
				"merge request %s is not merged yet: GitLab accepted the merge of head %.12s and is still "
				"carrying it out (its state is '%s')", id, sha, promote__forge_string(merged, "state"));
	if (rc == 0 && !(*merge_sha = promote__strdupf("%s", promote__gitlab_merged_commit(merged))))
		rc = promote__error_oom();
	free(reason);
	json_object_put(merged);
	json_object_put(body);
	free(suffix);
	return rc;
}

/* POST .../approve naming the head read (GitLab refuses, 409, if it moved meanwhile); GitLab records the
 * token's owner as the approver and takes no text. A draft approved is ready to merge
 * (promote/sys/git_provider.h): its draft prefix goes. */
static int approve(promote__forge *f, int64_t iid, const char *by)
{
	(void)by;
	json_object *mr = NULL, *request = json_object_new_object(), *answer = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld/approve", (long long)iid);
	int rc = request && suffix ? promote__forge_read_pull(&mr, f, iid) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(request, "sha", head_sha(mr), false);
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, f, "POST", suffix, request);
	if (rc == 0 && promote__gitlab_draft(mr))
		rc = update(f, iid, "title", promote__gitlab_ready_title(mr));
	json_object_put(answer);
	json_object_put(request);
	json_object_put(mr);
	free(suffix);
	return rc;
}

static const promote__forge_send comment = { "POST", "/merge_requests/%lld/notes", "body", NULL };
static const promote__forge_send close_mr = { "PUT", "/merge_requests/%lld", "state_event", "close" };

static const promote__forge_kind gitlab = {
	.provider = "gitlab",
	.forge = "GitLab",
	.token = { "GitLab", { "PROMOTE_GITLAB_TOKEN", "GITLAB_TOKEN" }, "PRIVATE-TOKEN: %s",
		"a personal, project or group access token with the api scope (and a role that may push and "
		"merge: Developer or higher)", PROMOTE_ERROR_CLASS_PROVIDER },
	/* PRIVATE-TOKEN takes a personal, project or group access token (an OAuth token would need
	 * "Authorization: Bearer"). */
	.flavor = PROMOTE__API_GITLAB,
	.page_query = "per_page=100",
	.what = "merge request",
	.id_sep = '!',
	.shape = "GROUP/PROJECT",
	.pulls = "/merge_requests",
	.open_state = "opened",
	.number_key = "iid",
	.comment = &comment,
	.close = &close_mr,
	.api_base = api_base,
	.prefix = prefix,
	.head_query = head_query,
	.labels_query = labels_query,
	.head_branch = head_branch,
	.head_sha = head_sha,
	.to_info = promote__gitlab_mr_to_info,
	.has_diff = has_diff,
	.create = create,
	.already_exists = already_exists,
	.set_labels = set_labels,
	.is_draft = promote__gitlab_draft,
	.read_checks = read_checks,
	.checks_why = checks_why,
	.not_mergeable = promote__gitlab_not_mergeable,
	.read_approvals = read_approvals,
	.waiting = waiting,
	.merge_pending = merge_pending,
	.approve = approve,
	.merge = merge,
};

PROMOTE__FORGE_PROVIDER(promote__gitlab_provider, gitlab)
