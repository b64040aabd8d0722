/* The web view's HTTP server on libmicrohttpd (web_server.h; the pages: web_pages.h). */
#include "web_server.h"

#include "cli.h"
#include "web_deadline.h"
#include "web_hooks.h"
#include "web_mhd.h"
#include "web_pages.h"
#include "web_url.h"

#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The bounds (doc/WEB.md#bounds). A request's line and headers must fit in its connection's memory (else
 * libmicrohttpd answers 414 or 431); a connection idle this long is closed. */
#define MAX_CONNECTIONS 32
#define MAX_CONNECTIONS_PER_IP 16
#define CONNECTION_MEMORY (32 * 1024)
#define CONNECTION_TIMEOUT_S 10
/* A request, from the connection's first byte (or the answer before it) to its answer sent, takes at most
 * this long, however it trickles (web_deadline.h). */
#define REQUEST_TIME_S 20

/* Nothing from elsewhere: no script at all, styles and images from this server only, no frames, forms
 * submitted here only. */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; " \
	"frame-ancestors 'none'"

struct web_server {
	struct MHD_Daemon *daemon;
};

/* libmicrohttpd, loaded by web_server_start() before its daemon calls anything here. */
static const web_mhd_api *mhd;

static const char *query(void *connection, const char *name)
{
	return mhd->lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, name);
}

/* Answer `body` with the headers every answer carries; a 405 allows `allow`. */
static enum MHD_Result respond_allowing(struct MHD_Connection *connection, int status, const char *type,
	const char *body, size_t size, bool cacheable, const char *allow)
{
	struct MHD_Response *response = mhd->create_response_from_buffer(size, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!response)
		return MHD_NO;
	mhd->add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	mhd->add_response_header(response, "Content-Security-Policy", CSP);
	mhd->add_response_header(response, "X-Content-Type-Options", "nosniff");
	mhd->add_response_header(response, "X-Frame-Options", "DENY");
	mhd->add_response_header(response, "Referrer-Policy", "no-referrer");
	mhd->add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, cacheable ? "max-age=300" : "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd->add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		mhd->add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, "5");
	enum MHD_Result rc = mhd->queue_response(connection, (unsigned)status, response);
	mhd->destroy_response(response);
	return rc;
}

static enum MHD_Result respond(struct MHD_Connection *connection, int status, const char *type, const char *body,
	size_t size, bool cacheable)
{
	return respond_allowing(connection, status, type, body, size, cacheable, "GET, HEAD");
}

static enum MHD_Result send_page(struct MHD_Connection *connection, int status, web_buf *page)
{
	enum MHD_Result rc = page->failed
		? respond(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", "out of memory\n", 14, false)
		: respond(connection, status, "text/html; charset=utf-8", page->ptr ? page->ptr : "", page->size, false);
	web_buf_dispose(page);
	return rc;
}

/* The paths served, and what each is. */
enum route { NONE, STATUS, RELEASES, RELEASE, STYLE, METRICS, API_STATUS, API_RELEASES, API_RELEASE };

/* `id` gets the release of /releases/ID and /api/v1/releases/ID: one segment, not empty. */
static enum route route(const char *url, const char **id)
{
	static const struct { const char *path; enum route route; } fixed[] = {
		{ "/", STATUS }, { "/releases", RELEASES }, { "/style.css", STYLE }, { "/metrics", METRICS },
		{ "/api/v1/status", API_STATUS }, { "/api/v1/releases", API_RELEASES },
	};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		if (strcmp(url, fixed[i].path) == 0)
			return fixed[i].route;
	static const struct { const char *prefix; enum route route; } under[] = {
		{ "/releases/", RELEASE }, { "/api/v1/releases/", API_RELEASE },
	};
	for (size_t i = 0; i < sizeof under / sizeof *under; i++) {
		size_t n = strlen(under[i].prefix);
		if (strncmp(url, under[i].prefix, n) == 0 && url[n] && !strchr(url + n, '/')) {
			*id = url + n;
			return under[i].route;
		}
	}
	return NONE;
}

static enum MHD_Result send_json(struct MHD_Connection *connection, int status, const char *text)
{
	return respond(connection, status, "application/json", text, strlen(text), false);
}

static enum MHD_Result answer_json(struct MHD_Connection *connection, enum route r, const web_snapshot *s,
	const char *id)
{
	if (r == API_STATUS)
		return send_json(connection, MHD_HTTP_OK, s->status_text);
	if (r == API_RELEASES)
		return send_json(connection, MHD_HTTP_OK, s->releases_text);
	long at = web_snapshot_find(s, id);
	if (at >= 0)
		return send_json(connection, MHD_HTTP_OK, s->release_texts[at]);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string("no such release"));
	json_object_object_add(o, "release", json_object_new_string(id));
	enum MHD_Result rc = send_json(connection, MHD_HTTP_NOT_FOUND, cli_json_text(o));
	json_object_put(o);
	return rc;
}

