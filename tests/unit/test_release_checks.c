/*
 * A release's checks and deploys, through a deploy backend registered from
 * C with the public vtable (promote/sys/deploy_backend.h) that plays a
 * script: how each workflow ends, how each environment's health goes.
 * Checks passing, failing and timing out; a deploy that progresses, one that
 * degrades, one that never becomes healthy; the release's own timeout.
 */
#include "release_helpers.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

#define CONFIG(extra_policy, qa_deploy, flow_extra) \
	"version: 1\n" \
	"environments:\n" \
	"  dev: {path: envs/dev, strategy: auto}\n" \
	"  qa: {path: envs/qa, strategy: auto, deploy: {backend: scripted" qa_deploy "}}\n" \
	"  staging: {path: envs/staging, strategy: auto, deploy: {backend: scripted}}\n" \
	"  prod: {path: envs/prod, strategy: auto, kind: production, deploy: {backend: scripted}}\n" \
	"products:\n" \
	"  shop:\n" \
	"    path: apps/shop\n" \
	"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n" \
	"workflows:\n" \
	"  smoke: {run: [smoke, \"{env}\"]}\n" \
	"  verify: {run: [verify], timeout: 1m}\n" \
	"policies:\n" \
	"  - {name: default, action: commit}\n" \
	extra_policy \
	"flows:\n" \
	"  default:\n" \
	"    trigger: dev\n" \
	flow_extra \
	"    steps:\n" \
	"      qa: {}\n" \
	"      staging: {}\n" \
	"      prod: {dependsOn: [staging]}\n"

#define STAGING_CHECKS "  - {name: checks, match: {environments: {names: [staging]}}, pre: [smoke], post: [verify]}\n"

static void make_repo(const char *config)
{
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "checks", config, "1.0");
}

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir);
}

/* ---- the scripted backend ----------------------------------------------------------- */

typedef struct script {
	/* Per workflow name: how many polls it runs, then its exit status (-1: killed at its timeout;
	 * -2: runs for ever). */
	const char *failing;     /* this workflow exits 1 */
	const char *killed;      /* this one is killed at its timeout (-1) */
	const char *forever;     /* this one never ends */
	/* Per environment: its health at each status read ('p' progressing, 'h' healthy, 'd' degraded);
	 * the last one repeats. Default "ph". */
	const char *qa_health;
	int qa_reads;
	int syncs;
	int runs;
	char log[4096];          /* "run smoke staging\n", "sync qa <revision>\n" */
} script;

static script the_script;

static void note(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(the_script.log);
	snprintf(the_script.log + n, sizeof the_script.log - n, fmt, a, b);
}

static int scripted_sync(promote_deploy_status *out, const promote_deploy_request *request, void *payload)
{
	(void)out;
	(void)payload;
	the_script.syncs++;
	note("sync %s %s\n", promote_deploy_request_environment(request), promote_deploy_request_revision(request));
	return 0;
}

static int scripted_status(promote_deploy_status *out, const promote_deploy_request *request, void *payload)
{
	(void)payload;
	const char *env = promote_deploy_request_environment(request);
	const char *health = "ph";
	int read = 0;
	if (strcmp(env, "qa") == 0 && the_script.qa_health) {
		health = the_script.qa_health;
		read = the_script.qa_reads++;
	} else {
		static int others;
		read = others++ % 2;
	}
	size_t n = strlen(health);
	char h = health[(size_t)read < n ? (size_t)read : n - 1];
	promote_deploy_status_set_sync(out, PROMOTE_SYNC_SYNCED);
	promote_deploy_status_set_health(out, h == 'h' ? PROMOTE_HEALTH_HEALTHY : h == 'd' ? PROMOTE_HEALTH_DEGRADED
		: PROMOTE_HEALTH_PROGRESSING);
	promote_deploy_status_set_message(out, h == 'h' ? "health Healthy" : h == 'd' ? "health Degraded: crash loop"
		: "health Progressing");
	return 0;
}

