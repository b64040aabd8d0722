/*
 * The configuration of releases: workflows:, environments' deploy:,
 * products' flows:, flows' timeout and retries — every key read, every
 * problem reported with its file:line:column; the model's checks (unknown
 * workflows, workflows in an environment without a deploy backend, a flow
 * through a never environment) and the lookups the release engine makes.
 */
#include "helpers.h"

#include "model/workflow.h"
#include "config/duration.h"
#include "config/loader_concurrency.h"

/* Durations both ways, as promote.yaml writes them: what a message names is what a timeout reads. */
static void test_durations(void **state)
{
	(void)state;
	assert_string_equal(promote__duration(0).text, "0s");
	assert_string_equal(promote__duration(1).text, "1s");
	assert_string_equal(promote__duration(90).text, "1m30s");
	assert_string_equal(promote__duration(600).text, "10m");
	assert_string_equal(promote__duration(5400).text, "1h30m");
	assert_string_equal(promote__duration(86400).text, "24h");
	assert_string_equal(promote__duration(3661).text, "1h1m1s");
	assert_string_equal(promote__duration(UINT32_MAX).text, "1193046h28m15s");
	const char *texts[] = { "1s", "1m30s", "10m", "1h30m", "24h", "1h1m1s", "1193046h28m15s" };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		uint64_t seconds = 0;
		assert_true(promote__duration_parse(texts[i], &seconds));
		assert_true(seconds <= UINT32_MAX);
		assert_string_equal(promote__duration((uint32_t)seconds).text, texts[i]);
	}
	uint64_t seconds = 7;
	assert_false(promote__duration_parse("", &seconds));
	assert_false(promote__duration_parse("30m1h", &seconds));
	assert_false(promote__duration_parse("10", &seconds));
	assert_false(promote__duration_parse("1000000000s", &seconds));
	assert_int_equal(seconds, 7);
}

