/*
 * promote_drift on the example repository: the pairs of the default flow, a named pair, every relation
 * (equal, behind, ahead, missing, extra, unknown), semver and text comparisons, the product filter, the
 * JSON, and the errors of bad pairs.
 */
#include "helpers.h"

/* The example repository's versions (make_example_repo()): dev shop/cart 1.4.0, app1..8 "2.0", app9 "3.0";
 * qa shop/cart 1.3.2, app1..8 "1.0"; staging shop/cart 1.3.2; prod shop/cart 1.3.0. */

static const promote_drift_row *row(const promote_drift *d, const char *product, const char *from, const char *to)
{
	for (size_t i = 0; i < promote_drift_row_count(d); i++) {
		const promote_drift_row *r = promote_drift_row_at(d, i);
		if (strcmp(promote_drift_row_product(r), product) == 0 && strcmp(promote_drift_row_from(r), from) == 0 &&
			strcmp(promote_drift_row_to(r), to) == 0)
			return r;
	}
	return NULL;
}

static void assert_row(const promote_drift *d, const char *product, const char *from, const char *to, int relation,
	int comparison, const char *from_version, const char *to_version)
{
	const promote_drift_row *r = row(d, product, from, to);
	if (!r)
		fail_msg("no row %s %s -> %s", product, from, to);
	if (promote_drift_row_relation(r) != relation || promote_drift_row_comparison(r) != comparison)
		fail_msg("%s %s -> %s: %s (%s), expected %s (%s)", product, from, to,
			promote_drift_relation_name(promote_drift_row_relation(r)),
			promote_drift_comparison_name(promote_drift_row_comparison(r)), promote_drift_relation_name(relation),
			promote_drift_comparison_name(comparison));
	if (from_version)
		assert_string_equal(promote_drift_row_from_version(r), from_version);
	else
		assert_null(promote_drift_row_from_version(r));
	if (to_version)
		assert_string_equal(promote_drift_row_to_version(r), to_version);
	else
		assert_null(promote_drift_row_to_version(r));
}

static void test_names_and_options(void **state)
{
	(void)state;
	const char *relations[] = { "equal", "behind", "ahead", "missing", "extra", "unknown" };
	for (int i = 0; i < 6; i++)
		assert_string_equal(promote_drift_relation_name(i), relations[i]);
	assert_string_equal(promote_drift_relation_name(6), "invalid");
	assert_string_equal(promote_drift_relation_name(-1), "invalid");
	assert_string_equal(promote_drift_comparison_name(PROMOTE_DRIFT_NOT_COMPARED), "none");
	assert_string_equal(promote_drift_comparison_name(PROMOTE_DRIFT_SEMVER), "semver");
	assert_string_equal(promote_drift_comparison_name(PROMOTE_DRIFT_TEXT), "text");
	assert_string_equal(promote_drift_comparison_name(3), "invalid");

	promote_drift_options opts;
	memset(&opts, 0xab, sizeof opts);
	assert_int_equal(promote_drift_options_init(&opts, PROMOTE_DRIFT_OPTIONS_VERSION), 0);
	promote_drift_options expected = PROMOTE_DRIFT_OPTIONS_INIT;
	assert_memory_equal(&opts, &expected, sizeof opts);
	assert_int_equal(promote_drift_options_init(&opts, PROMOTE_DRIFT_OPTIONS_VERSION + 1), PROMOTE_EVERSION);

	promote_context *ctx = open_yaml("version: 1\nenvironments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\n");
	promote_drift *d = (promote_drift *)&opts;
	opts.version = PROMOTE_DRIFT_OPTIONS_VERSION + 1;
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_EVERSION);
	assert_null(d);
	assert_int_equal(promote_drift_new(NULL, ctx, NULL), PROMOTE_EINVALID);
	/* No flow: nothing to compare along unless a pair is named. */
	assert_int_equal(promote_drift_new(&d, ctx, NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "no default flow to compare along"));
	assert_non_null(strstr(promote_error_last()->message, "name the two environments"));
	/* A named pair, but no repository to read versions from. */
	promote_drift_options_init(&opts, PROMOTE_DRIFT_OPTIONS_VERSION);
	opts.from = "dev";
	opts.to = "qa";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_ESTATE);
	assert_null(d);
	promote_context_free(ctx);

	promote_drift_free(NULL);
	assert_int_equal(promote_drift_row_count(NULL), 0);
	assert_int_equal(promote_drift_pair_count(NULL), 0);
	assert_int_equal(promote_drift_drifted_count(NULL), 0);
	assert_null(promote_drift_row_at(NULL, 0));
	assert_null(promote_drift_pair_from(NULL, 0));
	assert_null(promote_drift_row_product(NULL));
	assert_int_equal(promote_drift_row_relation(NULL), -1);
	assert_int_equal(promote_drift_row_comparison(NULL), -1);
	assert_null(promote_drift_row_error(NULL));
}

