/*
 * promote_scaffold_*: a starting configuration from a jx-requirements.yml held in memory (Jenkins X's
 * defaults, the flow in the file's order, every problem at its file:line:column) and from the committed
 * tree of the example repository; what is made loads as a configuration.
 */
#include "helpers.h"

static char *from_jx(const char *yaml)
{
	promote_buf out = PROMOTE_BUF_INIT;
	if (promote_scaffold_from_jx(&out, yaml, strlen(yaml), "jx.yml"))
		fail_msg("from_jx: %s", promote_error_last()->message);
	return out.ptr;
}

/* The text loads as a configuration; its context. */
static promote_context *load(const char *text)
{
	promote_context *ctx = NULL;
	if (promote_context_open_buffer(&ctx, text, strlen(text), "promote.yaml", NULL))
		fail_msg("made a configuration that does not load: %s\n%s", promote_error_last()->message, text);
	return ctx;
}

static int strategy_of(promote_context *ctx, const char *env)
{
	const promote_env *e = NULL;
	assert_int_equal(promote_env_lookup(&e, ctx, env), 0);
	return promote_env_strategy(e);
}

static void test_jx_defaults(void **state)
{
	(void)state;
	char *text = from_jx("spec:\n  cluster: {clusterName: c1}\n  environments:\n  - key: dev\n  - key: staging\n"
		"  - key: perf\n    promotionStrategy: Never\n  - key: production\n  - key: edge\n    remoteCluster: true\n"
		"    promotionStrategy: Auto\n");
	promote_context *ctx = load(text);
	assert_int_equal(strategy_of(ctx, "dev"), PROMOTE_STRATEGY_NEVER);
	assert_int_equal(strategy_of(ctx, "staging"), PROMOTE_STRATEGY_AUTO);
	assert_int_equal(strategy_of(ctx, "perf"), PROMOTE_STRATEGY_NEVER);
	assert_int_equal(strategy_of(ctx, "production"), PROMOTE_STRATEGY_MANUAL);
	assert_int_equal(strategy_of(ctx, "edge"), PROMOTE_STRATEGY_AUTO);
	const promote_env *e = NULL;
	assert_int_equal(promote_env_lookup(&e, ctx, "production"), 0);
	assert_int_equal(promote_env_kind(e), PROMOTE_ENV_PRODUCTION);
	assert_string_equal(promote_env_path(e), "helmfiles/jx-production");
	assert_string_equal(promote_env_cluster_name_at(e, 0), "c1");
	assert_string_equal(promote_env_cluster_namespace_at(e, 0), "jx-production");
	assert_int_equal(promote_env_lookup(&e, ctx, "edge"), 0);
	assert_string_equal(promote_repository_name(promote_env_repository(e)), "edge");
	assert_string_equal(promote_repository_url(promote_env_repository(e)), "https://github.com/OWNER/environment-c1-edge.git");
	assert_int_equal(promote_env_lookup(&e, ctx, "dev"), 0);
	assert_string_equal(promote_env_cluster_namespace_at(e, 0), "jx");
	/* The flow in the file's order, perf (Never) left out. */
	const promote_flow *flow = NULL;
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0);
	assert_string_equal(promote_env_name(promote_flow_trigger(flow)), "dev");
	assert_int_equal(promote_flow_step_count(flow), 3);
	const promote_flow_step *step = NULL;
	assert_int_equal(promote_flow_step_lookup(&step, flow, "perf"), PROMOTE_ENOTFOUND);
	assert_int_equal(promote_flow_step_lookup(&step, flow, "edge"), 0);
	assert_string_equal(promote_env_name(promote_flow_step_dependency_at(step, 0)), "production");
	promote_context_free(ctx);
	free(text);

	/* The older files: environments at the top; no dev: the first is the trigger; a name made valid. */
	text = from_jx("environments:\n- key: Blue.Env\n  namespace: blue\n- key: Green_Env\n");
	assert_non_null(strstr(text, "namespace: jx-green-env\n"));
	ctx = load(text);
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0);
	assert_string_equal(promote_env_name(promote_flow_trigger(flow)), "Blue.Env");
	promote_context_free(ctx);
	free(text);
}