static int scripted_run(promote_workflow_status *out, const promote_workflow_request *request, void *payload)
{
	(void)payload;
	char id[64];
	snprintf(id, sizeof id, "%s-%d", promote_workflow_request_name(request), ++the_script.runs);
	note("run %s %s\n", promote_workflow_request_name(request), promote_workflow_request_environment(request));
	return promote_workflow_status_set_run_id(out, id);
}

static int scripted_workflow_status(promote_workflow_status *out, const promote_workflow_request *request,
	void *payload)
{
	(void)payload;
	const char *name = promote_workflow_request_name(request);
	promote_workflow_status_set_run_id(out, promote_workflow_request_run_id(request));
	if (the_script.forever && strcmp(name, the_script.forever) == 0)
		return promote_workflow_status_set_state(out, PROMOTE_WORKFLOW_RUNNING);
	bool failing = the_script.failing && strcmp(name, the_script.failing) == 0;
	bool killed = the_script.killed && strcmp(name, the_script.killed) == 0;
	promote_workflow_status_set_state(out, failing || killed ? PROMOTE_WORKFLOW_FAILED : PROMOTE_WORKFLOW_SUCCEEDED);
	promote_workflow_status_set_exit_status(out, killed ? -1 : failing ? 1 : 0);
	char text[128];
	snprintf(text, sizeof text, "%s said %s\n", name, failing ? "no" : "yes");
	return promote_workflow_status_set_output(out, text, strlen(text));
}

static promote_context *open_ctx(void)
{
	promote_context *ctx = open_repository_or_fail(bare);
	promote_deploy_backend backend = PROMOTE_DEPLOY_BACKEND_INIT;
	backend.sync = scripted_sync;
	backend.status = scripted_status;
	backend.run_workflow = scripted_run;
	backend.workflow_status = scripted_workflow_status;
	assert_int_equal(promote_deploy_backend_register(ctx, "scripted", &backend, NULL), 0);
	memset(&the_script, 0, sizeof the_script);
	return ctx;
}

static int on_event(const promote_release_event *e, void *payload)
{
	int kind = promote_release_event_kind(e);
	if (kind == PROMOTE_RELEASE_EVENT_CHECK_FINISHED)
		seen_add(payload, "check %s %s %d\n", promote_release_event_check(e), promote_release_event_environment(e),
			promote_release_event_exit_status(e));
	else if (kind == PROMOTE_RELEASE_EVENT_DEPLOYED || kind == PROMOTE_RELEASE_EVENT_STEP_FINISHED)
		seen_add(payload, "%s %s\n", promote_release_event_kind_name(kind), promote_release_event_environment(e));
	return 0;
}

static promote_release *start_with(promote_context *ctx, seen *events, int no_group)
{
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.no_group = (uint32_t)no_group;
	o.set_version = "2.0";
	o.event_cb = events ? on_event : NULL;
	o.event_payload = events;
	promote_release *r = NULL;
	if (promote_release_start(&r, ctx, "shop", &o))
		fail_msg("start: %s", promote_error_last()->message);
	return r;
}

static promote_release *start(promote_context *ctx, seen *events)
{
	return start_with(ctx, events, 0);
}

static void run(promote_release *r)
{
	if (promote_release_run(r, 60000))
		fail_msg("run: %s", promote_error_last()->message);
}