/* Without a pair: every edge of the default flow, trigger first (dev -> qa, dev -> staging, then qa -> prod
 * and staging -> prod: prod depends on both). */
static void test_flow_edges(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "drift"), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_drift *d = NULL;
	assert_int_equal(promote_drift_new(&d, ctx, NULL), 0);
	const char *pairs[][2] = { { "dev", "qa" }, { "dev", "staging" }, { "qa", "prod" }, { "staging", "prod" } };
	assert_int_equal(promote_drift_pair_count(d), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(promote_drift_pair_from(d, i), pairs[i][0]);
		assert_string_equal(promote_drift_pair_to(d, i), pairs[i][1]);
	}
	assert_null(promote_drift_pair_to(d, 4));
	/* dev -> qa: 11 products; dev -> staging: 11 (app1..9 missing); qa -> prod: 10; staging -> prod: 2. */
	assert_int_equal(promote_drift_row_count(d), 34);
	assert_int_equal(promote_drift_drifted_count(d), 34);
	assert_null(promote_drift_row_at(d, 34));
	/* Pair by pair, products sorted within a pair. */
	assert_string_equal(promote_drift_row_product(promote_drift_row_at(d, 0)), "app1");
	assert_string_equal(promote_drift_row_product(promote_drift_row_at(d, 10)), "shop");
	assert_string_equal(promote_drift_row_to(promote_drift_row_at(d, 11)), "staging");
	assert_row(d, "shop", "dev", "qa", PROMOTE_DRIFT_BEHIND, PROMOTE_DRIFT_SEMVER, "1.4.0", "1.3.2");
	assert_row(d, "app1", "dev", "qa", PROMOTE_DRIFT_BEHIND, PROMOTE_DRIFT_TEXT, "2.0", "1.0");
	assert_row(d, "app9", "dev", "qa", PROMOTE_DRIFT_MISSING, PROMOTE_DRIFT_NOT_COMPARED, "3.0", NULL);
	assert_row(d, "app3", "dev", "staging", PROMOTE_DRIFT_MISSING, PROMOTE_DRIFT_NOT_COMPARED, "2.0", NULL);
	assert_row(d, "cart", "qa", "prod", PROMOTE_DRIFT_BEHIND, PROMOTE_DRIFT_SEMVER, "1.3.2", "1.3.0");
	assert_row(d, "shop", "staging", "prod", PROMOTE_DRIFT_BEHIND, PROMOTE_DRIFT_SEMVER, "1.3.2", "1.3.0");
	/* app9 is in neither staging nor prod: no row there. */
	assert_null(row(d, "app9", "staging", "prod"));
	assert_null(promote_drift_row_error(row(d, "shop", "dev", "qa")));

	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_drift_to_json(&json, d), 0);
	/* (Pretty: one key a line, rows indented by six.) */
#define NL ",\n      "
	const char *texts[] = { "\"schema\": 1,\n", "\"in_sync\": false,\n", "\"drifted\": 34,\n",
		"\"from\": \"staging\"" NL "\"to\": \"prod\"\n",
		"\"product\": \"app9\"" NL "\"from\": \"dev\"" NL "\"to\": \"qa\"" NL "\"from_version\": \"3.0\"" NL
		"\"to_version\": null" NL "\"relation\": \"missing\"" NL "\"comparison\": null" NL "\"error\": null\n",
		"\"from_version\": \"1.4.0\"" NL "\"to_version\": \"1.3.2\"" NL "\"relation\": \"behind\"" NL
		"\"comparison\": \"semver\"",
		"\"relation\": \"behind\"" NL "\"comparison\": \"text\"" };
#undef NL
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (!strstr(json.ptr, texts[i]))
			fail_msg("no %s in %s", texts[i], json.ptr);
	promote_buf_dispose(&json);
	assert_int_equal(promote_drift_to_json(NULL, d), PROMOTE_EINVALID);
	/* The drift keeps its context alive. */
	promote_context_free(ctx);
	assert_string_equal(promote_drift_row_from(promote_drift_row_at(d, 0)), "dev");
	promote_drift_free(d);
	remove_scratch(dir);
}

static promote_drift *pair(promote_context *ctx, const char *from, const char *to, const char *product)
{
	promote_drift_options opts = PROMOTE_DRIFT_OPTIONS_INIT;
	opts.from = from;
	opts.to = to;
	opts.product = product;
	promote_drift *d = NULL;
	if (promote_drift_new(&d, ctx, &opts))
		fail_msg("drift %s %s: %s", from, to, promote_error_last()->message);
	return d;
}

