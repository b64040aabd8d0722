/* Change requests through the built-in local provider, checked with the git CLI. */
#include "helpers.h"

#include <sys/wait.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

static promote_context *open_repo(void)
{
	return open_repository_or_fail(bare);
}

static int setup(void **state)
{
	return setup_example_repo(dir, sizeof dir, bare, sizeof bare, "change") ? -1 : helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

/* A branch `name` off main with one file changed, made with the git CLI. */
static void make_branch(const char *name, const char *file, const char *text)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		"cd %s/work && " GIT "fetch -q %s main && " GIT "checkout -q -B '%s' FETCH_HEAD && "
		"mkdir -p \"$(dirname '%s')\" && printf '%%s' '%s' > '%s' && " GIT "add -A && " GIT "commit -qm 'change %s' && "
		GIT "push -q %s '%s' && " GIT "checkout -q --detach",
		dir, bare, name, file, text, file, name, bare, name);
	assert_int_equal(system(cmd), 0);
}

/* Commit on main of the bare repository, as someone else would. */
static void commit_on_main(const char *file, const char *text)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
		"cd %s/work && " GIT "fetch -q %s main && " GIT "checkout -q -B other FETCH_HEAD && "
		"printf '%%s' '%s' > '%s' && " GIT "add -A && " GIT "commit -qm 'other %s' && " GIT "push -q %s other:main",
		dir, bare, text, file, file, bare);
	assert_int_equal(system(cmd), 0);
}

/* The record of change `id` at `rev` (a ref, or ref~N), as compact JSON. */
static void record_json(char *out, size_t size, const char *rev)
{
	assert_int_equal(sh(out, size, "git -C %s show '%s:record.json' | python3 -c "
				      "'import json,sys; print(json.dumps(json.load(sys.stdin), separators=(\",\",\":\")))'",
				 bare, rev), 0);
}

static promote_change_request *request_for(const char *head)
{
	promote_change_request *r = NULL;
	assert_int_equal(promote_change_request_new(&r, head, "main"), 0);
	assert_int_equal(promote_change_request_set_title(r, "Promote shop 2.0 to prod"), 0);
	assert_int_equal(promote_change_request_add_label(r, "promote/product=shop"), 0);
	assert_int_equal(promote_change_request_add_label(r, head), 0);
	return r;
}

static void test_requests_are_plain_data(void **state)
{
	(void)state;
	promote_change_request *r = NULL;
	assert_int_equal(promote_change_request_new(&r, "", "main"), PROMOTE_EINVALID);
	assert_null(r);
	assert_int_equal(promote_change_request_new(&r, "promote/x", "main"), 0);
	assert_string_equal(promote_change_request_head(r), "promote/x");
	assert_string_equal(promote_change_request_base(r), "main");
	assert_string_equal(promote_change_request_title(r), "");
	assert_int_equal(promote_change_request_add_label(r, "a"), 0);
	assert_int_equal(promote_change_request_add_label(r, "b"), 0);
	assert_int_equal(promote_change_request_add_label(r, "a"), 0); /* kept once */
	assert_int_equal(promote_change_request_label_count(r), 2);
	assert_string_equal(promote_change_request_label_at(r, 1), "b");
	assert_null(promote_change_request_label_at(r, 2));
	assert_int_equal(promote_change_request_add_environment(r, "prod"), 0);
	assert_int_equal(promote_change_request_environment_count(r), 1);
	assert_int_equal(promote_change_request_set_draft(r, 7), 0);
	assert_int_equal(promote_change_request_draft(r), 1);
	assert_int_equal(promote_change_request_add_label(r, NULL), PROMOTE_EINVALID);
	promote_change_request_free(r);
}

/* What reaches a merge's message or a forge's one-line fields is one line: a
 * line break in a title would forge a trailer after "Merge change ID: ". */