static void assert_jx_rejected(const char *yaml, const char *message)
{
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote_scaffold_from_jx(&out, yaml, strlen(yaml), "jx.yml"), PROMOTE_EINVALID);
	assert_null(out.ptr);
	if (strncmp(promote_error_last()->message, message, strlen(message)) != 0)
		fail_msg("'%s', expected '%s'", promote_error_last()->message, message);
}

static void test_jx_errors(void **state)
{
	(void)state;
	assert_jx_rejected("spec:\n  environments:\n  - key: dev\n  - {owner: x}\n",
		"jx.yml:4:5: environment 2 of 'environments' has no 'key'");
	assert_jx_rejected("spec:\n  environments: {dev: {}}\n", "jx.yml:2:17: 'environments' must be a list, not a mapping");
	assert_jx_rejected("- a\n", "jx.yml:1:1: a jx-requirements.yml must be a mapping");
	assert_jx_rejected("", "jx.yml:1:1: jx.yml is empty");
	/* Every problem, in one call. */
	promote_buf out = PROMOTE_BUF_INIT;
	const char *two = "spec:\n  environments:\n  - key: dev\n    promotionStrategy: auto\n  - key: dev\n";
	assert_int_equal(promote_scaffold_from_jx(&out, two, strlen(two), "jx.yml"), PROMOTE_EINVALID);
	assert_non_null(promote_error_last()->next);
	assert_int_equal(promote_error_last()->line, 4);
	assert_int_equal(promote_error_last()->next->line, 5);
	assert_int_equal(promote_scaffold_from_jx(NULL, "", 0, NULL), PROMOTE_EINVALID);
	assert_int_equal(promote_scaffold_from_jx(&out, NULL, 0, NULL), PROMOTE_EINVALID);
}

static void test_repository(void **state)
{
	(void)state;
	promote_scaffold_options opts;
	memset(&opts, 0xab, sizeof opts);
	assert_int_equal(promote_scaffold_options_init(&opts, PROMOTE_SCAFFOLD_OPTIONS_VERSION), 0);
	assert_null(opts.branch);
	assert_int_equal(promote_scaffold_options_init(&opts, PROMOTE_SCAFFOLD_OPTIONS_VERSION + 1), PROMOTE_EVERSION);

	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "scaffold"), 0);
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote_scaffold_from_repository(&out, bare, NULL), 0);
	promote_context *ctx = load(out.ptr);
	/* envs/ENV/apps/PRODUCT and envs/ENV/more/APP: every product found, sorted environments in stage order. */
	assert_int_equal(promote_env_count(ctx), 4);
	assert_string_equal(promote_env_name(promote_env_at(ctx, 0)), "dev");
	assert_string_equal(promote_env_name(promote_env_at(ctx, 3)), "prod");
	const promote_product *p = NULL;
	assert_int_equal(promote_product_lookup(&p, ctx, "app9"), 0);
	assert_string_equal(promote_product_path(p), "more/app9");
	assert_string_equal(promote_product_version_file(p), "values.yaml");
	assert_string_equal(promote_product_version_path(p), "image.tag");
	assert_int_equal(promote_product_lookup(&p, ctx, "shop"), 0);
	assert_string_equal(promote_product_path(p), "apps/shop");
	promote_context_free(ctx);
	promote_buf_dispose(&out);

	/* A branch that is not there; a repository that is not one. */
	opts.branch = "nowhere";
	assert_int_equal(promote_scaffold_from_repository(&out, bare, &opts), PROMOTE_ENOTFOUND);
	char missing[600];
	snprintf(missing, sizeof missing, "%s/none.git", dir);
	assert_true(promote_scaffold_from_repository(&out, missing, NULL) < 0);
	assert_null(out.ptr);
	/* Nothing that looks like environments. */
	assert_int_equal(sh(NULL, 0, "cd %s && " GIT "init -q -b main empty && cd empty && echo x > README && "
		GIT "add README && " GIT "commit -qm x", dir), 0);
	char empty[600];
	snprintf(empty, sizeof empty, "%s/empty", dir);
	assert_int_equal(promote_scaffold_from_repository(&out, empty, NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "no environments with a version that can be read"));
	assert_int_equal(promote_scaffold_from_repository(NULL, empty, NULL), PROMOTE_EINVALID);
	remove_scratch(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jx_defaults),
		cmocka_unit_test(test_jx_errors),
		cmocka_unit_test(test_repository),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
