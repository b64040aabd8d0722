/* A REST/JSON client for forges and Argo CD (see api.h). */
#include "api.h"
#include "api_error.h"
#include "api_reply.h"
#include "api_wait.h"
#include "curl_api.h"
#include "http.h"
#include "redact.h"

#include "core/clock.h"
#include "core/backoff.h"
#include "core/buf.h"
#include "core/civil.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MAX_REQUESTS 1000u
#define DEFAULT_MAX_ATTEMPTS 5u
#define DEFAULT_MAX_WAIT_S 60u
#define DEFAULT_BACKOFF_MS 1000u
#define MAX_WAIT_S 86400u
#define JSON_DEPTH 64
#define USER_AGENT "libpromote/" PROMOTE_VERSION

struct promote__api {
	promote__http_client *http;
	char *base;       /* base_url without a trailing slash */
	char *origin;     /* "scheme://host:port" of base, for the same-host rule */
	char *host;       /* for messages */
	char *auth;       /* the whole header, or NULL */
	char *secret;     /* the last word of its value: replaced by "***" in every message */
	char *ca_bundle;
	promote__api_flavor flavor;
	bool insecure;
	unsigned max_requests, used;
	size_t max_response;
	uint32_t net_timeout_s;
	unsigned max_attempts, max_wait_s, backoff_ms;
	void (*sleep_ms)(unsigned ms, void *payload);
	void *sleep_payload;
	void (*trace)(const char *line, void *payload);
	void *trace_payload;
	uint64_t seed;
};

/* Every message and trace line of this client is made here: the secret never shows. */
PROMOTE_PRINTF(3, 0) static int scrubbed(char **out, const promote__api *api, const char *fmt, va_list ap)
{
	int rc = promote__strbuf_vformat(out, PROMOTE__MESSAGE_MAX, "an API error message", fmt, ap);
	size_t n = !rc && api->secret ? strlen(api->secret) : 0;
	for (char *p = n ? strstr(*out, api->secret) : NULL; p; p = strstr(p + 3, api->secret)) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
	return rc;
}

