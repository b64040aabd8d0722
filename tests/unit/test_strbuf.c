/* The bounded string buffer: bounds, formatted appends, ownership. */
#include "helpers.h"

#include "core/strbuf.h"

#include <stdarg.h>

static void test_add_and_format(void **state)
{
	(void)state;
	promote__strbuf sb;
	promote__strbuf_init(&sb, 64, "a test string");
	assert_string_equal(promote__strbuf_cstr(&sb), "");
	assert_int_equal(promote__strbuf_len(&sb), 0);
	assert_int_equal(promote__strbuf_adds(&sb, "refs/heads/"), 0);
	assert_int_equal(promote__strbuf_addf(&sb, "promote/%s/%d", "shop", 42), 0);
	assert_int_equal(promote__strbuf_add(&sb, "xyz", 1), 0);
	assert_string_equal(promote__strbuf_cstr(&sb), "refs/heads/promote/shop/42x");
	assert_int_equal(promote__strbuf_len(&sb), strlen("refs/heads/promote/shop/42x"));
	/* Bytes with a NUL inside are kept: the length says how many. */
	assert_int_equal(promote__strbuf_add(&sb, "a\0b", 3), 0);
	assert_int_equal(promote__strbuf_len(&sb), strlen("refs/heads/promote/shop/42x") + 3);
	assert_int_equal(promote__strbuf_setf(&sb, "%s-%s", "dev", "qa"), 0);
	assert_string_equal(promote__strbuf_cstr(&sb), "dev-qa");
	promote__strbuf_reset(&sb);
	assert_string_equal(promote__strbuf_cstr(&sb), "");
	promote__strbuf_free(&sb);
	promote__strbuf_free(&sb); /* twice is fine */
}

/* Growth past the first allocation keeps every byte. */
static void test_grows(void **state)
{
	(void)state;
	promote__strbuf sb;
	promote__strbuf_init(&sb, 100000, "a long string");
	for (int i = 0; i < 10000; i++)
		assert_int_equal(promote__strbuf_addf(&sb, "%d,", i % 10), 0);
	assert_int_equal(promote__strbuf_len(&sb), 20000);
	const char *s = promote__strbuf_cstr(&sb);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(s[2 * i], '0' + i % 10);
		assert_int_equal(s[2 * i + 1], ',');
	}
	assert_int_equal(s[20000], '\0');
	promote__strbuf_free(&sb);
}

/* Exactly the bound fits; one byte more is refused with a message naming
 * what was built, and the content stays as it was. */
static void test_bound(void **state)
{
	(void)state;
	promote__strbuf sb;
	promote__strbuf_init(&sb, 10, "the change branch's name");
	assert_int_equal(promote__strbuf_adds(&sb, "12345"), 0);
	assert_int_equal(promote__strbuf_addf(&sb, "%s", "67890"), 0);
	assert_int_equal(promote__strbuf_len(&sb), 10);

	promote_error_clear();
	assert_int_equal(promote__strbuf_adds(&sb, "x"), PROMOTE_ELIMIT);
	const promote_error *e = promote_error_last();
	assert_int_equal(e->code, PROMOTE_ELIMIT);
	assert_string_equal(e->message,
		"the change branch's name would be longer than 10 bytes; use shorter names or values");
	assert_string_equal(promote__strbuf_cstr(&sb), "1234567890");

	promote__strbuf_reset(&sb);
	assert_int_equal(promote__strbuf_adds(&sb, "abc"), 0);
	assert_int_equal(promote__strbuf_addf(&sb, "%s-%08d", "long", 7), PROMOTE_ELIMIT);
	assert_string_equal(promote__strbuf_cstr(&sb), "abc");
	assert_int_equal(promote__strbuf_len(&sb), 3);
	assert_int_equal(promote__strbuf_add(&sb, "0123456", 7), 0);
	assert_string_equal(promote__strbuf_cstr(&sb), "abc0123456");
	promote__strbuf_free(&sb);

	/* A bound of 0 holds only the empty string. */
	promote__strbuf_init(&sb, 0, "nothing");
	assert_int_equal(promote__strbuf_add(&sb, "", 0), 0);
	assert_string_equal(promote__strbuf_cstr(&sb), "");
	assert_int_equal(promote__strbuf_adds(&sb, "a"), PROMOTE_ELIMIT);
	promote__strbuf_free(&sb);

	/* A length near SIZE_MAX cannot overflow the check. */
	promote__strbuf_init(&sb, SIZE_MAX, "a huge string");
	assert_int_equal(promote__strbuf_adds(&sb, "a"), 0);
	assert_int_equal(promote__strbuf_add(&sb, "b", SIZE_MAX), PROMOTE_ELIMIT);
	assert_string_equal(promote__strbuf_cstr(&sb), "a");
	promote__strbuf_free(&sb);
}

/* take() hands the string over and leaves an empty, usable buffer. */
static void test_take(void **state)
{
	(void)state;
	promote__strbuf sb;
	promote__strbuf_init(&sb, 32, "a message");
	char *empty = promote__strbuf_take(&sb);
	assert_non_null(empty);
	assert_string_equal(empty, "");
	free(empty);

	assert_int_equal(promote__strbuf_addf(&sb, "v%d.%d", 1, 2), 0);
	char *s = promote__strbuf_take(&sb);
	assert_string_equal(s, "v1.2");
	assert_string_equal(promote__strbuf_cstr(&sb), "");
	assert_int_equal(promote__strbuf_len(&sb), 0);
	assert_int_equal(promote__strbuf_adds(&sb, "again"), 0);
	assert_string_equal(promote__strbuf_cstr(&sb), "again");
	assert_string_equal(s, "v1.2"); /* the taken string is independent */
	free(s);
	promote__strbuf_free(&sb);
}

/* strdupf() formats a whole string of any length into one allocation. */
static void test_strdupf(void **state)
{
	(void)state;
	char *s = promote__strdupf("%s/%s.git", "/cache", "repo");
	assert_string_equal(s, "/cache/repo.git");
	free(s);
	s = promote__strdupf("%s", "");
	assert_string_equal(s, "");
	free(s);
	char *long_part = malloc(100001);
	assert_non_null(long_part);
	memset(long_part, 'p', 100000);
	long_part[100000] = '\0';
	s = promote__strdupf("%s/%s%s", long_part, long_part, "/");
	assert_non_null(s);
	assert_int_equal(strlen(s), 200002);
	assert_int_equal(s[100000], '/');
	assert_int_equal(s[200001], '/');
	free(s);
	free(long_part);
}

/* vformat() (behind strdupf, labels and YAML messages): whole within its bound, else PROMOTE_ELIMIT naming
 * what it was and nothing handed over. */
static int vformat(char **out, size_t max, const char *fmt, ...) PROMOTE_PRINTF(3, 4);
static int vformat(char **out, size_t max, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vformat(out, max, "a test label", fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vformat(void **state)
{
	(void)state;
	char *s = (char *)"unset";
	assert_int_equal(vformat(&s, 16, "%s '%s'", "flow", "fast"), 0);
	assert_string_equal(s, "flow 'fast'");
	free(s);
	s = (char *)"unset";
	assert_int_equal(vformat(&s, 10, "%s", "0123456789"), 0);
	assert_string_equal(s, "0123456789");
	free(s);
	s = (char *)"unset";
	assert_int_equal(vformat(&s, 10, "%s!", "0123456789"), PROMOTE_ELIMIT);
	assert_null(s);
	assert_non_null(strstr(promote_error_last()->message, "a test label would be longer than 10 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_format),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_strdupf),
		cmocka_unit_test(test_vformat),
	};
	return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