static int step_state(const promote_release *r, const char *env)
{
	return promote_release_step_state(promote_release_step_lookup(r, env));
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_checks_and_deploys_pass(void **state)
{
	(void)state;
	make_repo(CONFIG(STAGING_CHECKS, "", ""));
	promote_context *ctx = open_ctx();
	seen events = { "" };
	promote_release *r = start(ctx, &events);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	const promote_release_step *staging = promote_release_step_lookup(r, "staging");
	/* qa waited for staging's pre-check: grouped, they were written in one commit. */
	assert_string_equal(promote_release_step_commit(promote_release_step_lookup(r, "qa")),
		promote_release_step_commit(staging));
	assert_int_equal(promote_release_step_check_count(staging), 2);
	assert_string_equal(promote_release_step_check_name_at(staging, 0), "smoke");
	assert_string_equal(promote_release_step_check_phase_at(staging, 0), "pre");
	assert_int_equal(promote_release_step_check_status_at(staging, 0), 0);
	assert_string_equal(promote_release_step_check_output_at(staging, 0), "smoke said yes\n");
	assert_string_equal(promote_release_step_check_name_at(staging, 1), "verify");
	assert_string_equal(promote_release_step_check_phase_at(staging, 1), "post");
	/* The pre-check ran before anything was written, the post-check after the deploy was healthy. */
	char *log = the_script.log;
	char *smoke = strstr(log, "run smoke staging"), *sync = strstr(log, "sync staging "), *verify = strstr(log, "run verify staging");
	assert_non_null(smoke);
	assert_non_null(sync);
	assert_non_null(verify);
	assert_true(smoke < sync && sync < verify);
	/* The deploy was asked at the step's commit. */
	char expected[128];
	snprintf(expected, sizeof expected, "sync staging %s\n", promote_release_step_commit(staging));
	assert_non_null(strstr(log, expected));
	assert_non_null(strstr(events.text, "check smoke staging 0\n"));
	assert_non_null(strstr(events.text, "deployed staging\ncheck verify staging 0\nstep finished staging\n"));
	assert_non_null(strstr(events.text, "deployed qa\nstep finished qa\n"));
	promote_release_free(r);
	promote_context_free(ctx);
}

/* A post-check fails: its step fails with it, what depends on it is blocked, qa goes on. */
static void test_failing_check_blocks_dependents(void **state)
{
	(void)state;
	make_repo(CONFIG(STAGING_CHECKS, "", ""));
	promote_context *ctx = open_ctx();
	the_script.failing = "verify";
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_FAILED);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "staging")), "post-check verify exited 1");
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_SKIPPED);
	assert_string_equal(promote_release_step_reason(promote_release_step_lookup(r, "prod")),
		"blocked: staging failed (post-check verify exited 1)");
	assert_string_equal(promote_release_reason(r), "staging failed (post-check verify exited 1)");
	/* Retry after the check was mended: staging's checks run again, qa stays as it was. */
	char qa_commit[64];
	snprintf(qa_commit, sizeof qa_commit, "%s", promote_release_step_commit(promote_release_step_lookup(r, "qa")));
	the_script.failing = NULL;
	assert_int_equal(promote_release_retry(r, "staging"), 0);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_commit(promote_release_step_lookup(r, "qa")), qa_commit);
	assert_int_equal(promote_release_step_check_status_at(promote_release_step_lookup(r, "staging"), 1), 0);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* A pre-check killed at its timeout fails the step before anything is written. */
static void test_check_timing_out(void **state)
{
	(void)state;
	make_repo(CONFIG(STAGING_CHECKS, "", ""));
	promote_context *ctx = open_ctx();
	the_script.killed = "smoke";
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_FAILED);
	const promote_release_step *staging = promote_release_step_lookup(r, "staging");
	assert_string_equal(promote_release_step_error(staging), "pre-check smoke timed out after 10m");
	assert_int_equal(promote_release_step_check_status_at(staging, 0), -1);
	assert_string_equal(promote_release_step_commit(staging), "");
	assert_null(strstr(the_script.log, "sync staging"));
	promote_release_free(r);
	promote_context_free(ctx);
}

/* qa's deploy progresses, then is healthy: the step says so while it waits. */
static void test_deploy_progressing_then_healthy(void **state)
{
	(void)state;
	make_repo(CONFIG("", "", ""));
	promote_context *ctx = open_ctx();
	the_script.qa_health = "ppph";
	promote_release *r = start(ctx, NULL);
	uint32_t next = 0;
	bool saw_reason = false;
	for (int i = 0; i < 50 && promote_release_state(r) == PROMOTE_RELEASE_RUNNING; i++) {
		assert_int_equal(promote_release_poll(r, &next), 0);
		if (step_state(r, "qa") == PROMOTE_STEP_DEPLOYING) {
			assert_string_equal(promote_release_step_reason(promote_release_step_lookup(r, "qa")),
				"syncing: health Progressing");
			saw_reason = true;
			assert_true(next > 0);
		}
		struct timespec pause = { next / 1000, (long)(next % 1000) * 1000000L };
		nanosleep(&pause, NULL);
	}
	assert_true(saw_reason);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(the_script.qa_reads, 4);
	promote_release_free(r);
	promote_context_free(ctx);
}

