/* The web view's /releases/ID: a release's steps in waves, left to right, as `release status ID --json` has
 * them (web_pages.h). */
#include "web_pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* While the release can still move, the page reloads itself this often (seconds): no script needed. */
#define REFRESH_SECONDS 10

enum shown_as { TEXT, CODE, TIME };

/* A <dt>/<dd> pair: the value escaped (as text, as code — a link to `href` when there is one —, or a time
 * of the JSON), left out when empty. */
static void pair_link(web_buf *out, const char *term, const char *value, enum shown_as as, const char *href)
{
	if (!value || !*value)
		return;
	web_buf_addf(out, "<dt>%s</dt><dd>", term);
	if (href) {
		web_buf_add(out, "<a href=\"");
		web_html_text(out, href);
		web_buf_add(out, "\">");
	}
	web_buf_add(out, as == CODE ? "<code>" : "");
	if (as == TIME)
		web_html_time(out, value);
	else
		web_html_text(out, value);
	web_buf_addf(out, "%s%s</dd>", as == CODE ? "</code>" : "", href ? "</a>" : "");
}

static void pair_as(web_buf *out, const char *term, const char *value, enum shown_as as)
{
	pair_link(out, term, value, as, NULL);
}

/* A commit or a change, linked to its page on the forge when there is one. */
static void pair_forge(web_buf *out, const char *term, const char *value, const web_links *links, bool change)
{
	char href[1024];
	bool linked = change ? web_link_change(href, sizeof href, links, value) : web_link_commit(href, sizeof href, links, value);
	pair_link(out, term, value, CODE, linked ? href : NULL);
}

static void pair(web_buf *out, const char *term, const char *value) { pair_as(out, term, value, TEXT); }
static void pair_time(web_buf *out, const char *term, const char *value) { pair_as(out, term, value, TIME); }

/* The wave of each step: 0 for a step that depends on no step of the release, else one after the latest of
 * those it depends on. The steps come in the flow's order, but a few rounds make any order right. */
