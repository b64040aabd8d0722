/* An environment import as data (env_import.h). */
#include "env_import.h"

#include "config_env.h"
#include "env_copy.h"
#include "layout.h"
#include "plan.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/options.h"
#include "core/strbuf.h"
#include "core/value.h"
#include "git/refname.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

static const size_t options_sizes[] = { sizeof(promote_env_import_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_ENV_IMPORT_OPTIONS_VERSION);

int promote_env_import_options_init(promote_env_import_options *opts, unsigned int version)
{
	static const promote_env_import_options defaults = PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_ENV_IMPORT_OPTIONS_VERSION,
		"promote_env_import_options", __func__);
}

/* The source's path with its last component replaced by `name`: envs/staging → envs/perf. */
static char *default_path(const char *from_path, const char *name)
{
	const char *slash = strrchr(from_path, '/');
	if (!slash || strcmp(from_path, ".") == 0)
		return strdup(name);
	return promote__strdupf("%.*s/%s", (int)(slash - from_path), from_path, name);
}

/* Copies of the labels given as KEY=VALUE, or of the source's. */
static int labels_of(promote__import_request *req, const promote_env_import_options *o)
{
	size_t n = o->label_count ? o->label_count : promote_env_label_count(req->from);
	req->label_keys = calloc(n ? n : 1, sizeof *req->label_keys);
	req->label_values = calloc(n ? n : 1, sizeof *req->label_values);
	if (!req->label_keys || !req->label_values)
		return promote__error_oom();
	req->labels_given = o->label_count > 0;
	for (size_t i = 0; i < n; i++, req->label_count++) {
		const char *label = o->label_count ? o->labels[i] : NULL;
		const char *eq = label ? strchr(label, '=') : NULL;
		if (label && (!eq || eq == label))
			return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
				"label '%s' is not KEY=VALUE; give each label as key=value (tier=pre)", label);
		req->label_keys[i] = label ? strndup(label, (size_t)(eq - label)) : strdup(promote_env_label_key_at(req->from, i));
		req->label_values[i] = strdup(label ? eq + 1 : promote_env_label_value_at(req->from, i));
		if (!req->label_keys[i] || !req->label_values[i]) {
			req->label_count++;
			return promote__error_oom();
		}
	}
	return 0;
}

/* The configuration file's path in its repository: its folder there, and its name. */
static int config_path_of(char **out, promote_context *ctx)
{
	if (!promote__context_repository(ctx) || !promote__context_config_in_repository(ctx))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not a file of a git repository, and an import adds the environment to it there: open the "
			"context on the repository (promote_context_open_repository()) or on a clone's promote.yaml",
			promote_context_source(ctx));
	const char *source = promote_context_source(ctx), *slash = strrchr(source, '/');
	const char *folder = promote__context_folder(ctx);
	*out = promote__strdupf("%s%s%s", folder, *folder ? "/" : "", slash ? slash + 1 : source);
	return *out ? 0 : promote__error_oom();
}

