/*
 * Version precedence (lib/core/semver.c): Semantic Versioning 2.0.0 — which texts are semantic versions
 * (the valid and invalid examples semver.org lists with its regular expression), the precedence examples of
 * its section 11, build metadata ignored, a leading 'v' — and the text order used when a version is not
 * one.
 */
#include "helpers.h"

#include "core/semver.h"

static const char *const valid[] = {
	"0.0.4", "1.2.3", "10.20.30", "1.1.2-prerelease+meta", "1.1.2+meta", "1.1.2+meta-valid", "1.0.0-alpha",
	"1.0.0-beta", "1.0.0-alpha.beta", "1.0.0-alpha.beta.1", "1.0.0-alpha.1", "1.0.0-alpha0.valid",
	"1.0.0-alpha.0valid", "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "1.0.0-rc.1+build.1",
	"2.0.0-rc.1+build.123", "1.2.3-beta", "10.2.3-DEV-SNAPSHOT", "1.2.3-SNAPSHOT-123", "1.0.0", "2.0.0",
	"1.1.7", "2.0.0+build.1848", "2.0.1-alpha.1227", "1.0.0-alpha+beta", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
	"1.2.3----R-S.12.9.1--.12+meta", "1.2.3----RC-SNAPSHOT.12.9.1--.12", "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
	"99999999999999999999999.999999999999999999.99999999999999999", "1.0.0-0A.is.legal",
	/* A leading v, as tags are often written. */
	"v1.2.3", "V1.2.3", "v1.0.0-rc.1+build.5",
};

static const char *const invalid[] = {
	"1", "1.2", "1.2.3-0123", "1.2.3-0123.0123", "1.1.2+.123", "+invalid", "-invalid", "-invalid+invalid",
	"-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1", "alpha+beta", "alpha_beta", "alpha.",
	"alpha..", "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..", "1.0.0-alpha..1", "1.0.0-alpha...1",
	"1.0.0-alpha....1", "1.0.0-alpha.....1", "1.0.0-alpha......1", "1.0.0-alpha.......1", "01.1.1", "1.01.1",
	"1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", "1.2-RC-SNAPSHOT",
	"-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta",
	"99999999999999999999999.999999999999999999.99999999999999999----RC-SNAPSHOT.12.09.1--------------------------------..12",
	/* Ours: one v only, nothing around the version, nothing empty. */
	"", "v", "vv1.2.3", " 1.2.3", "1.2.3 ", "1.2.3-", "1.2.3+", "1.2.3-a+", "1..3", "1.2.3\n", "latest",
};

static void test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
		if (!promote__semver_parse(NULL, valid[i]))
			fail_msg("'%s' is a semantic version", valid[i]);
	for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
		if (promote__semver_parse(NULL, invalid[i]))
			fail_msg("'%s' is no semantic version", invalid[i]);
	assert_false(promote__semver_parse(NULL, NULL));
	promote__semver v;
	assert_true(promote__semver_parse(&v, "v10.0.3-rc.1+b"));
	assert_int_equal(v.major_len, 2);
	assert_memory_equal(v.major, "10", 2);
	assert_memory_equal(v.patch, "3", v.patch_len);
	assert_int_equal(v.pre_len, 4);
	assert_memory_equal(v.pre, "rc.1", 4);
}

/* Each list in increasing precedence: every pair in it compares as its places do. */
static void increasing(const char *const *list, size_t count, bool semver)
{
	for (size_t i = 0; i < count; i++)
		for (size_t j = 0; j < count; j++) {
			bool as_semver = !semver;
			int c = promote__version_compare(list[i], list[j], &as_semver);
			int expected = (i > j) - (i < j);
			if ((c > 0) - (c < 0) != expected)
				fail_msg("'%s' against '%s': %d, expected %d", list[i], list[j], c, expected);
			if (i != j && as_semver != semver)
				fail_msg("'%s' against '%s' compared as %s", list[i], list[j], as_semver ? "semver" : "text");
		}
}

#define INCREASING(semver, ...)                                                   \
	do {                                                                      \
		static const char *const list_[] = { __VA_ARGS__ };               \
		increasing(list_, sizeof list_ / sizeof *list_, (semver));        \
	} while (0)

static void test_precedence(void **state)
{
	(void)state;
	/* semver.org, 11.2: major, minor, patch compared numerically. */
	INCREASING(true, "1.0.0", "2.0.0", "2.1.0", "2.1.1");
	/* 11.3: a prerelease ranks below the normal version. */
	INCREASING(true, "1.0.0-alpha", "1.0.0");
	/* 11.4: the example chain. */
	INCREASING(true, "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0");
	/* Numbers, never text: 9 < 10 in every part; beyond 64 bits too. */
	INCREASING(true, "1.9.0", "1.10.0", "9.0.0", "10.0.0", "18446744073709551615.0.0", "18446744073709551616.0.0",
		"99999999999999999999999.0.0");
	/* Identifiers: numeric below alphanumeric, ASCII order (uppercase first), hyphens are letters. */
	INCREASING(true, "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-A", "1.0.0-a", "1.0.0-a-b", "1.0.0-ab",
		"1.0.0-b", "1.0.0-b.0", "1.0.0-b.a");
	INCREASING(true, "1.0.0-alpha.9", "1.0.0-alpha.10", "1.0.0-alpha.10.0", "1.0.0-alpha.1a");
}

static void test_equal(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{ "1.0.0", "1.0.0" },
		/* Build metadata has no precedence (11.4 of the spec). */
		{ "1.0.0+a", "1.0.0+b" },
		{ "1.0.0", "1.0.0+20130313144700" },
		{ "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta" },
		/* A leading v is the same version. */
		{ "v1.2.3", "1.2.3" },
		{ "V1.2.3-rc.1", "v1.2.3-rc.1+x" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		bool semver = false;
		if (promote__version_compare(pairs[i][0], pairs[i][1], &semver) != 0 || !semver)
			fail_msg("'%s' and '%s' are the same version", pairs[i][0], pairs[i][1]);
		if (promote__version_compare(pairs[i][1], pairs[i][0], NULL) != 0)
			fail_msg("'%s' and '%s' are the same version", pairs[i][1], pairs[i][0]);
	}
}

/* Not both semantic versions: text, with numbers in it compared as numbers. */
static void test_text(void **state)
{
	(void)state;
	INCREASING(false, "1.0", "1.2", "1.9", "1.10", "2.0", "10.0");
	INCREASING(false, "build-2", "build-9", "build-10", "build-10a", "build-10b", "buildx");
	INCREASING(false, "2024-01-09", "2024-01-10", "2024-02-01", "2025-01-01");
	INCREASING(false, "", "0", "1", "a", "b");
	/* One side not a semantic version is enough for text. */
	INCREASING(false, "1.2", "1.2.0", "1.3");
	INCREASING(false, "latest", "v1.0.0");
	/* Leading zeros: numbers equal, bytes decide — only the same text is equal. */
	INCREASING(false, "001", "01", "1", "2");
	assert_int_equal(promote__text_version_compare("3fa9c1e", "3fa9c1e"), 0);
	assert_int_not_equal(promote__text_version_compare("3fa9c1e", "3fa9c1f"), 0);
	/* 64 bits are no limit. */
	assert_true(promote__text_version_compare("r99999999999999999999", "r100000000000000000000") < 0);
	bool semver = true;
	assert_true(promote__version_compare("1.2", "1.10", &semver) < 0);
	assert_false(semver);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