static void test_keys_and_defaults(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa, deploy: {backend: exec, sync: [./sync.sh, \"{env}\"], health: [./health.sh], timeout: 90s}}\n"
		"  prod: {path: envs/prod, deploy: {backend: argocd, server: https://argocd.example.com, timeout: 1h30m}}\n"
		"workflows:\n"
		"  smoke-test: {run: [./checks/smoke.sh, \"{env}\", --fast], timeout: 10m}\n"
		"  verify: {run: [./verify.sh]}\n"
		"products:\n"
		"  shop: {path: apps/shop, template: {files: [\"*.yaml\"]}, flows: [fast, default]}\n"
		"  cart: {path: apps/cart, template: {files: [\"*.yaml\"]}}\n"
		"  \"*\": {path: more/*, template: {files: [\"*.yaml\"]}, flows: fast}\n"
		"policies:\n"
		"  - {name: checks, match: {environments: {names: [qa]}}, pre: [smoke-test], post: [verify]}\n"
		"flows:\n"
		"  default: {trigger: dev, steps: {qa: {}, prod: {dependsOn: [qa]}}}\n"
		"  fast: {trigger: dev, timeout: 2h, retries: 0, steps: {prod: {}}}\n");
	const promote_env *env;
	assert_int_equal(promote_env_lookup(&env, ctx, "dev"), 0);
	assert_string_equal(promote_env_deploy_backend(env), "none");
	assert_int_equal(promote_env_lookup(&env, ctx, "qa"), 0);
	assert_string_equal(promote_env_deploy_backend(env), "exec");
	assert_int_equal(env->deploy_sync_count, 2);
	assert_string_equal(env->deploy_sync[1], "{env}");
	assert_int_equal(env->deploy_health_count, 1);
	assert_string_equal(env->deploy_health[0], "./health.sh");
	assert_int_equal(env->deploy_timeout_s, 90);
	assert_int_equal(promote_env_lookup(&env, ctx, "prod"), 0);
	assert_string_equal(promote_env_deploy_backend(env), "argocd");
	assert_int_equal(env->deploy_timeout_s, 5400);
	assert_string_equal(env->argocd.server, "https://argocd.example.com");
	assert_null(env->argocd.application);
	assert_int_equal(env->argocd.hold_s, 0);
	assert_false(env->argocd.insecure);
	assert_null(promote_env_deploy_backend(NULL));

	const promote__workflow *w = promote__workflow_find(ctx, "smoke-test");
	assert_non_null(w);
	assert_int_equal(w->argc, 3);
	assert_string_equal(w->argv[0], "./checks/smoke.sh");
	assert_string_equal(w->argv[2], "--fast");
	assert_int_equal(w->timeout_s, 600);
	assert_int_equal(w->where.line, 7);
	assert_int_equal(promote__workflow_find(ctx, "verify")->timeout_s, 0); /* the default, deploy.h's */
	assert_null(promote__workflow_find(ctx, "nope"));

	const promote_product *p;
	assert_int_equal(promote_product_lookup(&p, ctx, "shop"), 0);
	assert_int_equal(promote_product_flow_count(p), 2);
	assert_string_equal(promote_product_flow_at(p, 0), "fast");
	assert_string_equal(promote_product_flow_at(p, 1), "default");
	assert_null(promote_product_flow_at(p, 2));
	assert_int_equal(promote_product_flow_count(NULL), 0);

	const promote_flow *flow;
	assert_int_equal(promote_flow_lookup(&flow, ctx, NULL), 0);
	assert_int_equal(promote_flow_timeout(flow), 24 * 3600);
	assert_int_equal(promote_flow_retries(flow), 3);
	assert_int_equal(promote_flow_lookup(&flow, ctx, "fast"), 0);
	assert_int_equal(promote_flow_timeout(flow), 7200);
	assert_int_equal(promote_flow_retries(flow), 0);
	assert_int_equal(promote_flow_timeout(NULL), 0);
	assert_int_equal(promote_flow_retries(NULL), -1);

	/* The flow a release runs: the product's first, else default; a
	 * discovered product takes the discovery product's. */
	assert_int_equal(promote__product_flow(&flow, ctx, "shop"), 0);
	assert_string_equal(promote_flow_name(flow), "fast");
	assert_int_equal(promote__product_flow(&flow, ctx, "cart"), 0);
	assert_string_equal(promote_flow_name(flow), "default");
	assert_int_equal(promote__product_flow(&flow, ctx, "app1"), 0);
	assert_string_equal(promote_flow_name(flow), "fast");
	promote_context_free(ctx);

	/* No default flow and several: the reason is the lookup's. */
	ctx = open_yaml("version: 1\n"
			"environments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\n"
			"products: {shop: {path: apps/shop, template: {files: [\"*.yaml\"]}}}\n"
			"flows: {a: {trigger: dev, steps: {qa: {}}}, b: {trigger: dev, steps: {qa: {}}}}\n");
	assert_int_equal(promote__product_flow(&flow, ctx, "shop"), PROMOTE_ENOTFOUND);
	assert_null(flow);
	assert_string_equal(promote_error_last()->message,
		"no flow named 'default' and 2 flows to choose from; name the flow");
	promote_context_free(ctx);
}

static void test_workflow_errors(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"workflows:\n"
		"  smoke test: {run: [./smoke.sh]}\n"
		"  verify: {command: [./verify.sh]}\n"
		"  empty: {run: []}\n"
		"  shell: {run: ./x.sh --all}\n"
		"  slow: {run: [./slow.sh], timeout: 10 min}\n"
		"  bare: {run: [./bare.sh], timeout: 600}\n"
		"  zero: {run: [./zero.sh], timeout: 0s}\n"
		"  order: {run: [./o.sh], timeout: 30m1h}\n"
		"  long: {run: [./l.sh], timeout: 24h1s}\n"
		"  nested: {run: [[a]]}\n"
		"  verify: {run: [./again.sh]}\n",
		"promote.yaml:4:3: workflow name 'smoke test' is not valid: it cannot be part of a git branch name; a name is 1 "
		"to 128 bytes that can stand as one part of a git branch name: no '/', spaces, control characters or any of ~ "
		"^ : ? * [ \\, not starting with '.' or '-', not ending with '.lock' or '.', no '..' or '@{'",
		"promote.yaml:5:3: workflow 'verify' has no 'run' and no 'workflowTemplate'; give the command it runs, e.g. "
		"'run: [./checks/verify.sh, \"{env}\"]' (deploy backend exec), or the Argo Workflows WorkflowTemplate it "
		"submits, e.g. 'workflowTemplate: verify' (deploy backend argocd)",
		"promote.yaml:5:12: unknown key 'command' in workflow 'verify'; the keys allowed here are: run, "
		"workflowTemplate, parameters, timeout",
		"promote.yaml:6:16: 'run' of workflow 'empty' is empty; give the program to run and its arguments, e.g. "
		"[./checks/smoke.sh, \"{env}\"]",
		"promote.yaml:7:16: 'run' of workflow 'shell' must be a list: the program and its arguments, run without a "
		"shell, e.g. [./checks/smoke.sh, \"{env}\"]",
		"promote.yaml:8:37: 'timeout' of workflow 'slow' is '10 min'; write a duration such as 90s, 10m, 24h or 1h30m",
		"promote.yaml:9:37: 'timeout' of workflow 'bare' is '600'; write a duration such as 90s, 10m, 24h or 1h30m (a "
		"number needs its unit: s, m or h)",
		"promote.yaml:10:37: 'timeout' of workflow 'zero' is '0s'; write a duration from 1s to 24h",
		"promote.yaml:11:35: 'timeout' of workflow 'order' is '30m1h'; write a duration such as 90s, 10m, 24h or 1h30m",
		"promote.yaml:12:34: 'timeout' of workflow 'long' is '24h1s'; write a duration from 1s to 24h",
		"promote.yaml:13:18: 'run' of workflow 'nested' must be a non-empty string, not a sequence",
		"promote.yaml:14:3: duplicate key 'verify' (first at line 5, column 3); each name may appear once, remove or "
		"rename one");
}

