/*
 * Listing an environment's products from its branch: every configured
 * product that is there (layout.h: its folder, and in a shared layout its
 * version attribute), every folder a discovery product's path (such as
 * apps/STAR) matches, and every entry of the list a discovery product of a
 * list layout names (releases[name={product}]). Reads only the trees along
 * those paths.
 */
#include "plan.h"
#include "layout_find.h"

#include "core/array.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int any_entry(const char *name, promote__entry_type type, void *payload)
{
	(void)name;
	(void)type;
	(void)payload;
	return 1; /* one is enough */
}

/* Is there a folder at `path` of `commit`? (What cannot be read is no folder.) */
static bool is_folder(const promote__tree_reader *r, const promote__commit_id *commit, const char *path)
{
	int rc = r->list(r->self, commit, path, any_entry, NULL);
	if (rc < 0)
		promote_error_clear();
	return rc >= 0;
}

typedef promote__layout_names names;

/* Append a copy; duplicates go after sorting. */
static int add_name(names *list, const char *name, size_t len)
{
	char *copy = strndup(name, len);
	int rc = copy ? promote__array_push(list, copy) : promote__error_oom();
	if (rc)
		free(copy);
	return rc;
}

typedef struct finding {
	names *list;
	promote_context *ctx;
	const promote_env *env;
	const promote_product *cfg;
	const promote__tree_reader *r;
	const promote__commit_id *commit;
	const char *dir;          /* ENV/DIR */
	const char *prefix;       /* what a name starts with before the star */
	size_t prefix_len;
	const char *suffix;       /* and ends with after it */
	size_t suffix_len;
	const char *rest;         /* "/REST" that must be a folder below the name, or NULL */
} finding;

static int on_folder(const char *name, promote__entry_type type, void *payload)
{
	finding *f = payload;
	size_t len = strlen(name);
	if (type != PROMOTE__ENTRY_FOLDER || len <= f->prefix_len + f->suffix_len ||
		strncmp(name, f->prefix, f->prefix_len) != 0 || memcmp(name + len - f->suffix_len, f->suffix, f->suffix_len) != 0)
		return 0;
	if (f->rest) {
		promote__strbuf below;
		promote__strbuf_init(&below, PROMOTE__PATH_MAX, "a product's folder");
		int rc = strcmp(f->dir, ".") == 0 ? promote__strbuf_addf(&below, "%s%s", name, f->rest)
						  : promote__strbuf_addf(&below, "%s/%s%s", f->dir, name, f->rest);
		bool there = rc == 0 && is_folder(f->r, f->commit, promote__strbuf_cstr(&below));
		promote__strbuf_free(&below);
		if (!there)
			return rc;
	}
	char *product = strndup(name + f->prefix_len, len - f->prefix_len - f->suffix_len);
	/* A folder of its own is the product; in a shared layout, its version attribute must be there too. */
	bool there = !promote__layout_shared(f->cfg);
	int rc = !product ? promote__error_oom()
		 : there ? 0 : promote__layout_present(&there, f->ctx, f->r, f->commit, f->env, f->cfg, product);
	if (rc == 0 && there)
		rc = add_name(f->list, product, strlen(product));
	free(product);
	return rc;
}

/* ENV/DIR/PREFIX, star, SUFFIX/REST: every folder of ENV/DIR named PREFIX...SUFFIX
 * (with ENV/DIR/NAME/REST a folder too) adds the name where the star stands. */
