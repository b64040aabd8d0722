/* Where a repositories entry's relative url leads (model/repo_set.c), as git resolves a submodule's. */
#include "helpers.h"

#include "model/repo_set.h"

#include <stdlib.h>

typedef struct resolution {
	const char *base, *rel;
	const char *want; /* NULL: it climbs too far */
} resolution;

static const resolution cases[] = {
	/* paths */
	{ "/srv/git/gitops.git", "../apps.git", "/srv/git/apps.git" },
	{ "/srv/git/gitops.git/", "../apps.git", "/srv/git/apps.git" },
	{ "/srv/git/gitops", "../../infra", "/srv/infra" },
	{ "/home/gitops", "./infra.git", "/home/gitops/infra.git" },
	{ "/home/gitops", "infra.git", "/home/gitops/infra.git" },
	{ "/home/gitops", "..", "/home" },
	{ "/home", "../x", "/x" },
	{ "/home", "../../x", NULL },
	{ "/", "../x", NULL },
	/* URLs: never above the host */
	{ "https://git.example.com/org/gitops.git", "../apps.git", "https://git.example.com/org/apps.git" },
	{ "https://git.example.com/org/gitops.git", "../../team/apps.git", "https://git.example.com/team/apps.git" },
	{ "https://git.example.com/org/gitops.git", "../../../x.git", NULL },
	{ "https://git.example.com:8443/gitops.git", "../apps.git", "https://git.example.com:8443/apps.git" },
	/* scp-like: the host keeps its ':' */
	{ "git@git.example.com:org/gitops.git", "../apps.git", "git@git.example.com:org/apps.git" },
	{ "git@git.example.com:org/gitops.git", "../../apps.git", "git@git.example.com:apps.git" },
	{ "git@git.example.com:gitops.git", "../../apps.git", NULL },
};

static void test_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *got = (char *)"(not set)";
		assert_int_equal(promote__repo_resolve(&got, cases[i].base, cases[i].rel), 0);
		if (cases[i].want ? !got || strcmp(got, cases[i].want) != 0 : got != NULL)
			fail_msg("'%s' against '%s': '%s', not '%s'", cases[i].rel, cases[i].base, got ? got : "(NULL)",
				cases[i].want ? cases[i].want : "(NULL)");
		free(got);
	}
}

static void test_absolute(void **state)
{
	(void)state;
	const char *absolute[] = { "/srv/git/apps.git", "file:///srv/git/apps.git", "https://git.example.com/org/apps.git",
		"git@git.example.com:org/apps.git" };
	const char *relative[] = { "../apps.git", "apps.git", "sub/dir:x" };
	for (size_t i = 0; i < sizeof absolute / sizeof *absolute; i++)
		assert_true(promote__repo_is_absolute(absolute[i]));
	for (size_t i = 0; i < sizeof relative / sizeof *relative; i++)
		assert_false(promote__repo_is_absolute(relative[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_absolute),
	};
	return cmocka_run_group_tests_name("repo_set", tests, NULL, NULL);
}
