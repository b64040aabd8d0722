/* Planning and applying promotions on a bare repository, checked with the git CLI. */
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
	return setup_example_repo(dir, sizeof dir, bare, sizeof bare, "plan") ? -1 : helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

static void test_plan_then_apply_once(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	assert_string_equal(promote_context_repository_path(ctx), bare);
	promote_plan *plan;
	assert_int_equal(promote_plan_create(&plan, ctx, "shop", "qa", NULL), 0);
	assert_string_equal(promote_plan_from(plan), "dev"); /* qa's dependency in the default flow */
	assert_string_equal(promote_plan_version(plan), "1.4.0");
	assert_string_equal(promote_plan_branch(plan), "main");
	assert_int_equal(promote_plan_change_count(plan), 3);
	assert_string_equal(promote_plan_change_path_at(plan, 0), "envs/qa/apps/shop/Chart.yaml");
	assert_string_equal(promote_plan_change_path_at(plan, 1), "envs/qa/apps/shop/config/feature-flags.yaml");
	assert_string_equal(promote_plan_change_path_at(plan, 2), "envs/qa/apps/shop/values.yaml");
	promote_buf diff = PROMOTE_BUF_INIT;
	assert_int_equal(promote_plan_diff(&diff, plan), 0);
	assert_non_null(strstr(diff.ptr, "--- a/envs/qa/apps/shop/values.yaml\n+++ b/envs/qa/apps/shop/values.yaml\n"));
	assert_non_null(strstr(diff.ptr, "-  tag: \"1.3.2\"\n+  tag: \"1.4.0\"\n"));
	promote_buf_dispose(&diff);
	/* Planning wrote nothing. */
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	assert_string_equal(out, "1");

	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome = -1;
	promote_apply_options opts = PROMOTE_APPLY_OPTIONS_INIT;
	opts.author_name = "Release Bot";
	opts.author_email = "bot@example.com";
	assert_int_equal(promote_plan_apply(&commit, &outcome, plan, &opts), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_COMMITTED);
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(out, commit.ptr);
	promote_buf_dispose(&commit);
	promote_plan_free(plan);
	/* git sees one commit changing exactly the promoted bytes. */
	assert_int_equal(sh(out, sizeof out, "git -C %s diff --numstat main~1 main", bare), 0);
	assert_string_equal(out, "1\t1\tenvs/qa/apps/shop/Chart.yaml\n1\t1\tenvs/qa/apps/shop/config/feature-flags.yaml\n"
				 "1\t1\tenvs/qa/apps/shop/values.yaml");
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format='%%an <%%ae>%%n%%B' main", bare), 0);
	assert_string_equal(out, "Release Bot <bot@example.com>\nPromote shop 1.4.0 to qa\n\nPromote-Product: shop\n"
				 "Promote-Environment: qa\nPromote-From: dev\nPromote-Version: 1.4.0");

	/* The same promotion again: nothing to change, no second commit. */
	assert_int_equal(promote_plan_create(&plan, ctx, "shop", "qa", NULL), 0);
	assert_int_equal(promote_plan_change_count(plan), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, NULL), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_UNCHANGED);
	promote_plan_free(plan);
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	assert_string_equal(out, "2");
	promote_context_free(ctx);
}

static void test_pull_request_policy_proposes_once(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "9.9.9";
	promote_plan *plan;
	int outcome;
	promote_buf first = PROMOTE_BUF_INIT, second = PROMOTE_BUF_INIT;
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_string_equal(promote_plan_version(plan), "9.9.9");
	assert_int_equal(promote_plan_apply(&first, &outcome, plan, NULL), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_PROPOSED); /* prod: action pull-request */
	promote_plan_free(plan);
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_apply(&second, &outcome, plan, NULL), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_PROPOSED);
	assert_string_equal(first.ptr, second.ptr); /* never a second change */
	promote_plan_free(plan);
	char out[1024];
	assert_int_equal(sh(out, sizeof out, "git -C %s show promote/cart/9.9.9/prod:envs/prod/apps/cart/values.yaml | grep tag",
				 bare), 0);
	assert_string_equal(out, "  tag: \"9.9.9\"");
	assert_int_equal(sh(out, sizeof out, "git -C %s show main:envs/prod/apps/cart/values.yaml | grep tag", bare), 0);
	assert_string_equal(out, "  tag: \"1.3.0\""); /* main untouched until the change is merged */
	promote_buf_dispose(&first);
	promote_buf_dispose(&second);
	promote_context_free(ctx);
}

/* A change branch named after a version too long to name a reference that
 * can be recorded is refused before anything is written. */
