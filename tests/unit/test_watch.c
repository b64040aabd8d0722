/* The watcher: what one pass starts (configured and discovered products, only versions that changed),
 * once across passes and watchers; a release's creation as the compare-and-swap that makes it once. */
#include "helpers.h"

#include "engine/release_record.h"

static char dir[128];
static char bare[256];

static int setup(void **state)
{
	return setup_example_repo(dir, sizeof dir, bare, sizeof bare, "watch") ? -1 : helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

/* One commit on main of the bare repository running `edit` in a clone of it. */
static void commit(const char *edit)
{
	assert_int_equal(sh(NULL, 0, "cd %s && rm -rf edit && " GIT "clone -q %s edit && cd edit && %s && " GIT
				     "commit -qam edit && " GIT "push -q origin main && cd .. && rm -rf edit",
				 dir, bare, edit), 0);
}

static size_t pass(promote_watcher *w)
{
	uint32_t next = 0;
	if (promote_watcher_pass(w, &next))
		fail_msg("pass: %s", promote_error_last()->message);
	return promote_watcher_started_count(w);
}

static size_t release_count(promote_context *ctx)
{
	promote_release_list *list = NULL;
	assert_int_equal(promote_release_list_new(&list, ctx, NULL), 0);
	size_t n = promote_release_list_count(list);
	promote_release_list_free(list);
	return n;
}

static void test_a_pass_starts_the_products_whose_version_changed(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_watcher *w = NULL;
	assert_int_equal(promote_watcher_new(&w, ctx, NULL), 0);
	/* Never watched: from the current state on, nothing started. */
	assert_int_equal(pass(w), 0);
	assert_int_equal(release_count(ctx), 0);
	/* A discovered product's version, a configured one's, and a discovered product's other file. */
	commit("sed -i 's/tag: \"2.0\"/tag: \"2.1\"/' envs/dev/more/app3/values.yaml && "
	       "sed -i 's/^  tag: .*/  tag: \"9.9.9\"/' envs/dev/apps/cart/values.yaml && "
	       "echo 'replicas: 3' >> envs/dev/more/app5/values.yaml");
	promote_context_free(ctx);
	ctx = open_repository_or_fail(bare);
	promote_watcher_free(w);
	assert_int_equal(promote_watcher_new(&w, ctx, NULL), 0);
	assert_int_equal(pass(w), 2);
	const char *a = promote_watcher_started_at(w, 0), *b = promote_watcher_started_at(w, 1);
	assert_true(strncmp(a, "app3-2.1-", 9) == 0 || strncmp(b, "app3-2.1-", 9) == 0);
	assert_true(strncmp(a, "cart-9.9.9-", 11) == 0 || strncmp(b, "cart-9.9.9-", 11) == 0);
	assert_null(promote_watcher_started_at(w, 2));
	assert_int_equal(promote_watcher_polled_count(w), 2);
	/* The next pass, and another watcher: none again. */
	assert_int_equal(pass(w), 0);
	promote_watcher *other = NULL;
	promote_context *ctx2 = open_repository_or_fail(bare);
	assert_int_equal(promote_watcher_new(&other, ctx2, NULL), 0);
	assert_int_equal(pass(other), 0);
	assert_int_equal(release_count(ctx2), 2);
	promote_watcher_free(other);
	promote_context_free(ctx2);
	promote_watcher_free(w);
	promote_context_free(ctx);
}

static void test_two_watchers_that_both_decided_to_start_a_release_start_it_once(void **state)
{
	(void)state;
	promote_context *a = open_repository_or_fail(bare), *b = open_repository_or_fail(bare);
	promote_release *first = NULL, *second = NULL;
	promote__release_seed seed = { "shop-7.0.0-abcdef", "7.0.0", "0123456789012345678901234567890123456789",
		"Start release (watch test)" };
	promote__release_seed other = seed;
	other.what = "Start release (watch another)";
	assert_int_equal(promote__release_start_seeded(&first, a, "shop", NULL, &seed), 0);
	assert_int_equal(promote__release_start_seeded(&second, b, "shop", NULL, &other), PROMOTE_EEXISTS);
	assert_null(second);
	assert_string_equal(promote_release_id(first), "shop-7.0.0-abcdef");
	promote_release_free(first);
	promote_context_free(a);
	promote_context_free(b);
}

static void test_a_stopped_watcher_passes_no_more(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_watcher *w = NULL;
	assert_int_equal(promote_watcher_new(&w, ctx, NULL), 0);
	assert_int_equal(promote_watcher_stopped(w), 0);
	promote_watcher_stop(w);
	promote_watcher_stop(NULL);
	assert_int_equal(promote_watcher_stopped(w), 1);
	uint32_t next = 7;
	assert_int_equal(promote_watcher_pass(w, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(promote_watcher_polled_count(w), 0);
	promote_watcher_free(w);
	promote_watcher_free(NULL);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_pass_starts_the_products_whose_version_changed),
		cmocka_unit_test(test_two_watchers_that_both_decided_to_start_a_release_start_it_once),
		cmocka_unit_test(test_a_stopped_watcher_passes_no_more),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
