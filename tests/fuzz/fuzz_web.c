/*
 * libFuzzer target for the web view's pure functions (cli/web_url.c, cli/web_html.c, cli/web_hooks.c): what
 * every request's path and query, every value a page shows, and every webhook body go through.
 *
 * Input (tests/fuzz/README.md): the first byte chooses, the rest is the text.
 *   0  web_url_unescape(): the length it returns is the string's (no NUL inside), never longer than the
 *      input; a text without '%' is unchanged; no %00 is ever decoded into a NUL.
 *   1  web_html_text() and web_html_query(): no < > " ' in what they write, every & begins one of the five
 *      references; the query form holds only unreserved characters and %.
 *   2  web_hook_deliver() with a correctly signed body (GitHub's and Gitea's HMAC-SHA256 computed here,
 *      GitLab's token given), so that the JSON parser and the event table are reached: the second byte
 *      chooses the forge and the event; the answer is one of 202, 204, 400, 413 with a reason.
 * A broken contract aborts, like a crash. tests/fuzz/replay.c runs it over tests/fuzz/web-seeds as the
 * 'fuzz-web' test (suite web); run-fuzz.sh SECONDS with FUZZ_TARGET=web runs libFuzzer.
 */
#include "web_hooks.h"
#include "web_html.h"
#include "web_url.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET "fuzz-secret"

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_web: %s: %s\n", what, text);
	abort();
}

/* The text as a C string (up to its first NUL). */
static char *text_of(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void unescape(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size), *before = strdup(s);
	size_t was = strlen(s), n = web_url_unescape(s);
	if (!before || n != strlen(s) || n > was)
		fail("web_url_unescape's length", before ? before : "");
	if (!strchr(before, '%') && strcmp(before, s) != 0)
		fail("web_url_unescape changed a text without %", before);
	free(before);
	free(s);
}

static void check_html(const char *out, bool query)
{
	static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	for (const char *p = out; p && *p; p++) {
		if (query && !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%", *p))
			fail("a character a percent-encoded value does not hold", out);
		if (strchr("<>\"'", *p))
			fail("markup left in escaped text", out);
		size_t k = 0;
		while (*p == '&' && k < 5 && strncmp(p, refs[k], strlen(refs[k])) != 0)
			k++;
		if (k == 5)
			fail("an & that begins no reference", out);
	}
}

static void escape(const uint8_t *data, size_t size)
{
	char *s = text_of(data, size);
	web_buf text = WEB_BUF_INIT, query = WEB_BUF_INIT;
	web_html_text(&text, s);
	web_html_query(&query, s);
	if (!text.failed)
		check_html(text.ptr, false);
	if (!query.failed)
		check_html(query.ptr, true);
	web_buf_dispose(&text);
	web_buf_dispose(&query);
	free(s);
}

/* The delivery's headers: names and values, NULL-terminated. */
static const char *header(void *request, const char *name)
{
	for (const char *const *h = request; *h; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

static void deliver(const uint8_t *data, size_t size)
{
	static const char *const events[] = { "push", "pull_request", "pull_request_review", "check_suite", "check_run",
		"status", "Push Hook", "Merge Request Hook", "Pipeline Hook", "pull_request_review_approved", "ping" };
	static unsigned serial;
	if (size < 1)
		return;
	web_hook_forge forge = (web_hook_forge)(data[0] % 3);
	const char *event = events[(data[0] / 3) % (sizeof events / sizeof *events)];
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_size = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 8] = "sha256=", id[32];
	if (!HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (const unsigned char *)body, n, mac, &mac_size))
		abort();
	char *digits = hex + (forge == WEB_HOOK_GITHUB ? 7 : 0);
	for (unsigned i = 0; i < mac_size; i++)
		snprintf(digits + 2 * i, 3, "%02x", mac[i]);
	snprintf(id, sizeof id, "fuzz-%u", serial++);
	const char *headers[] = { "X-Hub-Signature-256", hex, "X-Gitea-Signature", hex, "X-Gitlab-Token", SECRET,
		"X-GitHub-Event", event, "X-Gitea-Event", event, "X-Gitlab-Event", event, "X-GitHub-Delivery", id,
		"X-Gitea-Delivery", id, "X-Gitlab-Event-UUID", id, NULL };
	const char *reason = NULL;
	int status = web_hook_deliver(forge, header, headers, body, n, 1765000000, &reason);
	if (!reason || (status != 202 && status != 204 && status != 400 && status != 413))
		fail("web_hook_deliver's answer", reason ? reason : "(no reason)");
	web_hook_count(forge, status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		/* A delivery that wakes sends the process SIGUSR1: nothing here to wake. */
		signal(SIGUSR1, SIG_IGN);
		setenv("PROMOTE_WEBHOOK_SECRET", SECRET, 1);
		web_hooks_init(NULL);
		ready = true;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		unescape(data + 1, size - 1);
		break;
	case 1:
		escape(data + 1, size - 1);
		break;
	default:
		deliver(data + 1, size - 1);
		break;
	}
	return 0;
}
