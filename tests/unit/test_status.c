/* promote_status: rows, cells, versions, the open releases, holds and pins placed in their cells, filters,
 * options. */
#include "helpers.h"

static void test_options(void **state)
{
	(void)state;
	promote_status_options opts;
	memset(&opts, 0xab, sizeof opts);
	assert_int_equal(promote_status_options_init(&opts, PROMOTE_STATUS_OPTIONS_VERSION), 0);
	promote_status_options expected = PROMOTE_STATUS_OPTIONS_INIT;
	assert_memory_equal(&opts, &expected, sizeof opts);
	assert_null(opts.product);
	assert_null(opts.environment);
	assert_int_equal(promote_status_options_init(&opts, PROMOTE_STATUS_OPTIONS_VERSION + 1), PROMOTE_EVERSION);
	promote_status *st = (promote_status *)&opts;
	opts.version = PROMOTE_STATUS_OPTIONS_VERSION + 1;
	promote_context *ctx = open_yaml("version: 1\nenvironments: {dev: {path: envs/dev}}\n");
	assert_int_equal(promote_status_new(&st, ctx, &opts), PROMOTE_EVERSION);
	assert_null(st);
	assert_int_equal(promote_status_new(NULL, ctx, NULL), PROMOTE_EINVALID);
	/* A configuration read from a buffer has no repository to read versions from. */
	assert_int_equal(promote_status_new(&st, ctx, NULL), PROMOTE_ESTATE);
	promote_context_free(ctx);
	promote_status_free(NULL);
	assert_int_equal(promote_status_product_count(NULL), 0);
	assert_null(promote_status_cell_at(NULL, 0, 0));
	assert_null(promote_status_cell_version(NULL));
}

static const promote_status_cell *cell(const promote_status *st, const char *product, const char *env)
{
	for (size_t p = 0; p < promote_status_product_count(st); p++)
		for (size_t e = 0; e < promote_status_environment_count(st); e++)
			if (strcmp(promote_status_product_at(st, p), product) == 0 &&
				strcmp(promote_status_environment_at(st, e), env) == 0)
				return promote_status_cell_at(st, p, e);
	fail_msg("no cell %s/%s", product, env);
	return NULL;
}

/* The status's JSON holds each of `texts` (NULL-terminated). */
static void json_has(const promote_status *st, const char *const *texts)
{
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_status_to_json(&json, st), 0);
	for (; *texts; texts++)
		if (!strstr(json.ptr, *texts))
			fail_msg("no %s in %s", *texts, json.ptr);
	promote_buf_dispose(&json);
}

static void test_versions(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "status"), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_status *st = NULL;
	assert_int_equal(promote_status_new(&st, ctx, NULL), 0);
	/* Configured products and the discovered ones of every environment, sorted. */
	const char *rows[] = { "app1", "app2", "app3", "app4", "app5", "app6", "app7", "app8", "app9", "cart", "shop" };
	assert_int_equal(promote_status_product_count(st), 11);
	for (size_t i = 0; i < 11; i++)
		assert_string_equal(promote_status_product_at(st, i), rows[i]);
	assert_null(promote_status_product_at(st, 11));
	const char *envs[] = { "dev", "qa", "staging", "prod" };
	assert_int_equal(promote_status_environment_count(st), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(promote_status_environment_at(st, i), envs[i]);
	assert_null(promote_status_cell_at(st, 11, 0));
	assert_null(promote_status_cell_at(st, 0, 4));

	assert_string_equal(promote_status_cell_version(cell(st, "shop", "dev")), "1.4.0");
	assert_string_equal(promote_status_cell_version(cell(st, "shop", "prod")), "1.3.0");
	assert_string_equal(promote_status_cell_version(cell(st, "app1", "dev")), "2.0");
	assert_string_equal(promote_status_cell_version(cell(st, "app1", "qa")), "1.0");
	/* app9 is in dev only: absent elsewhere, with no version and no error. */
	assert_int_equal(promote_status_cell_present(cell(st, "app9", "dev")), 1);
	assert_int_equal(promote_status_cell_present(cell(st, "app9", "qa")), 0);
	assert_null(promote_status_cell_version(cell(st, "app9", "qa")));
	assert_null(promote_status_cell_error(cell(st, "app9", "qa")));
	assert_null(promote_status_cell_release(cell(st, "shop", "prod")));
	assert_null(promote_status_cell_step(cell(st, "shop", "prod")));

	json_has(st, (const char *const[]){ "\"schema\": 1", "\"name\": \"app9\"", NULL });
	promote_status_free(st);

	/* Filters: a glob of products, one environment; the same rows' order. */
	promote_status_options opts = PROMOTE_STATUS_OPTIONS_INIT;
	opts.product = "app[12]";
	opts.environment = "qa";
	assert_int_equal(promote_status_new(&st, ctx, &opts), 0);
	assert_int_equal(promote_status_product_count(st), 2);
	assert_string_equal(promote_status_product_at(st, 1), "app2");
	assert_int_equal(promote_status_environment_count(st), 1);
	assert_string_equal(promote_status_cell_version(promote_status_cell_at(st, 1, 0)), "1.0");
	promote_status_free(st);
	opts.environment = "stagin";
	assert_int_equal(promote_status_new(&st, ctx, &opts), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "did you mean 'staging'"));
	promote_context_free(ctx);
	remove_scratch(dir);
}

