/*
 * providers/deploy/process.h's wait: a release's run loop sleeps in it between two polls, and a check or
 * deploy command that ends wakes it then, not at the poll's next timed turn.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "providers/deploy/process.h"
#include "core/clock.h"

#include <stdlib.h>
#include <unistd.h>

extern char **environ;

/* Longer than any wait below may take when woken; a wait that sleeps all of it fails its test. */
#define LONG_MS 8000

static promote__process *start(char *const *argv, const char *shown)
{
	promote__process_spec spec = { argv[0], argv, environ, "/", "/tmp", 0, shown, NULL, 0 };
	promote__process *p = NULL;
	assert_int_equal(promote__process_start(&p, &spec), 0);
	return p;
}

static int64_t waited_ms(uint32_t ms)
{
	int64_t before = promote__now_ms();
	promote__process_wait(ms);
	return promote__now_ms() - before;
}

static void test_a_wait_ends_when_a_command_ends(void **state)
{
	(void)state;
	char *const argv[] = { "/bin/sh", "-c", "exit 7", NULL };
	promote__process *p = start(argv, "exit 7");
	assert_true(waited_ms(LONG_MS) < LONG_MS / 2);
	int status = 0;
	assert_true(promote__process_poll(p, &status));
	assert_int_equal(status, 7);
	promote__process_free(p);
	/* Nothing runs any more: the whole time is slept. */
	assert_true(waited_ms(100) >= 100);
}

static void test_a_command_that_ended_wakes_one_wait(void **state)
{
	(void)state;
	char *const quick[] = { "/bin/true", NULL };
	char *const slow[] = { "/bin/sleep", "60", NULL };
	promote__process *ended = start(quick, "true"), *running = start(slow, "sleep 60");
	assert_true(waited_ms(LONG_MS) < LONG_MS / 2);
	/* Not reaped yet (its owner polls it later): it does not cut the next wait short, nor does the one
	 * still running. */
	assert_true(waited_ms(200) >= 200);
	int status = -1;
	assert_true(promote__process_poll(ended, &status));
	assert_int_equal(status, 0);
	assert_false(promote__process_poll(running, &status));
	promote__process_free(ended);
	promote__process_free(running);
}

static void test_a_wait_without_commands_sleeps(void **state)
{
	(void)state;
	assert_true(waited_ms(150) >= 150);
	assert_true(waited_ms(0) < 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_wait_ends_when_a_command_ends),
		cmocka_unit_test(test_a_command_that_ended_wakes_one_wait),
		cmocka_unit_test(test_a_wait_without_commands_sleeps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
