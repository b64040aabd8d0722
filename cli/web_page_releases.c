/* The web view's /releases: newest first, as `release list --json` has them, filtered by product, flow and
 * state (web_pages.h). */
#include "web_pages.h"

#include <stdlib.h>
#include <string.h>

/* At most this many rows: the newest (a filter finds older ones). */
#define MAX_ROWS 500

static const char *filter(const web_request *req, const char *name)
{
	const char *v = req->query(req->payload, name);
	return v && *v ? v : NULL;
}

static bool matches(json_object *r, const char *key, const char *wanted)
{
	return !wanted || strcmp(web_json_str(r, key), wanted) == 0;
}

static void filter_form(web_buf *out, json_object *items, size_t n, const char *const chosen[3])
{
	static const char *const keys[3] = { "product", "flow", "state" }, *const labels[3] = { "Product", "Flow", "State" };
	const char **values = calloc(n ? n : 1, sizeof *values);
	if (!values) {
		out->failed = true;
		return;
	}
	web_buf_add(out, "<form method=\"get\" action=\"/releases\" aria-label=\"Filter\">");
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < n; i++)
			values[i] = web_json_str(json_object_array_get_idx(items, i), keys[k]);
		web_html_select(out, keys[k], labels[k], values, n, chosen[k]);
	}
	web_buf_add(out, "<button type=\"submit\">Show</button></form>\n");
	free(values);
}

static void row(web_buf *out, json_object *r)
{
	const char *id = web_json_str(r, "id");
	web_buf_add(out, "<tr><th scope=\"row\"><a href=\"/releases/");
	web_html_query(out, id);
	web_buf_add(out, "\">");
	web_html_text(out, id);
	web_buf_add(out, "</a></th><td>");
	/* A sync's release has no product of its own. */
	web_html_text(out, *web_json_str(r, "product") ? web_json_str(r, "product") : "(sync)");
	web_buf_add(out, "</td><td>");
	web_html_text(out, web_json_str(r, "version"));
	web_buf_add(out, "</td><td>");
	web_html_text(out, web_json_str(r, "flow"));
	web_buf_add(out, "</td><td>");
	web_html_state(out, web_json_str(r, "state"));
	if (*web_json_str(r, "reason")) {
		web_buf_add(out, "<span class=\"reason\">");
		web_html_text(out, web_json_str(r, "reason"));
		web_buf_add(out, "</span>");
	}
	web_buf_add(out, "</td><td>");
	web_html_time(out, web_json_str(r, "created"));
	web_buf_add(out, "</td><td>");
	web_html_list(out, web_json_get(r, "steps"), ", ", "environment", " ", "state", web_html_state);
	web_buf_add(out, "</td></tr>\n");
}

int web_page_releases(web_buf *out, const web_snapshot *s, const web_request *req)
{
	const char *chosen[3] = { filter(req, "product"), filter(req, "flow"), filter(req, "state") };
	size_t n = s->release_count, shown = 0, matched = 0;
	web_page_begin(out, "Releases", "/releases", 0);
	filter_form(out, s->releases, n, chosen);
	web_buf_add(out, "<table class=\"releases\">\n<caption>Releases, newest first</caption>\n<thead><tr>"
		"<th scope=\"col\">Release</th><th scope=\"col\">Product</th><th scope=\"col\">Version</th>"
		"<th scope=\"col\">Flow</th><th scope=\"col\">State</th><th scope=\"col\">Created</th>"
		"<th scope=\"col\">Steps</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(s->releases, i);
		if (!matches(r, "product", chosen[0]) || !matches(r, "flow", chosen[1]) || !matches(r, "state", chosen[2]))
			continue;
		if (matched++ < MAX_ROWS) {
			row(out, r);
			shown++;
		}
	}
	web_buf_add(out, "</tbody>\n</table>\n");
	if (!matched)
		web_buf_add(out, "<p>No release matches.</p>\n");
	else if (shown < matched)
		web_buf_addf(out, "<p>The newest %zu of %zu shown: choose a product, flow or state to see older ones.</p>\n",
			shown, matched);
	web_page_end(out, s);
	return 200;
}
