/*
 * Planning a sync (sync.h): every product of the source environment,
 * filtered, planned into the target one after the other through an overlay
 * of the files the plans before it changed — a helmfile or kustomization
 * that holds several products ends up with every product's edit.
 */
#include "sync_model.h"

#include "plan/env_copy.h"
#include "plan/prefetch.h"
#include "core/buf.h"
#include "core/options.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/wildmatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t options_sizes[] = { sizeof(promote_sync_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_SYNC_OPTIONS_VERSION);

int promote_sync_options_init(promote_sync_options *opts, unsigned int version)
{
	static const promote_sync_options defaults = PROMOTE_SYNC_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_SYNC_OPTIONS_VERSION,
		"promote_sync_options", __func__);
}

const char *promote_sync_kind_name(int kind)
{
	static const char *const names[] = { "equal", "update", "add", "skip" };
	return PROMOTE__NAME_OF(names, kind);
}

static bool any_match(const char *const *globs, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (promote__wildmatch(globs[i], name))
			return true;
	return false;
}

static bool listed(const promote_strarray *names, const char *name)
{
	size_t lo = 0, hi = names->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(names->strings[mid], name);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The products of the source the options keep: NULL-free, sorted (the
 * discovery's order). An explicitly named product the source lacks is an error. */
static int chosen_products(promote_strarray *out, promote_context *ctx, const promote_env *from,
	const promote_sync_options *o)
{
	promote_strarray all = { NULL, 0 };
	int rc = promote_product_discover(&all, ctx, promote_env_name(from));
	for (size_t i = 0; rc == 0 && i < o->product_count; i++)
		if (!listed(&all, o->products[i]))
			rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
				"'%s' has no product '%s' (there is no folder of it there); name a product of '%s' "
				"(promote_product_discover() lists them)", promote_env_name(from), o->products[i],
				promote_env_name(from));
	size_t kept = 0;
	for (size_t i = 0; rc == 0 && i < all.count; i++) {
		const char *name = all.strings[i];
		bool keep = (o->product_count == 0 || any_match(o->products, o->product_count, name)) &&
			(o->only_count == 0 || any_match(o->only, o->only_count, name)) &&
			!any_match(o->exclude, o->exclude_count, name);
		if (keep)
			all.strings[kept++] = all.strings[i];
		else
			free(all.strings[i]);
	}
	if (rc) {
		promote_strarray_dispose(&all);
		return rc;
	}
	all.count = kept;
	*out = all;
	return 0;
}

/* What the plan made: its changes, seen by the plans after it. */
static int overlay_changes(promote_sync *s, const promote_plan *plan)
{
	promote__commit_id base;
	snprintf(base.hex, sizeof base.hex, "%s", plan->base.hex);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < plan->changes.size; i++) {
		const promote__change *c = &plan->changes.ptr[i];
		rc = promote__overlay_put(&s->overlay, &base, c->path, c->after.ptr, c->after.size, c->mode);
	}
	return rc;
}

typedef struct ordered_change {
	const promote__change *change;
	size_t order;
} ordered_change;

