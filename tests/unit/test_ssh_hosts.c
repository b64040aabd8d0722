/* The ssh host layer: known-hosts checks and ~/.ssh/config values, with
 * names, lines and values longer than any fixed buffer would hold. */
#include "helpers.h"

#include "git/known_hosts.h"
#include "git/ssh_config.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[128];

/* A host key of 32 bytes (an ed25519 key's size) and its base64. */
static const char raw_key[32] = "0123456789abcdef0123456789abcdef";
static const char key_b64[] = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

static git_cert_hostkey cert(void)
{
	git_cert_hostkey c;
	memset(&c, 0, sizeof c);
	c.parent.cert_type = GIT_CERT_HOSTKEY_LIBSSH2;
	c.type = GIT_CERT_SSH_RAW | GIT_CERT_SSH_SHA256;
	c.raw_type = GIT_CERT_SSH_RAW_TYPE_KEY_ED25519;
	c.hostkey = raw_key;
	c.hostkey_len = sizeof raw_key;
	return c;
}

static char *string_of(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* 0 when the known hosts accept the key for `host`; the reason in `why`. */
static int check(const char *host, int port, promote__strbuf *why)
{
	git_cert_hostkey c = cert();
	promote__strbuf_reset(why);
	return promote__known_hosts_check(&c, host, port, why);
}

/* A host whose name begins with a listed name is not that host, however long
 * the listed name. */
static void test_long_host_names(void **state)
{
	(void)state;
	char *listed = string_of('h', 1099), *longer = malloc(1200), path[256], *text = malloc(1300);
	assert_non_null(longer);
	assert_non_null(text);
	snprintf(longer, 1200, "%s.elsewhere.example", listed);
	snprintf(path, sizeof path, "%s/known_hosts", dir);
	snprintf(text, 1300, "%s ssh-ed25519 %s\n", listed, key_b64);
	write_file(path, text);
	setenv("PROMOTE_GIT_SSH_KNOWN_HOSTS", path, 1);
	promote__strbuf why;
	promote__strbuf_init(&why, 1 << 20, "a test reason");
	assert_int_equal(check(listed, 22, &why), 0);
	assert_int_equal(check(longer, 22, &why), -1);
	assert_non_null(strstr(promote__strbuf_cstr(&why), "is not in the known hosts"));
	assert_non_null(strstr(promote__strbuf_cstr(&why), ".elsewhere.example"));
	/* The same with a port: "[host]:port". */
	snprintf(text, 1300, "[%s]:2222 ssh-ed25519 %s\n", listed, key_b64);
	write_file(path, text);
	assert_int_equal(check(listed, 2222, &why), 0);
	assert_int_equal(check(longer, 2222, &why), -1);
	assert_non_null(strstr(promote__strbuf_cstr(&why), "ssh-keyscan -p 2222 "));
	promote__strbuf_free(&why);
	unsetenv("PROMOTE_GIT_SSH_KNOWN_HOSTS");
	free(listed);
	free(longer);
	free(text);
}

/* The end of a line longer than any buffer is not a line of its own. */
static void test_long_lines(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/long_lines", dir);
	char *pad = string_of('x', 40000), *text = malloc(41000);
	assert_non_null(text);
	snprintf(text, 41000, "#%s example.org ssh-ed25519 %s\n", pad, key_b64);
	write_file(path, text);
	setenv("PROMOTE_GIT_SSH_KNOWN_HOSTS", path, 1);
	promote__strbuf why;
	promote__strbuf_init(&why, 1 << 20, "a test reason");
	assert_int_equal(check("example.org", 22, &why), -1);
	/* A long list of host patterns is read whole: the last one counts. */
	snprintf(text, 41000, "%s,example.org ssh-ed25519 %s\n", pad, key_b64);
	write_file(path, text);
	assert_int_equal(check("example.org", 22, &why), 0);
	promote__strbuf_free(&why);
	unsetenv("PROMOTE_GIT_SSH_KNOWN_HOSTS");
	free(pad);
	free(text);
}

/* ~/.ssh/config values longer than a kilobyte come whole, expanded. */
static void test_long_ssh_config_values(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof path, "%s/ssh_config", dir);
	char *host = string_of('n', 1500), *user = string_of('u', 400), *text = malloc(8000);
	assert_non_null(text);
	snprintf(text, 8000, "Host alias\n  HostName %s.%%h\n  User %s\n  IdentityFile %%d/%s\n", host, user, host);
	write_file(path, text);
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	promote__ssh_host found;
	assert_int_equal(promote__ssh_config_lookup(&found, path, "alias"), 0);
	assert_non_null(found.hostname);
	assert_int_equal(strlen(found.hostname), 1500 + strlen(".alias"));
	assert_string_equal(found.hostname + 1500, ".alias");
	assert_string_equal(found.user, user);
	assert_int_equal(strlen(found.identity), strlen(dir) + 1 + 1500);
	assert_true(strncmp(found.identity, dir, strlen(dir)) == 0);
	promote__ssh_host_clear(&found);
	/* A value expanded past 4 KiB is refused, not cut. */
	snprintf(text, 8000, "Host alias\n  IdentityFile %%h%%h%%h\n");
	write_file(path, text);
	char *alias = string_of('a', 1400);
	assert_int_equal(promote__ssh_config_lookup(&found, path, "*"), 0);
	assert_null(found.identity); /* the pattern "alias" does not match "*" */
	snprintf(text, 8000, "Host *\n  IdentityFile %%h%%h%%h\n");
	write_file(path, text);
	assert_int_equal(promote__ssh_config_lookup(&found, path, alias), PROMOTE_ELIMIT);
	assert_null(found.identity);
	assert_non_null(strstr(promote_error_last()->message, "IdentityFile"));
	/* The URL made of an alias keeps the URL's own long user. */
	snprintf(text, 8000, "Host alias\n  HostName example.org\n  Port 2222\n");
	snprintf(path, sizeof path, "%s/.ssh", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/.ssh/config", dir);
	write_file(path, text);
	char *url = malloc(1000), *out = NULL, *identity = NULL;
	assert_non_null(url);
	snprintf(url, 1000, "%s@alias:repo.git", user);
	assert_int_equal(promote__ssh_config_url(&out, &identity, url), 0);
	char *expected = malloc(1000);
	assert_non_null(expected);
	snprintf(expected, 1000, "ssh://%s@example.org:2222/~/repo.git", user);
	assert_string_equal(out, expected);
	assert_null(identity);
	free(out);
	assert_int_equal(promote__ssh_config_url(&out, &identity, "https://alias/repo.git"), 0);
	assert_null(out);
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_home);
	free(host);
	free(user);
	free(alias);
	free(text);
	free(url);
	free(expected);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/promote-test-ssh-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_host_names),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_ssh_config_values),
	};
	return cmocka_run_group_tests_name("ssh_hosts", tests, setup, teardown);
}
