/* What GitLab's answers say of a merge request (lib/providers/git/gitlab_state.c) and the change ids
 * and label matching of the forge layer (lib/providers/git/forge.c, forge_json.c) in GitLab's words: pure
 * functions. */
#include "helpers.h"

#include "providers/change.h"
#include "providers/git/forge.h"
#include "providers/git/forge_json.h"
#include "providers/git/gitlab_state.h"

static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);
	assert_non_null(o);
	return o;
}

static int checks_of(const char *mr)
{
	json_object *m = parse(mr);
	int checks = promote__gitlab_checks(m);
	json_object_put(m);
	return checks;
}

#define PIPELINE(status) "{\"sha\": \"abc\", \"head_pipeline\": {\"sha\": \"abc\", \"status\": \"" status "\"}}"

static void test_checks(void **state)
{
	(void)state;
	assert_int_equal(checks_of("{\"sha\": \"abc\", \"head_pipeline\": null}"), PROMOTE_CHECKS_NONE);
	assert_int_equal(checks_of("{\"sha\": \"abc\"}"), PROMOTE_CHECKS_NONE);
	assert_int_equal(checks_of(PIPELINE("success")), PROMOTE_CHECKS_PASSING);
	assert_int_equal(checks_of(PIPELINE("skipped")), PROMOTE_CHECKS_PASSING);
	assert_int_equal(checks_of(PIPELINE("failed")), PROMOTE_CHECKS_FAILING);
	assert_int_equal(checks_of(PIPELINE("canceled")), PROMOTE_CHECKS_FAILING);
	static const char *const running[] = { "created", "waiting_for_resource", "preparing", "pending", "running",
		"manual", "scheduled" };
	for (size_t i = 0; i < sizeof running / sizeof *running; i++) {
		char mr[160];
		snprintf(mr, sizeof mr, "{\"sha\": \"abc\", \"head_pipeline\": {\"sha\": \"abc\", \"status\": \"%s\"}}",
			running[i]);
		assert_int_equal(checks_of(mr), PROMOTE_CHECKS_PENDING);
	}
	/* A passed pipeline of an older head: the new head's pipeline is not there yet. */
	assert_int_equal(checks_of("{\"sha\": \"new\", \"head_pipeline\": {\"sha\": \"old\", \"status\": \"success\"}}"),
		PROMOTE_CHECKS_PENDING);
}

#define DETAILED(s) "{\"detailed_merge_status\": \"" s "\"}"

/* A merge request's JSON, the words expected in why it is not mergeable (NULL: it is), a conflict. */
static const struct {
	const char *mr;
	const char *why;
	bool conflict;
} MERGE_STATUSES[] = {
	{ DETAILED("mergeable"), NULL, false },
	{ DETAILED("conflict"), "conflicts with its target branch", true },
	{ DETAILED("need_rebase"), "must be rebased", true },
	{ DETAILED("checking"), "checking", false },
	{ DETAILED("unchecked"), "not checked yet", false },
	{ DETAILED("ci_must_pass"), "pipeline to succeed", false },
	{ DETAILED("ci_still_running"), "pipeline is still running", false },
	{ DETAILED("not_approved"), "lacks the approvals", false },
	{ DETAILED("draft_status"), "a draft", false },
	{ DETAILED("discussions_not_resolved"), "discussions", false },
	{ DETAILED("approvals_syncing"), "syncing its approval rules", false },
	{ DETAILED("some_future_status"), "does not say it can be merged", false },
	/* GitLab before 15.6: merge_status (and has_conflicts) only. */
	{ "{\"merge_status\": \"can_be_merged\"}", NULL, false },
	{ "{\"merge_status\": \"cannot_be_merged\"}", "conflicts", true },
	{ "{\"merge_status\": \"can_be_merged\", \"has_conflicts\": true}", "conflicts", true },
	{ "{\"merge_status\": \"unchecked\"}", "checking", false },
	/* Being merged. */
	{ "{\"state\": \"locked\", \"detailed_merge_status\": \"mergeable\"}", "merging it now", false },
};

