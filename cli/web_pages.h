/*
 * The web view's pages (promote watch --listen; doc/WEB.md), made from a snapshot of the watcher's last pass:
 * web_page_status.c (/), web_page_releases.c (/releases), web_page_release.c (/releases/ID), web_metrics.c (/metrics); the frame every
 * page shares and the words for states in web_pages.c. Each returns the HTTP status of the page it made.
 */
#ifndef PROMOTE_CLI_WEB_PAGES_H
#define PROMOTE_CLI_WEB_PAGES_H

#include "web_html.h"
#include "web_snapshot.h"

#include <stdbool.h>

/* The query of a request: the value of `name`, or NULL. */
typedef const char *(*web_query_fn)(void *request, const char *name);

typedef struct web_request {
	web_query_fn query;
	void *payload;
} web_request;

int web_page_status(web_buf *out, const web_snapshot *s, const web_request *req);
int web_page_releases(web_buf *out, const web_snapshot *s, const web_request *req);
int web_page_release(web_buf *out, const web_snapshot *s, const char *id);
/* /metrics: the snapshot counted, in Prometheus's text format (web_metrics.c). */
int web_page_metrics(web_buf *out, const web_snapshot *s);
/* Any page when the snapshot is missing (503) or could not be taken (503, with why). */
int web_page_unavailable(web_buf *out, const web_snapshot *s);
/* 404, 405: a page saying so. */
int web_page_error(web_buf *out, int status, const char *title, const char *detail);

/* The stylesheet (/style.css). */
extern const char web_stylesheet[];

/* ---- shared by the pages (web_pages.c) ---- */

/* The frame: <head> (title, stylesheet, a refresh every `refresh` seconds when > 0), the navigation, <main>,
 * the <h1>; web_page_end() closes it with when the snapshot was taken. */
void web_page_begin(web_buf *out, const char *title, const char *current, int refresh);
void web_page_end(web_buf *out, const web_snapshot *s);

/* Reading the snapshot's JSON: a member, or NULL; a string member, or "" (missing, null, not a string). */
json_object *web_json_get(json_object *o, const char *key);
const char *web_json_str(json_object *o, const char *key);

/* A time of the JSON ("2026-12-05T04:26:32Z") as <time datetime=...>2026-12-05 04:26:32 UTC</time>; "-"
 * when empty. */
void web_html_time(web_buf *out, const char *rfc3339);

/* "3m 12s" between two times of the JSON, into `out` ("" when either is missing). */
void web_duration(char *out, size_t size, const char *from, const char *to);

/* A state (a release's or a step's) as a badge: <span class="state state-STATE">words</span>. */
void web_html_state(web_buf *out, const char *state);

/* Each object of `array`, `sep` between them: its `key` as text, `middle`, its `key2` shown by `show`
 * ("qa <state>, prod <state>"; "alice at <time>; bob at <time>"). */
void web_html_list(web_buf *out, json_object *array, const char *sep, const char *key, const char *middle,
	const char *key2, void (*show)(web_buf *out, const char *value));

/* A <select> of a filter form with its <label>: every distinct value (sorted), "all" first. */
void web_html_select(web_buf *out, const char *name, const char *label, const char *const *values, size_t count,
	const char *chosen);

#endif