int promote__import_request_init(promote__import_request *req, promote_context *ctx, const char *name,
	const char *from, const promote_env_import_options *opts)
{
	memset(req, 0, sizeof *req);
	promote_env_import_options o = PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_ENV_IMPORT_OPTIONS_VERSION,
		"promote_env_import_options");
	if (rc == 0)
		rc = promote__name_check("environment", name);
	if (rc == 0)
		rc = promote_env_lookup(&req->from, ctx, from);
	if (rc == 0 && o.kind != -1 && o.kind != PROMOTE_ENV_NON_PRODUCTION && o.kind != PROMOTE_ENV_PRODUCTION)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"kind %d is not a promote_environment_kind: give PROMOTE_ENV_NON_PRODUCTION or "
			"PROMOTE_ENV_PRODUCTION, or -1 for the source's", o.kind);
	if (rc == 0 && o.strategy != -1 && (o.strategy < PROMOTE_STRATEGY_AUTO || o.strategy > PROMOTE_STRATEGY_NEVER))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"strategy %d is not a promote_strategy: give PROMOTE_STRATEGY_AUTO, _MANUAL or _NEVER, or -1 for "
			"manual", o.strategy);
	if (rc == 0 && o.target_namespace && (rc = promote__value_check("the namespace", o.target_namespace, 253)) < 0)
		return rc;
	if (rc == 0)
		rc = config_path_of(&req->config_path, ctx);
	if (rc)
		return rc;
	req->name = name;
	req->namespace_to = o.target_namespace;
	req->only = o.only;
	req->only_count = o.only_count;
	req->kind = o.kind == -1 ? promote_env_kind(req->from) : o.kind;
	req->strategy = o.strategy == -1 ? PROMOTE_STRATEGY_MANUAL : o.strategy;
	if (o.path) {
		size_t n = strlen(o.path);
		while (n > 1 && o.path[n - 1] == '/')
			n--;
		req->path = strndup(o.path, n);
	} else {
		req->path = default_path(promote_env_path(req->from), name);
	}
	return req->path ? labels_of(req, &o) : promote__error_oom();
}

void promote__import_request_dispose(promote__import_request *req)
{
	for (size_t i = 0; i < req->label_count; i++) {
		free(req->label_keys[i]);
		free(req->label_values[i]);
	}
	free(req->label_keys);
	free(req->label_values);
	free(req->path);
	free(req->config_path);
	memset(req, 0, sizeof *req);
}

static int count_entry(const char *name, promote__entry_type type, void *payload)
{
	(void)name;
	(void)type;
	++*(size_t *)payload;
	return 0;
}

/* PROMOTE_EEXISTS when something is at `dir` on `base` already. */
static int check_free(const promote__tree_reader *reader, const promote__commit_id *base, const char *dir,
	const char *branch)
{
	size_t entries = 0;
	promote_buf bytes = PROMOTE_BUF_INIT;
	unsigned mode;
	int rc = reader->list(reader->self, base, dir, count_entry, &entries);
	if (rc == PROMOTE_ENOTFOUND)
		rc = reader->read(&bytes, &mode, reader->self, base, dir, 0);
	promote_buf_dispose(&bytes);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	if (rc == 0 || rc == PROMOTE_ELIMIT)
		return promote__error(PROMOTE_EEXISTS, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' exists already on branch %s: import into another folder (path), or remove it first", dir,
			branch);
	return rc;
}

/* The source's namespace (its first cluster's, else the one its files set) and the one the import gives. */
static int namespaces(promote__import *imp, const promote__import_request *req, const promote__env_copy *how)
{
	const char *configured = promote_env_cluster_count(req->from) ? promote_env_cluster_namespace_at(req->from, 0)
								      : NULL;
	int rc = 0;
	if (configured)
		imp->namespace_from = strdup(configured);
	else
		rc = promote__env_copy_namespace(&imp->namespace_from, how);
	if (rc || (configured && !imp->namespace_from))
		return rc ? rc : promote__error_oom();
	if (!imp->namespace_from)
		return 0;
	if (req->namespace_to) {
		imp->namespace_to = strdup(req->namespace_to);
	} else {
		imp->namespace_to = promote__env_rename(imp->namespace_from, promote_env_name(req->from), req->name);
		if (imp->namespace_to && strcmp(imp->namespace_to, imp->namespace_from) == 0) {
			free(imp->namespace_to);
			imp->namespace_to = strdup(req->name);
		}
	}
	return imp->namespace_to ? 0 : promote__error_oom();
}

