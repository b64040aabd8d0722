/* Edit distance and "did you mean" suggestions. */
#include "helpers.h"

#include "core/strutil.h"

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(promote__edit_distance("", ""), 0);
	assert_int_equal(promote__edit_distance("staging", "staging"), 0);
	assert_int_equal(promote__edit_distance("stagin", "staging"), 1);
	assert_int_equal(promote__edit_distance("prdo", "prod"), 1); /* transposition */
	assert_int_equal(promote__edit_distance("kitten", "sitting"), 3);
}

static void test_suggest(void **state)
{
	(void)state;
	const char *const keys[] = { "path", "kind", "strategy", "labels" };
	assert_string_equal(promote__suggest("stratgy", keys, 4), "strategy");
	assert_string_equal(promote__suggest("lables", keys, 4), "labels");
	assert_null(promote__suggest("color", keys, 4));
	assert_null(promote__suggest("x", keys, 0));
	assert_string_equal(promote__did_you_mean("knd", keys, 4), " (did you mean 'kind'?)");
	assert_string_equal(promote__did_you_mean("zzzzzz", keys, 4), "");
}

/* The longest word that can be suggested comes whole; a longer one is never
 * suggested (so the sentence's buffer always holds it). */
static void test_longest_suggestion_whole(void **state)
{
	(void)state;
	char longest[PROMOTE__SUGGEST_MAX + 1], typo[PROMOTE__SUGGEST_MAX + 1], expected[128];
	memset(longest, 'a', PROMOTE__SUGGEST_MAX);
	longest[PROMOTE__SUGGEST_MAX] = '\0';
	memcpy(typo, longest, sizeof typo);
	typo[0] = 'b';
	const char *const keys[] = { longest };
	snprintf(expected, sizeof expected, " (did you mean '%s'?)", longest);
	assert_string_equal(promote__did_you_mean(typo, keys, 1), expected);
	char longer[PROMOTE__SUGGEST_MAX + 2];
	memset(longer, 'a', PROMOTE__SUGGEST_MAX + 1);
	longer[PROMOTE__SUGGEST_MAX + 1] = '\0';
	const char *const too_long[] = { longer };
	assert_int_equal(promote__edit_distance(typo, longer), SIZE_MAX);
	assert_string_equal(promote__did_you_mean(typo, too_long, 1), "");
}

/* The bytes two buffers share at their start and at their end, found a word at a time: every length up to
 * a few words, a difference at every place, and none. */
static void test_common_prefix_and_suffix(void **state)
{
	(void)state;
	unsigned char a[40] = { 0 }, b[40] = { 0 };
	for (size_t n = 0; n <= sizeof a; n++) {
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] = (unsigned char)(i * 7 + 1);
		assert_int_equal(promote__common_prefix(a, b, n), n);
		assert_int_equal(promote__common_suffix(a + n, b + n, n), n);
		for (size_t at = 0; at < n; at++) {
			b[at] ^= 0x40;
			assert_int_equal(promote__common_prefix(a, b, n), at);
			assert_int_equal(promote__common_suffix(a + n, b + n, n), n - 1 - at);
			b[at] ^= 0x40;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_longest_suggestion_whole),
		cmocka_unit_test(test_common_prefix_and_suffix),
	};
	return cmocka_run_group_tests_name("strutil", tests, NULL, NULL);
}
