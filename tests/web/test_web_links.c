/* The forge's pages of a step's commit and change (cli/web_links.c): the addresses a person opens on GitHub,
 * Gitea and GitLab, and none where there is no such page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "web_links.h"

static const char *commit(const char *provider, const char *url, const char *sha)
{
	static char out[512];
	web_links l;
	web_links_init(&l, provider, url);
	return web_link_commit(out, sizeof out, &l, sha) ? out : NULL;
}

static const char *change(const char *provider, const char *url, const char *id)
{
	static char out[512];
	web_links l;
	web_links_init(&l, provider, url);
	return web_link_change(out, sizeof out, &l, id) ? out : NULL;
}

static void test_forges(void **state)
{
	(void)state;
	assert_string_equal(commit("github", "https://github.com/org/gitops.git", "3fa9c1"),
		"https://github.com/org/gitops/commit/3fa9c1");
	assert_string_equal(change("github", "https://github.com/org/gitops", "org/gitops#12"),
		"https://github.com/org/gitops/pull/12");
	assert_string_equal(change("gitea", "http://tok:secret@git.local:3000/git/gitops.git/", "git/gitops#1"),
		"http://git.local:3000/git/gitops/pulls/1");
	assert_string_equal(commit("gitlab", "https://gitlab.example.com/group/sub/gitops.git", "abc123"),
		"https://gitlab.example.com/group/sub/gitops/-/commit/abc123");
	assert_string_equal(change("gitlab", "https://gitlab.example.com/group/sub/gitops.git", "group/sub/gitops!7"),
		"https://gitlab.example.com/group/sub/gitops/-/merge_requests/7");
}

static void test_no_page(void **state)
{
	(void)state;
	assert_null(commit("local", "https://github.com/org/gitops.git", "3fa9c1"));
	assert_null(commit("github", "git@github.com:org/gitops.git", "3fa9c1"));
	assert_null(commit("github", "/srv/gitops.git", "3fa9c1"));
	assert_null(commit("github", NULL, "3fa9c1"));
	assert_null(commit("github", "https://github.com/", "3fa9c1"));
	assert_null(commit("github", "https://github.com/org/gitops", "\"><script>"));
	assert_null(change("github", "https://github.com/org/gitops", "other/repo#12"));
	assert_null(change("github", "https://github.com/org/gitops", "org/gitops#12x"));
	assert_null(change("github", "https://github.com/org/gitops", "promote/shop-1.5.0-abc/prod"));
	assert_null(change("gitlab", "https://gitlab.com/g/p", "g/p#3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_forges), cmocka_unit_test(test_no_page) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
