/*
 * promote_status: every product × environment — the version there (read
 * through the product's template at the environment's branch tip) and the
 * open release moving it, the hold and the rollback pin there (status.h).
 * The releases and the holds are each read once and matched to rows by a
 * binary search on the sorted product names, so the cost is (products ×
 * environments) version reads plus one pass over the releases and one over
 * the holds.
 */
#include "status_model.h"

#include "core/array.h"
#include "core/error.h"
#include "core/options.h"
#include "core/wildmatch.h"
#include "model/context.h"
#include "model/workflow.h"
#include "plan/version.h"

#include <stdlib.h>
#include <string.h>

static const size_t options_sizes[] = { sizeof(promote_status_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_STATUS_OPTIONS_VERSION);

int promote_status_options_init(promote_status_options *opts, unsigned int version)
{
	static const promote_status_options defaults = PROMOTE_STATUS_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_STATUS_OPTIONS_VERSION,
		"promote_status_options", __func__);
}

/* ---- the rows: every product of every environment -------------------------- */

/* One environment's branch: its tip, and the products there (sorted). */
typedef struct branch {
	const promote__tree_reader *r; /* the environment's repository (the context's, or the one it lives in) */
	promote__commit_id tip;
	bool found;
	promote_strarray products;
} branch;

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has(const promote_strarray *sorted, const char *name)
{
	return sorted->count && bsearch(&name, sorted->strings, sorted->count, sizeof *sorted->strings, by_name);
}

typedef PROMOTE__ARRAY(char *) names;

static int add_name(names *rows, const char *name, const char *glob)
{
	if (glob && !promote__wildmatch(glob, name))
		return 0;
	char *copy = strdup(name);
	if (!copy)
		return promote__error_oom();
	int rc = promote__array_push(rows, copy);
	if (rc)
		free(copy);
	return rc;
}

/* The configured products (not the discovery one) and every product found on
 * a branch, matching `glob`; sorted, each once, into status->products. */
static int collect_rows(promote_status *st, const branch *branches, size_t count, const char *glob)
{
	names rows = PROMOTE__ARRAY_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < promote_product_count(st->ctx); i++) {
		const promote_product *p = promote_product_at(st->ctx, i);
		if (!promote_product_is_discovery(p))
			rc = add_name(&rows, promote_product_name(p), glob);
	}
	for (size_t e = 0; rc == 0 && e < count; e++)
		for (size_t i = 0; rc == 0 && i < branches[e].products.count; i++)
			rc = add_name(&rows, branches[e].products.strings[i], glob);
	if (rc == 0 && rows.size > 1)
		qsort(rows.ptr, rows.size, sizeof *rows.ptr, by_name);
	size_t kept = 0;
	for (size_t i = 0; i < rows.size; i++) {
		if (kept > 0 && strcmp(rows.ptr[kept - 1], rows.ptr[i]) == 0)
			free(rows.ptr[i]);
		else
			rows.ptr[kept++] = rows.ptr[i];
	}
	st->products = rows.ptr;
	st->product_count = kept;
	return rc;
}

/* The tip of every environment's branch and the products on it (a missing
 * branch holds none). */
static int read_branches(branch *branches, promote_context *ctx)
{
	int rc = 0;
	for (size_t e = 0; rc == 0 && e < promote_env_count(ctx); e++) {
		const promote_env *env = promote_env_at(ctx, e);
		rc = promote__context_env_reader(&branches[e].r, ctx, env);
		if (rc == 0)
			rc = promote__version_tip(&branches[e].tip, &branches[e].found, branches[e].r, env);
		if (rc == 0 && branches[e].found)
			rc = promote_product_discover(&branches[e].products, ctx, promote_env_name(env));
	}
	return rc;
}

/* ---- the cells: versions ------------------------------------------------ */

/* Read what `env` (whose branch is `b`) holds of `product` into `cell`. A
 * version file that is no valid YAML is the cell's error, not the call's. */
static int read_cell(promote_status_cell *cell, promote_context *ctx, const promote__tree_reader *r,
	const promote_env *env, const branch *b, const char *product)
{
	cell->present = b->found && has(&b->products, product);
	const promote_product *cfg = cell->present ? promote__product_config(ctx, product) : NULL;
	if (!cfg || !promote_product_version_file(cfg))
		return 0;
	promote__version_source s;
	promote_buf bytes = PROMOTE_BUF_INIT;
	int rc = promote__version_source_init(&s, ctx, r, env, cfg, product);
	if (rc == 0)
		rc = promote__version_at(&cell->version, &bytes, &s, &b->tip);
	if (rc == PROMOTE_EINVALID) {
		if (!(cell->error = strdup(promote_error_last()->message)))
			rc = promote__error_oom();
		else {
			promote_error_clear();
			rc = 0;
		}
	}
	promote_buf_dispose(&bytes);
	promote__version_source_dispose(&s);
	return rc;
}

