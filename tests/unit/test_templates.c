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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_globs_match_at_every_depth),
	};
	return cmocka_run_group_tests_name("templates", tests, setup, teardown);
}