static size_t waves(json_object *steps, size_t n, size_t *wave)
{
	size_t top = 0;
	for (size_t round = 0; round < n; round++) {
		bool changed = false;
		for (size_t i = 0; i < n; i++) {
			json_object *deps = web_json_get(json_object_array_get_idx(steps, i), "depends_on");
			size_t w = 0;
			for (size_t d = 0; deps && d < json_object_array_length(deps); d++) {
				json_object *dep = json_object_array_get_idx(deps, d);
				const char *env = json_object_is_type(dep, json_type_string) ? json_object_get_string(dep) : "";
				for (size_t j = 0; j < n; j++)
					if (j != i && strcmp(web_json_str(json_object_array_get_idx(steps, j), "environment"), env) == 0 &&
						wave[j] + 1 > w && wave[j] < n)
						w = wave[j] + 1;
			}
			if (w != wave[i]) {
				wave[i] = w;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (wave[i] > top)
			top = wave[i];
	return n ? top + 1 : 0;
}

/* One check: its name and phase, its result, how long it took; under it, the end of its output. */
static void check_row(web_buf *out, json_object *check)
{
	json_object *done = web_json_get(check, "done"), *status = web_json_get(check, "status");
	int code = status ? json_object_get_int(status) : -1;
	web_buf_add(out, "<tr><th scope=\"row\">");
	web_html_text(out, web_json_str(check, "name"));
	web_buf_add(out, " <span class=\"phase\">(");
	web_html_text(out, web_json_str(check, "phase"));
	web_buf_add(out, ")</span></th><td>");
	if (!done || !json_object_get_boolean(done))
		web_buf_add(out, "<span class=\"state state-running\">running</span>");
	else if (code == 0)
		web_buf_add(out, "<span class=\"state state-succeeded\">exit status 0</span>");
	else if (code < 0)
		web_buf_add(out, "<span class=\"state state-failed\">stopped at its timeout</span>");
	else
		web_buf_addf(out, "<span class=\"state state-failed\">exit status %d</span>", code);
	char took[32];
	web_duration(took, sizeof took, web_json_str(check, "started"), web_json_str(check, "finished"));
	web_buf_add(out, "</td><td>");
	web_html_time(out, web_json_str(check, "started"));
	web_buf_addf(out, "%s%s</td></tr>\n", *took ? ", took " : "", took);
	if (*web_json_str(check, "output")) {
		web_buf_add(out, "<tr><td colspan=\"3\"><pre>");
		web_html_text(out, web_json_str(check, "output"));
		web_buf_add(out, "</pre></td></tr>\n");
	}
}

static void checks(web_buf *out, json_object *step, size_t k)
{
	json_object *list = web_json_get(step, "checks");
	size_t n = list ? json_object_array_length(list) : 0;
	if (!n)
		return;
	web_buf_addf(out, "<table class=\"checks\" aria-describedby=\"step-%zu\"><caption>Checks (each output: its end)"
		"</caption>\n<thead><tr><th scope=\"col\">Check</th><th scope=\"col\">Result</th>"
		"<th scope=\"col\">Started</th></tr></thead>\n<tbody>\n", k);
	for (size_t i = 0; i < n; i++)
		check_row(out, json_object_array_get_idx(list, i));
	web_buf_add(out, "</tbody></table>\n");
}

static void approvals(web_buf *out, json_object *step)
{
	json_object *list = web_json_get(step, "approvals");
	if (!list || !json_object_array_length(list))
		return;
	web_buf_add(out, "<dt>Approved</dt><dd>");
	web_html_list(out, list, "; ", "by", " at ", "at", web_html_time);
	web_buf_add(out, "</dd>");
}

static void step_html(web_buf *out, json_object *step, size_t k, const web_links *links)
{
	json_object *attempts = web_json_get(step, "attempts");
	char took[32], text[64];
	const char *state = web_json_str(step, "state");
	web_buf_addf(out, "<section class=\"step\" aria-labelledby=\"step-%zu\"><h4 id=\"step-%zu\">", k, k);
	web_html_text(out, web_json_str(step, "environment"));
	web_buf_add(out, "</h4>\n<dl>");
	web_buf_add(out, "<dt>State</dt><dd>");
	web_html_state(out, state);
	web_buf_add(out, "</dd>");
	pair(out, "Reason", web_json_str(step, "reason"));
	pair(out, "Gate", web_json_str(step, "gate"));
	pair(out, "From", web_json_str(step, "from"));
	snprintf(text, sizeof text, "%s, %s", web_json_str(step, "strategy"), web_json_str(step, "action"));
	pair(out, "Strategy", text);
	snprintf(text, sizeof text, "%d", attempts ? json_object_get_int(attempts) : 0);
	pair(out, "Attempts", text);
	pair_time(out, "Started", web_json_str(step, "started"));
	pair_time(out, "Finished", web_json_str(step, "finished"));
	web_duration(took, sizeof took, web_json_str(step, "started"), web_json_str(step, "finished"));
	pair(out, "Took", took);
	pair_forge(out, "Commit", web_json_str(step, "commit"), links, false);
	pair_forge(out, "Change", web_json_str(step, "change"), links, true);
	pair_forge(out, "Merged as", web_json_str(step, "merge_commit"), links, false);
	approvals(out, step);
	pair(out, "Deploy", web_json_str(step, "deploy"));
	pair(out, "Error", web_json_str(step, "error"));
	pair_time(out, "Next attempt", web_json_str(step, "next_attempt"));
	web_buf_add(out, "</dl>\n");
	checks(out, step, k);
	web_buf_add(out, "</section>\n");
}

static void summary(web_buf *out, json_object *r, const web_links *links)
{
	json_object *trigger = web_json_get(r, "trigger");
	web_buf_add(out, "<dl class=\"summary\">");
	pair(out, "Product", *web_json_str(r, "product") ? web_json_str(r, "product") : "(sync)");
	pair(out, "Version", web_json_str(r, "version"));
	pair(out, "Flow", web_json_str(r, "flow"));
	web_buf_add(out, "<dt>State</dt><dd>");
	web_html_state(out, web_json_str(r, "state"));
	web_buf_add(out, "</dd>");
	pair(out, "Reason", web_json_str(r, "reason"));
	pair(out, "Trigger", web_json_str(trigger, "environment"));
	pair_forge(out, "Trigger commit", web_json_str(trigger, "commit"), links, false);
	pair(out, "Forced", web_json_str(r, "forced"));
	pair_time(out, "Created", web_json_str(r, "created"));
	pair_time(out, "Updated", web_json_str(r, "updated"));
	pair_time(out, "Finished", web_json_str(r, "finished"));
	web_buf_add(out, "</dl>\n");
}

/* What was sent of its events (notifications: of promote.yaml), as its record keeps it. */
static void notifications(web_buf *out, json_object *r)
{
	json_object *list = web_json_get(r, "notifications");
	size_t n = list ? json_object_array_length(list) : 0;
	if (!n)
		return;
	web_buf_add(out, "<h2 id=\"notifications\">Notifications</h2>\n<table class=\"notifications\" "
		"aria-labelledby=\"notifications\">\n<thead><tr><th scope=\"col\">Event</th><th scope=\"col\">To</th>"
		"<th scope=\"col\">State</th><th scope=\"col\">Attempts</th><th scope=\"col\">Last attempt</th>"
		"<th scope=\"col\">Next</th><th scope=\"col\">Error</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i), *attempts = web_json_get(e, "attempts");
		const char *const cells[] = { web_json_str(e, "key"), web_json_str(e, "to"), web_json_str(e, "state") };
		web_buf_add(out, "<tr>");
		for (size_t c = 0; c < sizeof cells / sizeof *cells; c++) {
			web_buf_add(out, c ? "<td>" : "<th scope=\"row\"><code>");
			web_html_text(out, cells[c]);
			web_buf_add(out, c ? "</td>" : "</code></th>");
		}
		web_buf_addf(out, "<td>%d</td><td>", attempts ? json_object_get_int(attempts) : 0);
		web_html_time(out, web_json_str(e, "at"));
		web_buf_add(out, "</td><td>");
		web_html_time(out, web_json_str(e, "next"));
		web_buf_add(out, "</td><td>");
		web_html_text(out, web_json_str(e, "error"));
		web_buf_add(out, "</td></tr>\n");
	}
	web_buf_add(out, "</tbody></table>\n");
}

int web_page_release(web_buf *out, const web_snapshot *s, const char *id)
{
	long at = web_snapshot_find(s, id);
	if (at < 0) {
		web_buf msg = WEB_BUF_INIT;
		web_buf_add(&msg, "No release ");
		web_buf_add(&msg, id);
		web_buf_add(&msg, " is recorded in the repository (as of the watcher's last pass).");
		int status = web_page_error(out, 404, "No such release", msg.ptr ? msg.ptr : "No such release.");
		web_buf_dispose(&msg);
		return status;
	}
	json_object *r = json_object_array_get_idx(s->releases, (size_t)at), *steps = web_json_get(r, "steps");
	const char *state = web_json_str(r, "state");
	bool open = strcmp(state, "running") == 0 || strcmp(state, "waiting") == 0;
	char title[300];
	snprintf(title, sizeof title, "Release %s", id);
	web_page_begin(out, title, NULL, open ? REFRESH_SECONDS : 0);
	summary(out, r, &s->links);
	if (open)
		web_buf_addf(out, "<p>Open: this page reloads itself every %d seconds.</p>\n", REFRESH_SECONDS);
	size_t n = steps ? json_object_array_length(steps) : 0;
	size_t *wave = calloc(n ? n : 1, sizeof *wave);
	if (!wave) {
		out->failed = true;
		return 500;
	}
	size_t count = waves(steps, n, wave);
	web_buf_add(out, "<h2>Steps</h2>\n<ol class=\"waves\">\n");
	for (size_t w = 0; w < count; w++) {
		web_buf_addf(out, "<li class=\"wave\"><h3 class=\"wave-title\">Wave %zu</h3>\n", w + 1);
		for (size_t k = 0; k < n; k++)
			if (wave[k] == w)
				step_html(out, json_object_array_get_idx(steps, k), k, &s->links);
		web_buf_add(out, "</li>\n");
	}
	web_buf_add(out, "</ol>\n");
	notifications(out, r);
	web_buf_add(out, "<p><a href=\"/api/v1/releases/");
	web_html_query(out, id);
	web_buf_add(out, "\">This release as JSON</a></p>\n");
	free(wave);
	web_page_end(out, s);
	return 200;
}
