/* The run-time: promote_init/promote_shutdown counted, subsystems started
 * once on first use and shut down by the last shutdown, from any thread. */
#include "helpers.h"

#include "core/global.h"
#include "git/global_git.h"
#include "net/global_net.h"

#include <git2.h>
#include <pthread.h>

/* A subsystem that counts its starts and stops and checks they alternate. */
typedef struct counter {
	int inits, shutdowns, fail_next;
	int overlaps; /* a start while running or a stop while stopped (no cmocka asserts off the main thread) */
	bool running;
	char order[16];
	size_t order_len;
} counter;

static counter a_count, b_count;

static void note(counter *c, char what)
{
	if (c->order_len + 1 < sizeof c->order)
		c->order[c->order_len++] = what;
}

static int a_init(void)
{
	if (a_count.running)
		a_count.overlaps++;
	if (a_count.fail_next) {
		a_count.fail_next = 0;
		return PROMOTE_EIO;
	}
	a_count.inits++;
	a_count.running = true;
	note(&a_count, 'i');
	return 0;
}

static void a_shutdown(void)
{
	if (!a_count.running)
		a_count.overlaps++;
	a_count.shutdowns++;
	a_count.running = false;
	note(&a_count, 's');
	note(&b_count, 'a'); /* the order of stops across subsystems, in b's log */
}

static int b_init(void)
{
	b_count.inits++;
	b_count.running = true;
	return 0;
}

static void b_shutdown(void)
{
	b_count.shutdowns++;
	b_count.running = false;
	note(&b_count, 'b');
}

static const promote__subsystem sub_a = { "a", a_init, a_shutdown };
static const promote__subsystem sub_b = { "b", b_init, b_shutdown };
static const promote__subsystem sub_c = { "c", b_init, NULL };
static const promote__subsystem *const table[] = { &sub_a, &sub_b };

static int reset(void **state)
{
	(void)state;
	memset(&a_count, 0, sizeof a_count);
	memset(&b_count, 0, sizeof b_count);
	return 0;
}

/* Counted: a subsystem starts once however often it is needed, and stops
 * only at the last shutdown; then a new init starts it again. */
static void test_counted(void **state)
{
	(void)state;
	assert_int_equal(promote__subsystem_need(&sub_a), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "call promote_init() first"));
	assert_int_equal(promote__runtime_init(table, 2), 1);
	assert_int_equal(promote__runtime_init(table, 2), 2);
	assert_true(promote__initialized());
	assert_int_equal(a_count.inits, 0); /* nothing starts before it is needed */
	assert_int_equal(promote__subsystem_need(&sub_a), 0);
	assert_int_equal(promote__subsystem_need(&sub_a), 0);
	assert_int_equal(a_count.inits, 1);
	assert_int_equal(promote__runtime_shutdown(), 1);
	assert_int_equal(a_count.shutdowns, 0);
	assert_int_equal(promote__runtime_shutdown(), 0);
	assert_false(promote__initialized());
	assert_int_equal(a_count.shutdowns, 1);
	assert_int_equal(b_count.shutdowns, 0); /* never started, never stopped */
	assert_int_equal(promote__runtime_shutdown(), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "more often than promote_init()"));

	assert_int_equal(promote__runtime_init(table, 2), 1);
	assert_int_equal(promote__subsystem_need(&sub_a), 0);
	assert_int_equal(a_count.inits, 2);
	assert_int_equal(promote__runtime_shutdown(), 0);
	assert_string_equal(a_count.order, "isis");
	assert_int_equal(a_count.overlaps, 0);
}

/* The last shutdown stops subsystems in reverse table order. */
static void test_reverse_order(void **state)
{
	(void)state;
	assert_int_equal(promote__runtime_init(table, 2), 1);
	assert_int_equal(promote__subsystem_need(&sub_b), 0);
	assert_int_equal(promote__subsystem_need(&sub_a), 0);
	assert_int_equal(promote__runtime_shutdown(), 0);
	assert_string_equal(b_count.order, "ba");
}

