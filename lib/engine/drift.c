/*
 * promote_drift (drift.h): the pairs of environments to compare — the one
 * the caller names or every edge of the default flow — and, for each pair,
 * where every product of the status (status.c: the versions read once, for
 * every environment) stands in B against A.
 */
#include "drift_model.h"

#include "core/array.h"
#include "core/error.h"
#include "core/options.h"
#include "core/semver.h"
#include "core/strbuf.h"
#include "model/context.h"
#include "model/workflow.h"

#include <stdlib.h>
#include <string.h>

static const size_t options_sizes[] = { sizeof(promote_drift_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_DRIFT_OPTIONS_VERSION);

int promote_drift_options_init(promote_drift_options *opts, unsigned int version)
{
	static const promote_drift_options defaults = PROMOTE_DRIFT_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_DRIFT_OPTIONS_VERSION,
		"promote_drift_options", __func__);
}

const char *promote_drift_relation_name(int relation)
{
	static const char *const names[] = { "equal", "behind", "ahead", "missing", "extra", "unknown" };
	return relation >= 0 && (size_t)relation < sizeof names / sizeof *names ? names[relation] : "invalid";
}

const char *promote_drift_comparison_name(int comparison)
{
	static const char *const names[] = { "none", "semver", "text" };
	return comparison >= 0 && (size_t)comparison < sizeof names / sizeof *names ? names[comparison] : "invalid";
}

/* ---- the pairs ------------------------------------------------------------ */

typedef PROMOTE__ARRAY(struct promote_drift_pair) pairs;

/* The pair the caller named: two different environments that exist. */
static int named_pair(pairs *out, const promote_context *ctx, const char *from, const char *to)
{
	if (!from || !to)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"only environment '%s' given to compare; name both environments (A and B) or neither (every edge "
			"of the default flow)", from ? from : to);
	struct promote_drift_pair pair;
	int rc = promote_env_lookup(&pair.from, ctx, from);
	if (rc == 0)
		rc = promote_env_lookup(&pair.to, ctx, to);
	if (rc == 0 && pair.from == pair.to)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' compared with itself; name two different environments", from);
	return rc ? rc : promote__array_push(out, pair);
}

/* Every edge of the default flow, wave by wave (the trigger's first): each step's environment after each
 * environment it depends on. */
static int flow_pairs(pairs *out, const promote_context *ctx)
{
	const promote_flow *flow = NULL;
	int rc = promote_flow_lookup(&flow, ctx, NULL);
	if (rc == PROMOTE_ENOTFOUND) {
		char *why = promote__strdupf("%s", promote_error_last()->message);
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
			"no default flow to compare along (%s); or name the two environments to compare",
			why ? why : "no flow");
		free(why);
		return rc;
	}
	for (size_t w = 0; rc == 0 && w < promote_flow_wave_count(flow); w++)
		for (size_t i = 0; rc == 0 && i < promote_flow_wave_size(flow, w); i++) {
			const promote_flow_step *step = promote_flow_wave_step_at(flow, w, i);
			for (size_t d = 0; rc == 0 && d < promote_flow_step_dependency_count(step); d++) {
				struct promote_drift_pair pair = { promote_flow_step_dependency_at(step, d),
					promote_flow_step_env(step) };
				rc = promote__array_push(out, pair);
			}
		}
	return rc;
}

/* ---- the rows ------------------------------------------------------------- */

static size_t column_of(const promote_status *st, const promote_env *env)
{
	size_t e = 0;
	while (e < promote_status_environment_count(st) &&
		strcmp(promote_status_environment_at(st, e), promote_env_name(env)) != 0)
		e++;
	return e;
}

/* Why the version of `product` in `env` is not there (the cell read without an error): the template names
 * no version attribute, or the file does not hold it. */
static int missing_version(char **out, const promote_context *ctx, const char *product, const promote_env *env)
{
	const promote_product *cfg = promote__product_config(ctx, product);
	const char *file = cfg ? promote_product_version_file(cfg) : NULL;
	if (!file)
		*out = promote__strdupf("product '%s' has no version to compare: its template names no version attribute "
			"(template 'version: FILE#PATH')", product);
	else
		*out = promote__strdupf("the version of '%s' in '%s' is not there: its %s holds no %s", product,
			promote_env_name(env), file, promote_product_version_path(cfg));
	return *out ? 0 : promote__error_oom();
}

/* Where B's cell stands against A's; `row` has its names. */
static int relate(struct promote_drift_row *row, const promote_context *ctx, const struct promote_drift_pair *pair,
	const promote_status_cell *a, const promote_status_cell *b)
{
	row->from_version = promote_status_cell_version(a);
	row->to_version = promote_status_cell_version(b);
	if (!promote_status_cell_present(b)) {
		row->relation = PROMOTE_DRIFT_MISSING;
		return 0;
	}
	if (!promote_status_cell_present(a)) {
		row->relation = PROMOTE_DRIFT_EXTRA;
		return 0;
	}
	if (!row->from_version || !row->to_version) {
		row->relation = PROMOTE_DRIFT_UNKNOWN;
		const promote_status_cell *bad = row->from_version ? b : a;
		row->error = promote_status_cell_error(bad);
		if (row->error)
			return 0;
		int rc = missing_version(&row->own_error, ctx, row->product, bad == a ? pair->from : pair->to);
		row->error = row->own_error;
		return rc;
	}
	bool semver = false;
	int c = promote__version_compare(row->from_version, row->to_version, &semver);
	row->comparison = semver ? PROMOTE_DRIFT_SEMVER : PROMOTE_DRIFT_TEXT;
	row->relation = c == 0 ? PROMOTE_DRIFT_EQUAL : c > 0 ? PROMOTE_DRIFT_BEHIND : PROMOTE_DRIFT_AHEAD;
	return 0;
}