/* Two releases of shop started, nothing advanced: every step pending; each
 * step's cell shows one of them (the same second: the smaller id) and counts
 * the other; the trigger (dev) is no step of theirs. */
static void test_open_releases(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "status-releases"), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *a = NULL, *b = NULL;
	assert_int_equal(promote_release_start(&a, ctx, "shop", NULL), 0);
	assert_int_equal(promote_release_start(&b, ctx, "shop", NULL), 0);
	promote_status *st = NULL;
	assert_int_equal(promote_status_new(&st, ctx, NULL), 0);
	const promote_release *first = promote_release_created(a) < promote_release_created(b) ? a
		: promote_release_created(b) < promote_release_created(a) ? b
		: strcmp(promote_release_id(a), promote_release_id(b)) < 0 ? a : b;
	for (const char *const *env = (const char *const[]){ "qa", "staging", "prod", NULL }; *env; env++) {
		const promote_status_cell *c = cell(st, "shop", *env);
		assert_non_null(promote_status_cell_release(c));
		assert_string_equal(promote_release_id(promote_status_cell_release(c)), promote_release_id(first));
		assert_int_equal(promote_release_state(promote_status_cell_release(c)), PROMOTE_RELEASE_RUNNING);
		assert_string_equal(promote_release_step_environment(promote_status_cell_step(c)), *env);
		assert_int_equal(promote_release_step_state(promote_status_cell_step(c)), PROMOTE_STEP_PENDING);
		assert_int_equal(promote_status_cell_waiting(c), 1);
	}
	assert_null(promote_status_cell_release(cell(st, "shop", "dev")));
	assert_null(promote_status_cell_release(cell(st, "cart", "prod")));
	/* Aborted: no longer open, so no cell shows it. */
	assert_int_equal(promote_release_abort(a, NULL), 0);
	assert_int_equal(promote_release_abort(b, NULL), 0);
	promote_status_free(st);
	assert_int_equal(promote_status_new(&st, ctx, NULL), 0);
	assert_null(promote_status_cell_release(cell(st, "shop", "prod")));
	assert_int_equal(promote_status_cell_waiting(cell(st, "shop", "prod")), 0);
	promote_status_free(st);
	promote_release_free(a);
	promote_release_free(b);
	promote_context_free(ctx);
	remove_scratch(dir);
}

/* Holds and pins, read once with the status: an environment's hold in every cell of its column (before a
 * product's own), a product's hold and a rollback's pin in their cells, and the list of those shown — an
 * environment's hold also when no product row is. */