static void test_titles_labels_and_environments_are_one_line(void **state)
{
	(void)state;
	promote_change_request *r = NULL;
	assert_int_equal(promote_change_request_new(&r, "promote/x", "main"), 0);
	assert_int_equal(promote_change_request_set_title(r, "T\n\nPromote-Change: other"), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message,
		"the change request's title 'T\\n\\nPromote-Change: other' holds a line break"));
	assert_string_equal(promote_change_request_title(r), "");
	assert_int_equal(promote_change_request_add_label(r, "a\x1b[31m"), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "label 'a\\x1b[31m' holds a control character"));
	assert_int_equal(promote_change_request_add_environment(r, "q a"), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "environment name 'q a' is not valid"));
	assert_int_equal(promote_change_request_label_count(r) + promote_change_request_environment_count(r), 0);
	promote_change_request_free(r);
}

/* The states' names, for front ends and providers that print or store them. */
static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(promote_change_state_name(PROMOTE_CHANGE_OPEN), "open");
	assert_string_equal(promote_change_state_name(PROMOTE_CHANGE_MERGED), "merged");
	assert_string_equal(promote_change_state_name(PROMOTE_CHANGE_CLOSED), "closed");
	assert_string_equal(promote_change_state_name(3), "unknown");
	assert_string_equal(promote_change_state_name(-1), "unknown");
	assert_string_equal(promote_checks_state_name(PROMOTE_CHECKS_NONE), "none");
	assert_string_equal(promote_checks_state_name(PROMOTE_CHECKS_PENDING), "pending");
	assert_string_equal(promote_checks_state_name(PROMOTE_CHECKS_PASSING), "passing");
	assert_string_equal(promote_checks_state_name(PROMOTE_CHECKS_FAILING), "failing");
	assert_string_equal(promote_checks_state_name(4), "unknown");
	assert_string_equal(promote_apply_outcome_name(PROMOTE_APPLY_UNCHANGED), "unchanged");
	assert_string_equal(promote_apply_outcome_name(PROMOTE_APPLY_COMMITTED), "committed");
	assert_string_equal(promote_apply_outcome_name(PROMOTE_APPLY_PROPOSED), "proposed");
	assert_string_equal(promote_apply_outcome_name(PROMOTE_APPLY_SKIPPED), "skipped");
	assert_string_equal(promote_apply_outcome_name(4), "unknown");
}

