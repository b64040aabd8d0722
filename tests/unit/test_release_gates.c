/*
 * What stops a release's step from starting, on real repositories, with the
 * context's clock set by the test: the clock itself (record times), holds
 * and rollback pins, freeze windows.
 */
#include "release_helpers.h"

static char dir[128];
static char bare[256];

#define CONFIG(prod_extra) \
	"version: 1\n" \
	"environments:\n" \
	"  dev: {path: envs/dev, strategy: auto}\n" \
	"  qa: {path: envs/qa, strategy: auto}\n" \
	"  staging: {path: envs/staging, strategy: auto}\n" \
	"  prod: {path: envs/prod, strategy: auto, kind: production" prod_extra "}\n" \
	"products:\n" \
	"  shop:\n" \
	"    path: apps/shop\n" \
	"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n" \
	"policies:\n" \
	"  - {name: default, action: commit}\n" \
	"flows:\n" \
	"  default:\n" \
	"    trigger: dev\n" \
	"    steps:\n" \
	"      staging: {}\n" \
	"      prod: {dependsOn: [staging]}\n"

/* The test's clock: Unix seconds, moved by the tests. */
static int64_t now_s;

static int64_t test_clock(void *payload)
{
	(void)payload;
	return now_s;
}

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir);
}

/* A context on the scratch repository reading the test's clock. */
static promote_context *open_ctx(void)
{
	return open_repository_on_clock_or_fail(bare, test_clock);
}

static promote_release *start(promote_context *ctx, const promote_release_options *o)
{
	promote_release *r = NULL;
	if (promote_release_start(&r, ctx, "shop", o))
		fail_msg("start: %s", promote_error_last()->message);
	return r;
}

static void run(promote_release *r)
{
	if (promote_release_run(r, 60000))
		fail_msg("run: %s", promote_error_last()->message);
}

/* ---- the clock ------------------------------------------------------------------------ */

/* The record's times are the context's clock, not the system's. */
static void test_record_times_follow_the_context_clock(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(""), "1.1");
	now_s = 1796400000; /* 2026-12-04T16:00:00Z */
	promote_context *ctx = open_ctx();
	promote_release *r = start(ctx, NULL);
	assert_int_equal(promote_release_created(r), now_s);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	const promote_release_step *s = promote_release_step_lookup(r, "prod");
	assert_int_equal(promote_release_step_started(s), now_s);
	assert_int_equal(promote_release_step_finished(s), now_s);
	assert_int_equal(promote_release_finished(r), now_s);
	promote_release_free(r);
	promote_context_free(ctx);
}


/* ---- holds and pins -------------------------------------------------------------------- */

static const char *step_reason(const promote_release *r, const char *env)
{
	return promote_release_step_reason(promote_release_step_lookup(r, env));
}

static int step_state(const promote_release *r, const char *env)
{
	return promote_release_step_state(promote_release_step_lookup(r, env));
}

/* A hold of prod stops the automatic step into prod — the release waits for a person — until it is lifted,
 * from another context; a hold of another product does not. */
