/* Calendar arithmetic without the C library's time zone: days and dates, weekdays, RFC 3339 times. */
#include "helpers.h"

#include "core/civil.h"

static void test_days_and_dates(void **state)
{
	(void)state;
	assert_int_equal(promote__days_from_civil(1970, 1, 1), 0);
	assert_int_equal(promote__days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(promote__days_from_civil(1969, 12, 31), -1);
	/* 2026-12-04 is a Friday; 2024-02-29 exists and is a Thursday. */
	assert_int_equal(promote__weekday(promote__days_from_civil(2026, 12, 4)), 4);
	assert_int_equal(promote__weekday(promote__days_from_civil(2024, 2, 29)), 3);
	assert_int_equal(promote__weekday(promote__days_from_civil(1969, 12, 29)), 0);
	/* Every day of four centuries there and back. */
	for (int64_t d = promote__days_from_civil(1900, 1, 1); d < promote__days_from_civil(2300, 1, 1); d++) {
		int64_t y;
		unsigned m, day;
		promote__civil_from_days(d, &y, &m, &day);
		assert_int_equal(promote__days_from_civil(y, m, day), d);
	}
}

static void test_rfc3339(void **state)
{
	(void)state;
	int64_t t = 0;
	assert_true(promote__parse_rfc3339(&t, "2026-12-04T16:00:00Z"));
	assert_int_equal(t, 1796400000);
	assert_true(promote__parse_rfc3339(&t, "2026-12-04T18:00:00+02:00"));
	assert_int_equal(t, 1796400000);
	assert_true(promote__parse_rfc3339(&t, "2026-12-04t15:30-00:30"));
	assert_int_equal(t, 1796400000);
	assert_true(promote__parse_rfc3339(&t, "1970-01-01T00:00:00Z"));
	assert_int_equal(t, 0);
	t = 42;
	static const char *const bad[] = { "", "2026-12-04", "2026-12-04T16:00:00", "2026-13-01T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T16:00:00+2:00", "2026-12-04T16:00:00Zjunk",
		"tomorrow", "2026-12-04T16:00:00 UTC" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(promote__parse_rfc3339(&t, bad[i]));
	assert_int_equal(t, 42); /* untouched */
}

static void test_format_rfc3339(void **state)
{
	(void)state;
	static const struct {
		int64_t t;
		const char *text;
	} cases[] = { { 0, "1970-01-01T00:00:00Z" }, { 951782400, "2000-02-29T00:00:00Z" },
		{ 1796400000, "2026-12-04T16:00:00Z" }, { 4102444799, "2099-12-31T23:59:59Z" },
		{ -1, "1969-12-31T23:59:59Z" } };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[PROMOTE__RFC3339_SIZE];
		promote__format_rfc3339(text, cases[i].t);
		assert_string_equal(text, cases[i].text);
		int64_t back = 0;
		assert_true(promote__parse_rfc3339(&back, text));
		assert_int_equal(back, cases[i].t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_and_dates),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_format_rfc3339),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
