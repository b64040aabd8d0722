/* git's credential helpers, through `git credential` (credential_helper.h). */
#include "credential_helper.h"
#include "git_program.h"

#include "core/buf.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* What the protocol's lines can hold: no newline (a value ends there) and
 * nothing empty. */
static bool sendable(const char *value, size_t len)
{
	return len > 0 && !memchr(value, '\n', len) && !memchr(value, '\0', len);
}

static void wipe(char *s, size_t len)
{
	for (volatile char *p = s; p && len > 0; p++, len--)
		*p = 0;
}

static void wipe_free(char **s)
{
	if (*s) {
		wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* "protocol=P\nhost=H[:PORT]\npath=PATH\n" for "P://[userinfo@]H[:PORT]/PATH"
 * (the query and fragment left out) into `req` (NULL: not wanted), and the
 * URL without its user information into `plain`. false for a URL the
 * protocol cannot carry. */
static bool describe(promote__strbuf *req, promote__strbuf *plain, const char *url)
{
	const char *sep = strstr(url, "://");
	if (!sep || !sendable(url, (size_t)(sep - url)))
		return false;
	const char *host = sep + 3, *slash = host + strcspn(host, "/?#");
	const char *at = memchr(host, '@', (size_t)(slash - host));
	if (at)
		host = at + 1;
	const char *path = *slash == '/' ? slash + 1 : slash;
	size_t path_len = strcspn(path, "?#");
	if (!sendable(host, (size_t)(slash - host)) || memchr(path, '\n', path_len))
		return false;
	int rc = req ? promote__strbuf_addf(req, "protocol=%.*s\nhost=%.*s\n", (int)(sep - url), url,
		(int)(slash - host), host) : 0;
	if (rc == 0 && req && path_len > 0)
		rc = promote__strbuf_addf(req, "path=%.*s\n", (int)path_len, path);
	if (rc == 0)
		rc = promote__strbuf_addf(plain, "%.*s%.*s/%.*s", (int)(sep + 3 - url), url, (int)(slash - host), host,
			(int)path_len, path);
	return rc == 0;
}

/* Start asking git whether a helper is configured for `url` (without user information). */
static int start_asking(promote__git_program *p, const char *url)
{
	const char *const args[] = { "config", "--get-urlmatch", "credential.helper", url, NULL };
	return promote__git_program_start(p, args, NULL, 0);
}

/* git's answer to start_asking(): whether a helper is named. */
static bool helper_named(promote__git_program *p)
{
	promote_buf out = PROMOTE_BUF_INIT;
	bool named = promote__git_program_finish(p, &out) == 0 && out.ptr && strspn(out.ptr, " \t\r\n") < out.size;
	promote_buf_dispose(&out);
	return named;
}

/* Is a helper configured for `url` (git's url-matched credential.helper)? Asked once per `memo` (its
 * answer taken now when it was asked ahead). */
static bool helper_configured(const char *url, promote__git_helper_memo *memo)
{
	if (memo && memo->url && strcmp(memo->url, url) == 0) {
		if (memo->asking.pid > 0)
			memo->configured = helper_named(&memo->asking);
		return memo->configured;
	}
	promote__git_program asking;
	bool configured = start_asking(&asking, url) == 0 && helper_named(&asking);
	char *copy = memo ? strdup(url) : NULL;
	if (copy) { /* out of memory: asked again next time */
		promote__git_program_abandon(&memo->asking);
		free(memo->url);
		memo->url = copy;
		memo->configured = configured;
	}
	return configured;
}

void promote__git_helper_ask_ahead(promote__git_helper_memo *memo, const char *url)
{
	promote__strbuf plain;
	promote__strbuf_init(&plain, 8192, "a credential request's URL");
	char *copy = !memo->url && describe(NULL, &plain, url) ? strdup(promote__strbuf_cstr(&plain)) : NULL;
	if (copy && start_asking(&memo->asking, copy) == 0)
		memo->url = copy;
	else
		free(copy);
	promote__strbuf_free(&plain);
}

/* The value of "key=value" lines of `answer` for `key`, copied (NULL: none). */
static char *answer_value(const char *answer, const char *key)
{
	size_t key_len = strlen(key);
	for (const char *line = answer; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		size_t len = strcspn(line, "\n");
		if (len > key_len && strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
			char *value = malloc(len - key_len);
			if (value) {
				memcpy(value, line + key_len + 1, len - key_len - 1);
				value[len - key_len - 1] = '\0';
			}
			return value;
		}
	}
	return NULL;
}

static void clear(promote__git_credential *cred)
{
	wipe_free(&cred->request);
	wipe_free(&cred->username);
	wipe_free(&cred->password);
}

void promote__git_helper_memo_dispose(promote__git_helper_memo *memo)
{
	promote__git_program_abandon(&memo->asking);
	free(memo->url);
	memo->url = NULL;
	clear(&memo->accepted);
}

int promote__git_credential_fill(promote__git_credential *cred, const char *url, const char *user,
	promote__git_helper_memo *memo)
{
	clear(cred);
	promote__strbuf req, plain;
	promote__strbuf_init(&req, 8192, "a credential request");
	promote__strbuf_init(&plain, 8192, "a credential request's URL");
	bool ok = describe(&req, &plain, url) && (!user || !*user || (sendable(user, strlen(user)) &&
								     promote__strbuf_addf(&req, "username=%s\n", user) == 0));
	ok = ok && helper_configured(promote__strbuf_cstr(&plain), memo);
	promote_buf answer = PROMOTE_BUF_INIT;
	const char *const args[] = { "credential", "fill", NULL };
	if (ok && promote__git_program_run(&answer, args, promote__strbuf_cstr(&req), promote__strbuf_len(&req)) == 0 &&
		answer.ptr) {
		cred->username = answer_value(answer.ptr, "username");
		cred->password = answer_value(answer.ptr, "password");
		cred->request = promote__strbuf_take(&req);
	}
	wipe(answer.ptr, answer.size);
	promote_buf_dispose(&answer);
	promote__strbuf_free(&req);
	promote__strbuf_free(&plain);
	if (!cred->request || !cred->username || !cred->password || !*cred->password ||
		!sendable(cred->username, strlen(cred->username)) || !sendable(cred->password, strlen(cred->password))) {
		clear(cred);
		return PROMOTE_ENOTFOUND;
	}
	return 0;
}

static void report(const promote__git_credential *cred, int verdict)
{
	if (cred->request && verdict != 0) {
		promote__strbuf said;
		promote__strbuf_init(&said, 16384, "a credential report");
		const char *const args[] = { "credential", verdict > 0 ? "approve" : "reject", NULL };
		if (promote__strbuf_addf(&said, "%susername=%s\npassword=%s\n", cred->request, cred->username,
			    cred->password) == 0)
			promote__git_program_run(NULL, args, promote__strbuf_cstr(&said), promote__strbuf_len(&said));
		if (said.ptr)
			wipe(said.ptr, said.len);
		promote__strbuf_free(&said);
	}
}

void promote__git_credential_done(promote__git_credential *cred, int verdict)
{
	report(cred, verdict);
	clear(cred);
}

void promote__git_credential_settle(promote__git_helper_memo *memo, promote__git_credential *filled, bool from_kept,
	int verdict)
{
	promote__git_credential *kept = memo ? &memo->accepted : NULL;
	if (from_kept && kept && verdict < 0) {
		promote__git_credential_done(kept, -1);
	} else if (!from_kept && verdict > 0 && kept && filled->request) {
		report(filled, 1);
		clear(kept);
		*kept = *filled;
		*filled = (promote__git_credential)PROMOTE__GIT_CREDENTIAL_INIT;
	}
	promote__git_credential_done(filled, from_kept ? 0 : verdict);
}
