/* promote status [--product GLOB] [--env ENV]: every product × environment — the version there, its holds and
 * pins, the release moving it. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *product, *env;

static const cli_opt status_opts[] = {
	{ CLI_OPT_VALUE, "product", 0, &product, 0, "GLOB", "only the products whose name matches GLOB (e.g. 'app-0*')", 0 },
	{ CLI_OPT_VALUE, "env", 0, &env, 0, "ENV", "only the environment ENV", 0 },
	{ CLI_OPT_END }
};

/* The columns of one line; what a cell shows in words. */
enum { PRODUCT, ENV, VERSION, HOLD, RELEASE, STATE, STEP, REASON, COLUMNS };

typedef struct line {
	const char *text[COLUMNS];
	char hold[160];
	char release[160];
	char reason[1024];
} line;

/* A hold or pin in words: "held by alice since 2026-12-05 10:00 UTC: incident 42", "pinned at 1.3.2 by
 * alice since 2026-12-05 10:02 UTC (rollback shop-1.3.2-1a2b3c)". */
static void hold_words(char *out, size_t size, const promote_hold *h)
{
	char since[32];
	cli_format_time(since, sizeof since, promote_hold_at(h));
	const char *by = promote_hold_by(h) && *promote_hold_by(h) ? promote_hold_by(h) : "someone";
	if (promote_hold_kind_of(h) == PROMOTE_HOLD_PIN)
		snprintf(out, size, "pinned at %s by %s since %s UTC (rollback %s)", promote_hold_version(h), by, since,
			promote_hold_release(h) ? promote_hold_release(h) : "-");
	else
		snprintf(out, size, "held by %s since %s UTC: %s", by, since, promote_hold_reason(h));
}

/* The HOLD column: "held", "pinned 1.3.2", both, or "-". */
static const char *hold_marker(char *out, size_t size, const promote_status_cell *cell)
{
	const promote_hold *hold = promote_status_cell_hold(cell), *pin = promote_status_cell_pin(cell);
	if (!hold && !pin)
		return "-";
	snprintf(out, size, "%s%s%s%s", hold ? "held" : "", hold && pin ? ", " : "", pin ? "pinned " : "",
		pin ? promote_hold_version(pin) : "");
	return out;
}

static void describe(line *l, const promote_status *st, size_t p, size_t e)
{
	const promote_status_cell *cell = promote_status_cell_at(st, p, e);
	const promote_release *r = promote_status_cell_release(cell);
	const promote_release_step *s = promote_status_cell_step(cell);
	memset(l, 0, sizeof *l);
	l->text[PRODUCT] = promote_status_product_at(st, p);
	l->text[ENV] = promote_status_environment_at(st, e);
	l->text[VERSION] = !promote_status_cell_present(cell) ? "(absent)"
		: promote_status_cell_error(cell) ? "(unreadable)"
		: promote_status_cell_version(cell) ? promote_status_cell_version(cell) : "(none)";
	l->text[HOLD] = hold_marker(l->hold, sizeof l->hold, cell);
	l->text[RELEASE] = "-";
	l->text[STATE] = l->text[STEP] = l->text[REASON] = "";
	if (r) {
		size_t waiting = promote_status_cell_waiting(cell);
		if (waiting)
			snprintf(l->release, sizeof l->release, "%s +%zu", promote_release_id(r), waiting);
		else
			snprintf(l->release, sizeof l->release, "%s", promote_release_id(r));
		l->text[RELEASE] = l->release;
		l->text[STATE] = promote_release_state_name(promote_release_state(r));
		l->text[STEP] = promote_step_state_name(promote_release_step_state(s));
		l->text[REASON] = promote_release_step_reason(s);
	}
	if (promote_status_cell_error(cell))
		l->text[REASON] = promote_status_cell_error(cell);
}

/* The line of an environment held as a whole (every product): product "*". */
static void describe_held_env(line *l, const promote_hold *h)
{
	memset(l, 0, sizeof *l);
	l->text[PRODUCT] = "*";
	l->text[ENV] = promote_hold_environment(h);
	l->text[VERSION] = l->text[RELEASE] = "-";
	l->text[HOLD] = "held";
	l->text[STATE] = l->text[STEP] = "";
	hold_words(l->reason, sizeof l->reason, h);
	l->text[REASON] = l->reason;
}