/* ---- webhooks (web_hooks.h): POST only, the body read up to its bound, then verified ---- */

/* A delivery's body as it arrives. */
typedef struct hook_body {
	char *ptr;
	size_t size;
} hook_body;

static const char *header(void *connection, const char *name)
{
	return mhd->lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

static enum MHD_Result hook_answer(struct MHD_Connection *connection, web_hook_forge forge, int status,
	const char *reason)
{
	web_hook_count(forge, status);
	char text[512];
	int n = snprintf(text, sizeof text, "%s\n", reason);
	return respond_allowing(connection, status, "text/plain; charset=utf-8", status == MHD_HTTP_NO_CONTENT ? "" : text,
		status == MHD_HTTP_NO_CONTENT || n < 0 ? 0 : (size_t)n, false, "POST");
}

static enum MHD_Result answer_hook(struct MHD_Connection *connection, web_hook_forge forge, const char *method,
	const char *data, size_t *data_size, void **state)
{
	hook_body *body = *state;
	if (!body) {
		/* The first call, before any body: refuse what needs none read. */
		if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
			return hook_answer(connection, forge, MHD_HTTP_METHOD_NOT_ALLOWED, "webhooks are delivered with POST");
		const char *length = header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > WEB_HOOK_MAX_BODY)
			return hook_answer(connection, forge, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than 1 MiB");
		if (!(*state = calloc(1, sizeof *body)))
			return MHD_NO;
		return MHD_YES;
	}
	if (*data_size) {
		/* A body sent without its length (chunked) is refused as soon as it passes the bound. */
		size_t n = *data_size;
		*data_size = 0;
		if (n > WEB_HOOK_MAX_BODY - body->size)
			return hook_answer(connection, forge, MHD_HTTP_CONTENT_TOO_LARGE, "the body is larger than 1 MiB");
		char *grown = realloc(body->ptr, body->size + n);
		if (!grown)
			return MHD_NO;
		memcpy(grown + body->size, data, n);
		body->ptr = grown;
		body->size += n;
		return MHD_YES;
	}
	const char *reason = "";
	int status = web_hook_deliver(forge, header, connection, body->ptr ? body->ptr : "", body->size,
		cli_now(), &reason);
	return hook_answer(connection, forge, status, reason);
}

/* The state of a request without a body, between its first call and its last (answer()). */
static char whole;

static void completed(void *cls, struct MHD_Connection *connection, void **state, enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)why;
	const union MHD_ConnectionInfo *info = mhd->get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (info)
		web_deadline_answered(info->socket_context);
	hook_body *body = *state == &whole ? NULL : *state;
	if (body)
		free(body->ptr);
	free(body);
	*state = NULL;
}

/* A connection opens (tracked against REQUEST_TIME_S) or closes (before its socket is). */
static void connection_event(void *cls, struct MHD_Connection *connection, void **socket_context,
	enum MHD_ConnectionNotificationCode what)
{
	(void)cls;
	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info = mhd->get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = info ? web_deadline_open(info->connect_fd) : NULL;
	} else {
		web_deadline_close(*socket_context);
		*socket_context = NULL;
	}
}

