/* What GitHub's and Gitea's answers say of a pull request (lib/providers/git/github_state.c and
 * forge_json.c) and a forge URL read as host, owner and name (lib/net/forge_url.c): pure functions over
 * JSON and strings. */
#include "helpers.h"

#include "net/forge_url.h"
#include "providers/change.h"
#include "providers/git/forge_json.h"
#include "providers/git/github_state.h"

static json_object *parse(const char *text)
{
	json_object *o = json_tokener_parse(text);
	assert_non_null(o);
	return o;
}

static int checks_of(const char *combined, const char *runs)
{
	json_object *c = parse(combined), *r = parse(runs);
	int checks = promote__github_checks(c, r);
	json_object_put(c);
	json_object_put(r);
	return checks;
}

#define NO_RUNS "{\"total_count\": 0, \"check_runs\": []}"
#define RUN(status, conclusion) "{\"status\": \"" status "\", \"conclusion\": " conclusion "}"

static void test_checks(void **state)
{
	(void)state;
	/* GitHub answers "pending" with no status at all: that is none, not pending. */
	assert_int_equal(checks_of("{\"state\": \"pending\", \"total_count\": 0}", NO_RUNS), PROMOTE_CHECKS_NONE);
	assert_int_equal(checks_of("{\"state\": \"pending\", \"total_count\": 1}", NO_RUNS), PROMOTE_CHECKS_PENDING);
	assert_int_equal(checks_of("{\"state\": \"success\", \"total_count\": 2}", NO_RUNS), PROMOTE_CHECKS_PASSING);
	assert_int_equal(checks_of("{\"state\": \"failure\", \"total_count\": 1}", NO_RUNS), PROMOTE_CHECKS_FAILING);
	assert_int_equal(checks_of("{\"state\": \"error\", \"total_count\": 1}", NO_RUNS), PROMOTE_CHECKS_FAILING);
	/* Check runs alone (GitHub Actions), and both together: the worst wins. */
	const char *none = "{\"state\": \"pending\", \"total_count\": 0}";
	assert_int_equal(checks_of(none, "{\"check_runs\": [" RUN("queued", "null") "]}"), PROMOTE_CHECKS_PENDING);
	assert_int_equal(checks_of(none, "{\"check_runs\": [" RUN("completed", "\"success\"") ", "
		RUN("completed", "\"skipped\"") ", " RUN("completed", "\"neutral\"") "]}"), PROMOTE_CHECKS_PASSING);
	assert_int_equal(checks_of(none, "{\"check_runs\": [" RUN("completed", "\"timed_out\"") "]}"),
		PROMOTE_CHECKS_FAILING);
	assert_int_equal(checks_of("{\"state\": \"success\", \"total_count\": 1}",
		"{\"check_runs\": [" RUN("in_progress", "null") "]}"), PROMOTE_CHECKS_PENDING);
	assert_int_equal(checks_of("{\"state\": \"pending\", \"total_count\": 1}",
		"{\"check_runs\": [" RUN("completed", "\"failure\"") "]}"), PROMOTE_CHECKS_FAILING);
}

#define REVIEW(login, state) "{\"user\": {\"login\": \"" login "\"}, \"state\": \"" state "\"}"

static unsigned approvals_of(const char *reviews)
{
	json_object *r = parse(reviews);
	unsigned n = promote__forge_approvals(r);
	json_object_put(r);
	return n;
}

static void test_approvals(void **state)
{
	(void)state;
	assert_int_equal(approvals_of("[]"), 0);
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") "," REVIEW("ann", "APPROVED") "]"), 1);
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") "," REVIEW("bob", "APPROVED") "]"), 2);
	/* The latest verdict counts; a comment after an approval does not take it back. */
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") "," REVIEW("ann", "CHANGES_REQUESTED") "]"), 0);
	assert_int_equal(approvals_of("[" REVIEW("ann", "CHANGES_REQUESTED") "," REVIEW("ann", "APPROVED") "]"), 1);
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") "," REVIEW("ann", "COMMENTED") "]"), 1);
	/* Gitea's words: REQUEST_CHANGES takes an approval back; a dismissed review neither counts nor
	 * takes one back. */
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") "," REVIEW("ann", "REQUEST_CHANGES") "]"), 0);
	assert_int_equal(approvals_of("[{\"user\": {\"login\": \"ann\"}, \"state\": \"APPROVED\", \"dismissed\": true}]"), 0);
	assert_int_equal(approvals_of("[" REVIEW("ann", "APPROVED") ", {\"user\": {\"login\": \"ann\"}, "
		"\"state\": \"REQUEST_CHANGES\", \"dismissed\": true}]"), 1);
}

static int status_of(const char *combined)
{
	json_object *c = parse(combined);
	int checks = promote__forge_status_checks(c);
	json_object_put(c);
	return checks;
}

