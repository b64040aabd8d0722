/* Credentials and server identity for connections to remotes. */
#include "remote_auth.h"
#include "ssh_config.h"
#include "known_hosts.h"

#include "net/redact.h"
#include "core/error.h"

#include <stddef.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int promote__remote_auth_init(promote__remote_auth *auth, const char *url, const promote__credentials *creds)
{
	memset(auth, 0, sizeof *auth);
	auth->url = url;
	auth->creds = creds;
	promote__strbuf_init(&auth->refused, PROMOTE__MESSAGE_MAX, "why the server's identity was refused");
	/* An ssh host alias of ~/.ssh/config is connected to as ssh would. */
	int rc = promote__ssh_config_url(&auth->ssh_url, &auth->ssh_identity, url);
	if (auth->ssh_url)
		auth->url = auth->ssh_url;
	return rc;
}

bool promote__git_is_http(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

void promote__remote_watch_begin(promote__remote_auth *auth)
{
	/* http(s) reads and writes all go through the stream, which bounds them itself; ssh's socket is
	 * libssh2's, which a watchdog thread watches (net_stream.h). */
	promote__git_watch_begin(&auth->watch, promote__net_timeout_s(auth->creds ? auth->creds->net_timeout_s : 0),
		!promote__git_is_http(auth->url));
}

void promote__remote_watch_end(promote__remote_auth *auth)
{
	promote__git_watch_end(&auth->watch);
}

void promote__remote_auth_finish(promote__remote_auth *auth, int rc)
{
	/* Asked again after the helpers' answer means the server refused it. */
	promote__git_credential_settle(auth->creds ? auth->creds->helpers : NULL, &auth->helper, auth->from_kept,
		rc == 0 ? 1 : auth->auth_failed ? -1 : 0);
	promote__strbuf_free(&auth->refused);
	free(auth->ssh_url);
	free(auth->ssh_identity);
	auth->ssh_url = auth->ssh_identity = NULL;
	auth->url = NULL;
}

/* ---- the context's credentials callback ------------------------------------ */

static void wipe(char **s)
{
	if (*s) {
		for (volatile char *p = *s; *p; p++)
			*p = 0;
		free(*s);
		*s = NULL;
	}
}

void promote__credential_clear(struct promote_credential *cred)
{
	wipe(&cred->user);
	wipe(&cred->password);
	wipe(&cred->public_key);
	wipe(&cred->private_key);
	wipe(&cred->passphrase);
	cred->type = 0;
}

static int copy_field(char **field, const char *value, bool required, const char *function, const char *what)
{
	if (!value)
		return required ? promote__error_arg(function, what) : 0;
	return (*field = strdup(value)) ? 0 : promote__error_oom();
}

int promote_credential_set_userpass(promote_credential *cred, const char *user, const char *password)
{
	if (!cred)
		return promote__error_arg(__func__, "cred");
	promote__credential_clear(cred);
	int rc = copy_field(&cred->user, user, true, __func__, "user");
	if (rc == 0)
		rc = copy_field(&cred->password, password, true, __func__, "password");
	if (rc == 0)
		cred->type = PROMOTE_CREDENTIAL_USERPASS;
	else
		promote__credential_clear(cred);
	return rc;
}

int promote_credential_set_ssh_key(promote_credential *cred, const char *user, const char *public_key_path,
	const char *private_key_path, const char *passphrase)
{
	if (!cred)
		return promote__error_arg(__func__, "cred");
	promote__credential_clear(cred);
	int rc = copy_field(&cred->user, user, true, __func__, "user");
	if (rc == 0)
		rc = copy_field(&cred->private_key, private_key_path, true, __func__, "private_key_path");
	if (rc == 0)
		rc = copy_field(&cred->public_key, public_key_path, false, __func__, "public_key_path");
	if (rc == 0)
		rc = copy_field(&cred->passphrase, passphrase, false, __func__, "passphrase");
	if (rc == 0)
		cred->type = PROMOTE_CREDENTIAL_SSH_KEY;
	else
		promote__credential_clear(cred);
	return rc;
}

int promote__credentials_ask(struct promote_credential *out, const promote__credentials *creds, const char *url,
	const char *user_from_url, unsigned int allowed)
{
	memset(out, 0, sizeof *out);
	char *shown = promote__redact_url(url);
	promote_error_clear();
	int rc = creds->cb(out, shown ? shown : "", user_from_url, allowed, creds->payload);
	free(shown);
	if (rc == PROMOTE_PASSTHROUGH || rc == PROMOTE_EUSER) {
		promote__credential_clear(out);
		return rc;
	}
	if (rc == 0 && !(out->type & allowed))
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_CALLBACK,
			"the credentials callback answered with %s, and the server asked for %s",
			out->type == 0 ? "nothing" : out->type == PROMOTE_CREDENTIAL_SSH_KEY ? "an ssh key" : "a password",
			allowed & PROMOTE_CREDENTIAL_SSH_KEY ? "an ssh key" : "a user name and password");
	else if (rc < 0 && promote_error_last()->code != rc)
		rc = promote__error(rc, PROMOTE_ERROR_CLASS_CALLBACK, "the credentials callback failed (%d)", rc);
	else if (rc > 0)
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_CALLBACK,
			"the credentials callback returned %d, not 0 or an error code", rc);
	if (rc)
		promote__credential_clear(out);
	return rc;
}

