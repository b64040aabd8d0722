/* Policy selection and the field-by-field merge by priority. */
#include "helpers.h"

static const char *const config =
	"version: 1\n"
	"environments:\n"
	"  dev: {path: envs/dev, labels: {tier: dev}, deploy: {backend: exec, health: [./h]}}\n"
	"  staging: {path: envs/staging, labels: {tier: pre, region: eu}, deploy: {backend: exec, health: [./h]}}\n"
	"  prod: {path: envs/prod, kind: production, labels: {region: eu}, deploy: {backend: exec, health: [./h]}}\n"
	"products:\n"
	"  shop: {path: apps/shop, template: {attributes: {values.yaml: [image.tag]}}}\n"
	"  shop-api: {path: apps/shop-api, template: {attributes: {values.yaml: [image.tag]}}}\n"
	"  billing: {path: apps/billing, template: {attributes: {values.yaml: [image.tag]}}}\n"
	"workflows: {lint: {run: [./lint]}, eu-smoke: {run: [./smoke]}, shop-e2e: {run: [./e2e]}}\n"
	"policies:\n"
	"  - name: base\n"                                  /* 0: matches everything */
	"    action: commit\n"
	"    pre: [lint]\n"
	"  - name: eu-checks\n"                             /* labels */
	"    priority: 10\n"
	"    match: {environments: {labels: {region: eu}}}\n"
	"    post: [eu-smoke]\n"
	"  - name: prod-pr\n"                               /* kind */
	"    priority: 100\n"
	"    match: {environments: {kind: production}}\n"
	"    action: pull-request\n"
	"  - name: shop-family\n"                           /* product glob, env names */
	"    priority: 10\n"
	"    match: {products: [\"shop*\"], environments: {names: [staging, prod]}}\n"
	"    post: [shop-e2e]\n"
	"    pre: []\n"
	"  - name: billing-freeze\n"
	"    priority: 1000\n"
	"    match: {products: [billing], environments: {kind: production}}\n"
	"    action: none\n"
	"flows:\n"
	"  default:\n"
	"    trigger: dev\n"
	"    steps:\n"
	"      staging: {}\n"
	"      prod: {dependsOn: [staging], policy: {action: commit}}\n";

static promote_context *ctx;

static int setup(void **state)
{
	if (helpers_init(state))
		return -1;
	ctx = open_yaml(config);
	return 0;
}

static int teardown(void **state)
{
	promote_context_free(ctx);
	return helpers_shutdown(state);
}

static const char *source_name(const promote_effective_policy *eff, int field)
{
	const promote_policy *p = promote_effective_policy_source(eff, field);
	return p ? promote_policy_name(p) : "(default)";
}

static void test_defaults_when_nothing_matches_a_field(void **state)
{
	(void)state;
	promote_effective_policy *eff;
	assert_int_equal(promote_policy_resolve(&eff, ctx, "billing", "dev", NULL), 0);
	assert_int_equal(promote_effective_policy_action(eff), PROMOTE_ACTION_COMMIT);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_ACTION), "base");
	assert_int_equal(promote_effective_policy_pre_count(eff), 1);
	assert_string_equal(promote_effective_policy_pre_at(eff, 0), "lint");
	assert_int_equal(promote_effective_policy_post_count(eff), 0);
	assert_null(promote_effective_policy_source(eff, PROMOTE_POLICY_FIELD_POST)); /* built-in default */
	assert_int_equal(promote_effective_policy_match_count(eff), 1);
	promote_effective_policy_free(eff);
}

static void test_higher_priority_wins_field_by_field(void **state)
{
	(void)state;
	promote_effective_policy *eff;
	assert_int_equal(promote_policy_resolve(&eff, ctx, "billing", "prod", NULL), 0);
	assert_int_equal(promote_effective_policy_action(eff), PROMOTE_ACTION_NONE);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_ACTION), "billing-freeze");
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_PRE), "base");
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_POST), "eu-checks");
	assert_string_equal(promote_effective_policy_post_at(eff, 0), "eu-smoke");
	/* strongest first */
	const char *order[] = { "billing-freeze", "prod-pr", "eu-checks", "base" };
	assert_int_equal(promote_effective_policy_match_count(eff), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(promote_policy_name(promote_effective_policy_match_at(eff, i)), order[i]);
	promote_effective_policy_free(eff);
}

static void test_equal_priority_declared_first_wins(void **state)
{
	(void)state;
	promote_effective_policy *eff;
	/* eu-checks and shop-family both have priority 10 and set post: eu-checks is declared first. */
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop-api", "staging", NULL), 0);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_POST), "eu-checks");
	/* shop-family sets pre to an empty list, which beats base's [lint] (priority 0). */
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_PRE), "shop-family");
	assert_int_equal(promote_effective_policy_pre_count(eff), 0);
	promote_effective_policy_free(eff);
}