/* Whether the request says a body follows (a length other than 0, or chunks). */
static bool announces_body(struct MHD_Connection *connection)
{
	const char *length = header(connection, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return (length && strcmp(length, "0") != 0) || header(connection, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* Counts the request's Content-Length headers: more than one (a request that two servers may split
 * differently) is refused. */
static enum MHD_Result count_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind, (void)value;
	*(unsigned *)cls += strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0;
	return MHD_YES;
}

static size_t unescape(void *cls, struct MHD_Connection *connection, char *s)
{
	(void)cls, (void)connection;
	return web_url_unescape(s);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	(void)cls;
	unsigned lengths = 0;
	if (!*state) {
		/* (libmicrohttpd's strict mode refuses a missing Host too, but 0.9.75 sends that answer's headers
		 * twice.) */
		if (strcmp(version, MHD_HTTP_VERSION_1_1) == 0 && !header(connection, MHD_HTTP_HEADER_HOST))
			return respond(connection, MHD_HTTP_BAD_REQUEST, "text/plain; charset=utf-8",
				"an HTTP/1.1 request names its Host\n", 35, false);
		mhd->get_connection_values(connection, MHD_HEADER_KIND, count_length, &lengths);
		if (lengths > 1)
			return respond(connection, MHD_HTTP_BAD_REQUEST, "text/plain; charset=utf-8",
				"more than one Content-Length\n", 29, false);
	}
	int forge = web_hook_forge_of(url);
	if (forge >= 0)
		return answer_hook(connection, (web_hook_forge)forge, method, upload_data, upload_data_size, state);
	const char *id = NULL;
	enum route r = route(url, &id);
	web_buf page = WEB_BUF_INIT;
	bool api = r == API_STATUS || r == API_RELEASES || r == API_RELEASE;
	/* No request here has a body: one that announces one is answered at its first call, before the body is
	 * read (and its connection closed); one that does not at its last, so that its connection may serve the
	 * next (keep-alive, pipelining). */
	if (!*state && !announces_body(connection)) {
		*state = &whole;
		return MHD_YES;
	}
	*upload_data_size = 0;
	if (r == NONE)
		return send_page(connection, web_page_error(&page, MHD_HTTP_NOT_FOUND, "Not found",
			"Nothing is served at this address."), &page);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return send_page(connection, web_page_error(&page, MHD_HTTP_METHOD_NOT_ALLOWED, "Method not allowed",
			"This view is read-only: only GET and HEAD are answered."), &page);
	if (r == STYLE)
		return respond(connection, MHD_HTTP_OK, "text/css; charset=utf-8", web_stylesheet, strlen(web_stylesheet), true);
	web_snapshot *s = web_snapshot_acquire();
	enum MHD_Result rc;
	web_request req = { query, connection };
	/* /metrics counts the passes and transfers also when the last pass could not read the repository. */
	if (!s || (s->error && r != METRICS)) {
		if (api)
			rc = send_json(connection, MHD_HTTP_SERVICE_UNAVAILABLE, s ? "{\"error\":\"the repository could not be "
				"read by the watcher's last pass\"}\n" : "{\"error\":\"the watcher has not read the repository yet\"}\n");
		else
			rc = send_page(connection, web_page_unavailable(&page, s), &page);
	} else if (api) {
		rc = answer_json(connection, r, s, id);
	} else if (r == METRICS) {
		web_page_metrics(&page, s);
		rc = page.failed ? MHD_NO : respond(connection, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
			page.ptr ? page.ptr : "", page.size, false);
		web_buf_dispose(&page);
	} else {
		int status = r == STATUS ? web_page_status(&page, s, &req)
			: r == RELEASES ? web_page_releases(&page, s, &req)
			: web_page_release(&page, s, id);
		rc = send_page(connection, status, &page);
	}
	web_snapshot_release(s);
	return rc;
}

int web_server_start(web_server **out, const web_listen *where, const char *text, const promote_context *ctx, char *url,
	size_t url_size)
{
	*out = NULL;
	char why[640];
	if (!mhd && !(mhd = web_mhd(why, sizeof why))) {
		fprintf(stderr, "promote: cannot serve the web view: %s\n", why);
		return EXIT_FAILED;
	}
	web_server *server = calloc(1, sizeof *server);
	if (!server)
		return EXIT_FAILED;
	/* The server's thread inherits the signal mask: the watcher's signals are taken by the main thread. */
	sigset_t block, saved;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	web_hooks_init(ctx);
	if (web_deadline_start(REQUEST_TIME_S, 2 * MAX_CONNECTIONS) != 0) {
		pthread_sigmask(SIG_SETMASK, &saved, NULL);
		fprintf(stderr, "promote: cannot start the web view's thread that bounds requests' time\n");
		free(server);
		return EXIT_FAILED;
	}
	server->daemon = mhd->start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | (where->ipv6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
		answer, NULL,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&where->addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS_PER_IP,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, connection_event, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (!server->daemon) {
		web_deadline_stop();
		fprintf(stderr, "promote: cannot serve the web view on %s (the address is in use, or not this machine's): "
			"give --listen another\n", text);
		free(server);
		return EXIT_FAILED;
	}
	const union MHD_DaemonInfo *info = mhd->get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(url, url_size, "http://%s:%u/", where->host, info ? (unsigned)info->port : 0u);
	*out = server;
	return 0;
}

void web_server_stop(web_server *server)
{
	if (!server)
		return;
	mhd->stop_daemon(server->daemon);
	web_deadline_stop();
	free(server);
	web_snapshot_clear();
}