static void test_detailed_merge_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof MERGE_STATUSES / sizeof *MERGE_STATUSES; i++) {
		json_object *m = parse(MERGE_STATUSES[i].mr);
		bool conflict = !MERGE_STATUSES[i].conflict;
		const char *why = promote__gitlab_not_mergeable(m, &conflict);
		if (MERGE_STATUSES[i].why)
			assert_non_null(strstr(why ? why : "", MERGE_STATUSES[i].why));
		else
			assert_null(why);
		assert_int_equal(conflict, MERGE_STATUSES[i].conflict);
		json_object_put(m);
	}
}

static void test_waits_for_pipeline(void **state)
{
	(void)state;
	static const struct {
		const char *mr;
		bool waits;
	} cases[] = {
		{ "{\"sha\": \"a\", \"detailed_merge_status\": \"ci_still_running\", "
		  "\"head_pipeline\": {\"sha\": \"a\", \"status\": \"running\"}}", true },
		{ "{\"sha\": \"a\", \"detailed_merge_status\": \"mergeable\", "
		  "\"head_pipeline\": {\"sha\": \"a\", \"status\": \"pending\"}}", true },
		{ "{\"sha\": \"a\", \"detailed_merge_status\": \"not_approved\", "
		  "\"head_pipeline\": {\"sha\": \"a\", \"status\": \"running\"}}", false },
		{ "{\"sha\": \"a\", \"detailed_merge_status\": \"mergeable\", "
		  "\"head_pipeline\": {\"sha\": \"a\", \"status\": \"success\"}}", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_object *m = parse(cases[i].mr);
		assert_int_equal(promote__gitlab_waits_for_pipeline(m), cases[i].waits);
		json_object_put(m);
	}
}

/* A merge request read into a change's info: its state, draft and merge commit. */
static const struct {
	const char *mr;
	int state;
	bool draft;
	const char *merge_commit;
} MRS[] = {
	/* Squashed and fast-forwarded: no merge commit, the squash commit is the target's. */
	{ "{\"iid\": 3, \"state\": \"merged\", \"title\": \"Promote shop\", \"sha\": \"head\", "
	  "\"merge_commit_sha\": null, \"squash_commit_sha\": \"sq\"}", PROMOTE_CHANGE_MERGED, false, "sq" },
	{ "{\"iid\": 3, \"state\": \"merged\", \"title\": \"x\", \"sha\": \"head\", \"merge_commit_sha\": \"mc\"}",
	  PROMOTE_CHANGE_MERGED, false, "mc" },
	/* Fast-forwarded: the head is the target's. */
	{ "{\"iid\": 3, \"state\": \"merged\", \"title\": \"x\", \"sha\": \"head\"}", PROMOTE_CHANGE_MERGED, false,
	  "head" },
	/* Being merged ("locked") is still open; a draft by its title. */
	{ "{\"iid\": 4, \"state\": \"locked\", \"title\": \"Draft: Promote shop\"}", PROMOTE_CHANGE_OPEN, true, "" },
	{ "{\"iid\": 5, \"state\": \"closed\", \"title\": \"Drafting the release\"}", PROMOTE_CHANGE_CLOSED, false,
	  "" },
	{ "{\"iid\": 6, \"state\": \"opened\", \"title\": \"[Draft] x\"}", PROMOTE_CHANGE_OPEN, true, "" },
	{ "{\"iid\": 6, \"state\": \"opened\", \"title\": \"(draft) x\"}", PROMOTE_CHANGE_OPEN, true, "" },
	{ "{\"iid\": 6, \"state\": \"opened\", \"title\": \"WIP: x\"}", PROMOTE_CHANGE_OPEN, true, "" },
	{ "{\"iid\": 6, \"state\": \"opened\", \"title\": \"x\", \"draft\": true}", PROMOTE_CHANGE_OPEN, true, "" },
	{ "{\"iid\": 6, \"state\": \"opened\", \"title\": \"x\", \"work_in_progress\": true}", PROMOTE_CHANGE_OPEN,
	  true, "" },
};

static void test_mr_to_info_and_draft(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof MRS / sizeof *MRS; i++) {
		json_object *mr = parse(MRS[i].mr);
		promote_change_info *info = promote__change_info_new();
		assert_int_equal(promote__gitlab_mr_to_info(info, mr, "g/s/p!3"), 0);
		assert_string_equal(promote_change_info_id(info), "g/s/p!3");
		assert_int_equal(promote_change_info_state(info), MRS[i].state);
		assert_int_equal(promote_change_info_draft(info), MRS[i].draft);
		assert_string_equal(promote_change_info_merge_commit(info), MRS[i].merge_commit);
		promote_change_info_free(info);
		json_object_put(mr);
	}
	json_object *mr = parse("{\"title\": \"Draft:  Promote shop\", \"source_branch\": \"promote/x\", "
		"\"target_branch\": \"main\", \"web_url\": \"https://gitlab.com/g/s/p/-/merge_requests/3\"}");
	assert_string_equal(promote__gitlab_ready_title(mr), "Promote shop");
	promote_change_info *info = promote__change_info_new();
	assert_int_equal(promote__gitlab_mr_to_info(info, mr, "g/s/p!3"), 0);
	assert_string_equal(promote_change_info_head(info), "promote/x");
	assert_string_equal(promote_change_info_base(info), "main");
	assert_string_equal(promote_change_info_url(info), "https://gitlab.com/g/s/p/-/merge_requests/3");
	promote_change_info_free(info);
	json_object_put(mr);
}