PROMOTE_PRINTF(3, 4) static int fail(const promote__api *api, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	int rc = scrubbed(&text, api, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = promote__error(code, PROMOTE_ERROR_CLASS_NET, "%s", text);
	free(text);
	return rc;
}

PROMOTE_PRINTF(2, 3) static void trace(const promote__api *api, const char *fmt, ...)
{
	if (!api->trace)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = NULL;
	if (scrubbed(&text, api, fmt, ap) == 0)
		api->trace(text, api->trace_payload);
	va_end(ap);
	free(text);
}

/* The error last set (by http.c) with `suffix`, through fail(). */
static int rewrap(const promote__api *api, int code, const char *suffix)
{
	if (code == PROMOTE_ENOMEM)
		return code;
	char *was = strdup(promote_error_last()->message);
	if (!was)
		return promote__error_oom();
	int rc = fail(api, code, "%s%s", was, suffix);
	free(was);
	return rc;
}

/* "scheme://host:port", lower case, with the scheme's default port; NULL for what is not an http(s) URL. */
static char *origin_of(const char *url, char **host_out)
{
	const promote__curl_api *api = promote__curl();
	if (!api)
		return NULL;
	CURLU *u = api->url();
	char *scheme = NULL, *host = NULL, *port = NULL, *out = NULL;
	if (u && api->url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		api->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		api->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		api->url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		(strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0)) {
		for (char *p = host; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		out = promote__strdupf("%s://%s:%s", scheme, host, port);
		if (host_out)
			*host_out = strdup(host);
	}
	api->free(scheme);
	api->free(host);
	api->free(port);
	api->url_cleanup(u);
	return out;
}

void promote__api_free(promote__api *api)
{
	if (!api)
		return;
	promote__http_client_free(api->http);
	free(api->base);
	free(api->origin);
	free(api->host);
	free(api->auth);
	free(api->secret);
	free(api->ca_bundle);
	free(api);
}

/* The value's last word: "Bearer T" → "T"; NULL (nothing to hide) when shorter than 4 bytes. */
static int secret_of(char **out, const char *header)
{
	const char *colon = strchr(header, ':');
	const char *end = header + strlen(header);
	while (end > colon + 1 && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	const char *word = end;
	while (word > colon + 1 && word[-1] != ' ' && word[-1] != '\t')
		word--;
	*out = NULL;
	if (end - word < 4)
		return 0;
	*out = strndup(word, (size_t)(end - word));
	return *out ? 0 : promote__error_oom();
}

int promote__api_new(promote__api **out, const promote__api_options *options)
{
	*out = NULL;
	if (!options || !options->base_url)
		return promote__error_arg("promote__api_new", "base_url");
	const char *h = options->auth_header;
	if (h && (!strchr(h, ':') || strchr(h, ':') == h || strpbrk(h, "\r\n")))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_NET,
			"an API's authentication header must read \"Name: value\" on one line");
	promote__api *api = calloc(1, sizeof *api);
	if (!api)
		return promote__error_oom();
	int rc = promote__http_client_new(&api->http);
	if (rc)
		goto fail;
	size_t n = strlen(options->base_url);
	while (n > 0 && options->base_url[n - 1] == '/')
		n--;
	const char *ca = options->ca_bundle ? options->ca_bundle : getenv("PROMOTE_CA_BUNDLE");
	if (!(api->base = strndup(options->base_url, n)) || (h && !(api->auth = strdup(h))) ||
		(ca && *ca && !(api->ca_bundle = strdup(ca)))) {
		rc = promote__error_oom();
		goto fail;
	}
	if (h && (rc = secret_of(&api->secret, h)) != 0)
		goto fail;
	if (api->ca_bundle && access(api->ca_bundle, R_OK) != 0) {
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_NET,
			"the CA bundle '%s'%s cannot be read: %s; give a PEM file of CA certificates", api->ca_bundle,
			options->ca_bundle ? "" : " ($PROMOTE_CA_BUNDLE)", strerror(errno));
		goto fail;
	}
	if (!promote__curl()) { /* its URL parser reads the base: a library missing, not a bad URL */
		rc = PROMOTE_ENET;
		goto fail;
	}
	if (!(api->origin = origin_of(api->base, &api->host)) || !api->host) {
		char *shown = promote__redact_url(api->base);
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_NET,
			"an API's base URL must be an http:// or https:// URL with a host, not '%s'", shown ? shown : "");
		free(shown);
		goto fail;
	}
	api->flavor = options->flavor;
	api->insecure = options->insecure;
	api->max_requests = options->max_requests ? options->max_requests : DEFAULT_MAX_REQUESTS;
	api->max_response = options->max_response;
	api->net_timeout_s = options->net_timeout_s;
	api->max_attempts = options->max_attempts ? options->max_attempts : DEFAULT_MAX_ATTEMPTS;
	api->max_wait_s = !options->max_wait_s ? DEFAULT_MAX_WAIT_S
		: options->max_wait_s > MAX_WAIT_S ? MAX_WAIT_S : options->max_wait_s;
	api->backoff_ms = options->backoff_ms ? options->backoff_ms : DEFAULT_BACKOFF_MS;
	api->sleep_ms = options->sleep_ms;
	api->sleep_payload = options->sleep_payload;
	api->trace = options->trace;
	api->trace_payload = options->trace_payload;
	api->seed = promote__backoff_seed(api);
	*out = api;
	return 0;
fail:
	promote__api_free(api);
	return rc;
}

void promote__api_reply_dispose(promote__api_reply *reply)
{
	if (!reply)
		return;
	json_object_put(reply->json);
	free(reply->next);
	free(reply->etag);
	memset(reply, 0, sizeof *reply);
}

static void pause_ms(promote__api *api, int64_t ms)
{
	if (api->sleep_ms) {
		api->sleep_ms((unsigned)ms, api->sleep_payload);
		return;
	}
	promote__sleep_ms(ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms);
}

/* The pause before attempt `attempt` + 1 without the server's word: backoff_ms doubled each time, half to all of it. */
static int64_t backoff_ms(promote__api *api, unsigned attempt)
{
	int64_t ms = (int64_t)api->backoff_ms << (attempt < 16 ? attempt - 1 : 15);
	if (ms > (int64_t)api->max_wait_s * 1000)
		ms = (int64_t)api->max_wait_s * 1000;
	return ms / 2 + (int64_t)(promote__backoff_random(&api->seed) % (uint32_t)(ms / 2 + 1));
}