static void test_deploy_degraded_fails(void **state)
{
	(void)state;
	make_repo(CONFIG("", "", ""));
	promote_context *ctx = open_ctx();
	the_script.qa_health = "pd";
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_FAILED);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "qa")),
		"the deploy failed: health Degraded: crash loop");
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_SUCCEEDED); /* independent of qa */
	promote_release_free(r);
	promote_context_free(ctx);
}

/* qa never becomes healthy: its deploy's timeout (1s) fails it. */
static void test_deploy_timeout_fails(void **state)
{
	(void)state;
	make_repo(CONFIG("", ", timeout: 1s", ""));
	promote_context *ctx = open_ctx();
	the_script.qa_health = "p";
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_FAILED);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "qa")),
		"the deploy was not healthy within 1s (health Progressing)");
	promote_release_free(r);
	promote_context_free(ctx);
}

/* The release's own timeout fails what is left; a step that failed before keeps its first error. (5 s: the
 * caller's bound of 500 ms must come first even when starting the release is slow, under a sanitizer on a
 * busy machine.) */
static void test_release_timeout(void **state)
{
	(void)state;
	make_repo(CONFIG(STAGING_CHECKS, "", "    timeout: 5s\n"));
	promote_context *ctx = open_ctx();
	the_script.forever = "smoke";
	the_script.qa_health = "d";
	/* Not grouped: grouped, qa would wait for staging's pre-check to write with it. */
	promote_release *r = start_with(ctx, NULL, 1);
	assert_int_equal(promote_release_run(r, 500), PROMOTE_ETIMEOUT); /* the caller's bound first */
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_RUNNING);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_string_equal(promote_release_reason(r), "the release timed out after 5s");
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_FAILED);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "staging")),
		"the release timed out after 5s");
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_FAILED);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "qa")),
		"the deploy failed: health Degraded: crash loop");
	/* Retried once the check is mended, long past the first bound: the clock starts again at the retry,
	 * so the poll after it goes on instead of failing the release at once. (Not run to its end: under a
	 * sanitizer on a busy machine the rest may well take more than the 5 s bound itself.) */
	the_script.forever = NULL;
	the_script.qa_health = "h";
	assert_int_equal(promote_release_retry(r, NULL), 0);
	uint32_t again_ms = 0;
	assert_int_equal(promote_release_poll(r, &again_ms), 0);
	assert_string_equal(promote_release_reason(r), "");
	assert_int_not_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_int_not_equal(step_state(r, "staging"), PROMOTE_STEP_FAILED);
	/* The record says when the clock started again. */
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_release_to_json(&json, r), 0);
	assert_non_null(strstr(json.ptr, "\"restarted\": \"20"));
	promote_buf_dispose(&json);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* ---- the exec backend: commands that hang ----------------------------------------------- */

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The process whose id is in `file` runs no more. */
static bool gone(const char *file)
{
	char out[32] = "";
	assert_int_equal(sh(out, sizeof out, "cat %s", file), 0);
	long pid = atol(out);
	assert_true(pid > 0);
	return kill((pid_t)pid, 0) != 0;
}

/* Where a hanging command writes its process id, and the command itself (YAML flow sequence). */
static const char *pid_file(void)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/promote-hang-%ld.pid", (long)getpid());
	return path;
}

/* A release of shop into qa alone, qa's line of promote.yaml ending with `qa_extra`, the policies with
 * `policies`: it runs until final, and its step fails with `expected` (a part of its error) at about one
 * second — the timeout of the command that hangs — which is then gone, the context still open. */
