/* Loading configurations: every field of the schema through the public getters. */
#include "helpers.h"

#include <stdlib.h>

static char example_path[4096];

static promote_context *open_example(void)
{
	promote_context *ctx = NULL;
	assert_int_equal(promote_context_open_file(&ctx, example_path, NULL), 0);
	assert_non_null(ctx);
	return ctx;
}

static void test_example_environments(void **state)
{
	(void)state;
	promote_context *ctx = open_example();
	assert_string_equal(promote_context_source(ctx), example_path);
	assert_int_equal(promote_env_count(ctx), 4);
	const char *names[] = { "dev", "qa", "staging", "prod" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(promote_env_name(promote_env_at(ctx, i)), names[i]);
	assert_null(promote_env_at(ctx, 4));

	const promote_env *prod;
	assert_int_equal(promote_env_lookup(&prod, ctx, "prod"), 0);
	assert_string_equal(promote_env_path(prod), "envs/prod");
	assert_int_equal(promote_env_kind(prod), PROMOTE_ENV_PRODUCTION);
	assert_int_equal(promote_env_strategy(prod), PROMOTE_STRATEGY_MANUAL);
	assert_int_equal(promote_env_deploy_mode(prod), PROMOTE_DEPLOY_AUTO);
	assert_null(promote_env_branch(prod));
	assert_int_equal(promote_env_cluster_count(prod), 2);
	assert_string_equal(promote_env_cluster_name_at(prod, 1), "prod-us");
	assert_string_equal(promote_env_cluster_namespace_at(prod, 1), "shop");
	assert_null(promote_env_cluster_name_at(prod, 2));
	assert_int_equal(promote_env_label_count(prod), 0);

	const promote_env *staging;
	assert_int_equal(promote_env_lookup(&staging, ctx, "staging"), 0);
	assert_int_equal(promote_env_kind(staging), PROMOTE_ENV_NON_PRODUCTION);
	assert_int_equal(promote_env_strategy(staging), PROMOTE_STRATEGY_AUTO);
	assert_int_equal(promote_env_label_count(staging), 2);
	assert_string_equal(promote_env_label_key_at(staging, 1), "region");
	assert_string_equal(promote_env_label_value_at(staging, 1), "eu");
	assert_string_equal(promote_env_label(staging, "tier"), "pre");
	assert_null(promote_env_label(staging, "missing"));

	/* No repositories section: one implicit repository, provider local. */
	assert_int_equal(promote_repository_count(ctx), 1);
	const promote_repository *repo = promote_env_repository(prod);
	assert_ptr_equal(repo, promote_repository_at(ctx, 0));
	assert_string_equal(promote_repository_name(repo), "default");
	assert_string_equal(promote_repository_provider(repo), "local");
	assert_null(promote_repository_url(repo));
	promote_context_free(ctx);
}

static void test_example_products(void **state)
{
	(void)state;
	promote_context *ctx = open_example();
	assert_int_equal(promote_product_count(ctx), 2);
	const promote_product *shop;
	assert_int_equal(promote_product_lookup(&shop, ctx, "shop"), 0);
	assert_string_equal(promote_product_path(shop), "apps/shop");
	assert_int_equal(promote_product_is_discovery(shop), 0);
	assert_string_equal(promote_product_template_name(shop), "helm-app");
	assert_int_equal(promote_product_file_count(shop), 1);
	assert_string_equal(promote_product_file_at(shop, 0), "config/*.yaml");
	assert_int_equal(promote_product_attribute_count(shop), 2);
	assert_string_equal(promote_product_attribute_file_at(shop, 0), "values.yaml");
	assert_string_equal(promote_product_attribute_path_at(shop, 0), "image.tag");
	assert_string_equal(promote_product_attribute_file_at(shop, 1), "Chart.yaml");
	assert_string_equal(promote_product_attribute_path_at(shop, 1), "appVersion");
	assert_null(promote_product_attribute_file_at(shop, 2));
	assert_string_equal(promote_product_version_file(shop), "values.yaml");
	assert_string_equal(promote_product_version_path(shop), "image.tag");

	const promote_product *cart;
	assert_int_equal(promote_product_lookup(&cart, ctx, "cart"), 0);
	assert_null(promote_product_template_name(cart)); /* inline */
	assert_int_equal(promote_product_file_count(cart), 0);
	assert_int_equal(promote_product_attribute_count(cart), 1);

	const promote_product *missing = (const promote_product *)1;
	assert_int_equal(promote_product_lookup(&missing, ctx, "shpo"), PROMOTE_ENOTFOUND);
	assert_null(missing);
	assert_string_equal(promote_error_last()->message, "no product named 'shpo' (did you mean 'shop'?)");
	promote_context_free(ctx);
}

static void test_example_policies_and_flow(void **state)
{
	(void)state;
	promote_context *ctx = open_example();
	assert_int_equal(promote_policy_count(ctx), 3);
	const promote_policy *pr;
	assert_int_equal(promote_policy_lookup(&pr, ctx, "prod-by-pull-request"), 0);
	assert_int_equal(promote_policy_priority(pr), 100);
	assert_int_equal(promote_policy_action(pr), PROMOTE_ACTION_PULL_REQUEST);
	assert_int_equal(promote_policy_sets(pr, PROMOTE_POLICY_FIELD_ACTION), 1);
	assert_int_equal(promote_policy_pre_count(pr), 1);
	assert_string_equal(promote_policy_pre_at(pr, 0), "change-window");
	assert_string_equal(promote_policy_post_at(pr, 0), "verify");
	assert_int_equal(promote_policy_match_kind(pr), PROMOTE_ENV_PRODUCTION);
	assert_int_equal(promote_policy_match_env_count(pr), 0);
	assert_int_equal(promote_policy_is_inline(pr), 0);

	const promote_policy *checks;
	assert_int_equal(promote_policy_lookup(&checks, ctx, "pre-production-checks"), 0);
	assert_int_equal(promote_policy_sets(checks, PROMOTE_POLICY_FIELD_ACTION), 0);
	assert_int_equal(promote_policy_action(checks), PROMOTE_ACTION_UNSET);
	assert_int_equal(promote_policy_match_kind(checks), -1);
	assert_int_equal(promote_policy_match_label_count(checks), 1);
	assert_string_equal(promote_policy_match_label_key_at(checks, 0), "tier");
	assert_string_equal(promote_policy_match_label_value_at(checks, 0), "pre");

	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0);
	assert_string_equal(promote_flow_name(flow), "default");
	assert_string_equal(promote_env_name(promote_flow_trigger(flow)), "dev");
	assert_int_equal(promote_flow_step_count(flow), 3);
	const promote_flow_step *prod;
	assert_int_equal(promote_flow_step_lookup(&prod, flow, "prod"), 0);
	assert_int_equal(promote_flow_step_dependency_count(prod), 2);
	assert_string_equal(promote_env_name(promote_flow_step_dependency_at(prod, 0)), "qa");
	assert_string_equal(promote_env_name(promote_flow_step_dependency_at(prod, 1)), "staging");
	const promote_policy *inline_policy = promote_flow_step_policy(prod);
	assert_non_null(inline_policy);
	assert_string_equal(promote_policy_name(inline_policy), "default/prod");
	assert_int_equal(promote_policy_is_inline(inline_policy), 1);
	assert_int_equal(promote_policy_post_count(inline_policy), 2);
	promote_context_free(ctx);
}

