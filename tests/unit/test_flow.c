/* Flow order: waves of steps that can run side by side. */
#include "helpers.h"

#define ENVS                                       \
	"version: 1\n"                             \
	"environments:\n"                          \
	"  dev: {path: envs/dev}\n"                \
	"  qa: {path: envs/qa}\n"                  \
	"  staging: {path: envs/staging}\n"        \
	"  perf: {path: envs/perf}\n"              \
	"  prod-eu: {path: envs/prod-eu}\n"        \
	"  prod-us: {path: envs/prod-us}\n"

/* "a,b|c" — the waves as text, for compact assertions. */
static void waves_text(const promote_flow *flow, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t w = 0; w < promote_flow_wave_count(flow); w++) {
		for (size_t i = 0; i < promote_flow_wave_size(flow, w); i++) {
			const promote_flow_step *step = promote_flow_wave_step_at(flow, w, i);
			assert_int_equal(promote_flow_step_wave(step), w);
			used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : (w ? "|" : ""),
				promote_env_name(promote_flow_step_env(step)));
		}
	}
}

static void assert_waves(const char *steps, const char *expected)
{
	char yaml[2048];
	snprintf(yaml, sizeof yaml, ENVS "flows:\n  f:\n    trigger: dev\n    steps:\n%s", steps);
	promote_context *ctx = open_yaml(yaml);
	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, "f"), 0);
	char text[512];
	waves_text(flow, text, sizeof text);
	assert_string_equal(text, expected);
	promote_context_free(ctx);
}

static void test_chain(void **state)
{
	(void)state;
	assert_waves("      qa: {}\n      staging: {dependsOn: [qa]}\n      prod-eu: {dependsOn: [staging]}\n",
		"qa|staging|prod-eu");
}

static void test_parallel_and_join(void **state)
{
	(void)state;
	assert_waves("      qa: {}\n      perf: {}\n      staging: {dependsOn: [qa, perf]}\n", "qa,perf|staging");
}

static void test_diamond_and_fan_out(void **state)
{
	(void)state;
	assert_waves(
		"      prod-us: {dependsOn: [staging]}\n"
		"      prod-eu: {dependsOn: [staging]}\n"
		"      staging: {dependsOn: [qa, perf]}\n"
		"      qa:\n"
		"      perf: {dependsOn: dev}\n",
		"qa,perf|staging|prod-us,prod-eu");
}

static void test_longest_path_decides_wave(void **state)
{
	(void)state;
	/* prod-eu waits for qa (wave 0) and staging (wave 1): it is in wave 2. */
	assert_waves("      qa: {}\n      staging: {dependsOn: [qa]}\n      prod-eu: {dependsOn: [qa, staging]}\n"
		     "      perf: {dependsOn: [dev, qa]}\n",
		"qa|staging,perf|prod-eu");
}

static void test_dependencies_default_to_trigger(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(ENVS "flows:\n  f: {trigger: qa, steps: {staging: {}, prod-eu: {dependsOn: [qa, staging, staging]}}}\n");
	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0); /* the only flow */
	const promote_flow_step *staging = promote_flow_step_at(flow, 0);
	assert_int_equal(promote_flow_step_dependency_count(staging), 1);
	assert_string_equal(promote_env_name(promote_flow_step_dependency_at(staging, 0)), "qa");
	const promote_flow_step *prod;
	assert_int_equal(promote_flow_step_lookup(&prod, flow, "prod-eu"), 0);
	assert_int_equal(promote_flow_step_dependency_count(prod), 2); /* duplicates folded */
	assert_null(promote_flow_step_dependency_at(prod, 2));
	assert_null(promote_flow_step_policy(prod));
	assert_int_equal(promote_flow_step_lookup(&prod, flow, "perf"), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "flow 'f' has no step for environment 'perf'"));
	assert_null(promote_flow_wave_step_at(flow, 5, 0));
	assert_int_equal(promote_flow_wave_size(flow, 5), 0);
	promote_context_free(ctx);
}

static void test_flow_lookup_rules(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(ENVS "flows:\n"
		"  fast: {trigger: dev, steps: {qa: {}}}\n"
		"  default: {trigger: dev, steps: {staging: {}}}\n");
	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0);
	assert_string_equal(promote_flow_name(flow), "default");
	const promote_flow *missing;
	assert_int_equal(promote_flow_lookup(&missing, ctx, "fsat"), PROMOTE_ENOTFOUND);
	assert_null(missing);
	assert_string_equal(promote_error_last()->message, "no flow named 'fsat' (did you mean 'fast'?)");
	assert_int_equal(promote_flow_count(ctx), 2);
	assert_ptr_equal(promote_flow_at(ctx, 1), flow);
	promote_context_free(ctx);

	ctx = open_yaml(ENVS "flows:\n  a: {trigger: dev, steps: {qa: {}}}\n  b: {trigger: dev, steps: {qa: {}}}\n");
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "no flow named 'default' and 2 flows to choose from"));
	promote_context_free(ctx);
}

static void test_large_flow(void **state)
{
	(void)state;
	/* A chain of 300 environments: orders without recursion, one wave each. */
	enum { N = 300 };
	static char yaml[N * 96];
	size_t used = (size_t)snprintf(yaml, sizeof yaml, "version: 1\nenvironments:\n");
	for (int i = 0; i < N; i++)
		used += (size_t)snprintf(yaml + used, sizeof yaml - used, "  e%d: {path: envs/e%d}\n", i, i);
	used += (size_t)snprintf(yaml + used, sizeof yaml - used, "flows:\n  long:\n    trigger: e0\n    steps:\n");
	for (int i = N - 1; i >= 1; i--)
		used += (size_t)snprintf(yaml + used, sizeof yaml - used, "      e%d: {dependsOn: [e%d]}\n", i, i - 1);
	promote_context *ctx = open_yaml(yaml);
	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, "long"), 0);
	assert_int_equal(promote_flow_wave_count(flow), N - 1);
	assert_string_equal(promote_env_name(promote_flow_step_env(promote_flow_wave_step_at(flow, 0, 0))), "e1");
	assert_string_equal(promote_env_name(promote_flow_step_env(promote_flow_wave_step_at(flow, N - 2, 0))), "e299");
	promote_context_free(ctx);
}

static void test_several_cycles_reported(void **state)
{
	(void)state;
	ASSERT_REJECTED(ENVS "flows:\n"
		"  f:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      qa: {dependsOn: [staging]}\n"
		"      staging: {dependsOn: [qa]}\n"
		"      perf: {dependsOn: [prod-eu]}\n"
		"      prod-eu: {dependsOn: [prod-us]}\n"
		"      prod-us: {dependsOn: [perf]}\n",
		"promote.yaml:14:29: flow 'f' has a cycle: qa → staging → qa; a step cannot wait for itself, remove one of these dependencies",
		"promote.yaml:17:29: flow 'f' has a cycle: perf → prod-eu → prod-us → perf; a step cannot wait for itself, remove one of these dependencies");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_parallel_and_join),
		cmocka_unit_test(test_diamond_and_fan_out),
		cmocka_unit_test(test_longest_path_decides_wave),
		cmocka_unit_test(test_dependencies_default_to_trigger),
		cmocka_unit_test(test_flow_lookup_rules),
		cmocka_unit_test(test_large_flow),
		cmocka_unit_test(test_several_cycles_reported),
	};
	return cmocka_run_group_tests_name("flow", tests, helpers_init, helpers_shutdown);
}
