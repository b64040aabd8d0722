/*
 * promote_context_check(): what opening a context cannot see. The names of
 * git providers and deploy backends are checked against the built-in ones
 * and those the program registered on the context since it opened it (an
 * unknown one is an error), and every template `files` glob against the
 * default flow's trigger environment on its branch (one that matches no file
 * there is a warning: the promotion would silently copy nothing for it), and
 * a flow that routes through an environment whose strategy is never (its
 * later steps can never run) is a warning too.
 */
#include "plan.h"
#include "layout.h"

#include "core/array.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "core/wildmatch.h"
#include "model/checks.h"

#include <stdlib.h>
#include <string.h>

/* `name` is one of the `builtins` (a NULL-terminated list) or registered;
 * otherwise an error at `where` naming what is known, with the closest as a
 * suggestion. */
static int check_name(promote__errlist *errors, const promote__registry *registry, const char *const *builtins,
	const char *name, const promote__location *where, const char *owner, const char *kind, const char *how)
{
	PROMOTE__ARRAY(const char *) known = PROMOTE__ARRAY_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && builtins[i]; i++) {
		if (strcmp(name, builtins[i]) == 0) {
			promote__array_free(&known);
			return 0;
		}
		rc = promote__array_push(&known, builtins[i]);
	}
	for (size_t i = 0; rc == 0 && i < registry->size; i++) {
		if (strcmp(registry->ptr[i].name, name) == 0) {
			promote__array_free(&known);
			return 0;
		}
		rc = promote__array_push(&known, (const char *)registry->ptr[i].name);
	}
	if (rc == 0) {
		promote__strbuf list;
		promote__strbuf_init(&list, PROMOTE__MESSAGE_MAX, "the list of known names");
		for (size_t i = 0; rc == 0 && i < known.size; i++)
			rc = promote__strbuf_addf(&list, "%s'%s'", i ? ", " : "", known.ptr[i]);
		if (rc == 0)
			promote__errlist_add(errors, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, where,
				"%s names unknown %s '%s'%s; known: %s (a program registers its own with %s before the "
				"check)", owner, kind, name,
				promote__did_you_mean(name, (const char *const *)known.ptr, known.size),
				promote__strbuf_cstr(&list), how);
		promote__strbuf_free(&list);
	}
	promote__array_free(&known);
	return rc;
}

static int check_names(promote__errlist *errors, const promote_context *ctx)
{
	static const char *const git_builtins[] = { "local", "github", NULL };
	static const char *const deploy_builtins[] = { "none", "exec", NULL };
	const promote__config *cfg = &ctx->cfg;
	int rc = 0;
	promote__strbuf owner;
	promote__strbuf_init(&owner, PROMOTE__MESSAGE_MAX, "the name of a repository or an environment");
	for (size_t i = 0; rc == 0 && i < cfg->repository_count; i++) {
		const promote_repository *repo = &cfg->repositories[i];
		if ((rc = promote__strbuf_setf(&owner, "repository '%s'", repo->name)) == 0)
			rc = check_name(errors, &ctx->git_providers, git_builtins, repo->provider, &repo->provider_where,
				promote__strbuf_cstr(&owner), "git provider", "promote_git_provider_register()");
	}
	for (size_t i = 0; rc == 0 && i < cfg->env_count; i++) {
		const promote_env *env = &cfg->envs[i];
		if (env->deploy_backend.name && (rc = promote__strbuf_setf(&owner, "environment '%s'", env->name)) == 0)
			rc = check_name(errors, &ctx->deploy_backends, deploy_builtins, env->deploy_backend.name,
				&env->deploy_backend.where, promote__strbuf_cstr(&owner), "deploy backend",
				"promote_deploy_backend_register()");
	}
	promote__strbuf_free(&owner);
	return rc;
}

/* One folder of a product (`dir`) searched for files its globs match. */
typedef struct scan {
	const promote__tree_reader *r;
	const promote__commit_id *tip;
	const promote_product *product;
	const char *env;   /* for {env} and {product} in the globs */
	const char *name;
	const char *dir;
	bool *matched;     /* per glob */
} scan;

typedef struct level {
	const scan *s;
	const char *rel;   /* the folder being listed, below `dir` ("" for itself) */
} level;

static int list_below(const scan *s, const char *rel);

static int on_entry(const char *name, promote__entry_type type, void *payload)
{
	const level *l = payload;
	promote__strbuf path;
	promote__strbuf_init(&path, PROMOTE__PATH_MAX, "a path in a product's folder");
	int rc = promote__strbuf_addf(&path, "%s%s%s", l->rel, *l->rel ? "/" : "", name);
	if (rc == 0 && type == PROMOTE__ENTRY_FOLDER)
		rc = list_below(l->s, promote__strbuf_cstr(&path));
	for (size_t i = 0; rc == 0 && type == PROMOTE__ENTRY_FILE && i < promote_product_file_count(l->s->product); i++) {
		if (l->s->matched[i])
			continue;
		char *glob = promote__layout_expand(promote_product_file_at(l->s->product, i), l->s->env, l->s->product,
			l->s->name);
		if (glob)
			l->s->matched[i] = promote__wildmatch(glob, promote__strbuf_cstr(&path));
		else
			rc = promote__error_oom();
		free(glob);
	}
	promote__strbuf_free(&path);
	return rc;
}

static int list_below(const scan *s, const char *rel)
{
	promote__strbuf folder;
	promote__strbuf_init(&folder, PROMOTE__PATH_MAX, "a folder in a product's folder");
	int rc = promote__strbuf_addf(&folder, "%s%s%s", s->dir, *rel ? "/" : "", rel);
	if (rc == 0)
		rc = s->r->list(s->r->self, s->tip, promote__strbuf_cstr(&folder), on_entry, &(level){ s, rel });
	promote__strbuf_free(&folder);
	return rc;
}

