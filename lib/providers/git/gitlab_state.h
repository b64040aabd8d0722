/*
 * Internal: what GitLab's answers say of a merge request, in the words of
 * promote/change.h — pure functions over the JSON, no calls.
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITLAB_STATE_H
#define PROMOTE_PROVIDERS_GIT_GITLAB_STATE_H

#include "core/common.h"

#include <json-c/json.h>

/* Whether a merge request is a draft: `draft` (`work_in_progress` before GitLab 14) or its title's
 * "Draft:", "[Draft]", "(Draft)" or "WIP:" prefix. */
bool promote__gitlab_draft(json_object *mr);

/* Its title without the draft prefix (the whole title when it has none): what marks it ready. */
const char *promote__gitlab_ready_title(json_object *mr);

/* The commit its target branch got when it was merged: merge_commit_sha, else squash_commit_sha (a
 * squash fast-forwarded), else its head (fast-forwarded). */
const char *promote__gitlab_merged_commit(json_object *mr);

/* Id, URL, source and target branches, title, state ("opened" and "locked" — being merged — are open),
 * draft and merged commit of a merge request (GET .../merge_requests/IID) into `out`. */
int promote__gitlab_mr_to_info(promote_change_info *out, json_object *mr, const char *id);

/* The checks of its head: its head_pipeline's status — passing (success, skipped), failing (failed,
 * canceled), pending (every other: created, waiting_for_resource, preparing, pending, running,
 * manual, scheduled; also a pipeline of an older commit than the head: the head's is not there yet),
 * none without a pipeline. */
int promote__gitlab_checks(json_object *mr);

/* Why GitLab would not merge it now, from detailed_merge_status (merge_status before GitLab 15.6):
 * NULL when it would ("mergeable"), else a sentence; *conflict is true for "conflict" and
 * "need_rebase" (a person must resolve or rebase). One being merged (state "locked") is not ready. */
const char *promote__gitlab_not_mergeable(json_object *mr, bool *conflict);

/* Whether GitLab would merge it but for its running pipeline: the status is ci_still_running or
 * ci_must_pass (or mergeable) while the head's pipeline runs — what "merge when pipeline succeeds"
 * (auto-merge) waits for. */
bool promote__gitlab_waits_for_pipeline(json_object *mr);

/* Approvals: the users in approved_by of GET .../approvals. */
unsigned promote__gitlab_approvals(json_object *approvals);

#endif
