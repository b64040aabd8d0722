/* Where a repositories entry's relative url leads (model/repo_set.c), as git resolves a submodule's. */
#include "helpers.h"

#include "model/repo_set.h"

#include <stdlib.h>

/* `rel` against `base`: `want`, or NULL when it climbs too far. */
static void assert_resolves(const char *base, const char *rel, const char *want)
{
	char *got = (char *)"(not set)";
	assert_int_equal(promote__repo_resolve(&got, base, rel), 0);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
}

static void test_paths(void **state)
{
	(void)state;
	assert_resolves("/srv/git/gitops.git", "../apps.git", "/srv/git/apps.git");
	assert_resolves("/srv/git/gitops.git/", "../apps.git", "/srv/git/apps.git");
	assert_resolves("/srv/git/gitops", "../../infra", "/srv/infra");
	assert_resolves("/work/gitops", "./infra.git", "/work/gitops/infra.git");
	assert_resolves("/work/gitops", "infra.git", "/work/gitops/infra.git");
	assert_resolves("/work/gitops", "..", "/work");
	assert_resolves("/work", "../x", "/x");
	assert_resolves("/work", "../../x", NULL);
	assert_resolves("/", "../x", NULL);
}

static void test_urls(void **state)
{
	(void)state;
	assert_resolves("https://git.example.com/org/gitops.git", "../apps.git", "https://git.example.com/org/apps.git");
	assert_resolves("https://git.example.com/org/gitops.git", "../../team/apps.git",
		"https://git.example.com/team/apps.git");
	/* never above the host */
	assert_resolves("https://git.example.com/org/gitops.git", "../../../x.git", NULL);
	assert_resolves("https://git.example.com:8443/gitops.git", "../apps.git", "https://git.example.com:8443/apps.git");
	/* scp-like: the host keeps its ':' */
	assert_resolves("git@git.example.com:org/gitops.git", "../apps.git", "git@git.example.com:org/apps.git");
	assert_resolves("git@git.example.com:org/gitops.git", "../../apps.git", "git@git.example.com:apps.git");
	assert_resolves("git@git.example.com:gitops.git", "../../apps.git", NULL);
}

static void test_absolute(void **state)
{
	(void)state;
	assert_true(promote__repo_is_absolute("/srv/git/apps.git"));
	assert_true(promote__repo_is_absolute("file:///srv/git/apps.git"));
	assert_true(promote__repo_is_absolute("https://git.example.com/org/apps.git"));
	assert_true(promote__repo_is_absolute("git@git.example.com:org/apps.git"));
	assert_false(promote__repo_is_absolute("../apps.git"));
	assert_false(promote__repo_is_absolute("apps.git"));
	assert_false(promote__repo_is_absolute("sub/dir:x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_absolute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