static void test_open_is_never_twice(void **state)
{
	(void)state;
	make_branch("promote/open/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: open\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/open/prod");
	assert_int_equal(promote_change_request_set_draft(r, 1), 0);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	assert_string_equal(promote_change_info_id(info), "promote/open/prod");
	assert_string_equal(promote_change_info_head(info), "promote/open/prod");
	assert_string_equal(promote_change_info_base(info), "main");
	assert_string_equal(promote_change_info_title(info), "Promote shop 2.0 to prod");
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_OPEN);
	assert_int_equal(promote_change_info_checks(info), PROMOTE_CHECKS_NONE);
	assert_int_equal(promote_change_info_draft(info), 1);
	assert_int_equal(promote_change_info_approvals(info), 0);
	assert_int_equal(promote_change_info_reused(info), 0);
	assert_non_null(strstr(promote_change_info_url(info), "#refs/promote/changes/promote/open/prod"));
	promote_change_info_free(info);
	/* Again: the same change, and no second record commit. */
	assert_int_equal(promote_change_open(&info, ctx, "local", r), 0);
	assert_int_equal(promote_change_info_reused(info), 1);
	promote_change_info_free(info);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count refs/promote/changes/promote/open/prod", bare), 0);
	assert_string_equal(out, "1");
	record_json(out, sizeof out, "refs/promote/changes/promote/open/prod");
	assert_non_null(strstr(out, "\"title\":\"Promote shop 2.0 to prod\""));
	assert_non_null(strstr(out, "\"state\":\"open\""));
	/* A change needs its branch. */
	promote_change_request *missing = request_for("promote/nobranch/prod");
	assert_int_equal(promote_change_open(&info, ctx, NULL, missing), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "'promote/nobranch/prod' does not exist"));
	promote_change_request_free(missing);
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_find_by_labels(void **state)
{
	(void)state;
	make_branch("promote/find/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: find\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/find/prod");
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	promote_change_request *query = NULL;
	assert_int_equal(promote_change_request_new(&query, "any", "main"), 0);
	assert_int_equal(promote_change_request_add_label(query, "promote/find/prod"), 0);
	assert_int_equal(promote_change_find(&info, ctx, NULL, query), 0);
	assert_string_equal(promote_change_info_id(info), "promote/find/prod");
	promote_change_info_free(info);
	assert_int_equal(promote_change_request_add_label(query, "not-on-it"), 0);
	assert_int_equal(promote_change_find(&info, ctx, NULL, query), PROMOTE_ENOTFOUND);
	assert_null(info);
	/* A closed change is not found. */
	promote_change_request_free(query);
	assert_int_equal(promote_change_request_new(&query, "any", "main"), 0);
	assert_int_equal(promote_change_request_add_label(query, "promote/find/prod"), 0);
	assert_int_equal(promote_change_close(ctx, NULL, "promote/find/prod"), 0);
	assert_int_equal(promote_change_find(&info, ctx, NULL, query), PROMOTE_ENOTFOUND);
	promote_change_request_free(query);
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_draft_waits_for_approval_then_fast_forwards(void **state)
{
	(void)state;
	make_branch("promote/ff/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: ff\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/ff/prod");
	assert_int_equal(promote_change_request_set_draft(r, 1), 0);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	char main_before[64], head[64], out[256];
	assert_int_equal(sh(main_before, sizeof main_before, "git -C %s rev-parse main", bare), 0);
	assert_int_equal(sh(head, sizeof head, "git -C %s rev-parse promote/ff/prod", bare), 0);

	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/ff/prod"), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "is a draft awaiting approval"));
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(out, main_before);

	assert_int_equal(promote_change_approve(&info, ctx, NULL, "promote/ff/prod", "alice"), 0);
	assert_int_equal(promote_change_info_approvals(info), 1);
	assert_int_equal(promote_change_info_draft(info), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_change_approve(&info, ctx, NULL, "promote/ff/prod", "alice"), 0);
	assert_int_equal(promote_change_info_approvals(info), 1); /* once per person */
	promote_change_info_free(info);
	assert_int_equal(promote_change_approve(&info, ctx, NULL, "promote/ff/prod", "bob"), 0);
	assert_int_equal(promote_change_info_approvals(info), 2);
	promote_change_info_free(info);

	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/ff/prod"), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	assert_string_equal(promote_change_info_merge_commit(info), head); /* a fast-forward */
	promote_change_info_free(info);
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(out, head);
	/* Merging again is done already; approving a merged change is not possible. */
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/ff/prod"), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	promote_change_info_free(info);
	assert_int_equal(promote_change_approve(&info, ctx, NULL, "promote/ff/prod", "carol"), PROMOTE_ESTATE);
	assert_int_equal(promote_change_close(ctx, NULL, "promote/ff/prod"), PROMOTE_ESTATE);
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_merge_commit_when_the_base_moved(void **state)
{
	(void)state;
	make_branch("promote/mc/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: mc\n");
	commit_on_main("envs/prod/apps/cart/values.yaml", "image:\n  tag: meanwhile\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/mc/prod");
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/mc/prod"), 0);
	char out[1024];
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --parents -n1 main | wc -w", bare), 0);
	assert_string_equal(out, "3"); /* a merge commit: two parents */
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(promote_change_info_merge_commit(info), out);
	promote_change_info_free(info);
	assert_int_equal(sh(out, sizeof out, "git -C %s show main:envs/prod/apps/shop/values.yaml main:envs/prod/apps/cart/values.yaml", bare), 0);
	assert_string_equal(out, "image:\n  tag: mc\nimage:\n  tag: meanwhile");
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format=%%B main", bare), 0);
	assert_non_null(strstr(out, "Promote-Change: promote/mc/prod"));
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_conflicting_merge_is_refused(void **state)
{
	(void)state;
	make_branch("promote/cf/prod", "envs/prod/apps/cart/Chart.yaml", "version: change\n");
	commit_on_main("envs/prod/apps/cart/Chart.yaml", "version: meanwhile\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/cf/prod");
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	char before[64], out[64];
	assert_int_equal(sh(before, sizeof before, "git -C %s rev-parse main", bare), 0);
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/cf/prod"), PROMOTE_ECONFLICT);
	assert_null(info);
	assert_non_null(strstr(promote_error_last()->message, "envs/prod/apps/cart/Chart.yaml"));
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(out, before);
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/cf/prod"), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_OPEN);
	promote_change_info_free(info);
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_close_comment_and_reopen(void **state)
{
	(void)state;
	make_branch("promote/cl/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: cl\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/cl/prod");
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_change_comment(ctx, NULL, "promote/cl/prod", "smoke test \"passed\""), 0);
	assert_int_equal(promote_change_close(ctx, NULL, "promote/cl/prod"), 0);
	assert_int_equal(promote_change_close(ctx, NULL, "promote/cl/prod"), 0); /* closed already */
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/cl/prod"), PROMOTE_ESTATE);
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/cl/prod"), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_CLOSED);
	promote_change_info_free(info);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s log --format=%%s refs/promote/changes/promote/cl/prod", bare), 0);
	assert_string_equal(out, "Close change promote/cl/prod\nComment on change promote/cl/prod\nOpen change promote/cl/prod");
	record_json(out, sizeof out, "refs/promote/changes/promote/cl/prod~1");
	assert_non_null(strstr(out, "\"body\":\"smoke test \\\"passed\\\"\""));
	/* Opened again: a new record on the same ref. */
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	assert_int_equal(promote_change_info_reused(info), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_OPEN);
	promote_change_info_free(info);
	/* Unknown changes and ids that cannot be refs. */
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/none"), PROMOTE_ENOTFOUND);
	assert_int_equal(promote_change_get(&info, ctx, NULL, "a..b"), PROMOTE_EINVALID);
	assert_int_equal(promote_change_comment(ctx, NULL, "promote/none", "x"), PROMOTE_ENOTFOUND);
	promote_change_request_free(r);
	promote_context_free(ctx);
}

/* Four processes approve one change at once: every approval lands. */
static void test_concurrent_updates_are_not_lost(void **state)
{
	(void)state;
	make_branch("promote/race/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: race\n");
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/race/prod");
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	promote_change_request_free(r);
	promote_context_free(ctx);
	pid_t pids[4];
	for (int i = 0; i < 4; i++) {
		if ((pids[i] = fork()) == 0) {
			promote_context *child = NULL;
			char who[16];
			snprintf(who, sizeof who, "approver%d", i);
			int rc = promote_context_open_repository(&child, bare, NULL, NULL);
			if (rc == 0)
				rc = promote_change_approve(&info, child, NULL, "promote/race/prod", who);
			if (rc)
				fprintf(stderr, "%s: %s\n", who, promote_error_last()->message);
			_exit(rc ? 1 : 0);
		}
	}
	for (int i = 0; i < 4; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ctx = open_repo();
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/race/prod"), 0);
	assert_int_equal(promote_change_info_approvals(info), 4);
	promote_change_info_free(info);
	promote_context_free(ctx);
}

/* The engine: a pull-request policy opens one change, however often it runs. */
static void test_apply_opens_the_change_once(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "7.7.7";
	promote_plan *plan;
	int outcome;
	for (int run = 0; run < 2; run++) {
		assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
		assert_null(promote_plan_change_id(plan));
		assert_int_equal(promote_plan_apply(NULL, &outcome, plan, NULL), 0);
		assert_int_equal(outcome, PROMOTE_APPLY_PROPOSED);
		assert_string_equal(promote_plan_change_id(plan), "promote/cart/7.7.7/prod");
		promote_plan_free(plan);
	}
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/cart/7.7.7/prod"), 0);
	assert_string_equal(promote_change_info_title(info), "Promote cart 7.7.7 to prod");
	assert_int_equal(promote_change_info_draft(info), 1); /* prod's strategy is manual */
	promote_change_info_free(info);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count refs/promote/changes/promote/cart/7.7.7/prod", bare), 0);
	assert_string_equal(out, "1");
	record_json(out, sizeof out, "refs/promote/changes/promote/cart/7.7.7/prod");
	assert_non_null(strstr(out, "\"labels\":[\"promote/product=cart\",\"promote/environment=prod\",\"promote/version=7.7.7\"]"));
	/* Approved and merged, the promotion is in place: planning again changes nothing. */
	assert_int_equal(promote_change_approve(&info, ctx, NULL, "promote/cart/7.7.7/prod", NULL), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/cart/7.7.7/prod"), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_change_count(plan), 0);
	promote_plan_free(plan);
	promote_context_free(ctx);
}

/* A provider that cannot open change requests (a forge that is down). */
static int refusing_open(promote_change_info *out, const promote_change_request *request, void *payload)
{
	(void)out, (void)request, (void)payload;
	return PROMOTE_ENET;
}

/* The change branch was made, then opening its change request failed: the
 * apply fails and leaves no change branch behind, and a change branch that
 * was there before goes back to where it was. */
static void test_failed_apply_leaves_no_change_branch(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_git_provider refusing = PROMOTE_GIT_PROVIDER_INIT;
	refusing.open_change = refusing_open;
	assert_int_equal(promote_git_provider_register(ctx, "local", &refusing, NULL), 0);
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "8.8.8";
	promote_plan *plan;
	int outcome = -1;
	promote_buf commit = PROMOTE_BUF_INIT;
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_apply(&commit, &outcome, plan, NULL), PROMOTE_ENET);
	assert_int_equal(outcome, PROMOTE_APPLY_UNCHANGED);
	assert_null(commit.ptr);
	assert_null(promote_plan_change_id(plan));
	assert_string_equal(promote_error_last()->message, "the git provider 'local' could not open the change "
							   "(the change branch 'promote/cart/8.8.8/prod' was removed)");
	promote_plan_free(plan);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s for-each-ref --format='%%(refname)' 'refs/heads/promote/cart/8.8.8'",
				 bare), 0);
	assert_string_equal(out, "");

	/* A change branch of an earlier run, holding something else: moved back, not removed. */
	make_branch("promote/cart/8.8.8/prod", "envs/prod/apps/cart/other.txt", "earlier");
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse promote/cart/8.8.8/prod", bare), 0);
	char earlier[sizeof out];
	memcpy(earlier, out, sizeof out);
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, NULL), PROMOTE_ENET);
	assert_non_null(strstr(promote_error_last()->message, "(the change branch 'promote/cart/8.8.8/prod' was moved back)"));
	promote_plan_free(plan);
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse promote/cart/8.8.8/prod", bare), 0);
	assert_string_equal(out, earlier);
	promote_context_free(ctx);
}