/* A failed start is reported and tried again at the next need. */
static void test_failed_start(void **state)
{
	(void)state;
	assert_int_equal(promote__runtime_init(table, 2), 1);
	a_count.fail_next = 1;
	assert_int_equal(promote__subsystem_need(&sub_a), PROMOTE_EIO);
	assert_int_equal(promote__subsystem_need(&sub_a), 0);
	assert_int_equal(a_count.inits, 1);
	assert_int_equal(promote__runtime_shutdown(), 0);
	assert_int_equal(a_count.shutdowns, 1);
}

/* A subsystem not in the table is refused; so is a table too long. */
static void test_not_in_table(void **state)
{
	(void)state;
	assert_int_equal(promote__runtime_init(table, 2), 1);
	assert_int_equal(promote__subsystem_need(&sub_c), PROMOTE_ESTATE);
	assert_string_equal(promote_error_last()->message,
		"c is not in the table of subsystems promote_init() was given");
	assert_int_equal(promote__runtime_shutdown(), 0);
	const promote__subsystem *const many[PROMOTE__SUBSYSTEMS_MAX + 1] = { &sub_a };
	assert_int_equal(promote__runtime_init(many, PROMOTE__SUBSYSTEMS_MAX + 1), PROMOTE_ELIMIT);
	assert_false(promote__initialized());
}

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		if (promote__runtime_init(table, 2) < 1 || promote__subsystem_need(&sub_a) != 0 ||
			promote__runtime_shutdown() < 0)
			return (void *)1;
	}
	return NULL;
}

/* Threads initialising, needing and shutting down at once: a start and a
 * stop never overlap (a_init/a_shutdown count it), and they pair up. */
static void test_threads(void **state)
{
	(void)state;
	pthread_t threads[4];
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, churn, NULL), 0);
	for (size_t i = 0; i < 4; i++) {
		void *result;
		assert_int_equal(pthread_join(threads[i], &result), 0);
		assert_null(result);
	}
	assert_false(promote__initialized());
	assert_true(a_count.inits >= 1);
	assert_int_equal(a_count.inits, a_count.shutdowns);
	assert_int_equal(a_count.overlaps, 0);
	assert_false(a_count.running);
}

/* The library's own table: promote_init twice, promote_shutdown twice (libgit2
 * and libcurl really stopped), then promote_init again and both start again. */
static void test_library_table(void **state)
{
	(void)state;
	assert_int_equal(promote_init(), 1);
	assert_int_equal(promote_init(), 2);
	assert_int_equal(promote__need_git(), 0);
	assert_int_equal(promote__need_curl(), 0);
	assert_int_equal(promote_shutdown(), 1);
	assert_int_equal(promote_shutdown(), 0);
	/* libgit2's own count: ours was released, so this init is the first. */
	assert_int_equal(git_libgit2_init(), 1);
	git_libgit2_shutdown();
	assert_int_equal(promote__need_git(), PROMOTE_ESTATE);

	assert_int_equal(promote_init(), 1);
	assert_int_equal(promote__need_git(), 0);
	assert_int_equal(promote__need_curl(), 0);
	git_repository *repo = NULL;
	char dir[] = "/tmp/promote-global-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(git_repository_init(&repo, dir, 1), 0); /* libgit2 works */
	git_repository_free(repo);
	assert_int_equal(git_libgit2_init(), 2); /* ours, and this one */
	git_libgit2_shutdown();
	assert_int_equal(promote_shutdown(), 0);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The object cache of libgit2 is bounded well below its default of 256 MiB: a watcher that makes hundreds
 * of commits in a monorepo would keep every large tree it parsed up to that (bench/watch.py). */
static void test_object_cache_bounded(void **state)
{
	(void)state;
	assert_int_equal(promote_init(), 1);
	assert_int_equal(promote__need_git(), 0);
	ssize_t used = -1, allowed = -1;
	assert_int_equal(git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &used, &allowed), 0);
	assert_true(allowed > 0);
	assert_true(allowed <= (ssize_t)32 << 20);
	assert_int_equal(promote_shutdown(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_counted, reset),
		cmocka_unit_test_setup(test_reverse_order, reset),
		cmocka_unit_test_setup(test_failed_start, reset),
		cmocka_unit_test_setup(test_not_in_table, reset),
		cmocka_unit_test_setup(test_threads, reset),
		cmocka_unit_test(test_library_table),
		cmocka_unit_test(test_object_cache_bounded),
	};
	return cmocka_run_group_tests_name("global", tests, NULL, NULL);
}
