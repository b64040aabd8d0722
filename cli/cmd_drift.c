/* promote drift [A B] [--product GLOB]: where every product stands in B against A — for the pair named, or
 * every edge of the default flow. Exit 0 in sync, 1 when they drift, 2 on any error (doc/DRIFT.md). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *from, *to, *product;

static const cli_opt drift_opts[] = {
	{ CLI_OPT_ARG, "A", 0, &from, 0, NULL, "the environment products come from (with B; default: every edge of "
	  "the default flow)", 0 },
	{ CLI_OPT_ARG, "B", 0, &to, 0, NULL, "the environment compared with A", 0 },
	{ CLI_OPT_VALUE, "product", 0, &product, 0, "GLOB", "only the products whose name matches GLOB (e.g. 'app-0*')", 0 },
	{ CLI_OPT_END }
};

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* The STATUS column: "behind", "behind (as text)", "missing in qa", "only in qa", "unknown: WHY". */
static const char *words(char *out, size_t size, const promote_drift_row *row)
{
	int relation = promote_drift_row_relation(row);
	const char *name = promote_drift_relation_name(relation);
	const char *b = promote_drift_row_to(row);
	if (relation == PROMOTE_DRIFT_MISSING)
		snprintf(out, size, "missing in %s", b);
	else if (relation == PROMOTE_DRIFT_EXTRA)
		snprintf(out, size, "only in %s", b);
	else if (relation == PROMOTE_DRIFT_UNKNOWN)
		snprintf(out, size, "unknown: %s", promote_drift_row_error(row));
	else if (promote_drift_row_comparison(row) == PROMOTE_DRIFT_TEXT)
		snprintf(out, size, "%s (as text)", name);
	else
		snprintf(out, size, "%s", name);
	return out;
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* One pair's table: PRODUCT, A's version, B's version, STATUS; the rows [first, end). */
static void print_pair(const promote_drift *d, size_t pair, size_t first, size_t end, bool heading)
{
	const char *a = promote_drift_pair_from(d, pair), *b = promote_drift_pair_to(d, pair);
	size_t w[3] = { strlen("PRODUCT"), strlen(a), strlen(b) };
	for (size_t i = first; i < end; i++) {
		const promote_drift_row *row = promote_drift_row_at(d, i);
		w[0] = max_size(w[0], strlen(promote_drift_row_product(row)));
		w[1] = max_size(w[1], strlen(or_dash(promote_drift_row_from_version(row))));
		w[2] = max_size(w[2], strlen(or_dash(promote_drift_row_to_version(row))));
	}
	if (heading)
		printf("%s -> %s\n", a, b);
	printf("%-*s  %-*s  %-*s  STATUS\n", (int)w[0], "PRODUCT", (int)w[1], a, (int)w[2], b);
	for (size_t i = first; i < end; i++) {
		const promote_drift_row *row = promote_drift_row_at(d, i);
		char status[2048];
		printf("%-*s  %-*s  %-*s  %s\n", (int)w[0], promote_drift_row_product(row), (int)w[1],
			or_dash(promote_drift_row_from_version(row)), (int)w[2], or_dash(promote_drift_row_to_version(row)),
			words(status, sizeof status, row));
	}
}

/* "in sync (11 compared)", or "drift in 3 of 11 compared: 2 behind, 1 missing". */
static void print_summary(const promote_drift *d)
{
	size_t rows = promote_drift_row_count(d), drifted = promote_drift_drifted_count(d);
	if (!drifted) {
		printf("in sync (%zu compared)\n", rows);
		return;
	}
	size_t counts[PROMOTE_DRIFT_UNKNOWN + 1] = { 0 };
	for (size_t i = 0; i < rows; i++)
		counts[promote_drift_row_relation(promote_drift_row_at(d, i))]++;
	printf("drift in %zu of %zu compared:", drifted, rows);
	const char *sep = " ";
	for (int r = PROMOTE_DRIFT_BEHIND; r <= PROMOTE_DRIFT_UNKNOWN; r++)
		if (counts[r]) {
			printf("%s%zu %s", sep, counts[r], promote_drift_relation_name(r));
			sep = ", ";
		}
	putchar('\n');
}

/* A table per pair (a heading each when there are several), then the summary. */
static void print_tables(const promote_drift *d)
{
	size_t pairs = promote_drift_pair_count(d), rows = promote_drift_row_count(d), i = 0;
	if (rows == 0) {
		puts(product ? "no product matches" : "no products");
		return;
	}
	for (size_t p = 0; p < pairs; p++) {
		size_t first = i;
		while (i < rows && strcmp(promote_drift_row_from(promote_drift_row_at(d, i)), promote_drift_pair_from(d, p)) == 0 &&
			strcmp(promote_drift_row_to(promote_drift_row_at(d, i)), promote_drift_pair_to(d, p)) == 0)
			i++;
		if (p)
			putchar('\n');
		print_pair(d, p, first, i, pairs > 1);
	}
	putchar('\n');
	print_summary(d);
}

/* Not a terminal: a line per row, fields separated by one space, "-" for a version not there:
 * PRODUCT A VERSION-A B VERSION-B RELATION COMPARISON [WHY]. */
static void print_lines(const promote_drift *d)
{
	for (size_t i = 0; i < promote_drift_row_count(d); i++) {
		const promote_drift_row *row = promote_drift_row_at(d, i);
		int comparison = promote_drift_row_comparison(row);
		printf("%s %s %s %s %s %s %s%s%s\n", promote_drift_row_product(row), promote_drift_row_from(row),
			or_dash(promote_drift_row_from_version(row)), promote_drift_row_to(row),
			or_dash(promote_drift_row_to_version(row)), promote_drift_relation_name(promote_drift_row_relation(row)),
			comparison == PROMOTE_DRIFT_NOT_COMPARED ? "-" : promote_drift_comparison_name(comparison),
			promote_drift_row_error(row) ? " " : "", promote_drift_row_error(row) ? promote_drift_row_error(row) : "");
	}
}

/* Exit 1 means drift: an error is 2, whatever its kind. */
static int error_status(int rc)
{
	return rc == EXIT_OK || rc == EXIT_USAGE ? rc : EXIT_USAGE;
}

static int drift_run(const cli *c)
{
	if (from && !to)
		return cli_usage_error("drift compares two environments: name B after %s, or neither", from);
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return error_status(rc);
	promote_drift_options opts = PROMOTE_DRIFT_OPTIONS_INIT;
	opts.from = from;
	opts.to = to;
	opts.product = product;
	promote_drift *d = NULL;
	promote_buf json = PROMOTE_BUF_INIT;
	if (promote_drift_new(&d, ctx, &opts) < 0 || (c->json && promote_drift_to_json(&json, d) < 0))
		rc = error_status(cli_fail(c));
	else {
		if (c->json)
			fwrite(json.ptr, 1, json.size, stdout);
		else if (c->verbosity >= 0 && cli_stdout_is_terminal())
			print_tables(d);
		else if (c->verbosity >= 0)
			print_lines(d);
		rc = promote_drift_drifted_count(d) ? EXIT_FAILED : EXIT_OK;
	}
	promote_buf_dispose(&json);
	promote_drift_free(d);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_drift = {
	"drift", "products whose versions differ between environments (exit 1 when they drift)",
	"Where every product stands in environment B against A: equal, behind (B holds an older version), ahead,\n"
	"missing in B, only in B, or unknown (a version that cannot be read). With A and B, that pair; without,\n"
	"every edge of the default flow (each step's environment against each environment it depends on, the\n"
	"trigger's first). Versions are read as promote status reads them, and compared as semantic versions\n"
	"(semver 2.0.0: a leading v accepted, build metadata ignored) when both are, else as text with numbers in\n"
	"it compared as numbers. On a terminal a table per pair and a summary; otherwise a line per product and\n"
	"pair: PRODUCT A VERSION B VERSION RELATION COMPARISON [WHY] (- for a version not there). --json prints\n"
	"the document doc/DRIFT.md describes; -q prints nothing. Exit status 0 when in sync, 1 when they drift,\n"
	"2 on any error.",
	drift_opts, drift_run, NULL, CLI_COMMAND_FAILURE_IS_2
};
