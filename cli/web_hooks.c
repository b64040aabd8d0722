/* Forge webhooks: verify, refuse, wake (web_hooks.h; doc/WEB.md#webhooks). HMAC-SHA256 (core/hmac.h) and the
 * constant-time comparison are OpenSSL's (libcrypto). */
#include "web_hooks.h"

#include "core/hmac.h"
#include "core/json_path.h"
#include "web_url.h"

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A delivery whose payload says it happened longer ago than this is refused as stale; the last this many
 * delivery ids are remembered, and one seen again is refused as replayed. */
#define MAX_AGE_S (60 * 60)
#define REMEMBERED 256
#define ID_SIZE 80

/* How each forge signs and names its deliveries and events. */
static const struct forge {
	const char *path, *env, *signature, *prefix, *token, *delivery, *event;
} forges[] = {
	[WEB_HOOK_GITHUB] = { "/hooks/github", "PROMOTE_WEBHOOK_SECRET_GITHUB", "X-Hub-Signature-256", "sha256=", NULL,
		"X-GitHub-Delivery", "X-GitHub-Event" },
	[WEB_HOOK_GITLAB] = { "/hooks/gitlab", "PROMOTE_WEBHOOK_SECRET_GITLAB", NULL, NULL, "X-Gitlab-Token",
		"X-Gitlab-Event-UUID", "X-Gitlab-Event" },
	[WEB_HOOK_GITEA] = { "/hooks/gitea", "PROMOTE_WEBHOOK_SECRET_GITEA", "X-Gitea-Signature", "", NULL,
		"X-Gitea-Delivery", "X-Gitea-Event" },
};

const int web_hook_statuses[6] = { 202, 204, 400, 401, 405, 413 };
#define STATUSES (sizeof web_hook_statuses / sizeof *web_hook_statuses)
static _Atomic uint64_t counts[3][STATUSES];

static const char *secrets[3];
static const promote_context *watched;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static char seen[REMEMBERED][ID_SIZE];
static size_t seen_next;

void web_hooks_init(const promote_context *ctx)
{
	const char *common = getenv("PROMOTE_WEBHOOK_SECRET");
	for (size_t i = 0; i < sizeof forges / sizeof *forges; i++) {
		const char *own = getenv(forges[i].env);
		secrets[i] = own && *own ? own : common && *common ? common : NULL;
	}
	watched = ctx;
}

int web_hook_forge_of(const char *url)
{
	for (size_t i = 0; i < sizeof forges / sizeof *forges; i++)
		if (strcmp(url, forges[i].path) == 0)
			return (int)i;
	return -1;
}

const char *web_hook_forge_name(web_hook_forge forge)
{
	return forges[forge].path + strlen("/hooks/");
}

void web_hook_count(web_hook_forge forge, int status)
{
	for (size_t i = 0; i < STATUSES; i++)
		if (web_hook_statuses[i] == status)
			atomic_fetch_add(&counts[forge][i], 1);
}

uint64_t web_hook_counted(web_hook_forge forge, int status)
{
	for (size_t i = 0; i < STATUSES; i++)
		if (web_hook_statuses[i] == status)
			return atomic_load(&counts[forge][i]);
	return 0;
}