static void test_deploy_errors(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  qa: {path: envs/qa, deploy: {backend: none, sync: [./sync.sh]}}\n"
		"  staging: {path: envs/staging, deploy: {health: [./h.sh], timeout: 5m}}\n"
		"  prod: {path: envs/prod, deploy: {backend: exec, sync: ./sync.sh, helth: [./h.sh]}}\n"
		"  perf: {path: envs/perf, deploy: {backend: spinnaker, health: [./h.sh], timeout: 25h}}\n"
		"  edge: {path: envs/edge, deploy: [exec]}\n",
		"promote.yaml:3:53: 'sync' of 'deploy' of environment 'qa' is a command of the exec backend, but the backend "
		"is 'none'; remove 'sync' or write 'backend: exec'",
		"promote.yaml:4:50: 'health' of 'deploy' of environment 'staging' is a command of the exec backend, but no "
		"backend is named; add 'backend: exec'",
		"promote.yaml:4:69: 'timeout' of 'deploy' of environment 'staging' bounds a deploy backend's sync and health, "
		"but no backend is named; remove it or name a backend",
		"promote.yaml:5:57: 'sync' of 'deploy' of environment 'prod' must be a list: the program and its arguments, "
		"run without a shell, e.g. [./checks/smoke.sh, \"{env}\"]",
		"promote.yaml:5:68: unknown key 'helth' in 'deploy' of environment 'prod' (did you mean 'health'?); the keys "
		"allowed here are: backend, sync, health, timeout, server, application, project, appNamespace, hold, insecure, "
		"argoWorkflows",
		"promote.yaml:6:64: 'health' of 'deploy' of environment 'perf' is a command of the exec backend, but the "
		"backend is 'spinnaker'; remove 'health' or write 'backend: exec'",
		"promote.yaml:6:83: 'timeout' of 'deploy' of environment 'perf' is '25h'; write a duration from 1s to 24h",
		"promote.yaml:7:35: 'deploy' of environment 'edge' must be a mapping, not a sequence (write 'key: value' "
		"entries)");
}

