/* libgit2 started, and libcurl loaded, on a thread ahead of a remote session's first request
 * (lib/git/start_ahead.h). */
#include "helpers.h"

#include "git/global_git.h"
#include "git/start_ahead.h"
#include "net/curl_api.h"

#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>
#include <promote.h>
#include <stdlib.h>

/* Whether libgit2 was started by someone else: its count of users goes from 1 to 2 with ours. */
static bool git_started_already(void)
{
	int users = git_libgit2_init();
	git_libgit2_shutdown();
	return users > 1;
}

static bool curl_mapped(void)
{
	void *lib = dlopen(PROMOTE_CURL_SONAME, RTLD_NOW | RTLD_NOLOAD);
	if (lib)
		dlclose(lib);
	return lib != NULL;
}

/* One thread allowed: nothing starts ahead, and nothing is asked (a later session may start it). */
static void test_one_thread_starts_nothing(void **state)
{
	(void)state;
	setenv("PROMOTE_THREADS", "1", 1);
	pthread_t thread;
	assert_false(promote__git_start_ahead(&thread, true));
	assert_false(git_started_already());
	unsetenv("PROMOTE_THREADS");
}

/* libgit2 alone, for an ssh remote: started on the thread; libcurl is not loaded. */
static void test_git_starts_ahead(void **state)
{
	(void)state;
	setenv("PROMOTE_THREADS", "2", 1);
	pthread_t thread;
	assert_true(promote__git_start_ahead(&thread, false));
	promote__git_start_joined(thread);
	assert_true(git_started_already());
	assert_false(curl_mapped());
	/* Started: another ssh session starts no thread. */
	assert_false(promote__git_start_ahead(&thread, false));
	/* Until the library is shut down: libgit2 with it, and a later session starts it ahead again. */
	assert_int_equal(promote_shutdown(), 0);
	assert_true(promote_init() > 0);
	assert_false(git_started_already());
	assert_true(promote__git_start_ahead(&thread, false));
	promote__git_start_joined(thread);
	assert_true(git_started_already());
}

static void *need_curl(void *out)
{
	*(const promote__curl_api **)out = promote__need_git() == 0 ? promote__curl() : NULL;
	return NULL;
}

/* Then an http(s) remote: a thread loads libcurl while a caller needs it meanwhile, and both get the one
 * table; after that nothing more is started. */
static void test_curl_loads_ahead_while_a_caller_waits(void **state)
{
	(void)state;
	pthread_t thread, caller;
	const promote__curl_api *got = NULL;
	assert_true(promote__git_start_ahead(&thread, true));
	assert_int_equal(pthread_create(&caller, NULL, need_curl, &got), 0);
	pthread_join(caller, NULL);
	promote__git_start_joined(thread);
	assert_true(curl_mapped());
	assert_non_null(got);
	assert_ptr_equal(got, promote__curl());
	assert_false(promote__git_start_ahead(&thread, true));
	assert_false(promote__git_start_ahead(&thread, false));
	unsetenv("PROMOTE_THREADS");
}

static int setup(void **state)
{
	(void)state;
	return promote_init() < 0;
}

static int teardown(void **state)
{
	(void)state;
	return promote_shutdown() < 0;
}

int main(void)
{
	/* In this order: nothing asked ahead, started nor loaded before. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_thread_starts_nothing),
		cmocka_unit_test(test_git_starts_ahead),
		cmocka_unit_test(test_curl_loads_ahead_while_a_caller_waits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