static void test_a_hold_stops_automatic_steps_until_lifted(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(""), "1.1");
	now_s = 1796400000;
	promote_context *ctx = open_ctx();
	assert_int_equal(promote_hold_add(ctx, "prod", NULL, "incident 42", "alice"), 0);
	assert_int_equal(promote_hold_add(ctx, "staging", "cart", "cart only", "bob"), PROMOTE_ENOTFOUND); /* no cart */
	assert_int_equal(promote_hold_add(ctx, "prod", NULL, "", "alice"), PROMOTE_EINVALID);
	assert_int_equal(promote_hold_add(ctx, "prd", NULL, "typo", "alice"), PROMOTE_ENOTFOUND);
	promote_release *r = start(ctx, NULL);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_WAITING);
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PENDING);
	assert_string_equal(step_reason(r, "prod"), "held by alice: incident 42");
	/* The gate that stops it, by name; none on a step that went on, or on no step. */
	assert_string_equal(promote_release_step_gate(promote_release_step_lookup(r, "prod")), "hold");
	assert_string_equal(promote_release_step_gate(promote_release_step_lookup(r, "staging")), "");
	assert_string_equal(promote_release_step_gate(NULL), "");
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_release_to_json(&json, r), 0);
	assert_non_null(strstr(json.ptr, "\"gate\": \"hold\""));
	promote_buf_dispose(&json);
	/* The list, as another context reads it. */
	promote_context *other = open_ctx();
	promote_hold_list *list = NULL;
	assert_int_equal(promote_hold_list_new(&list, other), 0);
	assert_int_equal(promote_hold_list_count(list), 1);
	const promote_hold *h = promote_hold_list_at(list, 0);
	assert_int_equal(promote_hold_kind_of(h), PROMOTE_HOLD_HOLD);
	assert_string_equal(promote_hold_environment(h), "prod");
	assert_null(promote_hold_product(h));
	assert_string_equal(promote_hold_by(h), "alice");
	assert_int_equal(promote_hold_at(h), now_s);
	assert_null(promote_hold_list_at(list, 1));
	promote_hold_list_free(list);
	/* Lifting what is not held says so; lifting the hold lets the release go on. */
	size_t removed = 9;
	assert_int_equal(promote_hold_remove(&removed, other, "staging", NULL, "bob"), PROMOTE_ENOTFOUND);
	assert_int_equal(removed, 0);
	assert_int_equal(promote_hold_remove(&removed, other, "prod", NULL, "bob"), 0);
	assert_int_equal(removed, 1);
	promote_context_free(other);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_gate(promote_release_step_lookup(r, "prod")), "");
	promote_release_free(r);
	/* The ref's history says who held and who lifted. */
	char log[256];
	assert_int_equal(sh(log, sizeof log, GIT "-C %s log --format='%%an %%s' refs/promote/holds", bare), 0);
	assert_string_equal(log, "bob Unhold prod\nalice Hold prod: incident 42");
	promote_context_free(ctx);
}

/* A one-step release (apply) is a person's explicit promotion: a hold does not stop it. */
static void test_a_hold_lets_a_person_apply(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(""), "1.1");
	promote_context *ctx = open_ctx();
	assert_int_equal(promote_hold_add(ctx, "staging", "shop", "shop is being looked at", NULL), 0);
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.to = "staging";
	promote_release *r = start(ctx, &o);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* Rollback: the version before the current one goes back into prod and is pinned; the next automatic
 * release waits there; a person's apply into prod lifts the pin. */
static void test_rollback_pins_until_an_explicit_promotion(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(""), "1.1");
	promote_context *ctx = open_ctx();
	promote_release *r = NULL;
	/* Nothing succeeded into prod yet: nothing to go back to. */
	assert_int_equal(promote_release_rollback(&r, ctx, "shop", "prod", NULL, NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "no version to roll back to"));
	const char *versions[] = { "1.1", "1.2" };
	for (size_t i = 0; i < 2; i++) {
		promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
		o.set_version = versions[i];
		now_s += 60;
		r = start(ctx, &o);
		run(r);
		assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
		promote_release_free(r);
	}
	now_s += 60;
	assert_int_equal(promote_release_rollback(&r, ctx, "shop", "prod", NULL, NULL), 0);
	assert_string_equal(promote_release_version(r), "1.1");
	assert_string_equal(promote_release_flow(r), "manual");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	char id[128];
	snprintf(id, sizeof id, "%s", promote_release_id(r));
	promote_release_free(r);
	char tag[64];
	assert_int_equal(sh(tag, sizeof tag, GIT "-C %s show main:envs/prod/apps/shop/values.yaml | grep -o '1\\.[0-9]'",
				 bare), 0);
	assert_string_equal(tag, "1.1");
	/* The next automatic release waits at prod. */
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = "1.3";
	r = start(ctx, &o);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_WAITING);
	char expected[256];
	snprintf(expected, sizeof expected, "pinned at 1.1 by rollback %s", id);
	assert_string_equal(step_reason(r, "prod"), expected);
	/* A person applies 1.3 into prod: the pin goes as the apply starts, and the waiting release, first in
	 * prod's queue, finishes; then the apply, behind it. */
	promote_release *apply = NULL;
	promote_release_options a = PROMOTE_RELEASE_OPTIONS_INIT;
	a.to = "prod";
	a.set_version = "1.3";
	now_s += 60; /* (the queue's order is by creation) */
	apply = start(ctx, &a);
	promote_hold_list *list = NULL;
	assert_int_equal(promote_hold_list_new(&list, ctx), 0);
	assert_int_equal(promote_hold_list_count(list), 0);
	promote_hold_list_free(list);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	promote_release_free(r);
	run(apply);
	assert_int_equal(promote_release_state(apply), PROMOTE_RELEASE_SUCCEEDED);
	promote_release_free(apply);
	/* Rolled back again by name, then unheld by product: the pin is lifted. */
	assert_int_equal(promote_release_rollback(&r, ctx, "shop", "prod", "1.2", NULL), 0);
	run(r);
	promote_release_free(r);
	size_t removed = 0;
	assert_int_equal(promote_hold_remove(&removed, ctx, "prod", "shop", NULL), 0);
	assert_int_equal(removed, 1);
	promote_context_free(ctx);
}