/* `text` is the hex of HMAC-SHA256(secret, body): exactly 64 digits, compared in constant time. */
static bool signed_by(const char *secret, const char *text, const char *body, size_t size)
{
	unsigned char want[PROMOTE__HMAC_SHA256_SIZE], got[PROMOTE__HMAC_SHA256_SIZE];
	if (strlen(text) != 2 * sizeof got)
		return false;
	for (size_t i = 0; i < sizeof got; i++) {
		int hi = web_url_hex_digit(text[2 * i]), lo = web_url_hex_digit(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if (!promote__hmac_sha256(want, secret, body, size))
		return false;
	return CRYPTO_memcmp(want, got, sizeof got) == 0;
}

/* GitLab's token is the secret itself: their digests are compared, so that neither the time nor the
 * length of the comparison says how much of it matched. */
static bool same_token(const char *secret, const char *token)
{
	unsigned char a[EVP_MAX_MD_SIZE], b[EVP_MAX_MD_SIZE];
	unsigned int na = 0, nb = 0;
	if (!EVP_Digest(secret, strlen(secret), a, &na, EVP_sha256(), NULL) ||
		!EVP_Digest(token, strlen(token), b, &nb, EVP_sha256(), NULL) || na != nb)
		return false;
	return CRYPTO_memcmp(a, b, na) == 0;
}

/* Remember `id`; false when it was among the last REMEMBERED (a replay). */
static bool first_delivery(const char *id)
{
	bool first = true;
	pthread_mutex_lock(&seen_lock);
	for (size_t i = 0; i < REMEMBERED && first; i++)
		first = strncmp(seen[i], id, ID_SIZE - 1) != 0;
	if (first) {
		strncpy(seen[seen_next], id, ID_SIZE - 1);
		seen[seen_next][ID_SIZE - 1] = '\0';
		seen_next = (seen_next + 1) % REMEMBERED;
	}
	pthread_mutex_unlock(&seen_lock);
	return first;
}

/* When the payload says the event happened (Unix seconds: GitHub's pushed_at; an RFC 3339 time
 * elsewhere), or -1 when it does not say. */
static int64_t when(json_object *o, const char *path)
{
	json_object *v = path ? promote__json_at(o, path) : NULL;
	int64_t t;
	if (v && json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	return v && promote__json_when(&t, o, path) ? t : -1;
}

/* Whether an event may let a pass act, and where its payload says when it happened. One row per event
 * that may: `field` (when not NULL) must be `value` — or, for "!", anything but the value. */
static const struct wake {
	web_hook_forge forge;
	const char *event, *field, *value, *time;
	bool push;
} wakes[] = {
	{ WEB_HOOK_GITHUB, "push", NULL, NULL, "repository.pushed_at", true },
	{ WEB_HOOK_GITHUB, "pull_request", "pull_request.merged", "true", "pull_request.updated_at", false },
	{ WEB_HOOK_GITHUB, "pull_request_review", "action", "submitted", "review.submitted_at", false },
	{ WEB_HOOK_GITHUB, "check_suite", "action", "completed", "check_suite.updated_at", false },
	{ WEB_HOOK_GITHUB, "check_run", "action", "completed", "check_run.completed_at", false },
	{ WEB_HOOK_GITHUB, "status", "state", "!pending", "updated_at", false },
	{ WEB_HOOK_GITLAB, "Push Hook", NULL, NULL, NULL, true },
	{ WEB_HOOK_GITLAB, "Merge Request Hook", "object_attributes.action", "merge", NULL, false },
	{ WEB_HOOK_GITLAB, "Merge Request Hook", "object_attributes.action", "approved", NULL, false },
	{ WEB_HOOK_GITLAB, "Merge Request Hook", "object_attributes.action", "unapproved", NULL, false },
	{ WEB_HOOK_GITLAB, "Pipeline Hook", "object_attributes.finished_at", "!", NULL, false },
	{ WEB_HOOK_GITEA, "push", NULL, NULL, "repository.updated_at", true },
	{ WEB_HOOK_GITEA, "pull_request", "pull_request.merged", "true", "pull_request.updated_at", false },
	{ WEB_HOOK_GITEA, "pull_request_review_approved", NULL, NULL, "pull_request.updated_at", false },
	{ WEB_HOOK_GITEA, "pull_request_review_rejected", NULL, NULL, "pull_request.updated_at", false },
	{ WEB_HOOK_GITEA, "pull_request_review_comment", NULL, NULL, "pull_request.updated_at", false },
};

/* The field's value as text: a string as it is, true/false, "" when missing or null. */
static const char *field_text(json_object *o, const char *path)
{
	json_object *v = promote__json_at(o, path);
	if (v && json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? "true" : "false";
	return promote__json_text(o, path);
}

static bool matches(const struct wake *w, json_object *o)
{
	if (!w->field)
		return true;
	const char *v = field_text(o, w->field);
	return w->value[0] == '!' ? strcmp(v, w->value + 1) != 0 : strcmp(v, w->value) == 0;
}

/* A push to a branch an environment is on. Its repository's default branch is the payload's
 * (repository.default_branch; GitLab: project.default_branch): at worst a pass too many. */
static bool to_branch(json_object *o)
{
	const char *ref = promote__json_text(o, "ref");
	if (strncmp(ref, "refs/heads/", 11) != 0)
		return false;
	ref += 11;
	for (size_t i = 0; i < promote_env_count(watched); i++) {
		const char *branch = promote_env_branch(promote_env_at(watched, i));
		if (!branch || !*branch)
			branch = *promote__json_text(o, "repository.default_branch") ? promote__json_text(o, "repository.default_branch")
				: promote__json_text(o, "project.default_branch");
		if (strcmp(branch, ref) == 0)
			return true;
	}
	return false;
}

/* The body as JSON, all of it, or NULL. */
static json_object *parse(const char *body, size_t size)
{
	json_tokener *tok = json_tokener_new();
	json_object *o = tok && size <= INT32_MAX ? json_tokener_parse_ex(tok, body, (int)size) : NULL;
	if (o && (json_tokener_get_error(tok) != json_tokener_success || json_tokener_get_parse_end(tok) != size)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

int web_hook_deliver(web_hook_forge forge, web_hook_header_fn header, void *request, const char *body,
	size_t size, int64_t now, const char **reason)
{
	const struct forge *f = &forges[forge];
	const char *secret = secrets[forge];
	if (size > WEB_HOOK_MAX_BODY)
		return *reason = "the body is larger than 1 MiB", 413;
	if (!secret)
		return *reason = "no secret is set for this forge's webhooks: set PROMOTE_WEBHOOK_SECRET (or the forge's own "
			"PROMOTE_WEBHOOK_SECRET_GITHUB, _GITLAB, _GITEA) where the watcher runs", 401;
	const char *given = header(request, f->signature ? f->signature : f->token);
	if (!given)
		return *reason = f->signature ? "the delivery is not signed: give the webhook the secret" :
			"the delivery has no X-Gitlab-Token: give the webhook the secret token", 401;
	size_t skip = f->prefix ? strlen(f->prefix) : 0;
	if (f->signature ? strncmp(given, f->prefix, skip) != 0 || !signed_by(secret, given + skip, body, size)
			: !same_token(secret, given))
		return *reason = "the signature does not match the secret", 401;
	json_object *o = parse(body, size);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return *reason = "the body is not a JSON object: give the webhook the content type application/json", 400;
	}
	const char *event = header(request, f->event);
	const char *id = header(request, f->delivery);
	int status = 204;
	*reason = "this event does not move a release: ignored";
	for (size_t i = 0; event && i < sizeof wakes / sizeof *wakes && status == 204; i++) {
		const struct wake *w = &wakes[i];
		if (w->forge != forge || strcmp(w->event, event) != 0 || !matches(w, o))
			continue;
		if (w->push && !to_branch(o)) {
			*reason = "a push to a branch the watcher does not watch: ignored";
			break;
		}
		int64_t t = when(o, w->time);
		if (t >= 0 && now - t > MAX_AGE_S)
			status = 400, *reason = "the event is more than an hour old: refused as stale";
		else
			status = 202, *reason = "a pass starts now";
	}
	json_object_put(o);
	if (id && *id && !first_delivery(id))
		return *reason = "this delivery was already received: refused as a replay", 400;
	if (status == 202)
		kill(getpid(), SIGUSR1);
	return status;
}
