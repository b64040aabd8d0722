/* The webhooks' verification (cli/web_hooks.c) against the forges' own published example: GitHub's
 * documentation ("Validating webhook deliveries") signs the payload "Hello, World!" with the secret
 * "It's a Secret to Everybody" as sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17.
 * That payload is not JSON, so a delivery of it that passes the signature is refused as 400 (not a JSON
 * object) and one that does not as 401 — which tells the two apart without waking anything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "web_hooks.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BODY "Hello, World!"
#define HEX "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

/* The request's headers: "Name: value" pairs, NULL-terminated. */
static const char *header(void *request, const char *name)
{
	for (const char *const *h = request; *h; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

static int deliver(web_hook_forge forge, const char *const *headers, const char *body)
{
	const char *reason = NULL;
	int status = web_hook_deliver(forge, header, (void *)headers, body, strlen(body), 0, &reason);
	assert_non_null(reason);
	return status;
}

static int setup(void **state)
{
	(void)state;
	setenv("PROMOTE_WEBHOOK_SECRET", "It's a Secret to Everybody", 1);
	setenv("PROMOTE_WEBHOOK_SECRET_GITLAB", "gitlab's own", 1);
	unsetenv("PROMOTE_WEBHOOK_SECRET_GITHUB");
	unsetenv("PROMOTE_WEBHOOK_SECRET_GITEA");
	web_hooks_init(NULL);
	return 0;
}

static void test_github(void **state)
{
	(void)state;
	const char *good[] = { "x-hub-signature-256", "sha256=" HEX, NULL };
	const char *upper[] = { "X-Hub-Signature-256", "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", NULL };
	const char *bare[] = { "X-Hub-Signature-256", HEX, NULL };
	const char *short_[] = { "X-Hub-Signature-256", "sha256=757107ea", NULL };
	const char *old[] = { "X-Hub-Signature", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59", NULL };
	const char *none[] = { NULL };
	assert_int_equal(deliver(WEB_HOOK_GITHUB, good, BODY), 400);
	assert_int_equal(deliver(WEB_HOOK_GITHUB, upper, BODY), 400);
	assert_int_equal(deliver(WEB_HOOK_GITHUB, good, "Hello, World?"), 401);
	assert_int_equal(deliver(WEB_HOOK_GITHUB, bare, BODY), 401);
	assert_int_equal(deliver(WEB_HOOK_GITHUB, short_, BODY), 401);
	assert_int_equal(deliver(WEB_HOOK_GITHUB, old, BODY), 401);   /* SHA-1 signatures are not taken */
	assert_int_equal(deliver(WEB_HOOK_GITHUB, none, BODY), 401);
}

static void test_gitea(void **state)
{
	(void)state;
	const char *good[] = { "X-Gitea-Signature", HEX, NULL };
	const char *prefixed[] = { "X-Gitea-Signature", "sha256=" HEX, NULL };
	const char *github[] = { "X-Hub-Signature-256", "sha256=" HEX, NULL };
	assert_int_equal(deliver(WEB_HOOK_GITEA, good, BODY), 400);
	assert_int_equal(deliver(WEB_HOOK_GITEA, prefixed, BODY), 401);
	assert_int_equal(deliver(WEB_HOOK_GITEA, github, BODY), 401);
}

static void test_gitlab_takes_its_own_secret(void **state)
{
	(void)state;
	const char *own[] = { "X-Gitlab-Token", "gitlab's own", NULL };
	const char *shared[] = { "X-Gitlab-Token", "It's a Secret to Everybody", NULL };
	const char *prefix[] = { "X-Gitlab-Token", "gitlab's", NULL };
	const char *longer[] = { "X-Gitlab-Token", "gitlab's own ", NULL };
	assert_int_equal(deliver(WEB_HOOK_GITLAB, own, BODY), 400);
	assert_int_equal(deliver(WEB_HOOK_GITLAB, shared, BODY), 401);
	assert_int_equal(deliver(WEB_HOOK_GITLAB, prefix, BODY), 401);
	assert_int_equal(deliver(WEB_HOOK_GITLAB, longer, BODY), 401);
}

static void test_paths(void **state)
{
	(void)state;
	assert_int_equal(web_hook_forge_of("/hooks/github"), WEB_HOOK_GITHUB);
	assert_int_equal(web_hook_forge_of("/hooks/gitlab"), WEB_HOOK_GITLAB);
	assert_int_equal(web_hook_forge_of("/hooks/gitea"), WEB_HOOK_GITEA);
	assert_int_equal(web_hook_forge_of("/hooks/github/"), -1);
	assert_int_equal(web_hook_forge_of("/hooks/"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_github), cmocka_unit_test(test_gitea),
		cmocka_unit_test(test_gitlab_takes_its_own_secret), cmocka_unit_test(test_paths) };
	return cmocka_run_group_tests(tests, setup, NULL);
}