/* ---- the cells: open releases ------------------------------------------- */

static int row_of(const promote_status *st, const char *product)
{
	char **found = st->product_count
		? bsearch(&product, st->products, st->product_count, sizeof *st->products, by_name) : NULL;
	return found ? (int)(found - st->products) : -1;
}

static bool is_open(const promote_release *r)
{
	int state = promote_release_state(r);
	return state == PROMOTE_RELEASE_RUNNING || state == PROMOTE_RELEASE_WAITING;
}

/* Does `r` (its step `step`) move the cell rather than its current release?
 * A step past pending first; then the oldest release (the queue's order). */
static bool goes_first(const promote_release *r, const promote_release_step *step, const promote_status_cell *cell)
{
	bool active = promote_release_step_state(step) != PROMOTE_STEP_PENDING;
	bool cell_active = promote_release_step_state(cell->step) != PROMOTE_STEP_PENDING;
	if (active != cell_active)
		return active;
	if (promote_release_created(r) != promote_release_created(cell->release))
		return promote_release_created(r) < promote_release_created(cell->release);
	return strcmp(promote_release_id(r), promote_release_id(cell->release)) < 0;
}

static void place(promote_status_cell *cell, const promote_release *r, const promote_release_step *step)
{
	if (!cell->release) {
		cell->release = r;
		cell->step = step;
		return;
	}
	cell->waiting++;
	if (goes_first(r, step, cell)) {
		cell->release = r;
		cell->step = step;
	}
}

/* Every open release into the cells of its product: the steps that have not succeeded. */
static int place_releases(promote_status *st)
{
	promote_release_list_options lopts = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	int rc = promote_release_list_new(&st->releases, st->ctx, &lopts);
	for (size_t i = 0; rc == 0 && i < promote_release_list_count(st->releases); i++) {
		const promote_release *r = promote_release_list_at(st->releases, i);
		int row = is_open(r) ? row_of(st, promote_release_product(r)) : -1;
		for (size_t e = 0; row >= 0 && e < st->env_count; e++) {
			const promote_release_step *step = promote_release_step_lookup(r, promote_env_name(st->envs[e]));
			if (step && promote_release_step_state(step) != PROMOTE_STEP_SUCCEEDED)
				place(&st->cells[(size_t)row * st->env_count + e], r, step);
		}
	}
	return rc;
}

/* ---- the cells: holds and pins ------------------------------------------- */

static int column_of(const promote_status *st, const char *env)
{
	for (size_t e = 0; e < st->env_count; e++)
		if (strcmp(promote_env_name(st->envs[e]), env) == 0)
			return (int)e;
	return -1;
}

/* Hold `h` into the cells it stops: a product's hold or pin into its row's cell, an environment's hold
 * into every cell of its column. As the hold gate decides (promote__holds_match), an environment's hold
 * comes before a product's. */
static void place_hold(promote_status *st, const struct promote_hold *h, size_t e, int row)
{
	if (!h->product) {
		for (size_t p = 0; p < st->product_count; p++)
			st->cells[p * st->env_count + e].hold = h;
		return;
	}
	promote_status_cell *cell = &st->cells[(size_t)row * st->env_count + e];
	if (h->kind == PROMOTE_HOLD_PIN)
		cell->pin = h;
	else if (!cell->hold)
		cell->hold = h;
}

/* The record of holds, read once; each hold or pin on a column shown, of every product or of a row,
 * listed (st->shown) and placed in its cells. */
static int place_holds(promote_status *st)
{
	int rc = promote__holds_read(&st->holds, st->ctx);
	if (rc == 0 && st->holds.count && !(st->shown = calloc(st->holds.count, sizeof *st->shown)))
		rc = promote__error_oom();
	for (size_t i = 0; rc == 0 && i < st->holds.count; i++) {
		const struct promote_hold *h = &st->holds.items[i];
		int e = column_of(st, h->environment);
		int row = h->product ? row_of(st, h->product) : 0;
		if (e < 0 || row < 0)
			continue;
		st->shown[st->shown_count++] = h;
		place_hold(st, h, (size_t)e, row);
	}
	return rc;
}

/* ---- the status ------------------------------------------------------------ */

static int columns(promote_status *st, const char *only)
{
	size_t count = promote_env_count(st->ctx);
	if (!(st->envs = calloc(count ? count : 1, sizeof *st->envs)))
		return promote__error_oom();
	if (only) {
		int rc = promote_env_lookup(&st->envs[0], st->ctx, only);
		st->env_count = rc == 0;
		return rc;
	}
	for (size_t e = 0; e < count; e++)
		st->envs[st->env_count++] = promote_env_at(st->ctx, e);
	return 0;
}

