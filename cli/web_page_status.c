/* The web view's / : every product × environment, as `status --json` has it (web_pages.h). */
#include "web_pages.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* How a cell reads: its class (the colour) and its words (the same, said). */
typedef struct cell_look {
	const char *cls, *words;
} cell_look;

static bool is(const char *a, const char *b) { return strcmp(a, b) == 0; }

/* `first`: the version of the leftmost environment that holds the product (the columns are in the flows'
 * order: where versions come from first); a version other than it is behind. */
static cell_look look(json_object *cell, const char *first)
{
	json_object *release = web_json_get(cell, "release"), *present = web_json_get(cell, "present");
	if (!present || !json_object_get_boolean(present))
		return (cell_look){ "absent", "not here" };
	if (*web_json_str(cell, "error"))
		return (cell_look){ "failed", "unreadable" };
	if (release && json_object_is_type(release, json_type_object)) {
		json_object *step = web_json_get(release, "step");
		const char *state = web_json_str(step, "state");
		if (is(state, "failed") || is(web_json_str(release, "state"), "failed"))
			return (cell_look){ "failed", "failed" };
		if (is(state, "awaiting_approval") || is(state, "awaiting_merge") || *web_json_str(step, "gate") ||
			is(web_json_str(release, "state"), "waiting"))
			return (cell_look){ "waiting", "waiting" };
		return (cell_look){ "releasing", "releasing" };
	}
	const char *version = web_json_str(cell, "version");
	if (first && !is(version, first))
		return (cell_look){ "behind", "behind" };
	return (cell_look){ "in-sync", "in sync" };
}

/* "held by Ada Ops since 2026-12-05 10:00:00 UTC: load test" / "pinned at 1.5.0 by Ada Ops since ...". */
static void hold_words(web_buf *out, json_object *hold)
{
	bool pin = is(web_json_str(hold, "kind"), "pin");
	const char *by = web_json_str(hold, "by");
	web_buf_add(out, pin ? "pinned at " : "held");
	if (pin)
		web_html_text(out, web_json_str(hold, "version"));
	web_buf_add(out, " by ");
	web_html_text(out, *by ? by : "someone");
	web_buf_add(out, " since ");
	web_html_time(out, web_json_str(hold, "at"));
	if (pin) {
		web_buf_add(out, " (rollback ");
		web_html_text(out, web_json_str(hold, "release"));
		web_buf_add(out, ")");
	} else {
		web_buf_add(out, ": ");
		web_html_text(out, web_json_str(hold, "reason"));
	}
}

static void marks(web_buf *out, json_object *cell)
{
	json_object *hold = web_json_get(cell, "hold"), *pin = web_json_get(cell, "pin");
	if (hold && json_object_is_type(hold, json_type_object)) {
		web_buf_add(out, "<span class=\"mark hold\">held</span><span class=\"reason\">");
		hold_words(out, hold);
		web_buf_add(out, "</span>");
	}
	if (pin && json_object_is_type(pin, json_type_object)) {
		web_buf_add(out, "<span class=\"mark pin\">pinned ");
		web_html_text(out, web_json_str(pin, "version"));
		web_buf_add(out, "</span><span class=\"reason\">");
		hold_words(out, pin);
		web_buf_add(out, "</span>");
	}
}

/* The step into `env` of `newest` (the product's newest release) when that release failed there: the cell
 * says so until a newer release (or a retry) moves the product. NULL otherwise. */
static json_object *failed_step(json_object *newest, const char *env)
{
	if (!newest || !is(web_json_str(newest, "state"), "failed"))
		return NULL;
	json_object *steps = web_json_get(newest, "steps");
	for (size_t k = 0; steps && k < json_object_array_length(steps); k++) {
		json_object *step = json_object_array_get_idx(steps, k);
		if (is(web_json_str(step, "environment"), env) && is(web_json_str(step, "state"), "failed"))
			return step;
	}
	return NULL;
}

static void failed_html(web_buf *out, json_object *newest, json_object *step)
{
	const char *id = web_json_str(newest, "id");
	web_buf_add(out, "<span class=\"reason\"><a href=\"/releases/");
	web_html_query(out, id);
	web_buf_add(out, "\">");
	web_html_text(out, id);
	web_buf_add(out, "</a> → ");
	web_html_text(out, web_json_str(newest, "version"));
	web_buf_add(out, ": ");
	web_html_state(out, "failed");
	web_buf_add(out, "</span><span class=\"reason\">");
	web_html_text(out, web_json_str(step, "reason"));
	web_buf_add(out, "</span>");
}

