/* GitHub's answers read as a change's state (github_state.h). */
#include "github_state.h"
#include "forge_json.h"

#include "core/error.h"

#include <promote/sys/git_provider.h>

#include <string.h>

int promote__github_checks(json_object *combined, json_object *runs)
{
	int checks = promote__forge_status_checks(combined);
	json_object *list = NULL;
	json_object_object_get_ex(runs, "check_runs", &list);
	size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *run = json_object_array_get_idx(list, i);
		const char *conclusion = promote__forge_string(run, "conclusion");
		if (strcmp(promote__forge_string(run, "status"), "completed") != 0)
			checks = promote__forge_checks_worst(checks, PROMOTE_CHECKS_PENDING);
		else if (!strcmp(conclusion, "success") || !strcmp(conclusion, "neutral") || !strcmp(conclusion, "skipped"))
			checks = promote__forge_checks_worst(checks, PROMOTE_CHECKS_PASSING);
		else
			checks = promote__forge_checks_worst(checks, PROMOTE_CHECKS_FAILING);
	}
	return checks;
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