static void test_every_problem_in_one_run(void **state)
{
	(void)state;
	const char *yaml =
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, strategy: manul}\n"
		"  prod: {path: /abs, kind: prod}\n"
		"policies:\n"
		"  - {name: p, action: merge}\n"
		"flows:\n"
		"  default: {trigger: dev, steps: {prod: {dependsOn: [prod]}, qa: {}}}\n";
	static const char *const expected[] = {
		"promote.yaml:3:35: 'strategy' of environment 'dev' is 'manul' (did you mean 'manual'?); use one of: auto, manual, never",
		"promote.yaml:4:16: 'path' of environment 'prod' is '/abs', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'",
		"promote.yaml:4:28: 'kind' of environment 'prod' is 'prod'; use one of: non-production, production",
		"promote.yaml:6:23: 'action' of policy 'p' is 'merge'; use one of: commit, pull-request, none",
		"promote.yaml:8:54: step 'prod' of flow 'default' depends on itself; remove 'prod' from its dependsOn",
		"promote.yaml:8:62: a step of flow 'default' names unknown environment 'qa'; define it under 'environments'",
	};
	assert_rejected(yaml, PROMOTE_EINVALID, expected, sizeof expected / sizeof *expected);
}

static void test_yaml_syntax_error(void **state)
{
	(void)state;
	const char *yaml = "version: 1\nenvironments:\n  dev: {path: envs/dev\n  qa: x\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), "promote.yaml", NULL), PROMOTE_EINVALID);
	const promote_error *e = promote_error_last();
	assert_int_equal(e->klass, PROMOTE_ERROR_CLASS_YAML);
	assert_string_equal(e->file, "promote.yaml");
	assert_int_equal(e->line, 4);
	assert_non_null(strstr(e->message, "YAML syntax error"));
	assert_null(e->next);
}