/* A named pair: only that pair; in sync, ahead, extra; the product glob. */
static void test_pair(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "drift-pair"), 0);
	promote_context *ctx = open_repository_or_fail(bare);

	promote_drift *d = pair(ctx, "qa", "staging", "[cs]*");
	assert_int_equal(promote_drift_pair_count(d), 1);
	assert_int_equal(promote_drift_row_count(d), 2);
	assert_int_equal(promote_drift_drifted_count(d), 0);
	assert_row(d, "cart", "qa", "staging", PROMOTE_DRIFT_EQUAL, PROMOTE_DRIFT_SEMVER, "1.3.2", "1.3.2");
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_drift_to_json(&json, d), 0);
	assert_non_null(strstr(json.ptr, "\"in_sync\": true"));
	assert_non_null(strstr(json.ptr, "\"drifted\": 0"));
	promote_buf_dispose(&json);
	promote_drift_free(d);

	/* B newer than A: ahead. B has what A has not: extra. */
	d = pair(ctx, "prod", "dev", NULL);
	assert_int_equal(promote_drift_row_count(d), 11);
	assert_int_equal(promote_drift_drifted_count(d), 11);
	assert_row(d, "shop", "prod", "dev", PROMOTE_DRIFT_AHEAD, PROMOTE_DRIFT_SEMVER, "1.3.0", "1.4.0");
	assert_row(d, "app9", "prod", "dev", PROMOTE_DRIFT_EXTRA, PROMOTE_DRIFT_NOT_COMPARED, NULL, "3.0");
	promote_drift_free(d);

	/* Nothing matches: no rows, in sync. */
	d = pair(ctx, "dev", "qa", "nothing*");
	assert_int_equal(promote_drift_row_count(d), 0);
	assert_int_equal(promote_drift_drifted_count(d), 0);
	promote_drift_free(d);
	promote_context_free(ctx);
	remove_scratch(dir);
}

/* Versions that cannot be read, and versions written differently that are the same: a leading v, build
 * metadata. */
static void test_unknown_and_same(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "drift-unknown"), 0);
	assert_int_equal(sh(NULL, 0,
		"cd %s && " GIT "clone -q gitops.git edit && cd edit && "
		"printf 'image:\\n  tag: \"v1.3.2+build.7\"\\n' > envs/staging/apps/cart/values.yaml && "
		"printf 'image:\\n  repository: shop\\n' > envs/staging/apps/shop/values.yaml && "
		"printf 'image: [\\n' > envs/prod/apps/cart/values.yaml && "
		GIT "commit -qam edit && " GIT "push -q origin main", dir), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_drift *d = pair(ctx, "qa", "staging", NULL);
	assert_row(d, "cart", "qa", "staging", PROMOTE_DRIFT_EQUAL, PROMOTE_DRIFT_SEMVER, "1.3.2", "v1.3.2+build.7");
	assert_row(d, "shop", "qa", "staging", PROMOTE_DRIFT_UNKNOWN, PROMOTE_DRIFT_NOT_COMPARED, "1.3.2", NULL);
	assert_string_equal(promote_drift_row_error(row(d, "shop", "qa", "staging")),
		"the version of 'shop' in 'staging' is not there: its values.yaml holds no image.tag");
	promote_drift_free(d);

	d = pair(ctx, "staging", "prod", "cart");
	assert_row(d, "cart", "staging", "prod", PROMOTE_DRIFT_UNKNOWN, PROMOTE_DRIFT_NOT_COMPARED, "v1.3.2+build.7", NULL);
	const char *error = promote_drift_row_error(row(d, "cart", "staging", "prod"));
	if (!strstr(error, "envs/prod/apps/cart/values.yaml:"))
		fail_msg("the error names no file: %s", error);
	assert_int_equal(promote_drift_drifted_count(d), 1);
	promote_drift_free(d);
	promote_context_free(ctx);
	remove_scratch(dir);
}

static void test_bad_pairs(void **state)
{
	(void)state;
	char dir[256], bare[512];
	assert_int_equal(setup_example_repo(dir, sizeof dir, bare, sizeof bare, "drift-bad"), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_drift_options opts = PROMOTE_DRIFT_OPTIONS_INIT;
	promote_drift *d = NULL;
	opts.from = "dev";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message, "only environment 'dev' given to compare; name both "
		"environments (A and B) or neither (every edge of the default flow)");
	opts.from = NULL;
	opts.to = "qa";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_EINVALID);
	opts.from = "stagin";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "did you mean 'staging'"));
	opts.from = "dev";
	opts.to = "prd";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "did you mean 'prod'"));
	opts.to = "dev";
	assert_int_equal(promote_drift_new(&d, ctx, &opts), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message, "'dev' compared with itself; name two different environments");
	assert_null(d);
	promote_context_free(ctx);
	remove_scratch(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_options),
		cmocka_unit_test(test_flow_edges),
		cmocka_unit_test(test_pair),
		cmocka_unit_test(test_unknown_and_same),
		cmocka_unit_test(test_bad_pairs),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
