/*
 * The built-in "gitlab" git provider: merge requests at GitLab (gitlab.com or
 * self-managed) through its REST API v4. The branch itself is pushed by the
 * engine (lib/git); this opens, reads, merges, comments on, approves and
 * closes the merge request. The traps it guards against (the reuse-or-open
 * sequence and the merge guard are forge_common's, shared with github):
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
 *   the call says so with PROMOTE_EBUSY (a release reads it merged later).
 * A draft (a manual environment's, "Draft:" in its title) counts no approval
 * until it is marked ready: by a person at GitLab, or by approve_change, which
 * approves it (naming the head read: GitLab refuses if it moved) and takes the
 * draft prefix off its title.
 */
#include "gitlab.h"
#include "gitlab_client.h"
#include "gitlab_state.h"
#include "forge_common.h"
#include "providers/change.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* A merge request's JSON into `out`, with its id. */
static int mr_info(promote_change_info *out, promote__gitlab *gl, json_object *mr)
{
	char *id = promote__strdupf("%s!%lld", gl->path, (long long)promote__forge_int(mr, "iid"));
	int rc = id ? promote__gitlab_mr_to_info(out, mr, id) : promote__error_oom();
	free(id);
	return rc;
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

/* The open merge request of source branch `head` (by_head), else one with every label of `request`. */
static int find_open(json_object **mr, void *forge, const promote_change_request *request, bool by_head)
{
	promote__gitlab *gl = forge;
	*mr = NULL;
	char *labels = by_head ? NULL : labels_string(request);
	char *value = by_head ? promote__forge_escape(promote_change_request_head(request), false) :
		labels ? promote__forge_escape(labels, false) : NULL;
	char *suffix = value ? promote__strdupf("/merge_requests?state=opened&per_page=100&%s=%s",
				       by_head ? "source_branch" : "labels", value) : NULL;
	json_object *list = NULL;
	int rc = suffix ? promote__forge_list_at(&list, gl->api, gl->project, suffix) : promote__error_oom();
	size_t n = rc == 0 ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n && !*mr; i++) {
		json_object *candidate = json_object_array_get_idx(list, i);
		if (by_head ? strcmp(promote__forge_string(candidate, "source_branch"), promote_change_request_head(request)) == 0
			    : promote__forge_has_labels(json_object_object_get(candidate, "labels"), request))
			*mr = json_object_get(candidate);
	}
	json_object_put(list);
	free(suffix);
	free(value);
	free(labels);
	return rc;
}

/* Whether target...source changes anything (GitLab's compare of the two branches). */
static int has_diff(bool *diff, void *forge, const promote_change_request *request)
{
	promote__gitlab *gl = forge;
	char *base = promote__forge_escape(promote_change_request_base(request), false);
	char *head = promote__forge_escape(promote_change_request_head(request), false);
	char *suffix = base && head ? promote__strdupf("/repository/compare?from=%s&to=%s&straight=false", base, head) : NULL;
	json_object *answer = NULL, *diffs = NULL;
	int rc = suffix ? promote__forge_call_at(&answer, NULL, gl->api, "GET", gl->project, suffix, NULL)
			: promote__error_oom();
	if (rc == 0)
		*diff = json_object_object_get_ex(answer, "diffs", &diffs) && json_object_is_type(diffs, json_type_array) &&
			json_object_array_length(diffs) > 0;
	json_object_put(answer);
	free(suffix);
	free(head);
	free(base);
	return rc;
}

static int create(json_object **mr, void *forge, const promote_change_request *request)
{
	promote__gitlab *gl = forge;
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
		rc = promote__forge_call_at(mr, NULL, gl->api, "POST", gl->project, "/merge_requests", body);
	json_object_put(body);
	free(labels);
	free(title);
	return rc;
}

/* PUT .../merge_requests/IID with `body` (taken), the answer into *mr (NULL: dropped). */
static int update(json_object **mr, promote__gitlab *gl, int64_t iid, json_object *body)
{
	json_object *answer = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld", (long long)iid);
	int rc = body && suffix ? promote__forge_call_at(&answer, NULL, gl->api, "PUT", gl->project, suffix, body)
				: promote__error_oom();
	if (mr)
		*mr = answer;
	else
		json_object_put(answer);
	json_object_put(body);
	free(suffix);
	return rc;
}

/* A reused merge request gets the labels asked for that it lacks (add_labels keeps the others). */
static int add_labels(promote__gitlab *gl, json_object *mr, const promote_change_request *request)
{
	if (promote__forge_has_labels(json_object_object_get(mr, "labels"), request))
		return 0;
	char *labels = labels_string(request);
	json_object *body = json_object_new_object();
	int rc = labels && body ? promote__json_put_string(body, "add_labels", labels, false) : promote__error_oom();
	free(labels);
	return rc ? (json_object_put(body), rc) : update(NULL, gl, promote__forge_int(mr, "iid"), body);
}