static void test_anchors_and_aliases(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, labels: &pre {tier: pre, team: core}}\n"
		"  qa: {path: envs/qa, labels: *pre}\n");
	const promote_env *qa;
	assert_int_equal(promote_env_lookup(&qa, ctx, "qa"), 0);
	assert_string_equal(promote_env_label(qa, "team"), "core");
	promote_context_free(ctx);
}

static void test_billion_laughs(void **state)
{
	(void)state;
	const char *yaml =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), "laughs.yaml", NULL), PROMOTE_ELIMIT);
	const promote_error *e = promote_error_last();
	assert_string_equal(e->file, "laughs.yaml");
	assert_int_equal(e->line, 5); /* where the expansion first passes 100000 nodes */
	assert_non_null(strstr(e->message, "more than 100000 nodes once aliases are expanded"));
}

static void test_limits_from_options(void **state)
{
	(void)state;
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.max_depth = 3;
	const char *deep = "version: 1\nenvironments: {dev: {path: envs/dev, labels: {a: b}}}\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, deep, strlen(deep), "deep.yaml", &opts), PROMOTE_ELIMIT);
	assert_int_equal(promote_error_last()->line, 2);
	assert_int_equal(promote_error_last()->column, 46);
	assert_non_null(strstr(promote_error_last()->message, "nested deeper than 3 levels"));

	opts.max_depth = 0; /* default again */
	opts.max_config_size = 16;
	assert_int_equal(promote_context_open_buffer(&ctx, deep, strlen(deep), "deep.yaml", &opts), PROMOTE_ELIMIT);
	assert_non_null(strstr(promote_error_last()->message, "more than the limit of 16"));
	assert_int_equal(promote_context_open_file(&ctx, example_path, &opts), PROMOTE_ELIMIT);
	assert_string_equal(promote_error_last()->file, example_path);
	assert_null(ctx);
}

static void test_missing_file(void **state)
{
	(void)state;
	promote_context *ctx = (promote_context *)1;
	assert_int_equal(promote_context_open_file(&ctx, "/nonexistent/promote.yaml", NULL), PROMOTE_ENOTFOUND);
	assert_null(ctx);
	const promote_error *e = promote_error_last();
	assert_int_equal(e->klass, PROMOTE_ERROR_CLASS_OS);
	assert_string_equal(e->file, "/nonexistent/promote.yaml");
	assert_non_null(strstr(e->message, "cannot open the configuration"));
	assert_int_equal(promote_context_open_file(&ctx, "/", NULL), PROMOTE_EIO);
}

static void test_buffer_name_default(void **state)
{
	(void)state;
	const char *yaml = "version: 1\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), NULL, NULL), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->file, "<buffer>");
	assert_int_equal(promote_context_open_buffer(NULL, yaml, 1, NULL, NULL), PROMOTE_EINVALID);
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_INVALID);
}

static void test_requires_init(void **state)
{
	(void)state;
	assert_int_equal(promote_shutdown(), 0);
	promote_context *ctx;
	assert_int_equal(promote_context_open_file(&ctx, example_path, NULL), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "call promote_init() first"));
	assert_int_equal(promote_init(), 1);
}