static void test_a_change_branch_too_long_is_refused(void **state)
{
	(void)state;
	char version[1100] = "5.0-";
	for (int part = 0; part < 5; part++) {
		size_t n = strlen(version);
		if (part)
			version[n++] = '/';
		memset(version + n, 'v', 200);
		version[n + 200] = '\0';
	}
	char before[4096], after[4096];
	assert_int_equal(sh(before, sizeof before, "git -C %s for-each-ref", bare), 0);
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = version;
	promote_plan *plan;
	int outcome = -1;
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, NULL), PROMOTE_ELIMIT);
	assert_non_null(strstr(promote_error_last()->message, "the branch's name would be longer than"));
	promote_plan_free(plan);
	assert_int_equal(sh(after, sizeof after, "git -C %s for-each-ref", bare), 0);
	assert_string_equal(after, before); /* nothing written */
	promote_context_free(ctx);
}

static void test_concurrent_promotions_all_land_once(void **state)
{
	(void)state;
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	long before = strtol(out, NULL, 10);
	/* Eight processes promote eight apps into the same branch at once. */
	pid_t pids[8];
	for (int i = 0; i < 8; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			promote_context *ctx = NULL;
			promote_plan *plan = NULL;
			char app[16];
			snprintf(app, sizeof app, "app%d", i + 1);
			promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
			po.from = "dev";
			int outcome = -1;
			int ok = promote_context_open_repository(&ctx, bare, NULL, NULL) == 0 &&
				promote_plan_create(&plan, ctx, app, "qa", &po) == 0 &&
				promote_plan_apply(NULL, &outcome, plan, NULL) == 0 && outcome == PROMOTE_APPLY_COMMITTED;
			_exit(ok ? 0 : 1);
		}
	}
	for (int i = 0; i < 8; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	assert_int_equal(strtol(out, NULL, 10), before + 8); /* every edit landed, each exactly once */
	for (int i = 1; i <= 8; i++) {
		assert_int_equal(sh(out, sizeof out, "git -C %s show main:envs/qa/more/app%d/values.yaml", bare, i), 0);
		assert_string_equal(out, "image:\n  tag: \"2.0\" # app");
		assert_int_equal(sh(out, sizeof out, "git -C %s log --format=%%s main | grep -c '^Promote app%d '", bare, i), 0);
		assert_string_equal(out, "1");
	}
	assert_int_equal(sh(out, sizeof out, "git -C %s fsck --strict 2>&1 && echo ok", bare), 0);
}

/* A product new to the target: its file comes whole, with the version asked for. */
static void test_new_product_takes_the_version_asked_for(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "9.9";
	promote_plan *plan;
	assert_int_equal(promote_plan_create(&plan, ctx, "app9", "qa", &po), 0);
	assert_int_equal(promote_plan_change_count(plan), 1);
	assert_string_equal(promote_plan_change_path_at(plan, 0), "envs/qa/more/app9/values.yaml");
	promote_buf diff = PROMOTE_BUF_INIT;
	assert_int_equal(promote_plan_diff(&diff, plan), 0);
	assert_non_null(strstr(diff.ptr, "+++ b/envs/qa/more/app9/values.yaml\n"));
	assert_non_null(strstr(diff.ptr, "+  tag: \"9.9\"\n"));
	assert_null(strstr(diff.ptr, "3.0"));
	promote_buf_dispose(&diff);
	promote_plan_free(plan);
	promote_context_free(ctx);
}

/* An environment's products: configured ones whose folder is there, and what "*" discovers. */
static void assert_products(promote_context *ctx, const char *env, const char *expected)
{
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	if (promote_product_discover(&names, ctx, env))
		fail_msg("discover: %s", promote_error_last()->message);
	char joined[1024] = "";
	for (size_t i = 0; i < names.count; i++)
		snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s", i ? " " : "", names.strings[i]);
	assert_string_equal(joined, expected);
	promote_strarray_dispose(&names);
	assert_null(names.strings);
}

/* A release id: the trailer on the commit, the change branch named after it. */
/* The branch moved and the new tip lost the file the promotion reads from: a
 * conflict that planning again cannot resolve. (A target file that went away
 * is planned again as a new one: promoting into an environment creates what
 * is missing there.) */