static void expect_killed_at_timeout(const char *qa_extra, const char *policies, const char *expected)
{
	char config[2048];
	snprintf(config, sizeof config,
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, strategy: auto}\n"
		"  qa: {path: envs/qa, strategy: auto%s}\n"
		"products:\n"
		"  shop:\n"
		"    path: apps/shop\n"
		"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n"
		"policies:\n"
		"  - {name: default, action: commit}\n"
		"%s"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      qa: {}\n", qa_extra, policies);
	make_repo(config);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = start(ctx, NULL);
	struct timespec began;
	clock_gettime(CLOCK_MONOTONIC, &began);
	run(r);
	double took = seconds_since(&began);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_FAILED);
	const char *error = promote_release_step_error(promote_release_step_lookup(r, "qa"));
	if (!strstr(error, expected))
		fail_msg("qa failed with: %s", error);
	assert_true(took >= 1.0 && took < 3.0);
	/* Killed then, with the context still open: not when it is freed. */
	assert_true(gone(pid_file()));
	promote_release_free(r);
	promote_context_free(ctx);
	unlink(pid_file());
}

#define HANG "[sh, -c, 'echo $$ > \"$0\"; sleep 30 & wait', %s]"

/* qa's health command hangs: killed (its process group) at the deploy's timeout, and the step fails then. */
static void test_a_hanging_health_command_is_killed_at_its_timeout(void **state)
{
	(void)state;
	char qa[256];
	snprintf(qa, sizeof qa, ", deploy: {backend: exec, timeout: 1s, health: " HANG "}", pid_file());
	expect_killed_at_timeout(qa, "", "deploy.health timed out after 1s");
}

/* qa's pre-check hangs: killed at the workflow's timeout, and the step fails then, before writing anything. */
static void test_a_hanging_check_is_killed_at_its_timeout(void **state)
{
	(void)state;
	char workflows[256];
	snprintf(workflows, sizeof workflows, "  - {name: hang, match: {environments: {names: [qa]}}, pre: [hang]}\n"
		"workflows:\n  hang: {run: " HANG ", timeout: 1s}\n", pid_file());
	expect_killed_at_timeout(", deploy: {backend: exec}", workflows, "pre-check hang timed out after 1s");
}

/* Action none writes nothing: there is nothing to deploy, the post-check still runs. */
static void test_action_none_deploys_nothing(void **state)
{
	(void)state;
	make_repo(CONFIG("  - {name: frozen, priority: 50, match: {environments: {names: [staging]}}, action: none, "
			 "post: [verify]}\n", "", ""));
	promote_context *ctx = open_ctx();
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	const promote_release_step *staging = promote_release_step_lookup(r, "staging");
	assert_int_equal(promote_release_step_state(staging), PROMOTE_STEP_SUCCEEDED);
	assert_string_equal(promote_release_step_commit(staging), "");
	assert_null(strstr(the_script.log, "sync staging "));
	assert_non_null(strstr(the_script.log, "run verify staging\n"));
	assert_non_null(strstr(the_script.log, "sync qa ")); /* qa's commit is deployed as always */
	promote_release_free(r);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_checks_and_deploys_pass, teardown),
		cmocka_unit_test_teardown(test_failing_check_blocks_dependents, teardown),
		cmocka_unit_test_teardown(test_check_timing_out, teardown),
		cmocka_unit_test_teardown(test_deploy_progressing_then_healthy, teardown),
		cmocka_unit_test_teardown(test_deploy_degraded_fails, teardown),
		cmocka_unit_test_teardown(test_deploy_timeout_fails, teardown),
		cmocka_unit_test_teardown(test_release_timeout, teardown),
		cmocka_unit_test_teardown(test_a_hanging_health_command_is_killed_at_its_timeout, teardown),
		cmocka_unit_test_teardown(test_a_hanging_check_is_killed_at_its_timeout, teardown),
		cmocka_unit_test_teardown(test_action_none_deploys_nothing, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