static int by_path_then_order(const void *a, const void *b)
{
	const ordered_change *x = a, *y = b;
	int c = strcmp(x->change->path, y->change->path);
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* Every file the written plans change, once, sorted by path: as it was
 * before the first plan that changed it, as the last one left it. */
static int merge_changes(promote_sync *s)
{
	free(s->merged);
	s->merged = NULL;
	s->merged_count = 0;
	size_t total = 0, k = 0;
	for (size_t i = 0; i < s->written_count; i++)
		total += s->written[i]->changes.size;
	ordered_change *all = calloc(total ? total : 1, sizeof *all);
	if (!all || !(s->merged = calloc(total ? total : 1, sizeof *s->merged))) {
		free(all);
		return promote__error_oom();
	}
	for (size_t i = 0; i < s->written_count; i++)
		for (size_t j = 0; j < s->written[i]->changes.size; j++, k++)
			all[k] = (ordered_change){ &s->written[i]->changes.ptr[j], k };
	qsort(all, total, sizeof *all, by_path_then_order);
	for (size_t i = 0; i < total; i++) {
		const promote__change *first = all[i].change, *last = first;
		while (i + 1 < total && strcmp(all[i + 1].change->path, first->path) == 0)
			last = all[++i].change;
		s->merged[s->merged_count++] = (promote__sync_change){ first->path, first->existed, first->before_mode,
			last->mode, &first->before, &last->after };
	}
	free(all);
	return 0;
}

/* A product the target lacks, in a folder of its own: the whole folder comes, as the source has it,
 * with the source environment's name renamed in paths, names and namespaces (env_copy.h) — not only
 * the template's files. A product in a file it shares with others (a list's entry) is the plan's. */
static int copy_folder(promote_sync *s, promote_plan *plan, const promote__tree_reader *reader)
{
	char *src_dir = promote__plan_product_dir(s->ctx, s->from, plan->product_cfg, plan->product);
	char *dst_dir = promote__plan_product_dir(s->ctx, s->to, plan->product_cfg, plan->product);
	char *src_env = promote__plan_env_dir(s->ctx, s->from);
	int rc = src_dir && dst_dir && src_env ? 0 : promote__error_oom();
	promote__changes copied = PROMOTE__ARRAY_INIT;
	/* (The same folder is another one when the source lives in another repository.) */
	if (rc == 0 && (plan->from_reader || strcmp(src_dir, dst_dir) != 0) && strcmp(src_dir, src_env) != 0) {
		/* A's files through A's reader (its own repository's, when it lives in another), B's through `reader`. */
		promote__env_copy how = { promote__plan_source_reader(plan, reader), plan->from_commit, src_dir, &plan->base,
			reader, dst_dir, promote_env_name(s->from), promote_env_name(s->to), NULL, NULL, NULL, 0 };
		rc = promote__env_copy_plan(&copied, &how);
		if (rc == 0) {
			promote__changes_dispose(&plan->changes);
			plan->changes = copied;
			copied = (promote__changes)PROMOTE__ARRAY_INIT;
		}
	}
	promote__changes_dispose(&copied);
	free(src_dir);
	free(dst_dir);
	free(src_env);
	return rc;
}

/* Plan `item` into the target, through the overlay of what the plans before it changed. */
static int plan_item(promote_sync *s, promote__sync_item *item, bool in_target, bool update_only)
{
	promote_plan_options po = PROMOTE_PLAN_OPTIONS_INIT;
	po.from = promote_env_name(s->from);
	int rc = promote__plan_make_at(&item->plan, s->ctx, &s->overlay.reader, item->name, promote_env_name(s->to), &po,
		s->source_pin.hex[0] ? &s->source_pin : NULL);
	if (rc)
		return rc;
	if (in_target && item->plan->previous && !(item->previous = strdup(item->plan->previous)))
		return promote__error_oom();
	if ((!in_target && update_only) || item->plan->action == PROMOTE_ACTION_NONE)
		item->kind = PROMOTE_SYNC_SKIP;
	else if (item->plan->changes.size == 0)
		item->kind = PROMOTE_SYNC_EQUAL;
	else
		item->kind = in_target ? PROMOTE_SYNC_UPDATE : PROMOTE_SYNC_ADD;
	if (item->kind == PROMOTE_SYNC_ADD)
		rc = copy_folder(s, item->plan, &s->overlay.reader);
	return rc == 0 && (item->kind == PROMOTE_SYNC_UPDATE || item->kind == PROMOTE_SYNC_ADD)
		? overlay_changes(s, item->plan) : rc;
}

/* One change request for all when any product's policy asks for one or the
 * target's strategy wants a person to approve; else one commit. */
static void decide_action(promote_sync *s)
{
	bool propose = promote_env_strategy(s->to) == PROMOTE_STRATEGY_MANUAL;
	for (size_t i = 0; i < s->count; i++) {
		const promote__sync_item *item = &s->items[i];
		if (item->kind == PROMOTE_SYNC_UPDATE || item->kind == PROMOTE_SYNC_ADD) {
			propose = propose || item->plan->action == PROMOTE_ACTION_PULL_REQUEST;
			s->written[s->written_count++] = item->plan;
		}
	}
	bool any = false;
	for (size_t i = 0; i < s->count && !any; i++)
		any = s->items[i].kind != PROMOTE_SYNC_SKIP;
	s->action = !any ? PROMOTE_ACTION_NONE : propose ? PROMOTE_ACTION_PULL_REQUEST : PROMOTE_ACTION_COMMIT;
	for (size_t i = 0; i < s->written_count; i++)
		s->written[i]->action = s->action;
}

int promote__sync_replan(promote_sync *s, const promote__tree_reader *reader)
{
	promote__overlay_clear(&s->overlay);
	s->overlay.base = reader;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->count; i++) {
		promote__sync_item *item = &s->items[i];
		if (item->kind != PROMOTE_SYNC_UPDATE && item->kind != PROMOTE_SYNC_ADD)
			continue;
		rc = promote__plan_compute(item->plan, &s->overlay.reader);
		if (rc == 0 && item->kind == PROMOTE_SYNC_ADD)
			rc = copy_folder(s, item->plan, &s->overlay.reader);
		if (rc == 0)
			rc = overlay_changes(s, item->plan);
	}
	return rc ? rc : merge_changes(s);
}