/* open_change (`open`) or find_change: the merge request into `out`. */
static int answer_request(promote_change_info *out, const promote_change_request *request, void *payload, bool open)
{
	promote__gitlab gl;
	int rc = promote__gitlab_open(&gl, payload, promote__forge_request_env(request), NULL);
	if (rc)
		return rc;
	json_object *mr = NULL;
	promote__forge_ops ops = { "merge request", gl.path, &gl, find_open, has_diff, create };
	rc = open ? promote__forge_reuse_or_open(&mr, out, &ops, request) : find_open(&mr, &gl, request, false);
	if (rc == 0 && !mr)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"no open merge request of %s carries every label asked for", gl.path);
	if (rc == 0 && open && promote_change_info_reused(out))
		rc = add_labels(&gl, mr, request);
	if (rc == 0)
		rc = mr_info(out, &gl, mr);
	json_object_put(mr);
	promote__gitlab_close(&gl);
	return rc;
}

static int gitlab_open_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	return answer_request(out, request, payload, true);
}

static int gitlab_find_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	return answer_request(out, request, payload, false);
}

/* Everything get_change says: the merge request, its head pipeline's checks and its approvals. */
static int read_change(promote_change_info *out, json_object **mr, promote__gitlab *gl, int64_t iid)
{
	char *suffix = promote__strdupf("/merge_requests/%lld", (long long)iid);
	char *approvals_path = promote__strdupf("/merge_requests/%lld/approvals", (long long)iid);
	json_object *approvals = NULL;
	int rc = suffix && approvals_path ? promote__forge_call_at(mr, NULL, gl->api, "GET", gl->project, suffix, NULL)
					  : promote__error_oom();
	if (rc == 0)
		rc = mr_info(out, gl, *mr);
	bool conflict = false;
	const char *why = rc == 0 ? promote__gitlab_not_mergeable(*mr, &conflict) : NULL;
	if (rc == 0)
		rc = promote_change_info_set_checks(out,
			promote__forge_checks_seen(promote__gitlab_checks(*mr), out, why, conflict));
	if (rc == 0)
		rc = promote__forge_call_at(&approvals, NULL, gl->api, "GET", gl->project, approvals_path, NULL);
	/* A draft is a person's turn at GitLab: no approval counts until it is marked ready. */
	if (rc == 0)
		rc = promote_change_info_set_approvals(out, promote__gitlab_draft(*mr) ? 0 : promote__gitlab_approvals(approvals));
	json_object_put(approvals);
	free(approvals_path);
	free(suffix);
	return rc;
}

/* Open the project of change `id` and read its iid. */
static int open_change_id(promote__gitlab *gl, int64_t *iid, void *payload, const char *id)
{
	int rc = promote__forge_change_number(iid, id, '!', "gitlab", "merge request");
	return rc ? rc : promote__gitlab_open(gl, payload, NULL, id);
}

static int gitlab_get_change(promote_change_info *out, const char *id, void *payload)
{
	promote__gitlab gl;
	int64_t iid;
	int rc = open_change_id(&gl, &iid, payload, id);
	if (rc)
		return rc;
	json_object *mr = NULL;
	rc = read_change(out, &mr, &gl, iid);
	json_object_put(mr);
	promote__gitlab_close(&gl);
	return rc;
}

/* PUT .../merge naming head `sha` (GitLab answers 409 when the head moved since); `automatic`: when
 * the pipeline succeeds. The answer, the merge request, into *mr. */
static int put_merge(json_object **mr, promote__gitlab *gl, int64_t iid, const char *sha, bool automatic,
	const char *id)
{
	json_object *body = json_object_new_object();
	char *suffix = promote__strdupf("/merge_requests/%lld/merge", (long long)iid);
	int rc = body && suffix ? promote__json_put_string(body, "sha", sha, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(body, "should_remove_source_branch", json_object_new_boolean(1), false);
	if (rc == 0 && strcmp(gl->merge_method, "squash") == 0)
		rc = promote__json_put(body, "squash", json_object_new_boolean(1), false);
	/* merge_when_pipeline_succeeds until GitLab 17.11, auto_merge since; each ignores the other. */
	if (rc == 0 && automatic)
		rc = promote__json_put(body, "merge_when_pipeline_succeeds", json_object_new_boolean(1), false);
	if (rc == 0 && automatic)
		rc = promote__json_put(body, "auto_merge", json_object_new_boolean(1), false);
	if (rc == 0)
		rc = promote__forge_call_at(mr, NULL, gl->api, "PUT", gl->project, suffix, body);
	rc = promote__forge_merge_refused(rc, "merge request", "GitLab", id, sha);
	json_object_put(body);
	free(suffix);
	return rc;
}

static int gitlab_merge_change(promote_change_info *out, const char *id, void *payload)
{
	promote__gitlab gl;
	int64_t iid;
	int rc = open_change_id(&gl, &iid, payload, id);
	if (rc)
		return rc;
	json_object *mr = NULL, *merged = NULL;
	rc = read_change(out, &mr, &gl, iid);
	bool conflict = false, open = rc == 0 && promote_change_info_state(out) == PROMOTE_CHANGE_OPEN;
	const char *why = open ? promote__gitlab_not_mergeable(mr, &conflict) : NULL;
	const char *sha = promote__forge_string(mr, "sha");
	bool automatic = open && !promote__gitlab_draft(mr) && promote__gitlab_waits_for_pipeline(mr);
	if (rc) {
		/* the read failed */
	} else if (automatic) {
		/* Its pipeline runs: GitLab merges it when the pipeline succeeds, if the head is still `sha`. */
		rc = put_merge(&merged, &gl, iid, sha, true, id);
	} else if ((rc = promote__forge_merge_guard(out, why, conflict, id, "merge request", "GitLab", sha)) != 0) {
		rc = rc > 0 ? 0 : rc;  /* 1: merged already */
	} else {
		rc = put_merge(&merged, &gl, iid, sha, false, id);
	}
	/* Merged only when GitLab says so: an automatic merge waits for the pipeline, and a merge GitLab
	 * is still carrying out ("locked") is read again later — never recorded without its commit. */
	if (rc == 0 && merged && strcmp(promote__forge_string(merged, "state"), "merged") != 0)
		rc = automatic ? promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
				"merge request %s is not merged yet: its pipeline is running, and GitLab merges it when "
				"the pipeline succeeds (auto-merge is set for head %.12s)", id, sha)
			       : promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
				"merge request %s is not merged yet: GitLab accepted the merge of head %.12s and is still "
				"carrying it out (its state is '%s')", id, sha, promote__forge_string(merged, "state"));
	if (rc == 0 && merged)
		rc = mr_info(out, &gl, merged);
	json_object_put(merged);
	json_object_put(mr);
	promote__gitlab_close(&gl);
	return rc;
}