static void test_repositories_and_branches(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(
		"version: 1\n"
		"repositories:\n"
		"  apps: {url: https://git.example.com/apps.git}\n"
		"  infra: {url: https://gitea.example.com/ops/infra.git, provider: gitea, branch: release}\n"
		"environments:\n"
		"  dev: {path: envs/dev, deployMode: manual}\n"
		"  prod: {path: ., repository: infra}\n"
		"  perf: {path: perf, repository: infra, branch: perf-main}\n");
	assert_int_equal(promote_repository_count(ctx), 2);
	const promote_repository *infra;
	assert_int_equal(promote_repository_lookup(&infra, ctx, "infra"), 0);
	assert_string_equal(promote_repository_provider(infra), "gitea");
	assert_string_equal(promote_repository_url(infra), "https://gitea.example.com/ops/infra.git");
	const promote_env *dev, *prod, *perf;
	assert_int_equal(promote_env_lookup(&dev, ctx, "dev"), 0);
	assert_int_equal(promote_env_lookup(&prod, ctx, "prod"), 0);
	assert_int_equal(promote_env_lookup(&perf, ctx, "perf"), 0);
	assert_string_equal(promote_repository_name(promote_env_repository(dev)), "apps"); /* the first */
	assert_string_equal(promote_repository_provider(promote_env_repository(dev)), "local");
	assert_int_equal(promote_env_deploy_mode(dev), PROMOTE_DEPLOY_MANUAL);
	assert_null(promote_env_branch(dev));
	assert_string_equal(promote_env_path(prod), ".");
	assert_string_equal(promote_env_branch(prod), "release");   /* the repository's */
	assert_string_equal(promote_env_branch(perf), "perf-main"); /* its own */
	assert_int_equal(promote_repository_lookup(&infra, ctx, "infr"), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "no repository named 'infr' (did you mean 'infra'?)");
	promote_context_free(ctx);
}

static void test_enum_names(void **state)
{
	(void)state;
	assert_string_equal(promote_strategy_name(PROMOTE_STRATEGY_NEVER), "never");
	assert_string_equal(promote_environment_kind_name(PROMOTE_ENV_PRODUCTION), "production");
	assert_string_equal(promote_deploy_mode_name(PROMOTE_DEPLOY_MANUAL), "manual");
	assert_string_equal(promote_action_name(PROMOTE_ACTION_PULL_REQUEST), "pull-request");
	assert_string_equal(promote_action_name(42), "unknown");
	assert_string_equal(promote_strategy_name(-1), "unknown");
}

static void test_an_inline_policy_keeps_a_long_name_whole(void **state)
{
	(void)state;
	static char flow_name[301], yaml[1024], expected[320];
	memset(flow_name, 'f', 300);
	snprintf(yaml, sizeof yaml,
		"version: 1\n"
		"environments: {dev: {path: envs/dev}, prod: {path: envs/prod}}\n"
		"flows:\n"
		"  %s:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      prod: {policy: {action: none}}\n",
		flow_name);
	promote_context *c = NULL;
	assert_int_equal(promote_context_open_buffer(&c, yaml, strlen(yaml), "promote.yaml", NULL), 0);
	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, c, flow_name), 0);
	const promote_flow_step *prod;
	assert_int_equal(promote_flow_step_lookup(&prod, flow, "prod"), 0);
	snprintf(expected, sizeof expected, "%s/prod", flow_name);
	assert_string_equal(promote_policy_name(promote_flow_step_policy(prod)), expected);
	promote_context_free(c);
}

int main(void)
{
	const char *examples = getenv("PROMOTE_EXAMPLES");
	snprintf(example_path, sizeof example_path, "%s/gitops/promote.yaml", examples ? examples : "examples");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_inline_policy_keeps_a_long_name_whole),
		cmocka_unit_test(test_example_environments),
		cmocka_unit_test(test_example_products),
		cmocka_unit_test(test_example_policies_and_flow),
		cmocka_unit_test(test_every_problem_in_one_run),
		cmocka_unit_test(test_yaml_syntax_error),
		cmocka_unit_test(test_anchors_and_aliases),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_limits_from_options),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_buffer_name_default),
		cmocka_unit_test(test_requires_init),
		cmocka_unit_test(test_repositories_and_branches),
		cmocka_unit_test(test_enum_names),
	};
	return cmocka_run_group_tests_name("config", tests, helpers_init, helpers_shutdown);
}