/* A registered provider replaces the built-in one of its name; missing slots are refused. */
static int fake_get(promote_change_info *out, const char *id, void *payload)
{
	(void)payload;
	int rc = promote_change_info_set_id(out, id);
	return rc ? rc : promote_change_info_set_state(out, PROMOTE_CHANGE_MERGED);
}

static int forgetful_get(promote_change_info *out, const char *id, void *payload)
{
	(void)out, (void)id, (void)payload;
	return 0; /* says nothing: no id */
}

static int passthrough_get(promote_change_info *out, const char *id, void *payload)
{
	(void)out, (void)id, (void)payload;
	return PROMOTE_PASSTHROUGH;
}

static void test_registered_providers(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_git_provider fake = PROMOTE_GIT_PROVIDER_INIT;
	fake.get_change = fake_get;
	assert_int_equal(promote_git_provider_register(ctx, "fake", &fake, NULL), 0);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, "fake", "42"), 0);
	assert_string_equal(promote_change_info_id(info), "42");
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	promote_change_info_free(info);
	assert_int_equal(promote_change_merge(&info, ctx, "fake", "42"), PROMOTE_ENOTSUPPORTED);
	assert_string_equal(promote_error_last()->message, "the git provider 'fake' cannot merge changes");
	assert_int_equal(promote_change_get(&info, ctx, "bitbucket", "1"), PROMOTE_ENOTFOUND);
	/* PROMOTE_PASSTHROUGH: the built-in provider of that name answers, if there is one. */
	fake.get_change = passthrough_get;
	assert_int_equal(promote_git_provider_register(ctx, "other", &fake, NULL), 0);
	assert_int_equal(promote_change_get(&info, ctx, "other", "promote/ff/prod"), PROMOTE_ENOTSUPPORTED);
	assert_int_equal(promote_git_provider_register(ctx, "local", &fake, NULL), 0);
	assert_int_equal(promote_change_get(&info, ctx, NULL, "promote/ff/prod"), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	promote_change_info_free(info);
	promote_context_free(ctx);
	/* A provider that succeeds without saying which change it means. */
	ctx = open_repo();
	fake.get_change = forgetful_get;
	assert_int_equal(promote_git_provider_register(ctx, "local", &fake, NULL), 0);
	assert_int_equal(promote_change_get(&info, ctx, NULL, "1"), PROMOTE_ERROR);
	assert_non_null(strstr(promote_error_last()->message, "'local' did not say which change"));
	assert_null(info);
	promote_context_free(ctx);
}