/* METHOD /projects/ID`format`(the iid of change `id`) with the body {key: value}. */
static int send_to(void *payload, const char *id, const char *method, const char *format, const char *key,
	const char *value)
{
	promote__gitlab gl;
	int64_t iid;
	int rc = open_change_id(&gl, &iid, payload, id);
	if (rc)
		return rc;
	char *suffix = promote__strdupf(format, (long long)iid);
	char *path = suffix ? promote__strdupf("%s%s", gl.project, suffix) : NULL;
	rc = path ? promote__forge_send(gl.api, method, path, key, value) : promote__error_oom();
	free(path);
	free(suffix);
	promote__gitlab_close(&gl);
	return rc;
}

static int gitlab_comment_change(const char *id, const char *body, void *payload)
{
	return send_to(payload, id, "POST", "/merge_requests/%lld/notes", "body", body);
}

static int gitlab_close_change(const char *id, void *payload)
{
	return send_to(payload, id, "PUT", "/merge_requests/%lld", "state_event", "close");
}

static int gitlab_approve_change(promote_change_info *out, const char *id, const char *by, void *payload)
{
	(void)by;  /* GitLab records the token's owner as the approver; it takes no text */
	promote__gitlab gl;
	int64_t iid;
	int rc = open_change_id(&gl, &iid, payload, id);
	if (rc)
		return rc;
	json_object *mr = NULL, *request = json_object_new_object(), *answer = NULL;
	char *suffix = promote__strdupf("/merge_requests/%lld", (long long)iid);
	char *approve = promote__strdupf("/merge_requests/%lld/approve", (long long)iid);
	rc = request && suffix && approve ? promote__forge_call_at(&mr, NULL, gl.api, "GET", gl.project, suffix, NULL)
					  : promote__error_oom();
	/* The head read is the one approved: GitLab refuses (409) if it moved meanwhile. */
	if (rc == 0)
		rc = promote__json_put_string(request, "sha", promote__forge_string(mr, "sha"), false);
	if (rc == 0)
		rc = promote__forge_call_at(&answer, NULL, gl.api, "POST", gl.project, approve, request);
	/* A draft approved is ready to merge (promote/sys/git_provider.h): its draft prefix goes. */
	json_object *ready = rc == 0 && promote__gitlab_draft(mr) ? json_object_new_object() : NULL;
	if (ready && (rc = promote__json_put_string(ready, "title", promote__gitlab_ready_title(mr), false)) == 0)
		rc = update(NULL, &gl, iid, ready);
	else
		json_object_put(ready);
	json_object_put(mr);
	mr = NULL;
	if (rc == 0)
		rc = read_change(out, &mr, &gl, iid);
	json_object_put(mr);
	json_object_put(answer);
	json_object_put(request);
	free(approve);
	free(suffix);
	promote__gitlab_close(&gl);
	return rc;
}

const promote_git_provider *promote__gitlab_provider(void)
{
	static const promote_git_provider vtable = {
		.version = PROMOTE_GIT_PROVIDER_VERSION,
		.open_change = gitlab_open_change,
		.get_change = gitlab_get_change,
		.find_change = gitlab_find_change,
		.merge_change = gitlab_merge_change,
		.comment_change = gitlab_comment_change,
		.close_change = gitlab_close_change,
		.approve_change = gitlab_approve_change,
	};
	return &vtable;
}