/* The index among all environments of column `e`. */
static size_t env_index(const promote_status *st, size_t e)
{
	for (size_t i = 0; i < promote_env_count(st->ctx); i++)
		if (promote_env_at(st->ctx, i) == st->envs[e])
			return i;
	return 0;
}

static int read_cells(promote_status *st, const branch *branches)
{
	size_t n = st->product_count * st->env_count;
	if (n && !(st->cells = calloc(n, sizeof *st->cells)))
		return promote__error_oom();
	int rc = 0;
	for (size_t e = 0; rc == 0 && e < st->env_count; e++) {
		const branch *b = &branches[env_index(st, e)];
		for (size_t p = 0; rc == 0 && p < st->product_count; p++)
			rc = read_cell(&st->cells[p * st->env_count + e], st->ctx, b->r, st->envs[e], b, st->products[p]);
	}
	return rc;
}

int promote_status_new(promote_status **out, promote_context *ctx, const promote_status_options *opts)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote_status_options o = PROMOTE_STATUS_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_STATUS_OPTIONS_VERSION, "promote_status_options");
	promote_status *st = rc == 0 ? calloc(1, sizeof *st) : NULL;
	if (rc == 0 && !st)
		rc = promote__error_oom();
	if (st) {
		promote__context_ref(ctx);
		st->ctx = ctx;
	}
	const promote__tree_reader *r = NULL;
	if (rc == 0)
		rc = columns(st, o.environment);
	if (rc == 0) /* the context's repository: its releases and holds are there */
		rc = promote__context_reader(&r, ctx);
	size_t env_count = promote_env_count(ctx);
	branch *branches = rc == 0 ? calloc(env_count ? env_count : 1, sizeof *branches) : NULL;
	if (rc == 0 && !branches)
		rc = promote__error_oom();
	if (rc == 0)
		rc = read_branches(branches, ctx);
	if (rc == 0)
		rc = collect_rows(st, branches, env_count, o.product);
	if (rc == 0)
		rc = read_cells(st, branches);
	if (rc == 0)
		rc = place_releases(st);
	if (rc == 0)
		rc = place_holds(st);
	for (size_t e = 0; branches && e < env_count; e++)
		promote_strarray_dispose(&branches[e].products);
	free(branches);
	if (rc) {
		promote_status_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

void promote_status_free(promote_status *st)
{
	if (!st)
		return;
	for (size_t i = 0; st->cells && i < st->product_count * st->env_count; i++) {
		free(st->cells[i].version);
		free(st->cells[i].error);
	}
	free(st->cells);
	for (size_t p = 0; p < st->product_count; p++)
		free(st->products[p]);
	free(st->products);
	free(st->envs);
	promote_release_list_free(st->releases);
	free(st->shown);
	promote__holds_dispose(&st->holds);
	promote__context_unref(st->ctx);
	free(st);
}

/* ---- reading ------------------------------------------------------------- */

size_t promote_status_environment_count(const promote_status *st)
{
	return st ? st->env_count : 0;
}

const char *promote_status_environment_at(const promote_status *st, size_t index)
{
	return st && index < st->env_count ? promote_env_name(st->envs[index]) : NULL;
}

size_t promote_status_product_count(const promote_status *st)
{
	return st ? st->product_count : 0;
}

const char *promote_status_product_at(const promote_status *st, size_t index)
{
	return st && index < st->product_count ? st->products[index] : NULL;
}

const promote_status_cell *promote_status_cell_at(const promote_status *st, size_t product, size_t environment)
{
	return st && product < st->product_count && environment < st->env_count
		? &st->cells[product * st->env_count + environment] : NULL;
}

int promote_status_cell_present(const promote_status_cell *cell) { return cell && cell->present; }
const char *promote_status_cell_version(const promote_status_cell *cell) { return cell ? cell->version : NULL; }
const char *promote_status_cell_error(const promote_status_cell *cell) { return cell ? cell->error : NULL; }
const promote_release *promote_status_cell_release(const promote_status_cell *cell) { return cell ? cell->release : NULL; }
const promote_release_step *promote_status_cell_step(const promote_status_cell *cell) { return cell ? cell->step : NULL; }
size_t promote_status_cell_waiting(const promote_status_cell *cell) { return cell ? cell->waiting : 0; }
const promote_hold *promote_status_cell_hold(const promote_status_cell *cell) { return cell ? cell->hold : NULL; }
const promote_hold *promote_status_cell_pin(const promote_status_cell *cell) { return cell ? cell->pin : NULL; }

size_t promote_status_hold_count(const promote_status *st)
{
	return st ? st->shown_count : 0;
}

const promote_hold *promote_status_hold_at(const promote_status *st, size_t index)
{
	return st && index < st->shown_count ? st->shown[index] : NULL;
}

int promote_status_to_json(promote_buf *out, const promote_status *st)
{
	if (!out || !st)
		return promote__error_arg(__func__, !out ? "out" : "status");
	return promote__status_to_json(out, st);
}
