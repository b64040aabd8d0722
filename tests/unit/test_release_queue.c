/*
 * Releases of one product that meet in an environment (gate_queue.c,
 * release_lease.c) and soak time (gate_soak.c), on real repositories: the
 * queue in creation order, its limit, supersede of a pending release and
 * not of one in the middle of a check, terminate at a safe point with the
 * change request closed, a superseded release's successor running every
 * step, and soak counted from the record across a restart.
 */
#include "release_helpers.h"

#include <time.h>
#include <unistd.h>

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static char dir[128];
static char bare[256];
static char go[128]; /* qa's check waits until this file exists */

/* dev → qa (a post-check that waits for `go`) and dev → staging → prod (manual). */
static char *config(const char *mode, int limit, const char *soak, const char *prod_action)
{
	static char text[4096];
	snprintf(text, sizeof text,
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, strategy: auto}\n"
		"  qa: {path: envs/qa, strategy: auto, deploy: {backend: exec}}\n"
		"  staging: {path: envs/staging, strategy: auto}\n"
		"  prod: {path: envs/prod, strategy: manual, kind: production}\n"
		"products:\n"
		"  shop:\n"
		"    path: apps/shop\n"
		"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n"
		"workflows:\n"
		"  slow: {run: [/bin/sh, -c, \"while [ ! -e %s ]; do sleep 0.05; done\"], timeout: 5m}\n"
		"policies:\n"
		"  - {name: default, action: commit}\n"
		"  - {name: qa, priority: 50, match: {environments: {names: [qa]}}, post: [slow]}\n"
		"  - {name: prod, priority: 100, match: {environments: {kind: production}}, action: %s}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    concurrency: %s\n"
		"    queueLimit: %d\n"
		"    steps:\n"
		"      qa: {}\n"
		"      staging: {%s}\n"
		"      prod: {dependsOn: [staging]}\n",
		go, prod_action, mode, limit, soak);
	return text;
}

static void let_go(bool yes)
{
	snprintf(go, sizeof go, "/tmp/promote-queue-go-%ld", (long)getpid());
	if (yes)
		assert_int_equal(sh(NULL, 0, "touch %s", go), 0);
	else
		unlink(go);
}

static promote_context *setup_repo(const char *cfg)
{
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "queue", cfg, "1.0");
	return open_repository_or_fail(bare);
}

static int teardown(void **state)
{
	(void)state;
	let_go(false);
	return remove_scratch(dir);
}

/* A release of shop at `version`, created in a second of its own: the queue's order is by creation. */
static promote_release *start(promote_context *ctx, const char *version)
{
	static time_t last;
	while (time(NULL) <= last)
		nap_ms(20);
	last = time(NULL);
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = version;
	promote_release *r = NULL;
	if (promote_release_start(&r, ctx, "shop", &o))
		fail_msg("start: %s", promote_error_last()->message);
	return r;
}

static const promote_release_step *step(const promote_release *r, const char *env)
{
	const promote_release_step *s = promote_release_step_lookup(r, env);
	assert_non_null(s);
	return s;
}

/* Poll `r` until its step into `env` is in `state` (and its reason holds `reason`, when given). */
static void poll_until(promote_release *r, const char *env, int state, const char *reason)
{
	for (int i = 0; i < 400; i++) {
		uint32_t next = 0;
		if (promote_release_poll(r, &next))
			fail_msg("poll: %s", promote_error_last()->message);
		const promote_release_step *s = step(r, env);
		if (promote_release_step_state(s) == state && (!reason || strstr(promote_release_step_reason(s), reason)))
			return;
		nap_ms(next && next < 50 ? (long)next : 50);
	}
	fail_msg("%s of %s is %s (%s), not %s (%s)", env, promote_release_id(r),
		promote_step_state_name(promote_release_step_state(step(r, env))), promote_release_step_reason(step(r, env)),
		promote_step_state_name(state), reason ? reason : "");
}

static void assert_reason(const promote_release *r, const char *env, const char *fmt, const char *id, int n)
{
	char expected[256];
	snprintf(expected, sizeof expected, fmt, id, n);
	assert_string_equal(promote_release_step_reason(step(r, env)), expected);
}

static void approve(promote_release *r)
{
	if (promote_release_approve(r, "prod", "alice"))
		fail_msg("approve: %s", promote_error_last()->message);
}

/* ---- queue ---------------------------------------------------------------------------- */

/* Three releases meet in prod: the first waits for its approval there, the two others wait in the order
 * they were created, whichever is polled first, and each runs every step. */