static void test_conflict_that_replanning_cannot_resolve(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "4.4.4";
	promote_plan *plan;
	int outcome;
	assert_int_equal(promote_plan_create(&plan, ctx, "app3", "qa", &po), 0);
	assert_int_equal(promote_plan_change_count(plan), 1);
	/* Someone removes the application from dev, the source, before the plan is applied. */
	assert_int_equal(sh(NULL, 0, "cd %s/work && " GIT "fetch -q %s main && " GIT "checkout -q -B gone FETCH_HEAD && "
				     GIT "rm -q -r envs/dev/more/app3 && " GIT "commit -qm 'retire app3 in dev' && "
				     GIT "push -q %s gone:main && " GIT "checkout -q --detach", dir, bare, bare), 0);
	char before[64], after[64];
	assert_int_equal(sh(before, sizeof before, "git -C %s rev-parse main", bare), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, NULL), PROMOTE_ECONFLICT);
	assert_int_equal(outcome, PROMOTE_APPLY_UNCHANGED);
	assert_non_null(strstr(promote_error_last()->message, "'main' moved while app3 was promoted, and on its new tip "
								 "the promotion cannot be planned again"));
	assert_non_null(strstr(promote_error_last()->message, "envs/dev/more/app3/values.yaml"));
	assert_int_equal(sh(after, sizeof after, "git -C %s rev-parse main", bare), 0);
	assert_string_equal(after, before); /* nothing written */
	promote_plan_free(plan);
	promote_context_free(ctx);
}

/* An environment in another repository is refused, never written into this one. */
static void test_environment_in_another_repository(void **state)
{
	(void)state;
	char repo[300];
	snprintf(repo, sizeof repo, "%s/multi.git", dir);
	assert_int_equal(sh(NULL, 0,
				 "mkdir -p %s/multi && cd %s/multi && mkdir -p envs/dev/app envs/qa/app && "
				 "printf 'tag: 2\\n' > envs/dev/app/v.yaml && printf 'tag: 1\\n' > envs/qa/app/v.yaml && "
				 "printf 'version: 1\\nrepositories:\\n  here: {provider: local}\\n"
				 "  other: {url: \"https://user:s3cret@git.example.com/org/other.git\"}\\n"
				 "environments:\\n  dev: {path: envs/dev}\\n  qa: {path: envs/qa}\\n"
				 "  prod: {path: envs/prod, repository: other}\\n"
				 "products:\\n  app: {path: app, template: {attributes: {v.yaml: [tag]}, version: v.yaml#tag}}\\n"
				 "flows:\\n  default: {trigger: dev, steps: {qa: {}, prod: {dependsOn: [qa]}}}\\n' > promote.yaml && "
				 GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm multi && " GIT "clone -q --bare . %s",
				 dir, dir, repo), 0);
	promote_context *ctx = open_repository_or_fail(repo);
	promote_plan *plan = NULL;
	assert_int_equal(promote_plan_create(&plan, ctx, "app", "qa", NULL), 0);
	assert_int_equal(promote_plan_change_count(plan), 1);
	promote_plan_free(plan);
	assert_int_equal(promote_plan_create(&plan, ctx, "app", "prod", NULL), PROMOTE_ENOTSUPPORTED);
	assert_null(plan);
	const char *message = promote_error_last()->message;
	assert_non_null(strstr(message, "environment 'prod' lives in repository 'other' (https://***@git.example.com/org/other.git)"));
	assert_null(strstr(message, "s3cret"));
	promote_context_free(ctx);
}

static void test_release_id(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	po.set_version = "6.6.6";
	promote_apply_options ao = PROMOTE_APPLY_OPTIONS_INIT;
	promote_plan *plan;
	int outcome;
	ao.release = "a b";
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "prod", &po), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, &ao), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "release id 'a b' is not valid"));
	ao.release = "r-2026.11.24_1";
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, &ao), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_PROPOSED);
	assert_string_equal(promote_plan_change_id(plan), "promote/r-2026.11.24_1/prod");
	promote_plan_free(plan);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format=%%B promote/r-2026.11.24_1/prod", bare), 0);
	assert_non_null(strstr(out, "\nPromote-Release: r-2026.11.24_1\nPromote-Product: cart\n"));
	/* A caller built against version 1 of the options has no release field. */
	struct { uint32_t version, max_retries; const char *name, *email; } v1 = { 1, 0, "Old Caller", "old@example.com" };
	po.set_version = "6.6.7";
	assert_int_equal(promote_plan_create(&plan, ctx, "cart", "staging", &po), 0);
	assert_int_equal(promote_plan_apply(NULL, &outcome, plan, (const promote_apply_options *)(const void *)&v1), 0);
	assert_int_equal(outcome, PROMOTE_APPLY_COMMITTED);
	promote_plan_free(plan);
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format='%%an%%n%%B' main", bare), 0);
	assert_non_null(strstr(out, "Old Caller\n"));
	assert_null(strstr(out, "Promote-Release"));
	promote_apply_options fresh;
	assert_int_equal(promote_apply_options_init(&fresh, 1), 0);
	assert_int_equal(fresh.version, 1);
	promote_context_free(ctx);
}