static int by_item_name(const void *a, const void *b)
{
	return strcmp(((const promote__sync_item *)a)->name, ((const promote__sync_item *)b)->name);
}

/* Once the first product is planned (its plan knows the two commits), the others' files are read and
 * parsed ahead on other threads (plan/prefetch.h), unless the source lives in another repository. */
static int read_ahead(promote__prefetch **out, promote_sync *s, const promote__tree_reader *reader,
	const promote_strarray *chosen)
{
	const promote_plan *first = s->items[0].plan;
	if (chosen->count < 3 || first->from_reader)
		return 0;
	promote__prefetch_plan what = { s->from, s->to, &first->from_commit, &first->base, chosen->strings + 1,
		chosen->count - 1 };
	int rc = promote__prefetch_start(out, s->ctx, reader, &what);
	if (rc == 0 && *out)
		s->overlay.base = promote__prefetch_reader(*out);
	return rc;
}

static int plan_all(promote_sync *s, const promote_sync_options *o)
{
	const promote__tree_reader *reader = NULL;
	promote_strarray chosen = { NULL, 0 }, there = { NULL, 0 };
	int rc = promote__context_reader(&reader, s->ctx);
	if (rc == 0)
		rc = chosen_products(&chosen, s->ctx, s->from, o);
	if (rc == 0)
		rc = promote_product_discover(&there, s->ctx, promote_env_name(s->to));
	if (rc == 0 && !(s->items = calloc(chosen.count ? chosen.count : 1, sizeof *s->items)))
		rc = promote__error_oom();
	if (rc == 0 && !(s->written = calloc(chosen.count ? chosen.count : 1, sizeof *s->written)))
		rc = promote__error_oom();
	promote__overlay_init(&s->overlay, reader);
	promote__prefetch *ahead = NULL;
	for (size_t i = 0; rc == 0 && i < chosen.count; i++) {
		promote__sync_item *item = &s->items[s->count];
		if (!(item->name = strdup(chosen.strings[i]))) {
			rc = promote__error_oom();
			break;
		}
		s->count++;
		promote__prefetch_enter(ahead, i - 1);
		rc = plan_item(s, item, listed(&there, item->name), o->update_only != 0);
		if (rc == 0 && i == 0)
			rc = read_ahead(&ahead, s, reader, &chosen);
	}
	promote__prefetch_stop(ahead);
	s->overlay.base = reader;
	if (rc == 0 && s->count > 1)
		qsort(s->items, s->count, sizeof *s->items, by_item_name);
	if (rc == 0) {
		decide_action(s);
		rc = merge_changes(s);
	}
	promote_strarray_dispose(&chosen);
	promote_strarray_dispose(&there);
	return rc;
}

static int add_filter(promote_sync *s, const char *kind, const char *value)
{
	char **grown = realloc(s->filters, (s->filter_count + 1) * sizeof *s->filters);
	if (!grown)
		return promote__error_oom();
	s->filters = grown;
	if (!(grown[s->filter_count] = value ? promote__strdupf("%s:%s", kind, value) : strdup(kind)))
		return promote__error_oom();
	s->filter_count++;
	return 0;
}

static int filters_of(promote_sync *s, const promote_sync_options *o)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < o->product_count; i++)
		rc = add_filter(s, "product", o->products[i]);
	for (size_t i = 0; rc == 0 && i < o->only_count; i++)
		rc = add_filter(s, "only", o->only[i]);
	for (size_t i = 0; rc == 0 && i < o->exclude_count; i++)
		rc = add_filter(s, "exclude", o->exclude[i]);
	if (rc == 0 && o->update_only)
		rc = add_filter(s, "update_only", NULL);
	return rc;
}