static void test_approvals(void **state)
{
	(void)state;
	json_object *a = parse("{\"approved\": true, \"approved_by\": [{\"user\": {\"username\": \"ann\"}}, "
		"{\"user\": {\"username\": \"bob\"}}]}");
	assert_int_equal(promote__gitlab_approvals(a), 2);
	json_object_put(a);
	a = parse("{\"approved\": false, \"approved_by\": []}");
	assert_int_equal(promote__gitlab_approvals(a), 0);
	json_object_put(a);
}

static void test_change_ids_and_labels(void **state)
{
	(void)state;
	int64_t n = 0;
	/* The words of the gitlab kind (lib/providers/git/gitlab.c) that change ids use. */
	const promote__forge_kind gitlab = { .provider = "gitlab", .what = "merge request", .id_sep = '!',
		.shape = "GROUP/PROJECT" };
	assert_int_equal(promote__forge_change_number(&n, "g/sub/p!12", &gitlab), 0);
	assert_int_equal(n, 12);
	assert_int_equal(promote__forge_change_number(&n, "7", &gitlab), 0);
	assert_int_equal(n, 7);
	assert_int_equal(promote__forge_change_number(&n, "g/p#3", &gitlab), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message,
		"'g/p#3' is not a change id of the gitlab provider: it is GROUP/PROJECT!NUMBER, the merge request's");
	promote_change_request *request = NULL;
	assert_int_equal(promote_change_request_new(&request, "promote/x", "main"), 0);
	assert_int_equal(promote_change_request_add_label(request, "a"), 0);
	assert_int_equal(promote_change_request_add_label(request, "b"), 0);
	json_object *names = parse("{\"labels\": [\"b\", \"c\", \"a\"]}");
	json_object *objects = parse("{\"labels\": [{\"name\": \"a\"}, {\"name\": \"c\"}]}");
	assert_true(promote__forge_has_labels(names, request));     /* GitLab: names */
	assert_false(promote__forge_has_labels(objects, request));  /* GitHub: objects with a name (b is missing) */
	json_object_put(names);
	json_object_put(objects);
	promote_change_request_free(request);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_detailed_merge_status),
		cmocka_unit_test(test_waits_for_pipeline),
		cmocka_unit_test(test_mr_to_info_and_draft),
		cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_change_ids_and_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
