/* Freeze windows: their text, their zones, and when they close and open again — arithmetic on fixed times. */
#include "helpers.h"

#include "config/window.h"
#include "core/civil.h"

/* Unix seconds of an RFC 3339 time. */
static int64_t at(const char *text)
{
	int64_t t = 0;
	if (!promote__parse_rfc3339(&t, text))
		fail_msg("not a time: %s", text);
	return t;
}

static promote__window window(bool deny, const char *text, const char *zone)
{
	promote__window w;
	memset(&w, 0, sizeof w);
	w.deny = deny;
	w.text = text;
	w.zone = zone;
	const char *why = promote__window_parse(&w, text);
	if (why)
		fail_msg("%s: %s", text, why);
	if ((why = promote__window_zone(&w.offset_s, zone)))
		fail_msg("%s: %s", zone, why);
	return w;
}

static void test_texts(void **state)
{
	(void)state;
	promote__window w;
	memset(&w, 0, sizeof w);
	assert_null(promote__window_parse(&w, "Fri 16:00 - Mon 08:00"));
	assert_int_equal(w.span_count, 1);
	assert_int_equal(w.start[0], 4 * 1440 + 16 * 60);
	assert_int_equal(w.end[0], 8 * 60);
	assert_null(promote__window_parse(&w, "Mon-Fri 09:00 - 17:00"));
	assert_int_equal(w.span_count, 5);
	assert_int_equal(w.start[4], 4 * 1440 + 9 * 60);
	assert_null(promote__window_parse(&w, "22:00 - 06:00"));
	assert_int_equal(w.span_count, 7);
	assert_int_equal(w.end[6], 6 * 60); /* Sunday night runs into Monday */
	assert_null(promote__window_parse(&w, "saturday 0:00 - 24:00"));
	assert_int_equal(w.span_count, 1);
	assert_null(promote__window_parse(&w, "Fri-Mon 18:00 - 20:00")); /* wrapping through the week's end */
	assert_int_equal(w.span_count, 4);
	static const char *const bad[] = { "", "Fri", "Fri 16:00", "Fri 16:00 -", "Fry 16:00 - Mon 08:00",
		"Fri 25:00 - Mon 08:00", "Fri 16:60 - Mon 08:00", "Mon-Fri 09:00 - Sat 17:00", "16:00 - Mon 08:00",
		"Mon 08:00 - Mon 08:00", "09:00 - 09:00", "Fri 16:00 - Mon 08:00 please" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_non_null(promote__window_parse(&w, bad[i]));
	int32_t offset = 1;
	assert_null(promote__window_zone(&offset, "UTC"));
	assert_int_equal(offset, 0);
	assert_null(promote__window_zone(&offset, "+02:00"));
	assert_int_equal(offset, 7200);
	assert_null(promote__window_zone(&offset, "UTC-05:30"));
	assert_int_equal(offset, -19800);
	assert_non_null(strstr(promote__window_zone(&offset, "Europe/Berlin"), "not supported yet"));
	assert_non_null(promote__window_zone(&offset, "+25:00"));
	assert_non_null(promote__window_zone(&offset, "CET"));
}

/* The weekend freeze: closed from Friday 16:00 to Monday 08:00, open at its edges' other sides. */
static void test_a_deny_closes_and_opens(void **state)
{
	(void)state;
	promote__window w = window(true, "Fri 16:00 - Mon 08:00", "UTC");
	const promote__window *why = NULL;
	int64_t opens = -1;
	/* 2026-12-04 is a Friday. */
	assert_false(promote__windows_closed(&w, 1, at("2026-12-04T15:59:59Z"), &why, &opens));
	assert_int_equal(opens, 0);
	assert_true(promote__windows_closed(&w, 1, at("2026-12-04T16:00:00Z"), &why, &opens));
	assert_ptr_equal(why, &w);
	assert_int_equal(opens, at("2026-12-07T08:00:00Z"));
	assert_true(promote__windows_closed(&w, 1, at("2026-12-06T12:34:56Z"), &why, &opens));
	assert_int_equal(opens, at("2026-12-07T08:00:00Z"));
	assert_true(promote__windows_closed(&w, 1, at("2026-12-07T07:59:59Z"), &why, &opens));
	assert_false(promote__windows_closed(&w, 1, at("2026-12-07T08:00:00Z"), &why, &opens));
	char text[48];
	promote__window_format(text, sizeof text, &w, at("2026-12-07T08:00:00Z"));
	assert_string_equal(text, "Mon 08:00 UTC");
	/* The same freeze at +02:00: two hours earlier in UTC, and told in its own zone. */
	promote__window east = window(true, "Fri 16:00 - Mon 08:00", "+02:00");
	assert_true(promote__windows_closed(&east, 1, at("2026-12-04T14:00:00Z"), &why, &opens));
	assert_int_equal(opens, at("2026-12-07T06:00:00Z"));
	promote__window_format(text, sizeof text, &east, opens);
	assert_string_equal(text, "Mon 08:00 +02:00");
	assert_false(promote__windows_closed(&east, 1, at("2026-12-04T13:59:00Z"), &why, &opens));
}

/* Only allows: outside them is closed; a deny inside an allow still closes; the opening is the first
 * minute neither holds. */
static void test_allows_and_denies_together(void **state)
{
	(void)state;
	promote__window ws[2] = { window(false, "Mon-Fri 09:00 - 17:00", "UTC"),
		window(true, "Wed 12:00 - 13:00", "UTC") };
	const promote__window *why = NULL;
	int64_t opens = 0;
	/* Saturday: closed until Monday 09:00, the allow deciding. */
	assert_true(promote__windows_closed(ws, 2, at("2026-12-05T10:00:00Z"), &why, &opens));
	assert_ptr_equal(why, &ws[0]);
	assert_int_equal(opens, at("2026-12-07T09:00:00Z"));
	/* Tuesday 10:00: open. Wednesday 12:30: the deny closes it until 13:00. */
	assert_false(promote__windows_closed(ws, 2, at("2026-12-08T10:00:00Z"), &why, &opens));
	assert_true(promote__windows_closed(ws, 2, at("2026-12-09T12:30:00Z"), &why, &opens));
	assert_ptr_equal(why, &ws[1]);
	assert_int_equal(opens, at("2026-12-09T13:00:00Z"));
	/* Friday 16:59 open, 17:00 closed until Monday. */
	assert_false(promote__windows_closed(ws, 2, at("2026-12-11T16:59:00Z"), &why, &opens));
	assert_true(promote__windows_closed(ws, 2, at("2026-12-11T17:00:00Z"), &why, &opens));
	assert_int_equal(opens, at("2026-12-14T09:00:00Z"));
	/* A deny that covers a whole allow and more never opens within two weeks. */
	promote__window shut[2] = { window(false, "Mon 09:00 - 10:00", "UTC"), window(true, "Sun 00:00 - Sat 23:59", "UTC") };
	assert_true(promote__windows_closed(shut, 2, at("2026-12-07T09:30:00Z"), &why, &opens));
	assert_int_equal(opens, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_a_deny_closes_and_opens),
		cmocka_unit_test(test_allows_and_denies_together),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