static void test_inline_step_policy_beats_all(void **state)
{
	(void)state;
	promote_effective_policy *eff;
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop", "prod", "default"), 0);
	assert_int_equal(promote_effective_policy_action(eff), PROMOTE_ACTION_COMMIT);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_ACTION), "default/prod");
	assert_int_equal(promote_policy_is_inline(promote_effective_policy_source(eff, PROMOTE_POLICY_FIELD_ACTION)), 1);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_PRE), "shop-family");
	assert_string_equal(promote_policy_name(promote_effective_policy_match_at(eff, 0)), "default/prod");
	promote_effective_policy_free(eff);

	/* Without the flow the step policy does not apply. */
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop", "prod", NULL), 0);
	assert_int_equal(promote_effective_policy_action(eff), PROMOTE_ACTION_PULL_REQUEST);
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_ACTION), "prod-pr");
	promote_effective_policy_free(eff);
}

static void test_selectors(void **state)
{
	(void)state;
	const promote_policy *family;
	const promote_env *dev, *staging, *prod;
	assert_int_equal(promote_policy_lookup(&family, ctx, "shop-family"), 0);
	assert_int_equal(promote_env_lookup(&dev, ctx, "dev"), 0);
	assert_int_equal(promote_env_lookup(&staging, ctx, "staging"), 0);
	assert_int_equal(promote_env_lookup(&prod, ctx, "prod"), 0);
	assert_int_equal(promote_policy_matches(family, "shop", staging), 1);
	assert_int_equal(promote_policy_matches(family, "shop-api", prod), 1);
	assert_int_equal(promote_policy_matches(family, "shop", dev), 0);     /* env name */
	assert_int_equal(promote_policy_matches(family, "billing", prod), 0); /* product glob */
	assert_int_equal(promote_policy_match_product_count(family), 1);
	assert_string_equal(promote_policy_match_product_at(family, 0), "shop*");
	assert_string_equal(promote_policy_match_env_at(family, 1), "prod");
	const promote_policy *eu;
	assert_int_equal(promote_policy_lookup(&eu, ctx, "eu-checks"), 0);
	assert_int_equal(promote_policy_matches(eu, "x", staging), 1);
	assert_int_equal(promote_policy_matches(eu, "x", dev), 0); /* label */
	assert_int_equal(promote_policy_matches(NULL, "x", dev), 0);
}

static void test_unknown_names(void **state)
{
	(void)state;
	promote_effective_policy *eff = (promote_effective_policy *)1;
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop", "prdo", NULL), PROMOTE_ENOTFOUND);
	assert_null(eff);
	assert_string_equal(promote_error_last()->message, "no environment named 'prdo' (did you mean 'prod'?)");
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shpo", "prod", NULL), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "no product named 'shpo' (did you mean 'shop'?)");
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop", "prod", "defualt"), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "no flow named 'defualt' (did you mean 'default'?)");
	assert_int_equal(promote_policy_resolve(&eff, ctx, "shop", "dev", "default"), PROMOTE_ENOTFOUND);
	assert_int_equal(promote_policy_lookup(NULL, ctx, "x"), PROMOTE_EINVALID);
}

static void test_discovery_accepts_any_product(void **state)
{
	(void)state;
	promote_context *d = open_yaml("version: 1\nenvironments: {dev: {path: envs/dev}}\n"
				       "products:\n  \"*\": {path: apps/*, template: {files: [\"*.yaml\"]}}\n");
	const promote_product *any = promote_product_at(d, 0);
	assert_int_equal(promote_product_is_discovery(any), 1);
	assert_string_equal(promote_product_path(any), "apps/*");
	promote_effective_policy *eff;
	assert_int_equal(promote_policy_resolve(&eff, d, "whatever", "dev", NULL), 0);
	assert_int_equal(promote_effective_policy_action(eff), PROMOTE_ACTION_COMMIT);
	assert_null(promote_effective_policy_source(eff, PROMOTE_POLICY_FIELD_ACTION));
	promote_effective_policy_free(eff);
	promote_context_free(d);
}

static void test_effective_policy_keeps_context_alive(void **state)
{
	(void)state;
	promote_context *own = open_yaml(config);
	promote_effective_policy *eff;
	assert_int_equal(promote_policy_resolve(&eff, own, "shop", "staging", NULL), 0);
	promote_context_free(own); /* any free order works */
	assert_string_equal(source_name(eff, PROMOTE_POLICY_FIELD_POST), "eu-checks");
	assert_string_equal(promote_effective_policy_post_at(eff, 0), "eu-smoke");
	promote_effective_policy_free(eff);
	promote_effective_policy_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_when_nothing_matches_a_field),
		cmocka_unit_test(test_higher_priority_wins_field_by_field),
		cmocka_unit_test(test_equal_priority_declared_first_wins),
		cmocka_unit_test(test_inline_step_policy_beats_all),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_discovery_accepts_any_product),
		cmocka_unit_test(test_effective_policy_keeps_context_alive),
	};
	return cmocka_run_group_tests_name("policy", tests, setup, teardown);
}
