/* A forge's answers read as a change's state (forge_json.h). */
#include "forge_json.h"

#include "core/error.h"

#include <promote/sys/git_provider.h>

#include <string.h>

const char *promote__forge_string(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
		json_object_get_string(v) : "";
}

int64_t promote__forge_int(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

bool promote__forge_bool(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

const char *promote__forge_string_in(json_object *o, const char *member, const char *key)
{
	json_object *inner = NULL;
	json_object_object_get_ex(o, member, &inner);
	return promote__forge_string(inner, key);
}

int promote__forge_pull_to_info(promote_change_info *out, json_object *pull, const char *id, bool draft)
{
	bool merged = promote__forge_bool(pull, "merged") || *promote__forge_string(pull, "merged_at");
	int state = merged ? PROMOTE_CHANGE_MERGED :
		strcmp(promote__forge_string(pull, "state"), "open") == 0 ? PROMOTE_CHANGE_OPEN : PROMOTE_CHANGE_CLOSED;
	int rc = promote_change_info_set_id(out, id);
	if (rc == 0)
		rc = promote_change_info_set_url(out, promote__forge_string(pull, "html_url"));
	if (rc == 0)
		rc = promote_change_info_set_head(out, promote__forge_string_in(pull, "head", "ref"));
	if (rc == 0)
		rc = promote_change_info_set_base(out, promote__forge_string_in(pull, "base", "ref"));
	if (rc == 0)
		rc = promote_change_info_set_title(out, promote__forge_string(pull, "title"));
	if (rc == 0)
		rc = promote_change_info_set_state(out, state);
	if (rc == 0)
		rc = promote_change_info_set_draft(out, draft);
	if (rc == 0 && merged)
		rc = promote_change_info_set_merge_commit(out, promote__forge_string(pull, "merge_commit_sha"));
	return rc;
}

bool promote__forge_has_label(json_object *pull, const char *name)
{
	json_object *labels = NULL;
	json_object_object_get_ex(pull, "labels", &labels);
	size_t n = json_object_is_type(labels, json_type_array) ? json_object_array_length(labels) : 0;
	for (size_t j = 0; j < n; j++)
		if (strcmp(promote__forge_string(json_object_array_get_idx(labels, j), "name"), name) == 0)
			return true;
	return false;
}

bool promote__forge_has_labels(json_object *pull, const promote_change_request *request)
{
	for (size_t i = 0; i < promote_change_request_label_count(request); i++)
		if (!promote__forge_has_label(pull, promote_change_request_label_at(request, i)))
			return false;
	return true;
}

int promote__forge_checks_worst(int checks, int verdict)
{
	static const int rank[] = { [PROMOTE_CHECKS_NONE] = 0, [PROMOTE_CHECKS_PASSING] = 1,
		[PROMOTE_CHECKS_PENDING] = 2, [PROMOTE_CHECKS_FAILING] = 3 };
	return rank[verdict] > rank[checks] ? verdict : checks;
}

int promote__forge_status_checks(json_object *combined)
{
	if (promote__forge_int(combined, "total_count") <= 0)
		return PROMOTE_CHECKS_NONE;
	const char *state = promote__forge_string(combined, "state");
	return strcmp(state, "success") == 0 || strcmp(state, "warning") == 0 ? PROMOTE_CHECKS_PASSING :
		strcmp(state, "pending") == 0 ? PROMOTE_CHECKS_PENDING : PROMOTE_CHECKS_FAILING;
}

static bool is_verdict(json_object *review)
{
	const char *state = promote__forge_string(review, "state");
	return !promote__forge_bool(review, "dismissed") &&
	       (!strcmp(state, "APPROVED") || !strcmp(state, "CHANGES_REQUESTED") || !strcmp(state, "REQUEST_CHANGES"));
}

unsigned promote__forge_approvals(json_object *reviews)
{
	size_t n = json_object_is_type(reviews, json_type_array) ? json_object_array_length(reviews) : 0;
	unsigned approvals = 0;
	/* Reviews come oldest first: a reviewer's verdict is their last one. */
	for (size_t i = 0; i < n; i++) {
		json_object *review = json_object_array_get_idx(reviews, i);
		if (!is_verdict(review) || strcmp(promote__forge_string(review, "state"), "APPROVED") != 0)
			continue;
		const char *login = promote__forge_string_in(review, "user", "login");
		bool later_verdict = false;
		for (size_t j = i + 1; j < n && !later_verdict; j++) {
			json_object *next = json_object_array_get_idx(reviews, j);
			later_verdict = is_verdict(next) && strcmp(promote__forge_string_in(next, "user", "login"), login) == 0;
		}
		approvals += !later_verdict;
	}
	return approvals;
}