static void test_products_are_discovered(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	assert_products(ctx, NULL, "app1 app2 app3 app4 app5 app6 app7 app8 app9 cart shop"); /* dev, the trigger */
	assert_products(ctx, "qa", "app1 app2 app3 app4 app5 app6 app7 app8 cart shop");
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	assert_int_equal(promote_product_discover(&names, ctx, "qq"), PROMOTE_ENOTFOUND);
	promote_context_free(ctx);

	/* A pattern inside a folder name, with a folder below it: "svc-*" + "/deploy". */
	char work[300], repo[300];
	snprintf(work, sizeof work, "%s/svc", dir);
	snprintf(repo, sizeof repo, "%s/svc.git", dir);
	assert_int_equal(sh(NULL, 0,
				 "mkdir -p %s && cd %s && mkdir -p envs/dev/svc-a/deploy envs/dev/svc-bb/deploy envs/dev/svc-c "
				 "envs/dev/svc-/deploy envs/dev/other/deploy envs/dev/named && touch envs/dev/svc-a/deploy/v.yaml "
				 "envs/dev/svc-bb/deploy/v.yaml envs/dev/svc-c/v.yaml envs/dev/svc-/deploy/v.yaml "
				 "envs/dev/other/deploy/v.yaml envs/dev/named/v.yaml envs/dev/svc-file && "
				 "printf 'version: 1\\nenvironments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\\n"
				 "products:\\n  named: {path: named, template: {attributes: {v.yaml: [a]}}}\\n"
				 "  missing: {path: missing, template: {attributes: {v.yaml: [a]}}}\\n"
				 "  \"*\": {path: \"svc-*/deploy\", template: {attributes: {v.yaml: [a]}}}\\n"
				 "flows: {default: {trigger: dev, steps: {qa: {}}}}\\n' > promote.yaml && "
				 GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm svc && " GIT "clone -q --bare . %s",
				 work, work, repo), 0);
	assert_int_equal(promote_context_open_repository(&ctx, repo, NULL, NULL), 0);
	assert_products(ctx, "dev", "a bb named");
	assert_products(ctx, "qa", ""); /* no folder at all */
	promote_context_free(ctx);
}

static void test_errors(void **state)
{
	(void)state;
	promote_context *ctx = open_repo();
	promote_plan *plan = (promote_plan *)1;
	assert_int_equal(promote_plan_create(&plan, ctx, "shop", "qq", NULL), PROMOTE_ENOTFOUND);
	assert_null(plan);
	assert_string_equal(promote_error_last()->message, "no environment named 'qq' (did you mean 'qa'?)");
	assert_int_equal(promote_plan_create(&plan, ctx, "shop", "dev", NULL), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "no flow step promotes into 'dev'"));
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = "dev";
	assert_int_equal(promote_plan_create(&plan, ctx, "nosuchapp", "qa", &po), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "has no file 'envs/dev/more/nosuchapp/values.yaml'"));
	promote_context_free(ctx);
	/* A configuration outside any repository cannot plan. */
	char copy[300];
	snprintf(copy, sizeof copy, "%s/loose.yaml", dir);
	assert_int_equal(sh(NULL, 0, "cp '%s/work/promote.yaml' '%s'", dir, copy), 0);
	assert_int_equal(promote_context_open_file(&ctx, copy, NULL), 0);
	assert_null(promote_context_repository_path(ctx));
	assert_int_equal(promote_plan_create(&plan, ctx, "shop", "qa", NULL), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "is not in a git repository"));
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	assert_int_equal(promote_product_discover(&names, ctx, "qa"), PROMOTE_ESTATE);
	assert_null(names.strings);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_then_apply_once),
		cmocka_unit_test(test_pull_request_policy_proposes_once),
		cmocka_unit_test(test_a_change_branch_too_long_is_refused),
		cmocka_unit_test(test_concurrent_promotions_all_land_once),
		cmocka_unit_test(test_new_product_takes_the_version_asked_for),
		cmocka_unit_test(test_environment_in_another_repository),
		cmocka_unit_test(test_release_id),
		cmocka_unit_test(test_products_are_discovered),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_conflict_that_replanning_cannot_resolve), /* last: it retires dev's app3 */
	};
	return cmocka_run_group_tests_name("plan", tests, setup, teardown);
}
