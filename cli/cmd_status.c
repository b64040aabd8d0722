/* promote status [--product GLOB] [--env ENV]: every product × environment — the version there, the release moving it. */
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
enum { PRODUCT, ENV, VERSION, RELEASE, STATE, STEP, REASON, COLUMNS };

typedef struct line {
	const char *text[COLUMNS];
	char release[160];
} line;

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

static void print_table(const promote_status *st)
{
	static const char *const heads[COLUMNS] = { "PRODUCT", "ENV", "VERSION", "RELEASE", "STATE", "STEP", "REASON" };
	size_t width[COLUMNS];
	size_t rows = promote_status_product_count(st), cols = promote_status_environment_count(st);
	for (int k = 0; k < COLUMNS; k++)
		width[k] = strlen(heads[k]);
	for (size_t p = 0; p < rows; p++)
		for (size_t e = 0; e < cols; e++) {
			line l;
			describe(&l, st, p, e);
			for (int k = 0; k < REASON; k++)
				if (strlen(l.text[k]) > width[k])
					width[k] = strlen(l.text[k]);
		}
	for (int k = 0; k < COLUMNS; k++)
		printf("%-*s%s", k + 1 < COLUMNS ? (int)width[k] : 0, heads[k], k + 1 < COLUMNS ? "  " : "\n");
	for (size_t p = 0; p < rows; p++)
		for (size_t e = 0; e < cols; e++) {
			line l;
			describe(&l, st, p, e);
			/* No trailing blanks: the columns after the last one with text are left out. */
			int last = COLUMNS - 1;
			while (last > VERSION && !*l.text[last])
				last--;
			for (int k = 0; k <= last; k++)
				printf("%-*s%s", k < last ? (int)width[k] : 0, l.text[k], k < last ? "  " : "\n");
		}
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
	else if (promote_status_product_count(st) == 0) {
		if (c->verbosity >= 0)
			puts(product ? "no product matches" : "no products");
	} else
		print_table(st);
	promote_buf_dispose(&json);
	promote_status_free(st);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_status = {
	"status", "every product in every environment: the version there, the release moving it",
	"One line per product and environment: the version the environment's branch holds (read through the\n"
	"product's template; (absent) when the product is not there), and the open release moving it there — its\n"
	"id (+N: more releases wait behind it), its state, its step's state and the reason a person understands.\n"
	"Read from the repository alone: a remote one is fetched first. --json prints the document\n"
	"doc/OPERATIONS.md describes.",
	status_opts, status_run, NULL, 0
};
