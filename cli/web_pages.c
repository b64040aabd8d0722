/* The frame every page of the web view shares, and the words for states and times (web_pages.h). */
#include "web_pages.h"

#include "core/civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void web_page_begin(web_buf *out, const char *title, const char *current, int refresh)
{
	web_buf_add(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	if (refresh > 0)
		web_buf_addf(out, "<meta http-equiv=\"refresh\" content=\"%d\">\n", refresh);
	web_buf_add(out, "<title>");
	web_html_text(out, title);
	web_buf_add(out, " · promote</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
		"<header><nav aria-label=\"Pages\">");
	static const char *const links[][2] = { { "/", "Status" }, { "/releases", "Releases" } };
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		web_buf_addf(out, "%s<a href=\"%s\"%s>%s</a>", i ? " " : "", links[i][0],
			current && strcmp(current, links[i][0]) == 0 ? " aria-current=\"page\"" : "", links[i][1]);
	web_buf_add(out, "</nav></header>\n<main>\n<h1>");
	web_html_text(out, title);
	web_buf_add(out, "</h1>\n");
}

void web_page_end(web_buf *out, const web_snapshot *s)
{
	web_buf_add(out, "</main>\n<footer>");
	if (s) {
		char when[PROMOTE__RFC3339_SIZE];
		promote__format_rfc3339(when, s->taken);
		web_buf_add(out, "As the watcher saw the repository after its pass of ");
		web_html_time(out, when);
		web_buf_add(out, "; read-only.");
	}
	web_buf_add(out, "</footer>\n</body>\n</html>\n");
}

int web_page_error(web_buf *out, int status, const char *title, const char *detail)
{
	web_page_begin(out, title, NULL, 0);
	web_buf_add(out, "<p>");
	web_html_text(out, detail);
	web_buf_add(out, "</p>\n<p><a href=\"/\">The status of every product</a></p>\n");
	web_page_end(out, NULL);
	return status;
}

int web_page_unavailable(web_buf *out, const web_snapshot *s)
{
	if (!s)
		return web_page_error(out, 503, "Not ready yet",
			"The watcher has not read the repository yet: this page is served once it has (reload it).");
	web_page_begin(out, "The repository could not be read", NULL, 30);
	web_buf_add(out, "<p>The watcher's last pass could not read the state to show:</p>\n<pre>");
	web_html_text(out, s->error);
	web_buf_add(out, "</pre>\n<p>The next pass tries again; this page reloads itself.</p>\n");
	web_page_end(out, s);
	return 503;
}

json_object *web_json_get(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *web_json_str(json_object *o, const char *key)
{
	json_object *v = web_json_get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

void web_html_time(web_buf *out, const char *rfc3339)
{
	int64_t t;
	if (!rfc3339 || !promote__parse_rfc3339(&t, rfc3339)) {
		web_buf_add(out, "-");
		return;
	}
	char when[PROMOTE__RFC3339_SIZE];
	promote__format_rfc3339(when, t);
	/* "2026-12-05T04:26:32Z": the date, a space, the time, " UTC". */
	web_buf_addf(out, "<time datetime=\"%s\">%.10s %.8s UTC</time>", when, when, when + 11);
}

void web_duration(char *out, size_t size, const char *from, const char *to)
{
	int64_t a, b;
	*out = '\0';
	if (!from || !to || !promote__parse_rfc3339(&a, from) || !promote__parse_rfc3339(&b, to) || b < a)
		return;
	int64_t d = b - a;
	if (d >= 3600)
		snprintf(out, size, "%lldh %02lldm", (long long)(d / 3600), (long long)(d % 3600 / 60));
	else if (d >= 60)
		snprintf(out, size, "%lldm %02llds", (long long)(d / 60), (long long)(d % 60));
	else
		snprintf(out, size, "%llds", (long long)d);
}

void web_html_state(web_buf *out, const char *state)
{
	bool plain = *state != '\0';
	for (const char *p = state; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			plain = false;
	/* The class only from a known alphabet; the words escaped as any value. */
	web_buf_addf(out, "<span class=\"state state-%s\">", plain ? state : "unknown");
	for (const char *p = state; *p; p++) {
		char c[2] = { *p == '_' ? ' ' : *p, '\0' };
		web_html_text(out, c);
	}
	web_buf_add(out, "</span>");
}

void web_html_list(web_buf *out, json_object *array, const char *sep, const char *key, const char *middle,
	const char *key2, void (*show)(web_buf *out, const char *value))
{
	for (size_t i = 0; array && i < json_object_array_length(array); i++) {
		json_object *item = json_object_array_get_idx(array, i);
		web_buf_add(out, i ? sep : "");
		web_html_text(out, web_json_str(item, key));
		web_buf_add(out, middle);
		show(out, web_json_str(item, key2));
	}
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void web_html_select(web_buf *out, const char *name, const char *label, const char *const *values, size_t count,
	const char *chosen)
{
	web_buf_addf(out, "<label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"><option value=\"\">all</option>",
		name, label, name, name);
	/* Sorted, each once. */
	const char **sorted = malloc((count ? count : 1) * sizeof *sorted);
	if (!sorted) {
		out->failed = true;
		return;
	}
	memcpy(sorted, values, count * sizeof *sorted);
	qsort(sorted, count, sizeof *sorted, by_text);
	for (size_t i = 0; i < count; i++) {
		if (i && strcmp(sorted[i - 1], sorted[i]) == 0)
			continue;
		web_buf_add(out, "<option value=\"");
		web_html_text(out, sorted[i]);
		web_buf_addf(out, "\"%s>", chosen && strcmp(chosen, sorted[i]) == 0 ? " selected" : "");
		web_html_text(out, sorted[i]);
		web_buf_add(out, "</option>");
	}
	free(sorted);
	web_buf_add(out, "</select>");
}
