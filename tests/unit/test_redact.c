/* What may be shown of a URL: no user information, whatever its form. */
#include "helpers.h"

#include "net/redact.h"

#include <stdlib.h>

static void check(const char *text, const char *expected)
{
	char *shown = promote__redact_url(text);
	assert_non_null(shown);
	assert_string_equal(shown, expected);
	free(shown);
}

static void test_urls(void **state)
{
	(void)state;
	check("https://user:pw@host/x.git", "https://***@host/x.git");
	check("https://host/x.git", "https://host/x.git");
	check("https://user:p@ss@host/x.git", "https://***@host/x.git"); /* an unencoded '@' in the password */
	check("file://user:pw@/srv/x.git", "file://***@/srv/x.git");
	check("ssh://git@host:22/x.git", "ssh://***@host:22/x.git");
}

static void test_scp_like_and_messages(void **state)
{
	(void)state;
	/* scp-like: a password (user:secret@) goes; a bare user stays, as ssh shows it. */
	check("git:pw@host:path.git", "***@host:path.git");
	check("git@host:path.git", "git@host:path.git");
	/* Inside messages, after a quote or a space. */
	check("failed to resolve path 'user:pw@/srv/x.git': No such file",
		"failed to resolve path '***@/srv/x.git': No such file");
	check("cannot fetch git:pw@host:x.git: no", "cannot fetch ***@host:x.git: no");
	check("a mail@example.org and 10:30", "a mail@example.org and 10:30");
	check("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_scp_like_and_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