/* The callback's answer as libgit2's. */
static int from_callback(git_credential **out, promote__remote_auth *auth, const char *user_from_url,
	unsigned int allowed)
{
	unsigned ours = (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT ? PROMOTE_CREDENTIAL_USERPASS : 0u) |
		(allowed & GIT_CREDENTIAL_SSH_KEY ? PROMOTE_CREDENTIAL_SSH_KEY : 0u);
	struct promote_credential c;
	int rc = promote__credentials_ask(&c, auth->creds, auth->url, user_from_url, ours);
	if (rc == PROMOTE_PASSTHROUGH)
		return GIT_PASSTHROUGH;
	if (rc == 0)
		rc = c.type == PROMOTE_CREDENTIAL_USERPASS
			? git_credential_userpass_plaintext_new(out, c.user, c.password)
			: git_credential_ssh_key_new(out, c.user, c.public_key, c.private_key, c.passphrase);
	else
		auth->callback_error = rc;
	promote__credential_clear(&c);
	return rc == 0 ? 0 : GIT_EAUTH;
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

/* ssh: a key file ($PROMOTE_GIT_SSH_KEY, else the IdentityFile of
 * ~/.ssh/config for the host; its passphrase in $PROMOTE_GIT_SSH_PASSPHRASE),
 * else the ssh agent. */
static int ssh_key(git_credential **out, const char *user, const char *identity)
{
	const char *key = env("PROMOTE_GIT_SSH_KEY");
	if (!key && identity)
		key = identity;
	if (key)
		return git_credential_ssh_key_new(out, user, NULL, key, env("PROMOTE_GIT_SSH_PASSPHRASE"));
	if (env("SSH_AUTH_SOCK"))
		return git_credential_ssh_key_from_agent(out, user);
	return GIT_EAUTH;
}

static int credentials_now(git_credential **out, const char *url, const char *user_from_url, unsigned int allowed,
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
	if (auth->creds && auth->creds->cb) {
		int answer = from_callback(out, auth, url_user, allowed);
		if (answer != GIT_PASSTHROUGH) {
			auth->auth_failed = answer != 0;
			return answer;
		}
	}
	/* Then git's credential helpers, over http(s): what they answered earlier in the session, else a fill. */
	promote__git_credential *kept = auth->creds && auth->creds->helpers ? &auth->creds->helpers->accepted : NULL;
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && kept && kept->request) {
		auth->from_kept = true;
		return git_credential_userpass_plaintext_new(out, kept->username, kept->password);
	}
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) &&
		promote__git_credential_fill(&auth->helper, auth->url, url_user, auth->creds ? auth->creds->helpers : NULL) == 0)
		return git_credential_userpass_plaintext_new(out, auth->helper.username, auth->helper.password);
	const char *user;
	promote__remote_userpass(&user, &password, url_user);
	int rc = GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		rc = ssh_key(out, ssh_user, auth->ssh_identity);
	else if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && user && password)
		rc = git_credential_userpass_plaintext_new(out, user, password);
	if (rc == GIT_EAUTH)
		auth->auth_failed = true;
	return rc;
}

/* The time a callback or a credential helper takes is not the server's silence. */
static int credentials(git_credential **out, const char *url, const char *user_from_url, unsigned int allowed,
	void *payload)
{
	promote__remote_auth *auth = payload;
	promote__git_watch_pause(&auth->watch);
	int rc = credentials_now(out, url, user_from_url, allowed, payload);
	promote__git_watch_resume(&auth->watch);
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
		promote__strbuf_reset(&auth->refused);
		return promote__known_hosts_check((const git_cert_hostkey *)cert, host, ssh_port(auth->url),
			       &auth->refused) == 0 ? 0 : GIT_ECERTIFICATE;
	}
	const char *skip = getenv("PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY");
	if (skip && strcmp(skip, "1") == 0)
		return 0;
	if (valid)
		return GIT_PASSTHROUGH;
	promote__strbuf_reset(&auth->refused);
	if (promote__strbuf_adds(&auth->refused, "the server's TLS certificate is not trusted "
		    "(PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY=1 turns the check off, on purpose only)") < 0)
		promote__strbuf_reset(&auth->refused); /* out of memory: libgit2's message then */
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
	if (auth->watch.stall) {
		free(shown);
		return promote__net_timed_out(what, url, auth->watch.host, auth->watch.stall, auth->watch.seconds);
	}
	if (auth->callback_error == PROMOTE_EUSER)
		rc = promote__error(PROMOTE_EUSER, PROMOTE_ERROR_CLASS_CALLBACK,
			"%s %s: the credentials callback asked to stop", what, where);
	else if (auth->callback_error)
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_CALLBACK,
			"%s %s: the credentials callback had nothing to offer that the server accepts", what, where);
	else if (auth->auth_failed && auth->helper.request)
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_GIT,
			"%s %s: the server refused the credentials of git's credential helper (it is told to forget "
			"them; the next attempt asks again)", what, where);
	else if (auth->auth_failed || git_rc == GIT_EAUTH)
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_GIT,
			"%s %s: the server refused the credentials (set PROMOTE_GIT_USERNAME and PROMOTE_GIT_PASSWORD "
			"or PROMOTE_GIT_TOKEN; for ssh, PROMOTE_GIT_SSH_KEY or an ssh agent)", what, where);
	else if (promote__strbuf_len(&auth->refused))
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT, "%s %s: %s", what, where,
			promote__strbuf_cstr(&auth->refused));
	else {
		char *detail = promote__redact_url(e && e->message ? e->message : "unknown error");
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT, "%s %s: %s", what, where,
			detail ? detail : "(a message that could not be shown)");
		free(detail);
	}
	free(shown);
	return rc;
}