/* A row for every product in A or B of every pair. */
static int make_rows(promote_drift *d)
{
	const promote_status *st = d->status;
	size_t products = promote_status_product_count(st);
	if (products && d->pair_count && !(d->rows = calloc(products * d->pair_count, sizeof *d->rows)))
		return promote__error_oom();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < d->pair_count; i++) {
		const struct promote_drift_pair *pair = &d->pairs[i];
		size_t ea = column_of(st, pair->from), eb = column_of(st, pair->to);
		for (size_t p = 0; rc == 0 && p < products; p++) {
			const promote_status_cell *a = promote_status_cell_at(st, p, ea), *b = promote_status_cell_at(st, p, eb);
			if (!promote_status_cell_present(a) && !promote_status_cell_present(b))
				continue;
			struct promote_drift_row *row = &d->rows[d->row_count++];
			row->product = promote_status_product_at(st, p);
			row->from = promote_env_name(pair->from);
			row->to = promote_env_name(pair->to);
			rc = relate(row, d->ctx, pair, a, b);
			d->drifted += row->relation != PROMOTE_DRIFT_EQUAL;
		}
	}
	return rc;
}

/* ---- the drift ------------------------------------------------------------ */

int promote_drift_new(promote_drift **out, promote_context *ctx, const promote_drift_options *opts)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote_drift_options o = PROMOTE_DRIFT_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_DRIFT_OPTIONS_VERSION, "promote_drift_options");
	promote_drift *d = rc == 0 ? calloc(1, sizeof *d) : NULL;
	if (rc == 0 && !d)
		rc = promote__error_oom();
	if (d) {
		promote__context_ref(ctx);
		d->ctx = ctx;
	}
	pairs found = PROMOTE__ARRAY_INIT;
	if (rc == 0)
		rc = o.from || o.to ? named_pair(&found, ctx, o.from, o.to) : flow_pairs(&found, ctx);
	if (d) {
		d->pairs = found.ptr;
		d->pair_count = found.size;
	}
	promote_status_options sopts = PROMOTE_STATUS_OPTIONS_INIT;
	sopts.product = o.product;
	if (rc == 0)
		rc = promote_status_new(&d->status, ctx, &sopts);
	if (rc == 0)
		rc = make_rows(d);
	if (rc) {
		promote_drift_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void promote_drift_free(promote_drift *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->row_count; i++)
		free(d->rows[i].own_error);
	free(d->rows);
	free(d->pairs);
	promote_status_free(d->status);
	promote__context_unref(d->ctx);
	free(d);
}

/* ---- reading ---------------------------------------------------------------- */

size_t promote_drift_pair_count(const promote_drift *d) { return d ? d->pair_count : 0; }

const char *promote_drift_pair_from(const promote_drift *d, size_t index)
{
	return d && index < d->pair_count ? promote_env_name(d->pairs[index].from) : NULL;
}

const char *promote_drift_pair_to(const promote_drift *d, size_t index)
{
	return d && index < d->pair_count ? promote_env_name(d->pairs[index].to) : NULL;
}

size_t promote_drift_row_count(const promote_drift *d) { return d ? d->row_count : 0; }

const promote_drift_row *promote_drift_row_at(const promote_drift *d, size_t index)
{
	return d && index < d->row_count ? &d->rows[index] : NULL;
}

size_t promote_drift_drifted_count(const promote_drift *d) { return d ? d->drifted : 0; }

const char *promote_drift_row_product(const promote_drift_row *row) { return row ? row->product : NULL; }
const char *promote_drift_row_from(const promote_drift_row *row) { return row ? row->from : NULL; }
const char *promote_drift_row_to(const promote_drift_row *row) { return row ? row->to : NULL; }
const char *promote_drift_row_from_version(const promote_drift_row *row) { return row ? row->from_version : NULL; }
const char *promote_drift_row_to_version(const promote_drift_row *row) { return row ? row->to_version : NULL; }
int promote_drift_row_relation(const promote_drift_row *row) { return row ? row->relation : -1; }
int promote_drift_row_comparison(const promote_drift_row *row) { return row ? row->comparison : -1; }
const char *promote_drift_row_error(const promote_drift_row *row) { return row ? row->error : NULL; }

int promote_drift_to_json(promote_buf *out, const promote_drift *d)
{
	if (!out || !d)
		return promote__error_arg(__func__, !out ? "out" : "drift");
	return promote__drift_to_json(out, d);
}