/* The URL of `path`: below the base (the base itself for ""), or an absolute URL on the base's host. */
static int target_of(char **out, const promote__api *api, const char *path)
{
	*out = NULL;
	if (strncasecmp(path, "http://", 7) == 0 || strncasecmp(path, "https://", 8) == 0) {
		char *origin = origin_of(path, NULL);
		bool same = origin && strcmp(origin, api->origin) == 0;
		free(origin);
		if (!same)
			return fail(api, PROMOTE_EINVALID,
				"'%s' is not on the API's host %s: not sent there (the token is only for %s)", path,
				api->host, api->host);
		*out = strdup(path);
	} else {
		*out = promote__strdupf("%s%s%s", api->base, path[0] == '/' || !path[0] ? "" : "/", path);
	}
	return *out ? 0 : promote__error_oom();
}

static bool known_method(const char *method)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
	for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i]) == 0)
			return true;
	return false;
}

/* One call's state between its attempts. */
typedef struct call {
	promote__api *api;
	const char *method;
	const char *url;
	char *shown;    /* the URL redacted */
	bool post;
} call;

/* A 2xx or 304 answer: the reply's JSON. */
static int succeeded(const call *c, promote__api_reply *out, const promote__http_response *res)
{
	if (out->status == 304 || promote__api_parse_json(&out->json, &res->body, JSON_DEPTH))
		return 0;
	return fail(c->api, PROMOTE_ERROR,
		"%s %s: HTTP %ld answered with %s, not JSON (at most %d deep); is the base URL the API's "
		"(\"https://api.github.com\", \"https://HOST/api/v3\", \"https://HOST/api/v4\")?",
		c->method, c->shown, out->status, res->content_type[0] ? res->content_type : "no content type",
		JSON_DEPTH);
}

/* A rate limit's wait longer than the client takes. */
static int too_long(const call *c, const promote__api_reply *out, const promote__api_pause *p, const char *message)
{
	char when[PROMOTE__RFC3339_SIZE];
	promote__format_rfc3339(when, p->reset_at);
	return fail(c->api, PROMOTE_EBUSY,
		"%s %s: HTTP %ld%s%s: %s until %s (in %lld s), longer than the %u s this client waits: try again "
		"then", c->method, c->shown, out->status, message ? ": " : "", message ? message : "",
		p->rate_limit ? "rate limited" : "the server asks to wait", when, (long long)(p->wait_ms / 1000),
		c->api->max_wait_s);
}

/* A refusal that is not retried, or the last of the attempts. */
static int refused(const call *c, const promote__api_reply *out, const promote__api_pause *p, const char *message,
	unsigned attempts)
{
	const char *advice = "";
	int code = promote__api_status_code(out->status, &advice);
	const char *m = message ? message : "";
	if (p->retry && c->post && !p->refused)
		return fail(c->api, PROMOTE_ENET,
			"%s %s: HTTP %ld%s%s; not sent again: the server may have acted on it (read the state "
			"before trying again)", c->method, c->shown, out->status, *m ? ": " : "", m);
	if (p->retry)
		return fail(c->api, PROMOTE_ENET,
			"%s %s: HTTP %ld%s%s; gave up after %u attempt%s: the server is failing or overloaded, try "
			"again later", c->method, c->shown, out->status, *m ? ": " : "", m, attempts, attempts == 1 ? "" : "s");
	return fail(c->api, code, "%s %s: HTTP %ld%s%s%s%s", c->method, c->shown, out->status, *m ? ": " : "", m,
		*advice ? "; " : "", advice);
}

