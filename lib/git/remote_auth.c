/* Credentials and server identity for connections to remotes. */
#include "remote_auth.h"
#include "mirror.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void promote__remote_auth_init(promote__remote_auth *auth, const char *url)
{
	memset(auth, 0, sizeof *auth);
	auth->url = url;
}

static const char *env(const char *name)
{
	const char *value = getenv(name);
	return value && *value ? value : NULL;
}

void promote__remote_userpass(const char **user, const char **password, const char *url_user)
{
	const char *env_user = env("PROMOTE_GIT_USERNAME"), *token = env("PROMOTE_GIT_TOKEN");
	*password = env("PROMOTE_GIT_PASSWORD");
	if (!*password)
		*password = token;
	/* $PROMOTE_GIT_USERNAME, else the URL's user, else a token's conventional name. */
	*user = env_user ? env_user : url_user && *url_user ? url_user : token ? "x-access-token" : NULL;
}

/* ssh: a key file ($PROMOTE_GIT_SSH_KEY, its passphrase in
 * $PROMOTE_GIT_SSH_PASSPHRASE), else the ssh agent. */
static int ssh_key(git_credential **out, const char *user)
{
	const char *key = env("PROMOTE_GIT_SSH_KEY");
	if (key)
		return git_credential_ssh_key_new(out, user, NULL, key, env("PROMOTE_GIT_SSH_PASSPHRASE"));
	if (env("SSH_AUTH_SOCK"))
		return git_credential_ssh_key_from_agent(out, user);
	return GIT_EAUTH;
}

static int credentials(git_credential **out, const char *url, const char *user_from_url, unsigned int allowed,
	void *payload)
{
	(void)url;
	promote__remote_auth *auth = payload;
	const char *url_user = user_from_url && *user_from_url ? user_from_url : NULL;
	const char *env_user = env("PROMOTE_GIT_USERNAME"), *password;
	/* ssh: the account the URL names (git@host), else $PROMOTE_GIT_USERNAME, else "git". */
	const char *ssh_user = url_user ? url_user : env_user ? env_user : "git";
	/* ssh asks for the user name first when the URL has none. */
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, ssh_user);
	/* Offered once: asked again means refused, and asking forever helps no one. */
	if (auth->offered++ > 0) {
		auth->auth_failed = true;
		return GIT_EAUTH;
	}
	const char *user;
	promote__remote_userpass(&user, &password, url_user);
	int rc = GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		rc = ssh_key(out, ssh_user);
	else if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && user && password)
		rc = git_credential_userpass_plaintext_new(out, user, password);
	if (rc == GIT_EAUTH)
		auth->auth_failed = true;
	return rc;
}

/* The port of an ssh URL (ssh://host:PORT/...), else 22. */
static int ssh_port(const char *url)
{
	if (strncmp(url, "ssh://", 6) != 0 && strncmp(url, "git+ssh://", 10) != 0)
		return 22;
	const char *host = strstr(url, "://") + 3;
	const char *end = host + strcspn(host, "/");
	const char *at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	if (*host == '[') { /* [v6]:port */
		const char *close = memchr(host, ']', (size_t)(end - host));
		host = close ? close : host;
	}
	const char *colon = memchr(host, ':', (size_t)(end - host));
	int port = colon ? atoi(colon + 1) : 22;
	return port > 0 && port < 65536 ? port : 22;
}

static int certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	promote__remote_auth *auth = payload;
	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
		/* libgit2 does not check ssh host keys: the known hosts decide. */
		return promote__known_hosts_check((const git_cert_hostkey *)cert, host, ssh_port(auth->url), auth->refused,
			       sizeof auth->refused) == 0 ? 0 : GIT_ECERTIFICATE;
	}
	const char *skip = getenv("PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY");
	if (skip && strcmp(skip, "1") == 0)
		return 0;
	if (valid)
		return GIT_PASSTHROUGH;
	snprintf(auth->refused, sizeof auth->refused,
		"the server's TLS certificate is not trusted (PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY=1 turns the check "
		"off, on purpose only)");
	return GIT_ECERTIFICATE;
}

void promote__remote_auth_callbacks(git_remote_callbacks *callbacks, promote__remote_auth *auth)
{
	callbacks->credentials = credentials;
	callbacks->certificate_check = certificate;
	callbacks->payload = auth;
}

int promote__remote_failed(int git_rc, const promote__remote_auth *auth, const char *what, const char *url)
{
	char *shown = promote__redact_url(url);
	const git_error *e = git_error_last();
	const char *where = shown ? shown : "the remote";
	int rc;
	if (auth->auth_failed || git_rc == GIT_EAUTH)
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_GIT,
			"%s %s: the server refused the credentials (set PROMOTE_GIT_USERNAME and PROMOTE_GIT_PASSWORD "
			"or PROMOTE_GIT_TOKEN; for ssh, PROMOTE_GIT_SSH_KEY or an ssh agent)", what, where);
	else if (auth->refused[0])
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT, "%s %s: %s", what, where, auth->refused);
	else {
		char *detail = promote__redact_url(e && e->message ? e->message : "unknown error");
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT, "%s %s: %s", what, where,
			detail ? detail : "(a message that could not be shown)");
		free(detail);
	}
	free(shown);
	return rc;
}