/* ---- freeze windows --------------------------------------------------------------------- */

#define FROZEN ", windows: [{deny: \"Fri 16:00 - Mon 08:00\", timezone: UTC}]"

/* Friday 16:30: prod is frozen; the release runs on (a wait for time, not a person) and asks to be polled
 * when the window opens; on Monday 08:00 it goes through — more than the release's 24 h later: the time
 * a gate held it is not counted against its timeout. */
static void test_a_freeze_window_holds_until_it_opens(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(FROZEN), "1.1");
	now_s = 1796400000 + 30 * 60; /* Fri 2026-12-04 16:30 UTC */
	promote_context *ctx = open_ctx();
	promote_release *r = start(ctx, NULL);
	uint32_t next = 0;
	for (int i = 0; i < 5; i++)
		assert_int_equal(promote_release_poll(r, &next), 0);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_RUNNING);
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PENDING);
	assert_string_equal(step_reason(r, "prod"), "prod is frozen (Fri 16:00 - Mon 08:00 UTC) until Mon 08:00 UTC");
	assert_string_equal(promote_release_step_gate(promote_release_step_lookup(r, "prod")), "window");
	int64_t opens = 1796400000 + 2 * 86400 + 16 * 3600; /* Mon 08:00 */
	assert_true(next >= (opens - now_s - 1) * 1000 && next <= (opens - now_s + 1) * 1000);
	/* run() does not sleep through a wait longer than its bound. */
	assert_int_equal(promote_release_run(r, 100000), PROMOTE_ETIMEOUT);
	now_s = opens - 60;
	assert_int_equal(promote_release_poll(r, &next), 0);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PENDING);
	now_s = opens;
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* Windows stop a person's apply too; --force with a reason goes through, and the release says so. */
static void test_a_window_stops_apply_unless_forced(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "gates", CONFIG(FROZEN), "1.1");
	now_s = 1796400000 + 86400; /* Saturday */
	promote_context *ctx = open_ctx();
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.to = "staging";
	promote_release *r = start(ctx, &o);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED); /* staging has no window */
	promote_release_free(r);
	o.to = "prod";
	r = start(ctx, &o);
	assert_int_equal(promote_release_run(r, 1000), PROMOTE_ETIMEOUT);
	assert_string_equal(step_reason(r, "prod"), "prod is frozen (Fri 16:00 - Mon 08:00 UTC) until Mon 08:00 UTC");
	assert_int_equal(promote_release_abort(r, "frozen"), 0);
	promote_release_free(r);
	o.force = 1;
	o.reason = "hotfix for incident 42";
	r = start(ctx, &o);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_release_to_json(&json, r), 0);
	assert_non_null(strstr(json.ptr, "\"forced\": \"hotfix for incident 42\""));
	promote_buf_dispose(&json);
	promote_release_free(r);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_record_times_follow_the_context_clock, teardown),
		cmocka_unit_test_teardown(test_a_hold_stops_automatic_steps_until_lifted, teardown),
		cmocka_unit_test_teardown(test_a_hold_lets_a_person_apply, teardown),
		cmocka_unit_test_teardown(test_rollback_pins_until_an_explicit_promotion, teardown),
		cmocka_unit_test_teardown(test_a_freeze_window_holds_until_it_opens, teardown),
		cmocka_unit_test_teardown(test_a_window_stops_apply_unless_forced, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