/* Mark the globs of `product` that match a file of its folder `name` in
 * `env`; *found tells whether that folder is there. */
static int match_folder(bool *matched, bool *found, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *tip, const promote_env *env, const promote_product *product, const char *name)
{
	char *dir = promote__plan_product_dir(ctx, env, product, name);
	if (!dir)
		return promote__error_oom();
	scan s = { r, tip, product, promote_env_name(env), name, dir, matched };
	int rc = list_below(&s, "");
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear(); /* not in this environment */
		rc = 0;
	} else if (rc == 0) {
		*found = true;
	}
	free(dir);
	return rc;
}

/* The names a product stands for in `env`: its own, or for the discovery
 * product every folder found that no configured product claims. */
static int product_names(promote_strarray *out, promote_context *ctx, const promote_product *product,
	const promote_env *env)
{
	*out = (promote_strarray)PROMOTE_STRARRAY_INIT;
	if (!promote_product_is_discovery(product)) {
		out->strings = malloc(sizeof *out->strings);
		if (!out->strings || !(out->strings[0] = strdup(promote_product_name(product)))) {
			free(out->strings);
			out->strings = NULL;
			return promote__error_oom();
		}
		out->count = 1;
		return 0;
	}
	int rc = promote_product_discover(out, ctx, promote_env_name(env));
	size_t kept = 0;
	for (size_t i = 0; rc == 0 && i < out->count; i++) {
		const promote_product *configured;
		if (promote_product_lookup(&configured, ctx, out->strings[i]) == 0)
			free(out->strings[i]);
		else
			out->strings[kept++] = out->strings[i];
	}
	promote_error_clear();
	out->count = kept;
	return rc;
}

static int check_product_globs(promote__errlist *warnings, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *tip, const promote_env *env, const char *branch, const promote_product *product)
{
	size_t count = promote_product_file_count(product);
	if (count == 0)
		return 0;
	bool *matched = calloc(count, sizeof *matched);
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	int rc = matched ? product_names(&names, ctx, product, env) : promote__error_oom();
	bool found = false;
	for (size_t i = 0; rc == 0 && i < names.count; i++)
		rc = match_folder(matched, &found, ctx, r, tip, env, product, names.strings[i]);
	/* No folder at all: the product is not in that environment, which says nothing of its globs. */
	for (size_t i = 0; rc == 0 && found && i < count; i++) {
		if (matched[i])
			continue;
		const char *dir = promote_product_is_discovery(product) ? "the folders" : "the folder";
		promote__errlist_add(warnings, PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG, &product->tmpl->files[i].where,
			"files glob '%s' of product '%s' matches no file in %s '%s' of environment '%s' (branch '%s', the "
			"default flow's trigger), so a promotion copies nothing for it; correct the glob ('**/' matches "
			"at every depth) or remove it",
			product->tmpl->files[i].name, promote_product_name(product), dir, promote_product_path(product),
			promote_env_name(env), branch);
	}
	promote_strarray_dispose(&names);
	free(matched);
	return rc;
}

static int check_globs(promote__errlist *warnings, promote_context *ctx)
{
	const promote_flow *flow;
	/* No repository, a configuration that is not the repository's own (a
	 * file in a bare repository's folder), or no flow: nothing to look at. */
	if (!promote__context_config_in_repository(ctx) || promote_flow_lookup(&flow, ctx, NULL) != 0) {
		promote_error_clear();
		return 0;
	}
	const promote_env *env = promote_flow_trigger(flow);
	const promote__tree_reader *r = NULL;
	char *branch = NULL;
	promote__commit_id tip;
	int rc = promote__context_env_reader(&r, ctx, env); /* its own repository's, when it lives in another */
	if (rc == 0)
		rc = promote__plan_branch_of(&branch, r, env);
	if (rc == 0)
		rc = r->tip(&tip, r->self, branch);
	if (rc && rc != PROMOTE_ENOMEM) {
		/* A branch that is not there yet (or a detached HEAD) is no fault of the configuration. */
		promote__errlist_add(warnings, rc, PROMOTE_ERROR_CLASS_GIT, NULL,
			"the template globs were not checked against environment '%s': %s", promote_env_name(env),
			promote_error_last()->message);
		promote_error_clear();
		rc = 0;
	} else {
		for (size_t i = 0; rc == 0 && i < ctx->cfg.product_count; i++)
			rc = check_product_globs(warnings, ctx, r, &tip, env, branch, &ctx->cfg.products[i]);
	}
	free(branch);
	return rc;
}

int promote_context_check(promote_warnings **out, promote_context *ctx)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote__errlist *errors = promote__errlist_new();
	promote_warnings *w = calloc(1, sizeof *w);
	int rc = errors && w && (w->list = promote__errlist_new()) ? 0 : promote__error_oom();
	if (rc == 0)
		rc = check_names(errors, ctx);
	if (rc == 0)
		rc = promote__errlist_publish(errors);
	if (rc == 0)
		promote__model_warnings(&ctx->cfg, w->list);
	if (rc == 0)
		rc = check_globs(w->list, ctx);
	if (rc == 0)
		rc = promote__errlist_seal(w->list);
	promote__errlist_free(errors);
	if (rc) {
		promote_warnings_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

size_t promote_warnings_count(const promote_warnings *warnings)
{
	return warnings ? promote__errlist_count(warnings->list) : 0;
}

const promote_error *promote_warnings_at(const promote_warnings *warnings, size_t index)
{
	return warnings ? promote__errlist_at(warnings->list, index) : NULL;
}

void promote_warnings_free(promote_warnings *warnings)
{
	if (!warnings)
		return;
	promote__errlist_free(warnings->list);
	free(warnings);
}