static void test_a_long_title_is_merged_whole_with_its_trailer(void **state)
{
	(void)state;
	make_branch("promote/lt/prod", "envs/prod/apps/shop/values.yaml", "image:\n  tag: lt\n");
	commit_on_main("envs/prod/apps/cart/values.yaml", "image:\n  tag: lt-meanwhile\n");
	static char title[3001];
	memset(title, 't', 3000);
	title[0] = 'T';
	promote_context *ctx = open_repo();
	promote_change_request *r = request_for("promote/lt/prod");
	assert_int_equal(promote_change_request_set_title(r, title), 0);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_open(&info, ctx, NULL, r), 0);
	promote_change_info_free(info);
	assert_int_equal(promote_change_merge(&info, ctx, NULL, "promote/lt/prod"), 0);
	promote_change_info_free(info);
	static char out[8192];
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format=%%B main", bare), 0);
	assert_non_null(strstr(out, title));
	assert_non_null(strstr(out, "\n\nPromote-Change: promote/lt/prod"));
	promote_change_request_free(r);
	promote_context_free(ctx);
}

static void test_a_change_id_too_long_to_record_is_refused_as_such(void **state)
{
	(void)state;
	static char id[1201];
	memset(id, 'x', 1200);
	memcpy(id, "promote/", 8);
	promote_context *ctx = open_repo();
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, id), PROMOTE_ELIMIT);
	assert_null(info);
	assert_non_null(strstr(promote_error_last()->message, "a change id of 1200 bytes is longer than the"));
	assert_int_equal(promote_change_approve(&info, ctx, NULL, id, "alice"), PROMOTE_ELIMIT);
	assert_null(info);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_are_plain_data),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_open_is_never_twice),
		cmocka_unit_test(test_find_by_labels),
		cmocka_unit_test(test_draft_waits_for_approval_then_fast_forwards),
		cmocka_unit_test(test_merge_commit_when_the_base_moved),
		cmocka_unit_test(test_conflicting_merge_is_refused),
		cmocka_unit_test(test_close_comment_and_reopen),
		cmocka_unit_test(test_concurrent_updates_are_not_lost),
		cmocka_unit_test(test_apply_opens_the_change_once),
		cmocka_unit_test(test_failed_apply_leaves_no_change_branch),
		cmocka_unit_test(test_registered_providers),
		cmocka_unit_test(test_a_long_title_is_merged_whole_with_its_trailer),
		cmocka_unit_test(test_a_change_id_too_long_to_record_is_refused_as_such),
		cmocka_unit_test(test_titles_labels_and_environments_are_one_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
