/* HTTP requests with libcurl. */
#include "http.h"
#include "bound.h"
#include "redact.h"

#include "core/buf.h"
#include "core/error.h"
#include "net/curl_api.h"
#include "net/global_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_RESPONSE (16u * 1024 * 1024)
#define DEFAULT_TIMEOUT_S 300L
#define MAX_HEADERS (64u * 1024)

typedef struct sink {
	promote_buf *body;
	promote_buf *headers;
	size_t max;
	bool too_big;
	bool oom;
} sink;

static size_t on_data(char *data, size_t size, size_t count, void *payload)
{
	sink *s = payload;
	size_t n = size * count;
	if (s->body->size + n > s->max) {
		s->too_big = true;
		return 0; /* stops the transfer */
	}
	if (promote__buf_put(s->body, data, n) != 0) {
		s->oom = true;
		return 0;
	}
	return n;
}

/* The header lines of the final answer: those of an interim one (100 Continue) are dropped. */
static size_t on_header(char *data, size_t size, size_t count, void *payload)
{
	sink *s = payload;
	size_t n = size * count;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0)
		promote__buf_clear(s->headers);
	if (s->headers->size + n > MAX_HEADERS) {
		s->too_big = true;
		return 0;
	}
	if (promote__buf_put(s->headers, data, n) != 0) {
		s->oom = true;
		return 0;
	}
	return n;
}

/* Whether a timeout was the network's bound, not the whole transfer's `limit_s`. */
static bool stalled(const promote__curl_api *api, CURL *curl, long limit_s)
{
	curl_off_t total = 0;
	api->easy_getinfo(curl, CURLINFO_TOTAL_TIME_T, &total);
	return total < (curl_off_t)limit_s * 1000000;
}

/* The host of `url`, for a message; NULL when out of memory. */
static char *url_host(const promote__curl_api *api, const char *url)
{
	CURLU *u = api->url();
	char *host = NULL;
	if (u && api->url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK)
		api->url_get(u, CURLUPART_HOST, &host, 0);
	char *out = strdup(host ? host : "the server");
	api->free(host);
	api->url_cleanup(u);
	return out;
}

struct promote__http_client {
	const promote__curl_api *api;
	CURL *curl;
};

int promote__http_client_new(promote__http_client **out)
{
	*out = NULL;
	int rc = promote__need_curl();
	if (rc)
		return rc;
	promote__http_client *client = calloc(1, sizeof *client);
	if (client)
		client->api = promote__curl(); /* loaded: libcurl was started */
	if (!client || !(client->curl = client->api->easy_init())) {
		free(client);
		return promote__error_oom();
	}
	*out = client;
	return 0;
}

void promote__http_client_free(promote__http_client *client)
{
	if (client) {
		client->api->easy_cleanup(client->curl);
		free(client);
	}
}

int promote__http_run(promote__http_client *client, promote__http_response *out, const promote__http_request *req)
{
	memset(out, 0, sizeof *out);
	int rc = 0;
	const promote__curl_api *api = client->api;
	CURL *curl = client->curl;
	/* Options of the previous request go; its connections stay. */
	api->easy_reset(curl);
	sink s = { &out->body, &out->headers, req->max_response ? req->max_response : DEFAULT_MAX_RESPONSE, false,
		false };
	struct curl_slist *headers = NULL;
	for (size_t i = 0; req->headers && req->headers[i]; i++) {
		struct curl_slist *more = api->slist_append(headers, req->headers[i]);
		if (!more) {
			api->slist_free_all(headers);
			return promote__error_oom();
		}
		headers = more;
	}
	char error[CURL_ERROR_SIZE] = "";
	api->easy_setopt(curl, CURLOPT_URL, req->url);
	api->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	api->easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
	api->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	api->easy_setopt(curl, CURLOPT_WRITEDATA, &s);
	api->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	api->easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	api->easy_setopt(curl, CURLOPT_HEADERDATA, &s);
	api->easy_setopt(curl, CURLOPT_USERAGENT, req->user_agent ? req->user_agent : "git/2.0 (libpromote)");
	api->easy_setopt(curl, CURLOPT_TIMEOUT, req->timeout_s ? req->timeout_s : DEFAULT_TIMEOUT_S);
	/* A server that accepts and then says nothing ends after the bound, as one that never accepts. */
	unsigned bound = promote__net_timeout_s(req->net_timeout_s);
	api->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, (long)bound);
	api->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	api->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (long)bound);
	api->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	api->easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
	/* Never CURLOPT_PROXY or CURLOPT_NOPROXY: libcurl reads http_proxy, https_proxy and no_proxy itself. */
	if (req->fresh_connection)
		api->easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
	if (req->ca_bundle)
		api->easy_setopt(curl, CURLOPT_CAINFO, req->ca_bundle);
	if (req->insecure) {
		api->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		api->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (req->user && req->password) {
		api->easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		api->easy_setopt(curl, CURLOPT_USERNAME, req->user);
		api->easy_setopt(curl, CURLOPT_PASSWORD, req->password);
	}
	if (strcmp(req->method, "GET") != 0 && (req->body || strcmp(req->method, "DELETE") != 0)) {
		api->easy_setopt(curl, CURLOPT_POST, 1L);
		api->easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		api->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_size : 0));
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0)
		api->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
	CURLcode cc = api->easy_perform(curl);
	long sent = 0;
	api->easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &sent);
	bool request_sent = sent > 0;
	bool tls_failed = cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
		cc == CURLE_SSL_ISSUER_ERROR;
	const char *type = NULL;
	api->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	if (api->easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
		snprintf(out->content_type, sizeof out->content_type, "%s", type);
	if (s.oom) {
		rc = promote__error_oom();
	} else if (s.too_big) {
		char *shown = promote__redact_url(req->url);
		rc = promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_NET,
			"%s answered with more than %zu bytes; refusing the rest", shown ? shown : "the server", s.max);
		free(shown);
	} else if (cc == CURLE_OPERATION_TIMEDOUT && stalled(api, curl, req->timeout_s ? req->timeout_s : DEFAULT_TIMEOUT_S)) {
		curl_off_t connected = 0;
		api->easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connected);
		char *host = url_host(api, req->url);
		rc = host ? promote__net_timed_out(req->method, req->url, host,
				    connected > 0 ? PROMOTE__NET_NO_DATA : PROMOTE__NET_CONNECT, bound)
			  : promote__error_oom();
		free(host);
	} else if (cc != CURLE_OK) {
		char *shown = promote__redact_url(req->url);
		char *why = promote__redact_url(error[0] ? error : api->easy_strerror(cc));
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET, "%s %s: %s", req->method,
			shown ? shown : "the server", why ? why : "transfer failed");
		free(why);
		free(shown);
	}
	api->slist_free_all(headers);
	if (rc)
		promote__http_response_dispose(out);
	out->request_sent = request_sent;
	out->tls_failed = tls_failed;
	return rc;
}

void promote__http_response_dispose(promote__http_response *res)
{
	promote_buf_dispose(&res->body);
	promote_buf_dispose(&res->headers);
	res->status = 0;
}

char *promote__http_header(const promote__http_response *res, const char *name)
{
	size_t n = strlen(name);
	const char *p = res->headers.ptr, *end = p ? p + res->headers.size : NULL;
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		if ((size_t)(line_end - p) > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
			const char *v = p + n + 1;
			while (v < line_end && (*v == ' ' || *v == '\t'))
				v++;
			const char *e = line_end;
			while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				e--;
			return strndup(v, (size_t)(e - v));
		}
		p = eol ? eol + 1 : end;
	}
	return NULL;
}