static void widen(size_t *width, const line *l)
{
	for (int k = 0; k < REASON; k++)
		if (strlen(l->text[k]) > width[k])
			width[k] = strlen(l->text[k]);
}

static void print_line(const size_t *width, const line *l)
{
	/* No trailing blanks: the columns after the last one with text are left out. */
	int last = COLUMNS - 1;
	while (last > VERSION && !*l->text[last])
		last--;
	for (int k = 0; k <= last; k++)
		printf("%-*s%s", k < last ? (int)width[k] : 0, l->text[k], k < last ? "  " : "\n");
}

/* -v: under a cell, its product's own hold and its pin in words (an environment's hold has its own line). */
static void print_hold_details(const promote_status_cell *cell)
{
	const promote_hold *holds[] = { promote_status_cell_hold(cell), promote_status_cell_pin(cell) };
	for (size_t i = 0; i < 2; i++)
		if (holds[i] && promote_hold_product(holds[i])) {
			char words[1024];
			hold_words(words, sizeof words, holds[i]);
			printf("    %s\n", words);
		}
}

static void print_table(const promote_status *st, int verbosity)
{
	static const char *const heads[COLUMNS] = { "PRODUCT", "ENV", "VERSION", "HOLD", "RELEASE", "STATE", "STEP",
		"REASON" };
	size_t width[COLUMNS];
	size_t rows = promote_status_product_count(st), cols = promote_status_environment_count(st);
	size_t holds = promote_status_hold_count(st);
	line l;
	for (int k = 0; k < COLUMNS; k++)
		width[k] = strlen(heads[k]);
	for (size_t i = 0; i < holds; i++)
		if (!promote_hold_product(promote_status_hold_at(st, i))) {
			describe_held_env(&l, promote_status_hold_at(st, i));
			widen(width, &l);
		}
	for (size_t p = 0; p < rows; p++)
		for (size_t e = 0; e < cols; e++) {
			describe(&l, st, p, e);
			widen(width, &l);
		}
	for (int k = 0; k < COLUMNS; k++)
		printf("%-*s%s", k + 1 < COLUMNS ? (int)width[k] : 0, heads[k], k + 1 < COLUMNS ? "  " : "\n");
	for (size_t i = 0; i < holds; i++)
		if (!promote_hold_product(promote_status_hold_at(st, i))) {
			describe_held_env(&l, promote_status_hold_at(st, i));
			print_line(width, &l);
		}
	for (size_t p = 0; p < rows; p++)
		for (size_t e = 0; e < cols; e++) {
			describe(&l, st, p, e);
			print_line(width, &l);
			if (verbosity > 0)
				print_hold_details(promote_status_cell_at(st, p, e));
		}
}

/* Environments held as a whole are lines of their own: a table with no product can still have some. */
static bool any_held_env(const promote_status *st)
{
	for (size_t i = 0; i < promote_status_hold_count(st); i++)
		if (!promote_hold_product(promote_status_hold_at(st, i)))
			return true;
	return false;
}

static int status_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_status_options opts = PROMOTE_STATUS_OPTIONS_INIT;
	opts.product = product;
	opts.environment = env;
	promote_status *st = NULL;
	promote_buf json = PROMOTE_BUF_INIT;
	if (promote_status_new(&st, ctx, &opts) < 0 || (c->json && promote_status_to_json(&json, st) < 0))
		rc = cli_fail(c);
	else if (c->json)
		fwrite(json.ptr, 1, json.size, stdout);
	else if (promote_status_product_count(st) == 0 && !any_held_env(st)) {
		if (c->verbosity >= 0)
			puts(product ? "no product matches" : "no products");
	} else
		print_table(st, c->verbosity);
	promote_buf_dispose(&json);
	promote_status_free(st);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_status = {
	"status", "every product in every environment: the version there, holds and pins, the release moving it",
	"One line per product and environment: the version the environment's branch holds (read through the\n"
	"product's template; (absent) when the product is not there), whether automatic steps there are held\n"
	"(held; pinned V: a rollback pinned version V), and the open release moving it there — its id (+N: more\n"
	"releases wait behind it), its state, its step's state and the reason a person understands. An\n"
	"environment held for every product has a line of its own first (product *: who, since when, why); -v\n"
	"adds the same words under each product's own hold and pin. Read from the repository alone: a remote\n"
	"one is fetched first. --json prints the document doc/OPERATIONS.md describes.",
	status_opts, status_run, NULL, 0
};