static void test_queue_first_come_first_served(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("queue", 50, "", "commit"));
	promote_release *a = start(ctx, "1.1"), *b = start(ctx, "1.2"), *c = start(ctx, "1.3");
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	poll_until(c, "staging", PROMOTE_STEP_PENDING, "queued behind");
	/* c is newer than b, which has not started: b goes first everywhere, c waits in staging too. */
	assert_reason(c, "staging", "queued behind %s (position %d)", promote_release_id(b), 2);
	poll_until(b, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(b, "prod", "queued behind %s (position %d)", promote_release_id(a), 1);
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(c, "prod", "queued behind %s (position %d)", promote_release_id(a), 2);
	assert_int_equal(promote_release_state(c), PROMOTE_RELEASE_RUNNING);
	assert_int_equal(promote_release_step_state(step(b, "staging")), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(promote_release_step_state(step(c, "staging")), PROMOTE_STEP_SUCCEEDED);

	approve(a);
	poll_until(a, "prod", PROMOTE_STEP_SUCCEEDED, NULL);
	/* c is polled first: b is still ahead of it. */
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(c, "prod", "queued behind %s (position %d)", promote_release_id(b), 2);
	poll_until(b, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(c, "prod", "queued behind %s (position %d)", promote_release_id(b), 1);
	approve(b);
	poll_until(b, "prod", PROMOTE_STEP_SUCCEEDED, NULL);
	poll_until(c, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	approve(c);
	poll_until(c, "prod", PROMOTE_STEP_SUCCEEDED, NULL);
	assert_int_equal(promote_release_state(c), PROMOTE_RELEASE_SUCCEEDED);
	/* Every step of each ran after the one it depends on. */
	promote_release *all[] = { a, b, c };
	for (size_t i = 0; i < 3; i++) {
		assert_true(promote_release_step_finished(step(all[i], "staging")) <=
			promote_release_step_started(step(all[i], "prod")));
		promote_release_free(all[i]);
	}
	promote_context_free(ctx);
}

/* queueLimit 1: a third release arriving aborts the oldest waiting one ("queue full"). */
static void test_queue_full(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("queue", 1, "", "commit"));
	promote_release *a = start(ctx, "1.1"), *b = start(ctx, "1.2");
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	/* qa is a branch of its own, with a post-check: a waits only once it is done too. */
	poll_until(a, "qa", PROMOTE_STEP_SUCCEEDED, NULL);
	poll_until(b, "prod", PROMOTE_STEP_PENDING, "queued behind");
	promote_release *c = start(ctx, "1.3");
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(c, "prod", "queued behind %s (position %d)", promote_release_id(a), 1);
	uint32_t next;
	assert_int_equal(promote_release_poll(b, &next), 0);
	assert_int_equal(promote_release_state(b), PROMOTE_RELEASE_ABORTED);
	assert_string_equal(promote_release_reason(b), "aborted: queue full");
	assert_int_equal(promote_release_state(a), PROMOTE_RELEASE_WAITING);
	promote_release_free(a);
	promote_release_free(b);
	promote_release_free(c);
	promote_context_free(ctx);
}

/* ---- supersede ------------------------------------------------------------------------- */

/* b waits in prod behind a, at rest: c, newer, aborts it as it reaches prod, without b being polled. */
static void test_supersede_aborts_a_pending_one(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("supersede", 50, "", "commit"));
	promote_release *a = start(ctx, "1.1");
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	/* (a's qa may still be in its post-check when prod waits: b's qa waits behind it until it is done) */
	poll_until(a, "qa", PROMOTE_STEP_SUCCEEDED, NULL);
	promote_release *b = start(ctx, "1.2");
	poll_until(b, "prod", PROMOTE_STEP_PENDING, "queued behind");
	poll_until(b, "qa", PROMOTE_STEP_SUCCEEDED, NULL);
	promote_release *c = start(ctx, "1.3");
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	promote_release *again = NULL;
	assert_int_equal(promote_release_open(&again, ctx, promote_release_id(b), NULL), 0);
	assert_int_equal(promote_release_state(again), PROMOTE_RELEASE_ABORTED);
	char expected[128];
	snprintf(expected, sizeof expected, "aborted: superseded by %s", promote_release_id(c));
	assert_string_equal(promote_release_reason(again), expected);
	assert_string_equal(promote_release_step_reason(step(again, "prod")), expected);
	assert_int_equal(promote_release_state(a), PROMOTE_RELEASE_WAITING);
	promote_release_free(again);
	promote_release_free(a);
	promote_release_free(b);
	promote_release_free(c);
	promote_context_free(ctx);
}

/* b waits in prod behind a; c supersedes it — but only once b is not in the middle of its qa check. */
static void test_supersede_pending_not_busy(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("supersede", 50, "", "commit"));
	promote_release *a = start(ctx, "1.1");
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	poll_until(a, "qa", PROMOTE_STEP_SUCCEEDED, NULL);
	let_go(false);
	promote_release *b = start(ctx, "1.2");
	poll_until(b, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(b, "prod", "queued behind %s (position %d)", promote_release_id(a), 1);
	assert_int_equal(promote_release_step_state(step(b, "qa")), PROMOTE_STEP_POST_CHECK);

	/* c reaches prod while b is running its qa check: b is left alone. */
	promote_release *c = start(ctx, "1.3");
	poll_until(c, "prod", PROMOTE_STEP_PENDING, "queued behind");
	assert_reason(c, "prod", "queued behind %s (position %d)", promote_release_id(a), 1);
	uint32_t next;
	assert_int_equal(promote_release_poll(b, &next), 0);
	assert_int_equal(promote_release_state(b), PROMOTE_RELEASE_RUNNING);
	assert_int_equal(promote_release_step_state(step(b, "qa")), PROMOTE_STEP_POST_CHECK);
	assert_int_equal(promote_release_step_state(step(c, "qa")), PROMOTE_STEP_PENDING); /* b holds qa */

	/* b's check passes: at rest, and older than c, which is open in prod, it gives way to c. */
	let_go(true);
	poll_until(b, "prod", PROMOTE_STEP_ABORTED, NULL);
	assert_int_equal(promote_release_step_state(step(b, "qa")), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(promote_release_state(b), PROMOTE_RELEASE_ABORTED);
	char expected[128];
	snprintf(expected, sizeof expected, "aborted: superseded by %s", promote_release_id(c));
	assert_string_equal(promote_release_reason(b), expected);
	/* a, running in prod, is not superseded: c waits for it, then runs every step. */
	assert_int_equal(promote_release_state(a), PROMOTE_RELEASE_WAITING);
	approve(a);
	poll_until(a, "prod", PROMOTE_STEP_SUCCEEDED, NULL);
	poll_until(c, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	approve(c);
	poll_until(c, "prod", PROMOTE_STEP_SUCCEEDED, NULL);
	for (size_t i = 0; i < promote_release_step_count(c); i++)
		assert_int_equal(promote_release_step_state(promote_release_step_at(c, i)), PROMOTE_STEP_SUCCEEDED);
	promote_release_free(a);
	promote_release_free(b);
	promote_release_free(c);
	promote_context_free(ctx);
}

/* ---- terminate ----------------------------------------------------------------------------- */

/* a's draft change waits for its approval in prod; b, newer, stops it there (the change is closed) and
 * goes on through prod itself. */
static void test_terminate_closes_the_change(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("terminate", 50, "", "pull-request"));
	promote_release *a = start(ctx, "1.1");
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	/* and its qa post-check seen to its end: a check still running holds its step's claim, and b would wait
	 * for that safe point as long as nobody polls a */
	poll_until(a, "qa", PROMOTE_STEP_SUCCEEDED, NULL);
	char change[256];
	snprintf(change, sizeof change, "%s", promote_release_step_change(step(a, "prod")));
	assert_true(*change);
	promote_release *b = start(ctx, "1.2");
	poll_until(b, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	uint32_t next;
	assert_int_equal(promote_release_poll(a, &next), 0);
	assert_int_equal(promote_release_state(a), PROMOTE_RELEASE_ABORTED);
	char expected[128];
	snprintf(expected, sizeof expected, "aborted: superseded by %s", promote_release_id(b));
	assert_string_equal(promote_release_reason(a), expected);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, "local", change), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_CLOSED);
	promote_change_info_free(info);
	promote_release_free(a);
	promote_release_free(b);
	promote_context_free(ctx);
}

/* ---- soak ------------------------------------------------------------------------------------ */

/* staging soaks 6 s (enough for a slow machine to see it): prod waits until then with the time in its
 * reason; a restarted process (a new context) waits only for what is left, from the record. */
static void test_soak_counts_from_the_record(void **state)
{
	(void)state;
	let_go(true);
	promote_context *ctx = setup_repo(config("queue", 50, "soak: 6s", "commit"));
	promote_release *a = start(ctx, "1.1");
	poll_until(a, "prod", PROMOTE_STEP_PENDING, "soaking in staging until ");
	int64_t done = promote_release_step_finished(step(a, "staging"));
	char until[64];
	time_t t = (time_t)(done + 6);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(until, sizeof until, "soaking in staging until %H:%M:%S UTC", &tm);
	if (tm.tm_sec == 0)
		strftime(until, sizeof until, "soaking in staging until %H:%M UTC", &tm);
	assert_string_equal(promote_release_step_reason(step(a, "prod")), until);
	char id[128];
	snprintf(id, sizeof id, "%s", promote_release_id(a));
	promote_release_free(a);
	promote_context_free(ctx);

	ctx = open_repository_or_fail(bare);
	assert_int_equal(promote_release_open(&a, ctx, id, NULL), 0);
	uint32_t next = 0;
	if (time(NULL) < done + 6) {
		assert_int_equal(promote_release_poll(a, &next), 0);
		if (time(NULL) < done + 5) {
			assert_int_equal(promote_release_step_state(step(a, "prod")), PROMOTE_STEP_PENDING);
			assert_true(next > 0 && next <= 6000);
		}
	}
	poll_until(a, "prod", PROMOTE_STEP_AWAITING_APPROVAL, NULL);
	assert_true(promote_release_step_started(step(a, "prod")) >= done + 6);
	promote_release_free(a);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_queue_first_come_first_served, teardown),
		cmocka_unit_test_teardown(test_queue_full, teardown),
		cmocka_unit_test_teardown(test_supersede_aborts_a_pending_one, teardown),
		cmocka_unit_test_teardown(test_supersede_pending_not_busy, teardown),
		cmocka_unit_test_teardown(test_terminate_closes_the_change, teardown),
		cmocka_unit_test_teardown(test_soak_counts_from_the_record, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
