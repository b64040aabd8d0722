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
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.clock_cb = test_clock;
	promote_context *ctx = NULL;
	if (promote_context_open_repository(&ctx, bare, NULL, &opts))
		fail_msg("open %s: %s", bare, promote_error_last()->message);
	return ctx;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_record_times_follow_the_context_clock, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
