/* One-line values for messages, trailers and reference names: what is refused, and how it is shown. */
#include "helpers.h"

#include "core/value.h"

static void test_problems(void **state)
{
	(void)state;
	assert_null(promote__value_problem("1.5.0", PROMOTE__VERSION_MAX));
	assert_null(promote__value_problem("v1.5.0+build.7 ünïcode", PROMOTE__VERSION_MAX));
	assert_string_equal(promote__value_problem("", 10), "is empty");
	assert_string_equal(promote__value_problem(NULL, 10), "is empty");
	assert_string_equal(promote__value_problem("1.5.0\nPromote-Environment: prod", 100), "holds a line break");
	assert_string_equal(promote__value_problem("1.5.0\r", 100), "holds a line break");
	assert_string_equal(promote__value_problem("a\tb", 100), "holds a control character");
	assert_string_equal(promote__value_problem("a\x7f", 100), "holds a control character");
	assert_string_equal(promote__value_problem("a\xc2\x85" "b", 100), "holds a control character"); /* U+0085 */
	assert_null(promote__value_problem("a\xc2\xa0" "b", 100));                                  /* U+00A0 */
	assert_string_equal(promote__value_problem("12345678901", 10), "is too long");
	assert_null(promote__value_problem("1234567890", 10));
}

static void test_shown(void **state)
{
	(void)state;
	char *s = promote__value_shown("1.5.0\nPromote-Environment: prod\t\x1b[31m\xc2\x85");
	assert_string_equal(s, "1.5.0\\nPromote-Environment: prod\\t\\x1b[31m\\x85");
	free(s);
	static char long_value[1100];
	memset(long_value, 'v', sizeof long_value - 1);
	s = promote__value_shown(long_value);
	assert_int_equal(strlen(s), 1024 + 3);
	assert_string_equal(s + 1024, "...");
	free(s);
}

static void test_check_sets_the_error(void **state)
{
	(void)state;
	assert_int_equal(promote__value_check("the version", "1.5.0", PROMOTE__VERSION_MAX), 0);
	assert_int_equal(promote__value_check("the version", "1.5.0\nX: y", PROMOTE__VERSION_MAX), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message, "the version '1.5.0\\nX: y' holds a line break; give one line "
		"of 1 to 1024 bytes without control characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_shown),
		cmocka_unit_test(test_check_sets_the_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