static void cell_html(web_buf *out, json_object *cell, const char *first, json_object *newest, const char *env)
{
	json_object *version = web_json_get(cell, "version"), *release = web_json_get(cell, "release");
	json_object *failed = release && json_object_is_type(release, json_type_object) ? NULL : failed_step(newest, env);
	cell_look l = failed ? (cell_look){ "failed", "failed" } : look(cell, first);
	web_buf_addf(out, "<td class=\"cell %s\"><span class=\"version\">", l.cls);
	web_html_text(out, version && json_object_is_type(version, json_type_string) ? json_object_get_string(version)
		: "-");
	web_buf_addf(out, "</span><span class=\"words\">%s</span>", l.words);
	marks(out, cell);
	if (*web_json_str(cell, "error")) {
		web_buf_add(out, "<span class=\"reason\">");
		web_html_text(out, web_json_str(cell, "error"));
		web_buf_add(out, "</span>");
	}
	if (failed)
		failed_html(out, newest, failed);
	if (release && json_object_is_type(release, json_type_object)) {
		json_object *step = web_json_get(release, "step");
		const char *id = web_json_str(release, "id");
		web_buf_add(out, "<span class=\"reason\"><a href=\"/releases/");
		web_html_query(out, id);
		web_buf_add(out, "\">");
		web_html_text(out, id);
		web_buf_add(out, "</a> → ");
		web_html_text(out, web_json_str(release, "version"));
		web_buf_add(out, ": ");
		web_html_state(out, web_json_str(step, "state"));
		web_buf_add(out, "</span>");
		if (*web_json_str(step, "reason")) {
			web_buf_add(out, "<span class=\"reason\">");
			web_html_text(out, web_json_str(step, "reason"));
			web_buf_add(out, "</span>");
		}
		json_object *waiting = web_json_get(cell, "waiting");
		if (waiting && json_object_get_int(waiting) > 0)
			web_buf_addf(out, "<span class=\"reason\">%d more release%s waiting behind it</span>",
				json_object_get_int(waiting), json_object_get_int(waiting) > 1 ? "s" : "");
	}
	web_buf_add(out, "</td>");
}

/* The holds of whole environments (every product), each in words. */
static void environment_holds(web_buf *out, json_object *holds)
{
	size_t n = holds ? json_object_array_length(holds) : 0, shown = 0;
	for (size_t i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(holds, i);
		if (web_json_get(h, "product") && json_object_is_type(web_json_get(h, "product"), json_type_string))
			continue;
		web_buf_add(out, shown++ ? "" : "<h2>Environments held</h2>\n<ul class=\"holds\">\n");
		web_buf_add(out, "<li><strong>");
		web_html_text(out, web_json_str(h, "environment"));
		web_buf_add(out, "</strong>, every product: ");
		hold_words(out, h);
		web_buf_add(out, "</li>\n");
	}
	if (shown)
		web_buf_add(out, "</ul>\n");
}

static void filter_form(web_buf *out, json_object *products, const char *chosen)
{
	size_t n = products ? json_object_array_length(products) : 0;
	const char **names = calloc(n ? n : 1, sizeof *names);
	if (!names) {
		out->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = web_json_str(json_object_array_get_idx(products, i), "name");
	web_buf_add(out, "<form method=\"get\" action=\"/\" aria-label=\"Filter\">");
	web_html_select(out, "product", "Product", names, n, chosen);
	web_buf_add(out, "<button type=\"submit\">Show</button></form>\n");
	free(names);
}

int web_page_status(web_buf *out, const web_snapshot *s, const web_request *req)
{
	const char *product = req->query(req->payload, "product");
	if (product && !*product)
		product = NULL;
	json_object *envs = web_json_get(s->status, "environments"), *products = web_json_get(s->status, "products");
	size_t ne = envs ? json_object_array_length(envs) : 0, np = products ? json_object_array_length(products) : 0;
	web_page_begin(out, "Status", "/", 0);
	filter_form(out, products, product);
	environment_holds(out, web_json_get(s->status, "holds"));
	web_buf_add(out, "<table class=\"matrix\">\n<caption>The version of each product in each environment, and the "
		"release moving it</caption>\n<thead><tr><th scope=\"col\">Product</th>");
	for (size_t e = 0; e < ne; e++) {
		web_buf_add(out, "<th scope=\"col\">");
		web_html_text(out, json_object_get_string(json_object_array_get_idx(envs, e)));
		web_buf_add(out, "</th>");
	}
	web_buf_add(out, "</tr></thead>\n<tbody>\n");
	size_t shown = 0;
	for (size_t p = 0; p < np; p++) {
		json_object *row = json_object_array_get_idx(products, p), *cells = web_json_get(row, "environments");
		const char *name = web_json_str(row, "name");
		if (product && fnmatch(product, name, 0) != 0)
			continue;
		shown++;
		const char *first = NULL;
		for (size_t e = 0; e < ne && !first; e++) {
			json_object *cell = web_json_get(cells, json_object_get_string(json_object_array_get_idx(envs, e)));
			json_object *present = web_json_get(cell, "present"), *version = web_json_get(cell, "version");
			if (present && json_object_get_boolean(present) && version &&
				json_object_is_type(version, json_type_string))
				first = json_object_get_string(version);
		}
		web_buf_add(out, "<tr><th scope=\"row\">");
		web_html_text(out, name);
		web_buf_add(out, "</th>");
		json_object *newest = web_json_get(s->newest, name);
		for (size_t e = 0; e < ne; e++) {
			const char *env = json_object_get_string(json_object_array_get_idx(envs, e));
			cell_html(out, web_json_get(cells, env), first, newest, env);
		}
		web_buf_add(out, "</tr>\n");
	}
	web_buf_add(out, "</tbody>\n</table>\n");
	if (!shown) {
		web_buf_add(out, "<p>");
		if (product) {
			web_buf_add(out, "No product matches ");
			web_html_text(out, product);
			web_buf_add(out, ".");
		} else {
			web_buf_add(out, "No products.");
		}
		web_buf_add(out, "</p>\n");
	}
	web_page_end(out, s);
	return 200;
}