static void test_gitea_status(void **state)
{
	(void)state;
	/* Gitea answers an empty state with no status at all; its warning passes, its error fails. */
	assert_int_equal(status_of("{\"state\": \"\", \"total_count\": 0}"), PROMOTE_CHECKS_NONE);
	assert_int_equal(status_of("{\"state\": \"warning\", \"total_count\": 1}"), PROMOTE_CHECKS_PASSING);
	assert_int_equal(status_of("{\"state\": \"pending\", \"total_count\": 1}"), PROMOTE_CHECKS_PENDING);
	assert_int_equal(status_of("{\"state\": \"error\", \"total_count\": 2}"), PROMOTE_CHECKS_FAILING);
}

static void not_mergeable_is(const char *pull, const char *expected, bool conflict)
{
	json_object *p = parse(pull);
	bool is_conflict = !conflict;
	const char *why = promote__github_not_mergeable(p, &is_conflict);
	if (expected) {
		assert_non_null(why);
		assert_non_null(strstr(why, expected));
	} else {
		assert_null(why);
	}
	assert_int_equal(is_conflict, conflict);
	json_object_put(p);
}

static void test_mergeable_state(void **state)
{
	(void)state;
	not_mergeable_is("{\"mergeable_state\": \"clean\"}", NULL, false);
	not_mergeable_is("{\"mergeable_state\": \"unstable\"}", NULL, false);
	not_mergeable_is("{\"mergeable_state\": \"has_hooks\"}", NULL, false);
	not_mergeable_is("{\"mergeable_state\": \"dirty\"}", "conflicts with its base branch", true);
	not_mergeable_is("{\"mergeable_state\": \"blocked\"}", "branch protection blocks it", false);
	not_mergeable_is("{\"mergeable_state\": \"behind\"}", "behind the base", false);
	not_mergeable_is("{\"mergeable_state\": \"draft\"}", "a draft", false);
	not_mergeable_is("{\"mergeable_state\": \"clean\", \"draft\": true}", "a draft", false);
	not_mergeable_is("{\"mergeable_state\": \"unknown\"}", "not computed yet", false);
	not_mergeable_is("{}", "not computed yet", false);
}

static void test_pull_to_info(void **state)
{
	(void)state;
	json_object *pull = parse("{\"number\": 7, \"state\": \"closed\", \"merged\": true, \"draft\": false, "
		"\"title\": \"Promote shop\", \"html_url\": \"https://github.com/o/r/pull/7\", "
		"\"merge_commit_sha\": \"abc\", \"head\": {\"ref\": \"promote/x\"}, \"base\": {\"ref\": \"main\"}}");
	promote_change_info *info = promote__change_info_new();
	assert_int_equal(promote__forge_pull_to_info(info, pull, "o/r#7", false), 0);
	assert_string_equal(promote_change_info_id(info), "o/r#7");
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	assert_string_equal(promote_change_info_merge_commit(info), "abc");
	assert_string_equal(promote_change_info_head(info), "promote/x");
	assert_string_equal(promote_change_info_base(info), "main");
	promote_change_info_free(info);
	json_object_put(pull);
	/* Closed without a merge (the simple shape has merged_at, not merged). */
	pull = parse("{\"number\": 8, \"state\": \"closed\", \"merged_at\": null, \"draft\": true}");
	info = promote__change_info_new();
	assert_int_equal(promote__forge_pull_to_info(info, pull, "o/r#8", true), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_CLOSED);
	assert_true(promote_change_info_draft(info));
	promote_change_info_free(info);
	json_object_put(pull);
}

static void url_is(const char *url, const char *scheme, const char *host, const char *owner, const char *name)
{
	promote__forge_url u;
	int rc = promote__forge_url_parse(&u, url);
	if (!host) {
		assert_int_equal(rc, PROMOTE_EINVALID);
		return;
	}
	assert_int_equal(rc, 0);
	assert_string_equal(u.scheme, scheme);
	assert_string_equal(u.host, host);
	assert_string_equal(u.owner, owner);
	assert_string_equal(u.name, name);
	promote__forge_url_dispose(&u);
}

static void test_forge_url(void **state)
{
	(void)state;
	url_is("https://github.com/acme/gitops.git", "https", "github.com", "acme", "gitops");
	url_is("https://x-access-token:secret@github.com/acme/gitops", "https", "github.com", "acme", "gitops");
	url_is("http://127.0.0.1:8080/git/gitops.git/", "http", "127.0.0.1:8080", "git", "gitops");
	url_is("git@github.example.com:acme/gitops.git", "ssh", "github.example.com", "acme", "gitops");
	url_is("ssh://git@github.example.com:2222/acme/gitops.git", "ssh", "github.example.com", "acme", "gitops");
	url_is("https://gitlab.com/group/sub/app.git", "https", "gitlab.com", "group/sub", "app");
	url_is("https://github.com/gitops.git", NULL, NULL, NULL, NULL);
	url_is("https://github.com", NULL, NULL, NULL, NULL);
	url_is("/srv/gitops.git", NULL, NULL, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_gitea_status),
		cmocka_unit_test(test_mergeable_state),
		cmocka_unit_test(test_pull_to_info),
		cmocka_unit_test(test_forge_url),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