static void test_argv_bounds(void **state)
{
	(void)state;
	/* 257 arguments, and one argument of 4097 bytes. */
	size_t size = 64 * 1024;
	char *yaml = malloc(size);
	assert_non_null(yaml);
	int n = snprintf(yaml, size, "version: 1\nenvironments: {dev: {path: envs/dev}}\nworkflows:\n  many: {run: [");
	for (int i = 0; i < 257; i++)
		n += snprintf(yaml + n, size - (size_t)n, "%sa", i ? ", " : "");
	n += snprintf(yaml + n, size - (size_t)n, "]}\n  big: {run: [./x, ");
	memset(yaml + n, 'b', 4097);
	n += 4097;
	snprintf(yaml + n, size - (size_t)n, "]}\n");
	ASSERT_REJECTED(yaml,
		"promote.yaml:4:15: 'run' of workflow 'many' has 257 arguments, more than the 256 allowed; pass the rest in a "
		"file or a script",
		"promote.yaml:5:20: argument #2 of 'run' of workflow 'big' is 4097 bytes long, more than the 4096 allowed; "
		"pass it in a file");
	free(yaml);
}

static void test_product_and_flow_errors(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\n"
		"products:\n"
		"  shop: {path: apps/shop, template: {files: [\"*.yaml\"]}, flows: [fastlane, nightly]}\n"
		"  cart: {path: apps/cart, template: {files: [\"*.yaml\"]}, flows: {a: b}}\n"
		"flows:\n"
		"  fast-lane:\n"
		"    trigger: dev\n"
		"    timeout: 31d\n"
		"    retries: 21\n"
		"    steps: {qa: {}}\n"
		"  other:\n"
		"    trigger: dev\n"
		"    timeout: 721h\n"
		"    retries: three\n"
		"    steps: {qa: {}}\n"
		"  quoted: {trigger: dev, retries: \"2\", steps: {qa: {}}, retry: 1}\n",
		"promote.yaml:4:66: product 'shop' names unknown flow 'fastlane' in 'flows' (did you mean 'fast-lane'?); "
		"define it under 'flows'",
		"promote.yaml:4:76: product 'shop' names unknown flow 'nightly' in 'flows'; define it under 'flows'",
		"promote.yaml:5:65: 'flows' of product 'cart' must be a list, not a mapping (write a list: [a, b] or '- a' "
		"lines)",
		"promote.yaml:9:14: 'timeout' of flow 'fast-lane' is '31d'; write a duration such as 90s, 10m, 24h or 1h30m",
		"promote.yaml:10:14: 'retries' of flow 'fast-lane' is '21'; write a whole number from 0 to 20",
		"promote.yaml:14:14: 'timeout' of flow 'other' is '721h'; write a duration from 1s to 720h",
		"promote.yaml:15:14: 'retries' of flow 'other' is 'three'; write a whole number from 0 to 20",
		"promote.yaml:17:35: 'retries' of flow 'quoted' is '2'; write a whole number from 0 to 20 (without quotes)",
		"promote.yaml:17:57: unknown key 'retry' in flow 'quoted'; the keys allowed here are: trigger, steps, "
		"timeout, retries, concurrency, queueLimit");
}

