/*
 * One attempt at a notification (notify.h): a JSON POST — signed with
 * HMAC-SHA256 when the notification names a secret, on a connection of its
 * own, bounded by its timeout — or its hook, the JSON on its standard input.
 * What is said of a failure names the host, never the URL (a chat's webhook
 * URL is its secret) nor the secret.
 */
#include "notify_send.h"

#include "net/http.h"
#include "providers/deploy/process.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/file.h"
#include "core/hmac.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* "hooks.example.com:8443" of a URL (its user information left out). */
static char *host_of(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	return promote__strdupf("%.*s", (int)n, p);
}

/* The value of environment variable `name`, or NULL with *why saying it is not set. */
static const char *variable(char **why, const promote__notification *n, const char *name, const char *key)
{
	const char *value = getenv(name);
	if (value && *value)
		return value;
	*why = promote__strdupf("%s is not set (notification '%s' reads its %s there)", name, n->name, key);
	return NULL;
}

static int post(char **why, const promote__notification *n, const char *event, const char *delivery,
	const promote_buf *body)
{
	const char *url = n->url ? n->url : variable(why, n, n->url_env, "URL");
	const char *secret = n->secret_env && url ? variable(why, n, n->secret_env, "secret") : NULL;
	if (!url || (n->secret_env && !secret))
		return *why ? PROMOTE_ENET : promote__error_oom();
	char sig[PROMOTE__HMAC_SHA256_HEX_SIZE];
	if (secret && !promote__hmac_sha256_hex(sig, secret, body->ptr, body->size))
		return (*why = strdup("signing the body failed (libcrypto's HMAC-SHA256)")) ? PROMOTE_ENET : promote__error_oom();
	char *h_event = promote__strdupf("X-Promote-Event: %s", event);
	char *h_delivery = promote__strdupf("X-Promote-Delivery: %s", delivery);
	char *h_sig = secret ? promote__strdupf("X-Promote-Signature-256: sha256=%s", sig) : NULL;
	char *host = host_of(url);
	const char *headers[] = { "Content-Type: application/json", h_event, h_delivery, h_sig, NULL };
	int rc = h_event && h_delivery && host && (!secret || h_sig) ? 0 : promote__error_oom();
	promote__http_client *client = NULL;
	if (rc == 0)
		rc = promote__http_client_new(&client);
	promote__http_response res;
	memset(&res, 0, sizeof res);
	if (rc == 0) {
		promote__http_request req = { "POST", url, headers, body->ptr, body->size, NULL, NULL, n->insecure, 64 * 1024,
			(long)n->timeout_s, n->timeout_s, NULL, "libpromote-notify", true };
		int sent = promote__http_run(client, &res, &req);
		if (sent == PROMOTE_ENOMEM)
			rc = sent;
		else if (sent)
			*why = promote__strdupf("no answer from %s: %s", host, res.tls_failed ? "its TLS certificate did not verify"
				: sent == PROMOTE_ETIMEOUT || sent == PROMOTE_ENET ? "no connection, or no reply in time"
										       : "the request failed");
		else if (res.status < 200 || res.status > 299)
			*why = promote__strdupf("%s answered HTTP %ld", host, res.status);
		if (sent && sent != PROMOTE_ENOMEM)
			promote_error_clear();
		if (rc == 0 && (sent || res.status < 200 || res.status > 299))
			rc = *why ? PROMOTE_ENET : promote__error_oom();
	}
	promote__http_response_dispose(&res);
	promote__http_client_free(client);
	free(h_event);
	free(h_delivery);
	free(h_sig);
	free(host);
	return rc;
}

/* ---- a hook ---------------------------------------------------------------------- */

/* The last line of what the hook wrote, or "". */
static char *last_line(const promote__process *p)
{
	promote_buf out = PROMOTE_BUF_INIT;
	promote__process_output(&out, p, 400);
	char *line = promote__last_line(out.ptr, out.size, 200);
	promote_buf_dispose(&out);
	return line;
}

static int run_hook(char **why, const promote__notification *n, const char *event, const char *delivery,
	const promote_buf *body)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = promote__strdupf("%s/promote-notify-XXXXXX", tmp && *tmp ? tmp : "/tmp"), *program = NULL;
	char **envp = NULL;
	const char *const names[] = { "PROMOTE_EVENT", "PROMOTE_DELIVERY" }, *const values[] = { event, delivery };
	int rc = dir ? promote__process_environ(&envp, names, values, 2) : promote__error_oom();
	if (rc == 0 && !mkdtemp(dir))
		rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot create a scratch folder '%s': %s", dir,
			strerror(errno));
	const char *argv0 = n->argv[0];
	if (rc == 0 && !strchr(argv0, '/'))
		rc = promote__process_find(&program, argv0, "a notification's hook");
	else if (rc == 0 && !(program = strdup(argv0)))
		rc = promote__error_oom();
	promote__process *p = NULL;
	if (rc == 0) {
		promote__process_spec spec = { program, (char *const *)n->argv, envp, dir, dir, n->timeout_s, argv0,
			body->ptr, body->size };
		rc = promote__process_start(&p, &spec);
	}
	if (rc && rc != PROMOTE_ENOMEM) {
		*why = promote__strdupf("%s", promote_error_last()->message);
		promote_error_clear();
		rc = *why ? PROMOTE_ENET : PROMOTE_ENOMEM;
	}
	int status = -1;
	while (rc == 0 && !promote__process_poll(p, &status))
		promote__sleep_ms(20);
	if (rc == 0 && status != 0) {
		char *line = last_line(p);
		if (promote__process_timed_out(p))
			*why = promote__strdupf("the hook %s did not end within %us", argv0, n->timeout_s);
		else
			*why = promote__strdupf("the hook %s exited with %d%s%s", argv0, status, line && *line ? ": " : "",
				line ? line : "");
		free(line);
		rc = *why ? PROMOTE_ENET : promote__error_oom();
	}
	promote__process_free(p);
	if (dir)
		promote__remove_tree(dir);
	promote__process_environ_free(envp);
	free(program);
	free(dir);
	return rc;
}

int promote__notify_send(char **why, const promote__notification *n, const char *event, const char *delivery,
	const promote_buf *body)
{
	*why = NULL;
	return n->argv ? run_hook(why, n, event, delivery, body) : post(why, n, event, delivery, body);
}