static int discover(names *list, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *commit, const promote_env *env, const char *env_path, const promote_product *cfg)
{
	const char *pattern = promote_product_path(cfg);
	const char *star = strchr(pattern, '*');
	const char *slash = NULL;
	for (const char *c = pattern; c < star; c++)
		if (*c == '/')
			slash = c;
	size_t dir_len = slash ? (size_t)(slash - pattern) : 0;
	const char *prefix = slash ? slash + 1 : pattern;
	const char *rest = strchr(star, '/');
	promote__strbuf dir;
	promote__strbuf_init(&dir, PROMOTE__PATH_MAX, "a discovery product's folder");
	/* An environment at the repository's root (path "."): the folder without "./". */
	bool root = strcmp(env_path, ".") == 0;
	int rc = promote__strbuf_addf(&dir, "%s%s%.*s", root && dir_len ? "" : env_path, dir_len && !root ? "/" : "",
		(int)dir_len, pattern);
	finding f = { list, ctx, env, cfg, r, commit, promote__strbuf_cstr(&dir), prefix, (size_t)(star - prefix), star + 1,
		rest ? (size_t)(rest - star - 1) : strlen(star + 1), rest };
	if (rc == 0 && (rc = r->list(r->self, commit, strcmp(f.dir, ".") == 0 ? "" : f.dir, on_folder, &f)) ==
			PROMOTE_ENOTFOUND) {
		promote_error_clear(); /* no such folder: nothing found there */
		rc = 0;
	}
	promote__strbuf_free(&dir);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int promote_product_discover(promote_strarray *out, promote_context *ctx, const char *env_name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	names list = PROMOTE__ARRAY_INIT;
	const promote_env *env = NULL;
	const promote_flow *flow = NULL;
	int rc = 0;
	if (env_name)
		rc = promote_env_lookup(&env, ctx, env_name);
	else if ((rc = promote_flow_lookup(&flow, ctx, NULL)) == 0)
		env = promote_flow_trigger(flow);
	if (rc == 0 && !promote__context_repository(ctx))
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository: products are found in one (open the context with "
			"promote_context_open_repository())", promote_context_source(ctx));
	const promote__tree_reader *r = NULL;
	char *branch = NULL;
	promote__commit_id tip;
	/* An environment in another repository is read there. */
	if (rc == 0 && (rc = promote__context_env_reader(&r, ctx, env)) == 0 &&
		(rc = promote__plan_branch_of(&branch, r, env)) == 0)
		rc = r->tip(&tip, r->self, branch);
	/* Configured products first, then what discovery finds. */
	for (size_t i = 0; rc == 0 && i < promote_product_count(ctx); i++) {
		const promote_product *p = promote_product_at(ctx, i);
		bool there = false;
		if (!promote_product_is_discovery(p) &&
			(rc = promote__layout_present(&there, ctx, r, &tip, env, p, promote_product_name(p))) == 0 && there)
			rc = add_name(&list, promote_product_name(p), strlen(promote_product_name(p)));
	}
	char *env_dir = rc == 0 ? promote__plan_env_dir(ctx, env) : NULL;
	if (rc == 0 && !env_dir)
		rc = promote__error_oom();
	for (size_t i = 0; rc == 0 && i < promote_product_count(ctx); i++)
		if (promote__layout_is_list(promote_product_at(ctx, i)))
			rc = promote__layout_entries(&list, ctx, r, &tip, env, promote_product_at(ctx, i));
		else if (promote_product_is_discovery(promote_product_at(ctx, i)))
			rc = discover(&list, ctx, r, &tip, env, env_dir, promote_product_at(ctx, i));
	free(env_dir);
	free(branch);
	if (rc) {
		for (size_t i = 0; i < list.size; i++)
			free(list.ptr[i]);
		promote__array_free(&list);
		return rc;
	}
	if (list.size > 1)
		qsort(list.ptr, list.size, sizeof *list.ptr, by_name);
	size_t kept = 0;
	for (size_t i = 0; i < list.size; i++) {
		if (kept > 0 && strcmp(list.ptr[kept - 1], list.ptr[i]) == 0)
			free(list.ptr[i]); /* a configured product found by discovery too */
		else
			list.ptr[kept++] = list.ptr[i];
	}
	/* The caller's list takes the array as it is (released with promote_strarray_dispose()). */
	out->strings = list.ptr;
	out->count = kept;
	return 0;
}
