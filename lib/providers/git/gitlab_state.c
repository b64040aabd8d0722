/* GitLab's answers read as a change's state (gitlab_state.h). */
#include "gitlab_state.h"
#include "forge_json.h"

#include <promote/sys/git_provider.h>

#include <string.h>
#include <strings.h>

static const char *const DRAFT_PREFIXES[] = { "Draft:", "[Draft]", "(Draft)", "WIP:", "[WIP]" };

const char *promote__gitlab_ready_title(json_object *mr)
{
	const char *title = promote__forge_string(mr, "title");
	for (size_t i = 0; i < sizeof DRAFT_PREFIXES / sizeof *DRAFT_PREFIXES; i++)
		if (strncasecmp(title, DRAFT_PREFIXES[i], strlen(DRAFT_PREFIXES[i])) == 0) {
			title += strlen(DRAFT_PREFIXES[i]);
			return title + strspn(title, " ");
		}
	return title;
}

bool promote__gitlab_draft(json_object *mr)
{
	return promote__forge_bool(mr, "draft") || promote__forge_bool(mr, "work_in_progress") ||
	       promote__gitlab_ready_title(mr) != promote__forge_string(mr, "title");
}

const char *promote__gitlab_merged_commit(json_object *mr)
{
	const char *commit = promote__forge_string(mr, "merge_commit_sha");
	if (!*commit)
		commit = promote__forge_string(mr, "squash_commit_sha");
	return *commit ? commit : promote__forge_string(mr, "sha");
}

int promote__gitlab_mr_to_info(promote_change_info *out, json_object *mr, const char *id)
{
	const char *state = promote__forge_string(mr, "state");
	promote__forge_fields fields = {
		promote__forge_string(mr, "web_url"), promote__forge_string(mr, "source_branch"),
		promote__forge_string(mr, "target_branch"), promote__forge_string(mr, "title"),
		promote__gitlab_merged_commit(mr),
		strcmp(state, "merged") == 0 ? PROMOTE_CHANGE_MERGED :
		strcmp(state, "opened") == 0 || strcmp(state, "locked") == 0 ? PROMOTE_CHANGE_OPEN : PROMOTE_CHANGE_CLOSED,
		promote__gitlab_draft(mr),
	};
	return promote__forge_fill_info(out, id, &fields);
}

int promote__gitlab_checks(json_object *mr)
{
	json_object *pipeline = NULL;
	if (!json_object_object_get_ex(mr, "head_pipeline", &pipeline) || !json_object_is_type(pipeline, json_type_object))
		return PROMOTE_CHECKS_NONE;
	const char *status = promote__forge_string(pipeline, "status"), *sha = promote__forge_string(pipeline, "sha");
	if (*sha && strcmp(sha, promote__forge_string(mr, "sha")) != 0)
		return PROMOTE_CHECKS_PENDING;  /* the pipeline of an older head: the new head's is not there yet */
	if (!strcmp(status, "success") || !strcmp(status, "skipped"))
		return PROMOTE_CHECKS_PASSING;
	if (!strcmp(status, "failed") || !strcmp(status, "canceled"))
		return PROMOTE_CHECKS_FAILING;
	return PROMOTE_CHECKS_PENDING;
}

/* detailed_merge_status → why not now; NULL for mergeable. */
static const struct {
	const char *status;
	const char *why;
} REASONS[] = {
	{ "conflict", "it conflicts with its target branch: a person must resolve the conflict on the branch" },
	{ "need_rebase", "its branch must be rebased onto the target branch (the project merges fast-forward only)" },
	{ "checking", "GitLab is checking whether it can be merged; ask again shortly" },
	{ "unchecked", "GitLab has not checked yet whether it can be merged; ask again shortly" },
	{ "preparing", "GitLab is still preparing it; ask again shortly" },
	{ "approvals_syncing", "GitLab is still syncing its approval rules; ask again shortly" },
	{ "ci_must_pass", "the project requires its pipeline to succeed first" },
	{ "ci_still_running", "its pipeline is still running" },
	{ "not_approved", "it lacks the approvals its approval rules require" },
	{ "requested_changes", "a reviewer requested changes" },
	{ "draft_status", "it is a draft: a person marks it ready at GitLab" },
	{ "discussions_not_resolved", "its discussions (threads) are not all resolved" },
	{ "blocked_status", "another merge request blocks it" },
	{ "merge_request_blocked", "another merge request blocks it" },
	{ "status_checks_must_pass", "its external status checks must pass first" },
	{ "jira_association_missing", "its title or description must name a Jira issue" },
	{ "security_policy_violations", "a security policy blocks it" },
	{ "merge_time", "it may not be merged before its scheduled merge time" },
	{ "locked_paths", "it touches paths locked by another user" },
	{ "locked_lfs_files", "it touches LFS files locked by another user" },
	{ "title_regex", "its title does not match the project's required pattern" },
	{ "commits_status", "its source branch is missing or has no commits" },
	{ "not_open", "it is not open" },
};

const char *promote__gitlab_not_mergeable(json_object *mr, bool *conflict)
{
	const char *status = promote__forge_string(mr, "detailed_merge_status");
	*conflict = false;
	if (strcmp(promote__forge_string(mr, "state"), "locked") == 0)
		return "GitLab is merging it now; ask again shortly";
	if (!*status) {
		/* GitLab before 15.6: merge_status only (and has_conflicts). */
		const char *old = promote__forge_string(mr, "merge_status");
		status = promote__forge_bool(mr, "has_conflicts") || !strcmp(old, "cannot_be_merged") ? "conflict" :
			 !strcmp(old, "can_be_merged") ? "mergeable" : "checking";
	}
	if (strcmp(status, "mergeable") == 0)
		return NULL;
	*conflict = !strcmp(status, "conflict") || !strcmp(status, "need_rebase");
	for (size_t i = 0; i < sizeof REASONS / sizeof *REASONS; i++)
		if (strcmp(status, REASONS[i].status) == 0)
			return REASONS[i].why;
	return "GitLab does not say it can be merged (its detailed_merge_status is one this version does not know)";
}

bool promote__gitlab_waits_for_pipeline(json_object *mr)
{
	const char *status = promote__forge_string(mr, "detailed_merge_status");
	return promote__gitlab_checks(mr) == PROMOTE_CHECKS_PENDING &&
	       (!strcmp(status, "ci_still_running") || !strcmp(status, "ci_must_pass") || !strcmp(status, "mergeable"));
}

unsigned promote__gitlab_approvals(json_object *approvals)
{
	json_object *by = NULL;
	json_object_object_get_ex(approvals, "approved_by", &by);
	return json_object_is_type(by, json_type_array) ? (unsigned)json_object_array_length(by) : 0;
}