/* A flow's concurrency and queueLimit, a step's soak: read, defaulted, and every misuse at its place. */
static void test_concurrency_and_soak(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}, qa: {path: envs/qa}, prod: {path: envs/prod}}\n"
		"flows:\n"
		"  default: {trigger: dev, steps: {qa: {soak: 30m}, prod: {dependsOn: [qa]}}}\n"
		"  fast: {trigger: dev, concurrency: supersede, queueLimit: 3, steps: {prod: ~}}\n"
		"  hard: {trigger: dev, concurrency: terminate, steps: {prod: {soak: 1h30m}}}\n");
	/* flow, its concurrency and queueLimit, then the soak of each of its steps in order */
	static const struct {
		const char *flow;
		int mode;
		uint32_t limit;
		const char *steps[2];
		uint32_t soak[2];
	} expected[] = {
		{ "default", PROMOTE__CONCURRENCY_QUEUE, 50, { "qa", "prod" }, { 1800, 0 } },
		{ "fast", PROMOTE__CONCURRENCY_SUPERSEDE, 3, { "prod", NULL }, { 0, 0 } },
		{ "hard", PROMOTE__CONCURRENCY_TERMINATE, 50, { "prod", NULL }, { 5400, 0 } },
	};
	for (size_t i = 0; i < PROMOTE_ARRAY_SIZE(expected); i++) {
		const promote_flow *flow;
		assert_int_equal(promote_flow_lookup(&flow, ctx, expected[i].flow), 0);
		assert_int_equal(flow->concurrency, expected[i].mode);
		assert_int_equal(flow->queue_limit, expected[i].limit);
		for (size_t j = 0; j < 2 && expected[i].steps[j]; j++) {
			const promote_flow_step *step;
			assert_int_equal(promote_flow_step_lookup(&step, flow, expected[i].steps[j]), 0);
			assert_int_equal(step->soak_s, expected[i].soak[j]);
		}
	}
	assert_string_equal(promote__concurrency_name(PROMOTE__CONCURRENCY_TERMINATE), "terminate");
	assert_string_equal(promote__concurrency_name(7), "queue");
	promote_context_free(ctx);

	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\n"
		"flows:\n"
		"  a: {trigger: dev, concurrency: supercede, steps: {qa: {soak: 30}}}\n"
		"  b: {trigger: dev, concurrency: [queue], queueLimit: 0, steps: {qa: {soak: 31d}}}\n"
		"  c: {trigger: dev, queueLimit: many, steps: {qa: {soak: 721h}}}\n",
		"promote.yaml:4:34: 'concurrency' of flow 'a' is 'supercede' (did you mean 'supersede'?); use one of: "
		"queue, supersede, terminate",
		"promote.yaml:4:64: 'soak' of step 'qa' of flow 'a' is '30'; write a duration such as 90s, 10m, 24h or 1h30m "
		"(a number needs its unit: s, m or h)",
		"promote.yaml:5:34: 'concurrency' of flow 'b' must be one of queue, supersede, terminate, not a sequence",
		"promote.yaml:5:55: 'queueLimit' of flow 'b' is '0'; write a whole number from 1 to 10000",
		"promote.yaml:5:77: 'soak' of step 'qa' of flow 'b' is '31d'; write a duration such as 90s, 10m, 24h or 1h30m",
		"promote.yaml:6:33: 'queueLimit' of flow 'c' is 'many'; write a whole number from 1 to 10000",
		"promote.yaml:6:58: 'soak' of step 'qa' of flow 'c' is '721h'; write a duration from 1s to 720h");
}

