/* Promotion templates against a repository: which files their globs copy. */
#include "helpers.h"

static char dir[128];
static char bare[256];

/* dev holds app's files at several depths; qa has none of them yet. */
static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/promote-test-templates-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(bare, sizeof bare, "%s/gitops.git", dir);
	int rc = sh(NULL, 0,
		"mkdir -p %s/work && cd %s/work && a=envs/dev/app && "
		"mkdir -p $a/config/sub/deeper $a/deep/x envs/qa && touch envs/qa/.keep && "
		"for f in config/a.yaml config/sub/b.yaml config/sub/deeper/c.yaml config/notes.txt "
		"deep/x/extra.txt extra.txt values.yaml; do echo \"$f: 1\" > $a/$f; done && "
		"printf 'version: 1\\nenvironments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\\n"
		"products:\\n  app:\\n    path: app\\n    template:\\n"
		"      files: [\"config/**/*.yaml\", \"**/extra.txt\", \"manifests/*.yaml\"]\\n"
		"flows: {default: {trigger: dev, steps: {qa: {}}}}\\n' > promote.yaml && "
		GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm templates && " GIT "clone -q --bare . %s",
		dir, dir, bare);
	return rc ? -1 : helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

/* "config/STARSTAR/STAR.yaml" copies the YAML files at every depth under config,
 * "STARSTAR/extra.txt" every extra.txt, the top one included — as git would. */
static void test_globs_match_at_every_depth(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_plan *plan = NULL;
	assert_int_equal(promote_plan_create(&plan, ctx, "app", "qa", NULL), 0);
	static const char *const expected[] = {
		"envs/qa/app/config/a.yaml",
		"envs/qa/app/config/sub/b.yaml",
		"envs/qa/app/config/sub/deeper/c.yaml",
		"envs/qa/app/deep/x/extra.txt",
		"envs/qa/app/extra.txt",
	};
	size_t n = sizeof expected / sizeof *expected;
	for (size_t i = 0; i < promote_plan_change_count(plan); i++)
		print_message("changes %s\n", promote_plan_change_path_at(plan, i));
	assert_int_equal(promote_plan_change_count(plan), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(promote_plan_change_path_at(plan, i), expected[i]);
	promote_plan_free(plan);
	promote_context_free(ctx);
}

/* A glob that matches nothing in the trigger environment is a warning with
 * its location; the others, which match, say nothing. */
static void test_check_warns_of_a_glob_matching_nothing(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_warnings *warnings = NULL;
	assert_int_equal(promote_context_check(&warnings, ctx), 0);
	assert_int_equal(promote_warnings_count(warnings), 1);
	const promote_error *w = promote_warnings_at(warnings, 0);
	assert_int_equal(w->code, PROMOTE_ENOTFOUND);
	assert_int_equal(w->klass, PROMOTE_ERROR_CLASS_CONFIG);
	assert_string_equal(w->file, "promote.yaml");
	assert_int_equal(w->line, 7);
	assert_int_equal(w->column, 51);
	assert_string_equal(w->message,
		"promote.yaml:7:51: files glob 'manifests/*.yaml' of product 'app' matches no file in the folder 'app' "
		"of environment 'dev' (branch 'main', the default flow's trigger), so a promotion copies nothing for "
		"it; correct the glob ('**/' matches at every depth) or remove it");
	assert_null(w->next);
	assert_null(promote_warnings_at(warnings, 1));
	promote_warnings_free(warnings);
	assert_int_equal(promote_context_check(NULL, ctx), PROMOTE_EINVALID);
	promote_context_free(ctx);
}

static void free_nothing(void *payload)
{
	(void)payload;
}

/* Provider and backend names are checked against the built-in ones and those
 * registered on the context: unknown ones are errors with their location. */
static void test_check_refuses_unknown_names(void **state)
{
	(void)state;
	static const char yaml[] = "version: 1\n"
				   "repositories: {gitops: {url: /nowhere, provider: gitlub}}\n"
				   "environments:\n"
				   "  dev: {path: envs/dev}\n"
				   "  prod: {path: envs/prod, deploy: {backend: spinnaker}}\n"
				   "products: {app: {path: app, template: {files: [\"*.yaml\"]}}}\n"
				   "flows: {default: {trigger: dev, steps: {prod: {}}}}\n";
	promote_context *ctx = open_yaml(yaml);
	promote_warnings *warnings = (promote_warnings *)1;
	assert_int_equal(promote_context_check(&warnings, ctx), PROMOTE_EINVALID);
	assert_null(warnings);
	const promote_error *e = promote_error_last();
	assert_string_equal(e->message,
		"promote.yaml:2:50: repository 'gitops' names unknown git provider 'gitlub' (did you mean 'github'?); "
		"known: 'local', 'github', 'gitea', 'gitlab', 'forgejo' (a program registers its own with "
		"promote_git_provider_register() before the check)");
	assert_non_null(e->next);
	assert_string_equal(e->next->message,
		"promote.yaml:5:45: environment 'prod' names unknown deploy backend 'spinnaker'; known: 'none', 'exec', 'argocd' (a "
		"program "
		"registers its own with promote_deploy_backend_register() before the check)");
	assert_null(e->next->next);

	/* Registered names count, and the closest one is suggested. */
	promote_git_provider provider = PROMOTE_GIT_PROVIDER_INIT;
	promote_deploy_backend backend = PROMOTE_DEPLOY_BACKEND_INIT;
	provider.free_payload = free_nothing;
	assert_int_equal(promote_git_provider_register(ctx, "myforge", &provider, NULL), 0);
	assert_int_equal(promote_deploy_backend_register(ctx, "spinnaker", &backend, NULL), 0);
	assert_int_equal(promote_context_check(&warnings, ctx), PROMOTE_EINVALID);
	e = promote_error_last();
	assert_string_equal(e->message,
		"promote.yaml:2:50: repository 'gitops' names unknown git provider 'gitlub' (did you mean 'github'?); "
		"known: 'local', 'github', 'gitea', 'gitlab', 'forgejo', 'myforge' (a program registers its own with "
		"promote_git_provider_register() before the check)");
	assert_null(e->next);
	promote_context_free(ctx);

	/* Known names pass; a context without a repository has no globs to check. */
	ctx = open_yaml("version: 1\n"
			"repositories: {gitops: {url: /nowhere, provider: local}}\n"
			"environments: {dev: {path: envs/dev, deploy: {backend: none}}, qa: {path: envs/qa, deploy: {backend: "
			"exec}}}\n"
			"products: {app: {path: app, template: {files: [\"*.yaml\"]}}}\n");
	assert_int_equal(promote_context_check(&warnings, ctx), 0);
	assert_int_equal(promote_warnings_count(warnings), 0);
	promote_warnings_free(warnings);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_globs_match_at_every_depth),
		cmocka_unit_test(test_check_warns_of_a_glob_matching_nothing),
		cmocka_unit_test(test_check_refuses_unknown_names),
	};
	return cmocka_run_group_tests_name("templates", tests, setup, teardown);
}
