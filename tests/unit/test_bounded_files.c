/* Files are checked before they are read: a FIFO or a device is refused at once, without waiting
 * for a writer (an alarm ends the test if the library waits). */
#include "helpers.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[64];
static char fifo[128];

static void test_a_fifo_is_refused_without_waiting(void **state)
{
	(void)state;
	alarm(20);
	promote_yaml_doc *doc = NULL;
	assert_int_equal(promote_yaml_doc_read(&doc, fifo, NULL), PROMOTE_EIO);
	assert_null(doc);
	assert_non_null(strstr(promote_error_last()->message, "not a regular file"));
	promote_context *ctx = NULL;
	assert_int_equal(promote_context_open_file(&ctx, fifo, NULL), PROMOTE_EIO);
	assert_null(ctx);
	assert_non_null(strstr(promote_error_last()->message, "not a regular file"));
	assert_int_equal(promote_yaml_doc_read(&doc, "/dev/zero", NULL), PROMOTE_EIO);
	alarm(0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/promote-test-fifo-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof fifo, "%s/values.yaml", dir);
	if (mkfifo(fifo, 0600) != 0)
		return -1;
	return helpers_init(state);
}

static int teardown(void **state)
{
	unlink(fifo);
	rmdir(dir);
	return helpers_shutdown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_fifo_is_refused_without_waiting),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
