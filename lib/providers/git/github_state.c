/* GitHub's answers read as a change's state (github_state.h). */
#include "github_state.h"
#include "forge_common.h"

#include "core/error.h"

#include <promote/sys/git_provider.h>

#include <string.h>

int promote__github_pull_to_info(promote_change_info *out, json_object *pull, const char *id)
{
	json_object *head = NULL, *base = NULL;
	json_object_object_get_ex(pull, "head", &head);
	json_object_object_get_ex(pull, "base", &base);
	bool merged = promote__forge_bool(pull, "merged") || *promote__forge_string(pull, "merged_at");
	promote__forge_fields fields = {
		promote__forge_string(pull, "html_url"), promote__forge_string(head, "ref"),
		promote__forge_string(base, "ref"), promote__forge_string(pull, "title"),
		promote__forge_string(pull, "merge_commit_sha"),
		merged ? PROMOTE_CHANGE_MERGED :
		strcmp(promote__forge_string(pull, "state"), "open") == 0 ? PROMOTE_CHANGE_OPEN : PROMOTE_CHANGE_CLOSED,
		promote__forge_bool(pull, "draft"),
	};
	return promote__forge_fill_info(out, id, &fields);
}

/* One verdict into the running total: failing beats pending beats passing beats none. */
static int worst(int checks, int verdict)
{
	static const int rank[] = { [PROMOTE_CHECKS_NONE] = 0, [PROMOTE_CHECKS_PASSING] = 1,
		[PROMOTE_CHECKS_PENDING] = 2, [PROMOTE_CHECKS_FAILING] = 3 };
	return rank[verdict] > rank[checks] ? verdict : checks;
}

int promote__github_checks(json_object *combined, json_object *runs)
{
	int checks = PROMOTE_CHECKS_NONE;
	if (promote__forge_int(combined, "total_count") > 0) {
		const char *state = promote__forge_string(combined, "state");
		checks = strcmp(state, "success") == 0 ? PROMOTE_CHECKS_PASSING :
			strcmp(state, "pending") == 0 ? PROMOTE_CHECKS_PENDING : PROMOTE_CHECKS_FAILING;
	}
	json_object *list = NULL;
	json_object_object_get_ex(runs, "check_runs", &list);
	size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *run = json_object_array_get_idx(list, i);
		const char *conclusion = promote__forge_string(run, "conclusion");
		if (strcmp(promote__forge_string(run, "status"), "completed") != 0)
			checks = worst(checks, PROMOTE_CHECKS_PENDING);
		else if (!strcmp(conclusion, "success") || !strcmp(conclusion, "neutral") || !strcmp(conclusion, "skipped"))
			checks = worst(checks, PROMOTE_CHECKS_PASSING);
		else
			checks = worst(checks, PROMOTE_CHECKS_FAILING);
	}
	return checks;
}

unsigned promote__github_approvals(json_object *reviews)
{
	size_t n = json_object_is_type(reviews, json_type_array) ? json_object_array_length(reviews) : 0;
	unsigned approvals = 0;
	/* Reviews come oldest first: a reviewer's verdict is their last APPROVED or CHANGES_REQUESTED. */
	for (size_t i = 0; i < n; i++) {
		json_object *review = json_object_array_get_idx(reviews, i), *user = NULL;
		if (strcmp(promote__forge_string(review, "state"), "APPROVED") != 0)
			continue;
		json_object_object_get_ex(review, "user", &user);
		const char *login = promote__forge_string(user, "login");
		bool later_verdict = false;
		for (size_t j = i + 1; j < n && !later_verdict; j++) {
			json_object *next = json_object_array_get_idx(reviews, j), *next_user = NULL;
			json_object_object_get_ex(next, "user", &next_user);
			const char *state = promote__forge_string(next, "state");
			later_verdict = strcmp(promote__forge_string(next_user, "login"), login) == 0 &&
				(!strcmp(state, "APPROVED") || !strcmp(state, "CHANGES_REQUESTED"));
		}
		approvals += !later_verdict;
	}
	return approvals;
}

const char *promote__github_not_mergeable(json_object *pull, bool *conflict)
{
	const char *state = promote__forge_string(pull, "mergeable_state");
	*conflict = strcmp(state, "dirty") == 0;
	if (*conflict)
		return "it conflicts with its base branch: a person must resolve the conflict on the branch";
	if (strcmp(state, "blocked") == 0)
		return "branch protection blocks it (required reviews or checks are missing)";
	if (strcmp(state, "behind") == 0)
		return "its branch is behind the base, which branch protection requires to be up to date";
	if (strcmp(state, "draft") == 0 || promote__forge_bool(pull, "draft"))
		return "it is a draft: a person marks it ready for review at GitHub";
	if (strcmp(state, "unknown") == 0 || !*state)
		return "GitHub has not computed yet whether it can be merged; ask again shortly";
	return NULL;
}