static void test_policy_workflows(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa}\n"
		"  staging: {path: envs/staging, deploy: {backend: exec, health: [./h.sh]}}\n"
		"  prod: {path: envs/prod, kind: production, deploy: {backend: exec, health: [./h.sh]}}\n"
		"workflows:\n"
		"  smoke-test: {run: [./smoke.sh, \"{env}\"], timeout: 10m}\n"
		"policies:\n"
		"  - name: x\n"
		"    match: {environments: {names: [qa, staging]}}\n"
		"    post: [smoke-test]\n"
		"  - name: y\n"
		"    match: {environments: {kind: production}}\n"
		"    pre: [smoke-tst, lint]\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      staging: {}\n"
		"      prod: {dependsOn: [staging], policy: {post: [smoke-test]}}\n"
		"      qa: {policy: {pre: [smoke-test]}}\n",
		"promote.yaml:12:12: workflow 'smoke-test' of policy 'x' would run in environment 'qa', which has no deploy "
		"backend to run it: give qa `deploy: {backend: exec, ...}`",
		"promote.yaml:15:11: policy 'y' names unknown workflow 'smoke-tst' in 'pre' (did you mean 'smoke-test'?); "
		"define it under 'workflows'",
		"promote.yaml:15:22: policy 'y' names unknown workflow 'lint' in 'pre'; define it under 'workflows', e.g. "
		"'workflows: {lint: {run: [./checks/lint.sh, \"{env}\"]}}'",
		"promote.yaml:22:27: workflow 'smoke-test' of policy 'default/qa' would run in environment 'qa', which has no "
		"deploy backend to run it: give qa `deploy: {backend: exec, ...}`");

	/* A stronger policy that replaces the checks for every product where
	 * there is no backend: nothing would run there, nothing to report.
	 * `backend: none` is no backend either. */
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, deploy: {backend: none}}\n"
		"  qa: {path: envs/qa}\n"
		"workflows: {smoke: {run: [./smoke.sh]}}\n"
		"policies:\n"
		"  - {name: all, post: [smoke]}\n"
		"  - {name: not-in-qa, priority: 5, match: {environments: {names: [qa]}}, post: []}\n"
		"  - {name: shop-in-qa, priority: 9, match: {products: [shop], environments: {names: [qa]}}, post: []}\n",
		"promote.yaml:7:24: workflow 'smoke' of policy 'all' would run in environment 'dev', which has no deploy "
		"backend to run it: give dev `deploy: {backend: exec, ...}`");
}

/* The warnings promote_context_check() hands out, as "line:column: message". */
static void assert_warnings(promote_context *ctx, const char *const *expected, size_t count)
{
	promote_warnings *warnings = NULL;
	assert_int_equal(promote_context_check(&warnings, ctx), 0);
	assert_int_equal(promote_warnings_count(warnings), count);
	for (size_t i = 0; i < count; i++) {
		const promote_error *w = promote_warnings_at(warnings, i);
		char text[1024];
		snprintf(text, sizeof text, "%u:%u: %s", (unsigned)w->line, (unsigned)w->column, w->message);
		assert_non_null(strstr(text, expected[i]));
		assert_string_equal(text + strlen(text) - strlen(expected[i]), expected[i]);
	}
	promote_warnings_free(warnings);
}

static void test_never_environment_warning(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa, strategy: never}\n"
		"  staging: {path: envs/staging, strategy: never}\n"
		"  prod: {path: envs/prod}\n"
		"  perf: {path: envs/perf, strategy: never}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      qa: {}\n"
		"      staging: {dependsOn: [qa]}\n"
		"      prod: {dependsOn: [staging]}\n"
		"      perf: {}\n");
	static const char *const expected[] = {
		"12:7: promote.yaml:12:7: flow 'default' routes through environment 'qa', whose strategy is never: a release "
		"always skips it, so the steps after it (staging, prod) can never run; make 'qa' manual (promoted on "
		"approval) or let the steps depend on another environment",
		"13:7: promote.yaml:13:7: flow 'default' routes through environment 'staging', whose strategy is never: a "
		"release always skips it, so the step after it (prod) can never run; make 'staging' manual (promoted on "
		"approval) or let the step depend on another environment",
	};
	/* perf is never too, but nothing waits for it: a flow may end there. */
	assert_warnings(ctx, expected, 2);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_keys_and_defaults),
		cmocka_unit_test(test_workflow_errors),
		cmocka_unit_test(test_deploy_errors),
		cmocka_unit_test(test_argv_bounds),
		cmocka_unit_test(test_product_and_flow_errors),
		cmocka_unit_test(test_policy_workflows),
		cmocka_unit_test(test_concurrency_and_soak),
		cmocka_unit_test(test_never_environment_warning),
	};
	return cmocka_run_group_tests_name("config_release", tests, helpers_init, helpers_shutdown);
}