/* No answer (connection, TLS, the network's bound): whether to try again. */
static int unanswered(const call *c, int rc, const promote__http_response *res, unsigned attempt, bool *again)
{
	*again = false;
	if (rc == PROMOTE_ELIMIT) {
		char *why = strdup(promote_error_last()->message);
		rc = why ? fail(c->api, rc, "%s %s", c->method, why) : promote__error_oom();
		free(why);
		return rc;
	}
	if (rc == PROMOTE_ENOMEM)
		return rc;
	if (res->tls_failed) {
		char *why = strdup(promote_error_last()->message);
		rc = fail(c->api, PROMOTE_ENET,
			"%s; the TLS certificate of %s is not trusted: give the CA that signed it as a PEM file "
			"(PROMOTE_CA_BUNDLE=FILE)", why ? why : "TLS failed", c->api->host);
		free(why);
		return rc;
	}
	if (c->post && res->request_sent)
		return rewrap(c->api, rc,
			"; not sent again: the server may have acted on it (read the state before trying again)");
	if (attempt >= c->api->max_attempts) {
		char suffix[64];
		snprintf(suffix, sizeof suffix, "; gave up after %u attempt%s", attempt, attempt == 1 ? "" : "s");
		return rewrap(c->api, rc, suffix);
	}
	*again = true;
	return rc;
}

/* A redirection is not followed (the authentication header is for the base URL's host only): the
 * message says where it points. 0, or PROMOTE_ENOMEM. */
static int redirected(const call *c, const promote__http_response *res, char **message)
{
	char *location = promote__http_header(res, "Location");
	char *shown = location ? promote__redact_url(location) : NULL;
	char *m = promote__strdupf("%s%sredirected to %s, not followed: the token is only sent to %s; use the URL it "
				   "names", *message ? *message : "", *message ? ": " : "",
		shown ? shown : "an unnamed place", c->api->host);
	free(shown);
	free(location);
	if (!m)
		return PROMOTE_ENOMEM;
	free(*message);
	*message = m;
	return 0;
}

static int attempt_once(call *c, promote__api_reply *out, const promote__http_request *req, unsigned attempt,
	int64_t *wait_ms)
{
	promote__api *api = c->api;
	*wait_ms = -1;
	if (api->used >= api->max_requests)
		return fail(api, PROMOTE_ELIMIT,
			"%s %s: this client's budget of %u request%s to %s is spent; not sending more, so that one run "
			"cannot use up the token's quota", c->method, c->shown, api->max_requests,
			api->max_requests == 1 ? "" : "s", api->host);
	api->used++;
	promote__http_response res;
	int rc = promote__http_run(api->http, &res, req);
	if (rc) {
		bool again = false;
		rc = unanswered(c, rc, &res, attempt, &again);
		if (again)
			*wait_ms = backoff_ms(api, attempt);
		return rc;
	}
	out->status = res.status;
	char *link = promote__http_header(&res, "Link");
	out->next = promote__link_next(link);
	free(link);
	out->etag = promote__http_header(&res, "ETag");
	if ((res.status >= 200 && res.status < 300) || res.status == 304) {
		rc = succeeded(c, out, &res);
		promote__http_response_dispose(&res);
		return rc;
	}
	if (!promote__api_parse_json(&out->json, &res.body, JSON_DEPTH))
		out->json = NULL;
	char *message = promote__api_message(out->json, out->json ? NULL : res.body.ptr, res.body.size);
	if (res.status >= 300 && res.status < 400 && (rc = redirected(c, &res, &message)) != 0) {
		promote__http_response_dispose(&res);
		return rc;
	}
	promote__api_pause p;
	promote__api_pause_of(&p, api->flavor == PROMOTE__API_GITHUB || api->flavor == PROMOTE__API_GENERIC,
		api->flavor == PROMOTE__API_GITLAB || api->flavor == PROMOTE__API_GENERIC, res.status, &res, message, (int64_t)time(NULL));
	promote__http_response_dispose(&res);
	if (p.retry && p.wait_ms > (int64_t)api->max_wait_s * 1000)
		rc = too_long(c, out, &p, message);
	else if (p.retry && (!c->post || p.refused) && attempt < api->max_attempts)
		*wait_ms = p.wait_ms >= 0 ? p.wait_ms : backoff_ms(api, attempt);
	else
		rc = refused(c, out, &p, message, attempt);
	free(message);
	/* Not retried: the error stands. Retried: rc is 0 and the caller pauses. */
	return *wait_ms >= 0 ? -1 : rc;
}