/* The configuration file with the environment added. */
static int config_change(promote__import *imp, const promote__tree_reader *reader, const promote__import_request *req)
{
	promote_buf before = PROMOTE_BUF_INIT, after = PROMOTE_BUF_INIT;
	unsigned mode = PROMOTE__MODE_FILE;
	int rc = reader->read(&before, &mode, reader->self, &imp->base, req->config_path, PROMOTE__YAML_DEFAULT_MAX_SIZE);
	if (rc == PROMOTE_ENOTFOUND)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
			"the configuration file '%s' is not on branch %s, where the import adds the environment; commit "
			"it there first", req->config_path, imp->branch);
	promote__config_env env = { req->name, req->path,
		req->kind == PROMOTE_ENV_PRODUCTION ? promote_environment_kind_name(req->kind) : NULL,
		promote_strategy_name(req->strategy), promote_env_name(req->from), !req->labels_given,
		(const char *const *)req->label_keys, (const char *const *)req->label_values, req->label_count };
	if (rc == 0)
		rc = promote__config_env_add(&after, before.ptr ? before.ptr : "", before.size, req->config_path, &env);
	imp->configured = rc == PROMOTE_EEXISTS;
	promote__change *c = rc == 0 ? promote__array_alloc(&imp->changes) : NULL;
	if (rc == 0 && !c)
		rc = PROMOTE_ENOMEM;
	if (c && !(c->path = strdup(req->config_path))) {
		imp->changes.size--;
		rc = promote__error_oom();
	} else if (c) {
		c->existed = true;
		c->before_mode = c->mode = mode;
		c->before = before;
		c->after = after;
		before = after = (promote_buf)PROMOTE_BUF_INIT;
	}
	promote_buf_dispose(&before);
	promote_buf_dispose(&after);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const promote__change *)a)->path, ((const promote__change *)b)->path);
}

int promote__import_make(promote__import *imp, promote_context *ctx, const promote__tree_reader *reader,
	const promote__import_request *req, const promote__commit_id *base, const promote__commit_id *from_commit)
{
	memset(imp, 0, sizeof *imp);
	int rc = reader->head_branch(&imp->branch, reader->self);
	if (rc == PROMOTE_ENOTFOUND)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
			"the repository's HEAD names no branch, and an import commits on the configuration's branch: "
			"check out a branch");
	if (rc == 0 && base)
		imp->base = *base;
	else if (rc == 0)
		rc = reader->tip(&imp->base, reader->self, imp->branch);
	if (rc == 0)
		rc = promote__plan_branch_of(&imp->from_branch, reader, req->from);
	promote__env_copy how = { reader, { "" }, NULL, NULL, NULL, NULL, promote_env_name(req->from), req->name, NULL, NULL,
		req->only, req->only_count };
	char *src_dir = rc == 0 ? promote__plan_env_dir(ctx, req->from) : NULL;
	if (rc == 0 && (!src_dir || !(imp->dir = promote__plan_folder(ctx, req->path))))
		rc = promote__error_oom();
	if (rc == 0 && from_commit)
		how.src = *from_commit;
	else if (rc == 0 && strcmp(imp->from_branch, imp->branch) == 0)
		how.src = imp->base;
	else if (rc == 0)
		rc = reader->tip(&how.src, reader->self, imp->from_branch);
	how.src_dir = src_dir;
	how.dst_dir = imp->dir;
	/* The configuration first: an environment configured already is the refusal a rerun looks for. */
	if (rc == 0)
		rc = config_change(imp, reader, req);
	if (rc == 0)
		rc = check_free(reader, &imp->base, imp->dir, imp->branch);
	if (rc == 0)
		rc = namespaces(imp, req, &how);
	how.from_namespace = imp->namespace_from;
	how.to_namespace = imp->namespace_to;
	if (rc == 0)
		rc = promote__env_copy_plan(&imp->changes, &how);
	if (rc == 0)
		qsort(imp->changes.ptr, imp->changes.size, sizeof *imp->changes.ptr, by_path);
	free(src_dir);
	return rc;
}

void promote__import_dispose(promote__import *imp)
{
	free(imp->branch);
	free(imp->from_branch);
	free(imp->dir);
	free(imp->namespace_from);
	free(imp->namespace_to);
	promote__changes_dispose(&imp->changes);
	memset(imp, 0, sizeof *imp);
}
