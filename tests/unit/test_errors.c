/* Error codes, the thread-local error, init reference counting, versions. */
#include "helpers.h"

#include <pthread.h>

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(promote_strerror(PROMOTE_OK), "success");
	assert_string_equal(promote_strerror(PROMOTE_ENOTFOUND), "not found");
	assert_string_equal(promote_strerror(PROMOTE_EAUTH), "authentication failed");
	assert_string_equal(promote_strerror(PROMOTE_ITEROVER), "iteration over");
	assert_string_equal(promote_strerror(-999), "unknown error code");
}

static void test_codes_are_fixed(void **state)
{
	(void)state;
	/* These values are ABI: a change here is a break (doc/ABI.md). */
	assert_int_equal(PROMOTE_ERROR, -1);
	assert_int_equal(PROMOTE_ENOMEM, -2);
	assert_int_equal(PROMOTE_ENOTFOUND, -3);
	assert_int_equal(PROMOTE_EEXISTS, -4);
	assert_int_equal(PROMOTE_EINVALID, -5);
	assert_int_equal(PROMOTE_ELIMIT, -6);
	assert_int_equal(PROMOTE_EVERSION, -7);
	assert_int_equal(PROMOTE_EUSER, -8);
	assert_int_equal(PROMOTE_EIO, -9);
	assert_int_equal(PROMOTE_EGIT, -10);
	assert_int_equal(PROMOTE_ENET, -11);
	assert_int_equal(PROMOTE_EAUTH, -12);
	assert_int_equal(PROMOTE_ECONFLICT, -13);
	assert_int_equal(PROMOTE_EBUSY, -14);
	assert_int_equal(PROMOTE_ETIMEOUT, -15);
	assert_int_equal(PROMOTE_ENOTSUPPORTED, -16);
	assert_int_equal(PROMOTE_ESTATE, -17);
	assert_int_equal(PROMOTE_PASSTHROUGH, -30);
	assert_int_equal(PROMOTE_ITEROVER, -31);
}

static void test_no_error_and_clear(void **state)
{
	(void)state;
	promote_error_clear();
	const promote_error *e = promote_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, PROMOTE_OK);
	assert_string_equal(e->message, "no error");
	assert_null(e->file);
	assert_null(e->next);

	const promote_env *env;
	assert_int_equal(promote_env_lookup(&env, NULL, "x"), PROMOTE_EINVALID);
	assert_int_equal(promote_error_last()->code, PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "promote_env_lookup: argument 'ctx'"));
	promote_error_clear();
	assert_int_equal(promote_error_last()->code, PROMOTE_OK);
}

/* What a callback uses to give its failure a message. */
static void test_set_str(void **state)
{
	(void)state;
	assert_int_equal(promote_error_set_str(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_PROVIDER, "the token was refused"),
		PROMOTE_EAUTH);
	assert_int_equal(promote_error_last()->code, PROMOTE_EAUTH);
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_PROVIDER);
	assert_string_equal(promote_error_last()->message, "the token was refused");
	assert_int_equal(promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY, NULL), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "not found");
	/* Not an error code: the generic one. */
	assert_int_equal(promote_error_set_str(3, PROMOTE_ERROR_CLASS_CALLBACK, "odd"), PROMOTE_ERROR);
	assert_int_equal(promote_error_last()->code, PROMOTE_ERROR);
	promote_error_clear();
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* Errors are per thread: this thread has none. */
	const promote_error *e = promote_error_last();
	intptr_t ok = e->code == PROMOTE_OK;
	const promote_env *env;
	ok = ok && promote_env_lookup(&env, NULL, "x") == PROMOTE_EINVALID;
	ok = ok && promote_error_last()->code == PROMOTE_EINVALID;
	/* Exit with the error still recorded: the library frees it (LeakSanitizer checks). */
	return (void *)ok;
}

static void test_thread_local(void **state)
{
	(void)state;
	promote_context *ctx;
	assert_int_equal(promote_context_open_file(&ctx, "/nonexistent.yaml", NULL), PROMOTE_ENOTFOUND);
	pthread_t t;
	void *result;
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &result), 0);
	assert_true(result != NULL);
	/* This thread's error is untouched by the other thread. */
	assert_int_equal(promote_error_last()->code, PROMOTE_ENOTFOUND);
}

static void test_init_refcount(void **state)
{
	(void)state;
	int base = promote_init(); /* the group set-up holds one */
	assert_int_equal(base, 2);
	assert_int_equal(promote_init(), 3);
	assert_int_equal(promote_shutdown(), 2);
	assert_int_equal(promote_shutdown(), 1);
}

static void test_shutdown_without_init(void **state)
{
	(void)state;
	assert_int_equal(promote_shutdown(), 0);
	assert_int_equal(promote_shutdown(), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "more often than promote_init()"));
	assert_int_equal(promote_init(), 1);
}

static void test_version(void **state)
{
	(void)state;
	int major = -1, minor = -1, rev = -1;
	assert_int_equal(promote_version(&major, &minor, &rev), 0);
	assert_int_equal(major, PROMOTE_VERSION_MAJOR);
	assert_int_equal(minor, PROMOTE_VERSION_MINOR);
	assert_int_equal(rev, PROMOTE_VERSION_PATCH);
	assert_int_equal(promote_version(NULL, NULL, NULL), 0);
	assert_string_equal(promote_version_string(), PROMOTE_VERSION);
	char text[32];
	snprintf(text, sizeof text, "%d.%d.%d", major, minor, rev);
	assert_string_equal(promote_version_string(), text);
	assert_true(PROMOTE_CHECK_VERSION(0, 1, 0));
	assert_false(PROMOTE_CHECK_VERSION(PROMOTE_VERSION_MAJOR + 1, 0, 0));
}

static void test_buf_and_strarray_dispose(void **state)
{
	(void)state;
	promote_buf buf = PROMOTE_BUF_INIT;
	promote_buf_dispose(&buf);
	buf.ptr = strdup("owned");
	buf.reserved = 6;
	buf.size = 5;
	promote_buf_dispose(&buf);
	assert_null(buf.ptr);
	assert_int_equal(buf.size, 0);
	char fixed[] = "borrowed";
	buf.ptr = fixed; /* reserved 0: not owned, not freed */
	buf.size = 8;
	promote_buf_dispose(&buf);
	assert_null(buf.ptr);
	promote_buf_dispose(NULL);

	promote_strarray array = PROMOTE_STRARRAY_INIT;
	array.strings = malloc(2 * sizeof *array.strings);
	array.strings[0] = strdup("a");
	array.strings[1] = strdup("b");
	array.count = 2;
	promote_strarray_dispose(&array);
	assert_null(array.strings);
	assert_int_equal(array.count, 0);
	promote_strarray_dispose(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_codes_are_fixed),
		cmocka_unit_test(test_no_error_and_clear),
		cmocka_unit_test(test_set_str),
		cmocka_unit_test(test_thread_local),
		cmocka_unit_test(test_init_refcount),
		cmocka_unit_test(test_shutdown_without_init),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_buf_and_strarray_dispose),
	};
	return cmocka_run_group_tests_name("errors", tests, helpers_init, helpers_shutdown);
}