/* A call, with `if_none_match` (an ETag, or NULL) asked for. */
static int call_with(promote__api *api, promote__api_reply *out, const char *method, const char *path,
	json_object *body, const char *if_none_match)
{
	memset(out, 0, sizeof *out);
	if (!api)
		return promote__error_arg("promote__api_call", "api");
	if (!known_method(method))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_NET,
			"an API call's method must be GET, POST, PUT, PATCH or DELETE, not '%s'", method ? method : "");
	if (!path)
		return promote__error_arg("promote__api_call", "path");
	char *url = NULL;
	int rc = target_of(&url, api, path);
	if (rc)
		return rc;
	call c = { api, method, url, promote__redact_url(url), strcmp(method, "POST") == 0 };
	const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
				: NULL;
	char *condition = NULL;
	if (!c.shown || (body && !text)) {
		rc = promote__error_oom();
		goto done;
	}
	condition = if_none_match ? promote__strdupf("If-None-Match: %s", if_none_match) : NULL;
	if (if_none_match && !condition) {
		rc = PROMOTE_ENOMEM;
		goto done;
	}
	const char *headers[7];
	size_t n = 0;
	if (condition)
		headers[n++] = condition;
	if (api->auth)
		headers[n++] = api->auth;
	headers[n++] = api->flavor == PROMOTE__API_GITHUB ? "Accept: application/vnd.github+json" : "Accept: application/json";
	if (api->flavor == PROMOTE__API_GITHUB)
		headers[n++] = "X-GitHub-Api-Version: 2022-11-28";
	if (text)
		headers[n++] = "Content-Type: application/json";
	headers[n++] = "Expect:"; /* no 100-continue round trip before a body */
	headers[n] = NULL;
	promote__http_request req = { method, url, headers, text, text ? strlen(text) : 0, NULL, NULL, api->insecure,
		api->max_response, 0, api->net_timeout_s, api->ca_bundle, USER_AGENT, c.post };
	for (unsigned attempt = 1;; attempt++) {
		int64_t wait = -1;
		rc = attempt_once(&c, out, &req, attempt, &wait);
		char again[48] = "";
		if (wait >= 0)
			snprintf(again, sizeof again, "; again in %lld ms", (long long)wait);
		if (out->status)
			trace(api, "%s %s: HTTP %ld, attempt %u of %u%s", method, c.shown, out->status, attempt,
				api->max_attempts, again);
		else
			trace(api, "%s, attempt %u of %u%s", promote_error_last()->message, attempt, api->max_attempts, again);
		if (wait < 0)
			break;
		promote__api_reply_dispose(out);
		pause_ms(api, wait);
	}
done:
	free(condition);
	free(c.shown);
	free(url);
	return rc;
}

int promote__api_call(promote__api *api, promote__api_reply *out, const char *method, const char *path,
	json_object *body)
{
	return call_with(api, out, method, path, body, NULL);
}

int promote__api_get_if_changed(promote__api *api, promote__api_reply *out, const char *path, const char *etag)
{
	if (etag && strpbrk(etag, "\r\n")) {
		memset(out, 0, sizeof *out);
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_NET, "an ETag must be one line");
	}
	return call_with(api, out, "GET", path, NULL, etag && *etag ? etag : NULL);
}

promote__api_class promote__api_classify(long status, int rc)
{
	if (rc == PROMOTE_EBUSY || status == 405 || status == 425)
		return PROMOTE__API_NOT_READY;
	if (rc == PROMOTE_ENET || rc == PROMOTE_ETIMEOUT || status == 429 || status == 500 || status == 502 ||
		status == 503 || status == 504)
		return PROMOTE__API_TRANSIENT;
	return PROMOTE__API_PERMANENT;
}

int promote__api_call_json(promote__api *api, json_object **out, long *status, const char *method, const char *path,
	json_object *body)
{
	promote__api_reply reply = { 0, NULL, NULL, NULL };
	int rc = promote__api_call(api, &reply, method, path, body);
	*out = rc == 0 ? reply.json : NULL;
	if (rc == 0)
		reply.json = NULL;
	if (status)
		*status = reply.status;
	promote__api_reply_dispose(&reply);
	return rc;
}
