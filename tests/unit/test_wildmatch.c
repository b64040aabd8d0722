/*
 * Template globs match as git matches pathspecs (gitignore(5), "PATTERN
 * FORMAT", and gitglossary(7), "pathspec"): one table of pattern, path and
 * whether it matches, grouped by the rule it shows.
 */
#include "helpers.h"

#include "core/wildmatch.h"

typedef struct wcase {
	const char *pattern;
	const char *path;
	bool match;
} wcase;

static const wcase cases[] = {
	/* Literal text matches itself, the whole path. */
	{ "values.yaml", "values.yaml", true },
	{ "values.yaml", "values.yml", false },
	{ "values.yaml", "config/values.yaml", false },
	{ "config", "config/values.yaml", false },
	{ "", "", true },
	{ "", "a", false },
	/* '*' is any run of characters but never crosses a '/'. */
	{ "*.yaml", "values.yaml", true },
	{ "*.yaml", ".yaml", true },
	{ "*.yaml", "config/values.yaml", false },
	{ "config/*.yaml", "config/a.yaml", true },
	{ "config/*.yaml", "config/sub/a.yaml", false },
	{ "config/*", "config/a.yaml", true },
	{ "config/*", "config/sub/a.yaml", false },
	{ "config/*", "config", false },
	{ "*", "a", true },
	{ "*", "a/b", false },
	{ "a*b*c", "aXbYc", true },
	{ "a*b*c", "aXbY/c", false },
	{ "*/*/*.yaml", "a/b/c.yaml", true },
	{ "*/*.yaml", "a/b/c.yaml", false },
	/* '?' is one character, never '/'. */
	{ "v?.yaml", "v1.yaml", true },
	{ "v?.yaml", "v12.yaml", false },
	{ "v?.yaml", "v.yaml", false },
	{ "a?b", "a/b", false },
	/* Bracket expressions: members, ranges, negation, POSIX classes, never '/'. */
	{ "v[12].yaml", "v1.yaml", true },
	{ "v[12].yaml", "v3.yaml", false },
	{ "v[0-9].yaml", "v7.yaml", true },
	{ "v[0-9].yaml", "vx.yaml", false },
	{ "v[!0-9].yaml", "vx.yaml", true },
	{ "v[^0-9].yaml", "vx.yaml", true },
	{ "v[!0-9].yaml", "v7.yaml", false },
	{ "[]]", "]", true },
	{ "[!]]", "]", false },
	{ "[!]]", "a", true },
	{ "[a-]", "-", true },
	{ "[-a]", "-", true },
	{ "[[:digit:]]x", "5x", true },
	{ "[[:digit:]]x", "ax", false },
	{ "[[:alpha:][:digit:]]", "q", true },
	{ "[[:upper:]]", "q", false },
	{ "[[:xdigit:]]", "F", true },
	{ "a[/]b", "a/b", false },
	{ "a[!x]b", "a/b", false },
	{ "[\\]]", "]", true },
	{ "[a-c]", "b", true },
	{ "[a-c]", "d", false },
	/* Malformed patterns match nothing. */
	{ "[abc", "a", false },
	{ "[abc", "[abc", false },
	{ "[[:nope:]]", "a", false },
	{ "abc\\", "abc\\", false },
	/* A backslash makes the next character literal. */
	{ "\\*.yaml", "*.yaml", true },
	{ "\\*.yaml", "a.yaml", false },
	{ "a\\?", "a?", true },
	{ "a\\?", "ab", false },
	{ "\\[x]", "[x]", true },
	/* A leading "**" and '/': at every depth, the top one included. */
	{ "**/values.yaml", "values.yaml", true },
	{ "**/values.yaml", "a/values.yaml", true },
	{ "**/values.yaml", "a/b/c/values.yaml", true },
	{ "**/values.yaml", "a/myvalues.yaml", false },
	{ "**/config/*.yaml", "config/a.yaml", true },
	{ "**/config/*.yaml", "x/y/config/a.yaml", true },
	{ "**/config/*.yaml", "x/config/sub/a.yaml", false },
	/* A trailing '/' and "**": everything inside, not the folder itself. */
	{ "config/**", "config/a.yaml", true },
	{ "config/**", "config/a/b/c.yaml", true },
	{ "config/**", "config", false },
	{ "config/**", "configs/a.yaml", false },
	/* '/', "**", '/' in the middle: zero or more folders. */
	{ "config/**/*.yaml", "config/a.yaml", true },
	{ "config/**/*.yaml", "config/sub/a.yaml", true },
	{ "config/**/*.yaml", "config/sub/deeper/a.yaml", true },
	{ "config/**/*.yaml", "config/sub/deeper/a.json", false },
	{ "config/**/*.yaml", "other/sub/a.yaml", false },
	{ "a/**/b", "a/b", true },
	{ "a/**/b", "a/x/b", true },
	{ "a/**/b", "a/x/y/b", true },
	{ "a/**/b", "a/xb", false },
	{ "a/**/b", "ab", false },
	{ "a/**/**/b", "a/b", true },
	{ "a/**/**/b", "a/x/y/b", true },
	/* "**" alone matches every path. */
	{ "**", "a", true },
	{ "**", "a/b/c", true },
	/* Anywhere else "**" is a single '*': it does not cross '/'. */
	{ "a**b", "aXXb", true },
	{ "a**b", "a/b", false },
	{ "config/**.yaml", "config/a.yaml", true },
	{ "config/**.yaml", "config/sub/a.yaml", false },
	{ "**.yaml", "a.yaml", true },
	{ "**.yaml", "a/b.yaml", false },
	{ "x**/y", "x/y", true },
	{ "x**/y", "xa/y", true },
	{ "x**/y", "x/a/y", false },
	/* Stars and text together. */
	{ "*/**/values.yaml", "a/values.yaml", true },
	{ "*/**/values.yaml", "a/b/c/values.yaml", true },
	{ "*/**/values.yaml", "values.yaml", false },
	{ "**/*.yaml", "a.yaml", true },
	{ "**/*.yaml", "a/b/c.yaml", true },
	{ "**/*.yaml", "a/b/c.json", false },
	{ "**/*/x", "a/x", true },
	{ "**/*/x", "x", false },
};

static void test_table(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bool got = promote__wildmatch(cases[i].pattern, cases[i].path);
		if (got != cases[i].match) {
			print_error("'%s' against '%s': %s, expected %s\n", cases[i].pattern, cases[i].path,
				got ? "match" : "no match", cases[i].match ? "match" : "no match");
			failed++;
		}
	}
	assert_int_equal(failed, 0);
}

/* Many stars against a long path that does not match: answered at once, not
 * after trying every way of splitting the path among the stars. */
static void test_no_blowup(void **state)
{
	(void)state;
	char path[4096];
	memset(path, 'a', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	assert_false(promote__wildmatch("*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
	for (size_t i = 1; i < sizeof path - 1; i += 2)
		path[i] = '/';
	assert_false(promote__wildmatch("**/a/**/a/**/a/**/a/**/a/**/b", path));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_no_blowup),
	};
	return cmocka_run_group_tests_name("wildmatch", tests, NULL, NULL);
}