static void test_holds_and_pins(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "status-holds"), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	assert_int_equal(promote_hold_add(ctx, "prod", NULL, "incident 42", "alice"), 0);
	assert_int_equal(promote_hold_add(ctx, "prod", "shop", "shop too", "carol"), 0);
	assert_int_equal(promote_hold_add(ctx, "qa", "shop", "shop only", "bob"), 0);
	promote_release *rollback = NULL;
	promote_release_options forced = PROMOTE_RELEASE_OPTIONS_INIT;
	forced.force = 1; /* (1.3.0 never went through dev and qa) */
	forced.reason = "back to the last good one";
	assert_int_equal(promote_release_rollback(&rollback, ctx, "cart", "staging", "1.3.0", &forced), 0);
	promote_status *st = NULL;
	assert_int_equal(promote_status_new(&st, ctx, NULL), 0);

	const promote_hold *h = promote_status_cell_hold(cell(st, "shop", "prod"));
	assert_non_null(h);
	assert_int_equal(promote_hold_kind_of(h), PROMOTE_HOLD_HOLD);
	assert_string_equal(promote_hold_environment(h), "prod");
	assert_null(promote_hold_product(h)); /* the environment's, as the step's reason says */
	assert_string_equal(promote_hold_by(h), "alice");
	assert_string_equal(promote_hold_reason(h), "incident 42");
	assert_true(promote_hold_at(h) > 0);
	assert_ptr_equal(promote_status_cell_hold(cell(st, "cart", "prod")), h);
	assert_null(promote_status_cell_pin(cell(st, "shop", "prod")));
	h = promote_status_cell_hold(cell(st, "shop", "qa"));
	assert_non_null(h);
	assert_string_equal(promote_hold_product(h), "shop");
	assert_string_equal(promote_hold_by(h), "bob");
	assert_null(promote_status_cell_hold(cell(st, "cart", "qa")));
	assert_null(promote_status_cell_hold(cell(st, "shop", "dev")));
	const promote_hold *pin = promote_status_cell_pin(cell(st, "cart", "staging"));
	assert_non_null(pin);
	assert_int_equal(promote_hold_kind_of(pin), PROMOTE_HOLD_PIN);
	assert_string_equal(promote_hold_version(pin), "1.3.0");
	assert_string_equal(promote_hold_release(pin), promote_release_id(rollback));
	assert_null(promote_status_cell_hold(cell(st, "cart", "staging")));
	assert_null(promote_status_cell_pin(cell(st, "shop", "staging")));
	/* Every one shown, in the record's order. */
	assert_int_equal(promote_status_hold_count(st), 4);
	assert_null(promote_hold_product(promote_status_hold_at(st, 0)));
	assert_string_equal(promote_hold_reason(promote_status_hold_at(st, 1)), "shop too");
	assert_string_equal(promote_hold_environment(promote_status_hold_at(st, 2)), "qa");
	assert_ptr_equal(promote_status_hold_at(st, 3), pin);
	assert_null(promote_status_hold_at(st, 4));

	json_has(st, (const char *const[]){ "\"holds\": [", "\"kind\": \"pin\"", "\"reason\": \"shop only\"",
		"\"pin\": null", NULL });
	promote_status_free(st);

	/* Filtered: the holds of the rows and columns shown; an environment's hold with no row at all. */
	promote_status_options opts = PROMOTE_STATUS_OPTIONS_INIT;
	opts.product = "cart";
	assert_int_equal(promote_status_new(&st, ctx, &opts), 0);
	assert_int_equal(promote_status_hold_count(st), 2);
	assert_string_equal(promote_hold_environment(promote_status_hold_at(st, 0)), "prod");
	assert_ptr_equal(promote_status_hold_at(st, 1), promote_status_cell_pin(cell(st, "cart", "staging")));
	promote_status_free(st);
	opts.product = "nothing*";
	assert_int_equal(promote_status_new(&st, ctx, &opts), 0);
	assert_int_equal(promote_status_product_count(st), 0);
	assert_int_equal(promote_status_hold_count(st), 1);
	assert_null(promote_hold_product(promote_status_hold_at(st, 0)));
	promote_status_free(st);
	opts.product = NULL;
	opts.environment = "dev";
	assert_int_equal(promote_status_new(&st, ctx, &opts), 0);
	assert_int_equal(promote_status_hold_count(st), 0);
	assert_null(promote_status_cell_hold(promote_status_cell_at(st, 0, 0)));
	promote_status_free(st);

	assert_int_equal(promote_status_hold_count(NULL), 0);
	assert_null(promote_status_hold_at(NULL, 0));
	assert_null(promote_status_cell_hold(NULL));
	assert_null(promote_status_cell_pin(NULL));
	promote_release_free(rollback);
	promote_context_free(ctx);
	remove_scratch(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_open_releases),
		cmocka_unit_test(test_holds_and_pins),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