int promote_sync_create(promote_sync **out, promote_context *ctx, const char *from, const char *to,
	const promote_sync_options *opts)
{
	if (!out || !ctx || !to)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : "to");
	return promote__sync_make(out, ctx, from, to, opts, NULL);
}

int promote__sync_make(promote_sync **out, promote_context *ctx, const char *from, const char *to,
	const promote_sync_options *opts, const promote__commit_id *source)
{
	*out = NULL;
	promote_sync_options o = PROMOTE_SYNC_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_SYNC_OPTIONS_VERSION, "promote_sync_options");
	if (rc)
		return rc;
	if (!promote__context_repository(ctx))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository; open the context from a repository (promote_context_open_repository())",
			promote_context_source(ctx));
	promote_sync *s = calloc(1, sizeof *s);
	if (!s)
		return promote__error_oom();
	s->ctx = ctx;
	promote__context_ref(ctx);
	if (source)
		s->source_pin = *source;
	rc = promote_env_lookup(&s->to, ctx, to);
	if (rc == 0 && from)
		rc = promote_env_lookup(&s->from, ctx, from);
	else if (rc == 0 && !(s->from = promote__plan_default_source(ctx, s->to)))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"no flow step promotes into '%s'; name the environment to sync it with (promote_sync_create()'s from)", to);
	if (rc == 0 && s->from == s->to)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' cannot be synced with itself; name another source environment", to);
	if (rc == 0) /* before anything is read: the source may live in another repository, the target not */
		rc = promote__plan_check_target(ctx, s->to);
	s->update_only = o.update_only != 0;
	if (rc == 0)
		rc = filters_of(s, &o);
	if (rc == 0)
		rc = plan_all(s, &o);
	if (rc) {
		promote_sync_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void promote_sync_free(promote_sync *s)
{
	if (!s)
		return;
	if (s->refs) {
		s->refs--;
		return;
	}
	for (size_t i = 0; i < s->count; i++) {
		free(s->items[i].name);
		free(s->items[i].previous);
		promote_plan_free(s->items[i].plan);
	}
	free(s->items);
	for (size_t i = 0; i < s->filter_count; i++)
		free(s->filters[i]);
	free(s->filters);
	free(s->written);
	free(s->merged);
	promote__overlay_dispose(&s->overlay);
	free(s->change_id);
	promote__context_unref(s->ctx);
	free(s);
}

static const promote__sync_item *item_at(const promote_sync *s, size_t i)
{
	return s && i < s->count ? &s->items[i] : NULL;
}

const char *promote_sync_from(const promote_sync *s) { return s ? promote_env_name(s->from) : NULL; }
const char *promote_sync_to(const promote_sync *s) { return s ? promote_env_name(s->to) : NULL; }
int promote_sync_action(const promote_sync *s) { return s ? s->action : PROMOTE_ACTION_NONE; }
size_t promote_sync_product_count(const promote_sync *s) { return s ? s->count : 0; }
const char *promote_sync_change_id(const promote_sync *s) { return s ? s->change_id : NULL; }
size_t promote_sync_change_count(const promote_sync *s) { return s ? s->merged_count : 0; }

const char *promote_sync_branch(const promote_sync *s)
{
	return s && s->count ? s->items[0].plan->to_branch : NULL;
}

const char *promote_sync_base(const promote_sync *s)
{
	return s && s->count ? s->items[0].plan->base.hex : NULL;
}

const char *promote_sync_product_at(const promote_sync *s, size_t i)
{
	const promote__sync_item *item = item_at(s, i);
	return item ? item->name : NULL;
}

int promote_sync_product_kind_at(const promote_sync *s, size_t i)
{
	const promote__sync_item *item = item_at(s, i);
	return item ? item->kind : -1;
}

const char *promote_sync_product_version_at(const promote_sync *s, size_t i)
{
	const promote__sync_item *item = item_at(s, i);
	return item ? item->plan->version : NULL;
}

const char *promote_sync_product_previous_at(const promote_sync *s, size_t i)
{
	const promote__sync_item *item = item_at(s, i);
	return item ? item->previous : NULL;
}

size_t promote_sync_count_of(const promote_sync *s, int kind)
{
	size_t n = 0;
	for (size_t i = 0; s && i < s->count; i++)
		n += s->items[i].kind == kind;
	return n;
}

const char *promote_sync_change_path_at(const promote_sync *s, size_t i)
{
	return s && i < s->merged_count ? s->merged[i].path : NULL;
}
