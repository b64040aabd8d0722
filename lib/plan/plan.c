/* Planning a promotion: what changes in the target environment, as data. */
#include "plan.h"
#include "layout.h"
#include "layout_prune.h"
#include "env_copy.h"

#include "git/diff.h"
#include "net/redact.h"
#include "core/options.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/value.h"
#include "core/strbuf.h"
#include "core/wildmatch.h"
#include "git/refname.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* The largest file a template's `files` copy whole (YAML files are read up to
 * the YAML editor's limit): a larger one is refused before it is read. */
#define COPY_MAX (64u * 1024 * 1024)

static const size_t options_sizes[] = { sizeof(promote_plan_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_PLAN_OPTIONS_VERSION);

int promote_plan_options_init(promote_plan_options *opts, unsigned int version)
{
	static const promote_plan_options defaults = PROMOTE_PLAN_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_PLAN_OPTIONS_VERSION,
		"promote_plan_options", __func__);
}

int promote__plan_branch_of(char **out, const promote__tree_reader *reader, const promote_env *env)
{
	const char *branch = promote_env_branch(env);
	if (branch) {
		*out = strdup(branch);
		return *out ? 0 : promote__error_oom();
	}
	int rc = reader->head_branch(out, reader->self);
	if (rc == PROMOTE_ENOTFOUND)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
			"the repository's HEAD names no branch; give environment '%s' a 'branch'", promote_env_name(env));
	return rc;
}

/* The modes a change takes a file from and to. */
typedef struct modes {
	unsigned before, after;
} modes;

static int add_change(promote_plan *plan, char *path, const promote_buf *before, bool existed, const char *after,
	size_t after_size, modes m)
{
	promote__change *c = promote__array_alloc(&plan->changes);
	if (!c) {
		free(path);
		return PROMOTE_ENOMEM;
	}
	c->path = path;
	c->existed = existed;
	c->before_mode = m.before;
	c->mode = m.after;
	int rc = before ? promote__buf_put(&c->before, before->ptr ? before->ptr : "", before->size) : 0;
	if (rc == 0)
		rc = promote__buf_put(&c->after, after, after_size);
	if (rc) {
		free(path);
		promote_buf_dispose(&c->before);
		promote_buf_dispose(&c->after);
		plan->changes.size--;
	}
	return rc;
}

typedef struct sides {
	const promote__tree_reader *r;      /* the target's repository */
	const promote__tree_reader *src_r;  /* the source's: `r`, or another repository's */
	promote__commit_id src;
	promote__commit_id dst;
	const char *src_dir;  /* the product's folder in each environment */
	const char *dst_dir;
} sides;

/* An attribute file is edited as YAML: a symbolic link is not one (its bytes
 * are the path it points to), and following it could leave the repository. */
static int refuse_link(const char *path, unsigned mode, const char *branch)
{
	if (mode != PROMOTE__MODE_LINK)
		return 0;
	return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
		"'%s' on branch %s is a symbolic link, and its attributes are edited as YAML in place: links are "
		"never followed; make it a regular file, or copy it whole (the template's 'files')", path, branch);
}

/* The target's version before the plan, when `file` holds the version attribute (read once, as the
 * target's file is: no second read of it). */
static int read_previous(promote_plan *plan, const promote_yaml_doc *dst, const char *file)
{
	const promote_product *p = plan->product_cfg;
	if (!promote_product_version_file(p) || strcmp(promote_product_version_file(p), file) != 0)
		return 0;
	promote_yaml_path *path = NULL;
	promote_buf v = PROMOTE_BUF_INIT;
	int rc = promote__layout_path(&path, promote_product_version_path(p), promote_env_name(plan->to), p,
		plan->product);
	if (rc == 0 && promote_yaml_get(&v, dst, path) < 0)
		promote_error_clear(); /* no such attribute there: no previous version */
	else if (rc == 0 && !(plan->previous = strdup(v.ptr)))
		rc = promote__error_oom();
	promote_buf_dispose(&v);
	promote_yaml_path_free(path);
	return rc;
}

/* A file new to the target that the product shares with others (a helmfile of releases): it starts as
 * the source's, so the source environment's name is renamed in its namespaces, names and paths as in a
 * copied folder (env_copy.h: `namespace: jx-staging` becomes `jx-production` from staging to production). */
static int rename_new_file(promote_buf *out, const promote_plan *plan, const char *path, const char *bytes,
	size_t size)
{
	promote__env_copy how = { .from_name = promote_env_name(plan->from), .to_name = promote_env_name(plan->to) };
	promote_buf view = { (char *)bytes, 0, size };
	return promote__env_copy_rewrite(out, &how, &view, path);
}

/* The document of `bytes`, the file `path` at `commit` read through `r`: the reader's when it parsed it
 * already (prefetch.h), else parsed here. */
static int parse_read(promote_yaml_doc **out, const promote__tree_reader *r, const promote__commit_id *commit,
	const char *path, const promote_buf *bytes)
{
	if (r->parsed && (*out = r->parsed(r->self, commit, path, bytes->ptr, bytes->size)))
		return 0;
	return promote_yaml_doc_parse(out, bytes->ptr, bytes->size, path, NULL);
}

/* One attribute file: copy every attribute of `file` from source to target. */
static int plan_attribute_file(promote_plan *plan, const sides *s, const char *file)
{
	const promote_product *p = plan->product_cfg;
	char *src_path = promote__plan_file_path(s->src_dir, file, plan->from, p, plan->product);
	char *dst_path = promote__plan_file_path(s->dst_dir, file, plan->to, p, plan->product);
	promote_buf src_bytes = PROMOTE_BUF_INIT, dst_bytes = PROMOTE_BUF_INIT;
	promote_yaml_doc *src = NULL, *dst = NULL;
	int rc = src_path && dst_path ? 0 : promote__error_oom();
	modes m = { PROMOTE__MODE_FILE, PROMOTE__MODE_FILE };
	if (rc == 0)
		rc = s->src_r->read(&src_bytes, &m.after, s->src_r->self, &s->src, src_path, PROMOTE__YAML_DEFAULT_MAX_SIZE);
	if (rc == 0)
		rc = refuse_link(src_path, m.after, plan->from_branch);
	bool existed = true;
	if (rc == 0) {
		rc = s->r->read(&dst_bytes, &m.before, s->r->self, &s->dst, dst_path, PROMOTE__YAML_DEFAULT_MAX_SIZE);
		if (rc == PROMOTE_ENOTFOUND) {
			/* A product new to the target: the file comes whole, with the source's mode. */
			existed = false;
			rc = 0;
		} else if (rc == 0) {
			/* Its values change, not its mode. */
			m.after = m.before;
			rc = refuse_link(dst_path, m.before, plan->to_branch);
		}
	}
	if (rc == 0)
		rc = parse_read(&src, s->src_r, &s->src, src_path, &src_bytes);
	if (rc == 0 && existed)
		rc = parse_read(&dst, s->r, &s->dst, dst_path, &dst_bytes);
	else if (rc == 0) /* a new file starts as the source's, then takes the attributes like any other */
		rc = promote_yaml_doc_parse(&dst, src_bytes.ptr, src_bytes.size, dst_path, NULL);
	/* ... but not the other entries of a list the product shares with others: those are not promoted. */
	if (rc == 0 && !existed && promote_product_version_file(p) && strcmp(promote_product_version_file(p), file) == 0)
		rc = promote__layout_prune(dst, p, promote_env_name(plan->to), plan->product);
	if (rc == 0 && existed)
		rc = read_previous(plan, dst, file);
	for (size_t i = 0; rc == 0 && i < promote_product_attribute_count(p); i++) {
		if (strcmp(promote_product_attribute_file_at(p, i), file) != 0)
			continue;
		/* Each side's path: {env} may stand in it. A path ending in '?' is moved when the source has it. */
		const char *text = promote_product_attribute_path_at(p, i);
		size_t len = strlen(text);
		bool optional = len > 1 && text[len - 1] == '?';
		char *written = optional ? strndup(text, len - 1) : NULL;
		promote_yaml_path *src_at = NULL, *dst_at = NULL;
		rc = optional && !written ? promote__error_oom() : 0;
		if (rc == 0)
			rc = promote__layout_path(&src_at, optional ? written : text, promote_env_name(plan->from), p,
				plan->product);
		if (rc == 0)
			rc = promote__layout_path(&dst_at, optional ? written : text, promote_env_name(plan->to), p,
				plan->product);
		free(written);
		bool is_version = promote_product_version_file(p) && strcmp(promote_product_version_file(p), file) == 0 &&
			strcmp(promote_product_version_path(p), text) == 0;
		promote_buf there = PROMOTE_BUF_INIT;
		if (rc == 0 && optional && (rc = promote_yaml_get(&there, src, src_at)) == PROMOTE_ENOTFOUND) {
			promote_error_clear();
			rc = 0;
			promote_buf_dispose(&there);
			promote_yaml_path_free(src_at);
			promote_yaml_path_free(dst_at);
			continue;
		}
		promote_buf_dispose(&there);
		if (rc == 0 && is_version && plan->set_version)
			rc = promote_yaml_set(dst, dst_at, plan->set_version, PROMOTE_YAML_CREATE);
		else if (rc == 0)
			rc = promote_yaml_copy(dst, dst_at, src, src_at, PROMOTE_YAML_CREATE);
		promote_yaml_path_free(src_at);
		promote_yaml_path_free(dst_at);
	}
	/* The version: the template's version attribute, read from the source. */
	if (rc == 0 && !plan->version && promote_product_version_file(p) && strcmp(promote_product_version_file(p), file) == 0) {
		if (plan->set_version) {
			plan->version = strdup(plan->set_version);
		} else {
			promote_yaml_path *path = NULL;
			promote_buf v = PROMOTE_BUF_INIT;
			rc = promote__layout_path(&path, promote_product_version_path(p), promote_env_name(plan->from), p,
				plan->product);
			if (rc == 0)
				rc = promote_yaml_get(&v, src, path);
			/* It goes into the commit message and its trailers: one line, as a given version. */
			const char *why = rc == 0 ? promote__value_problem(v.ptr, PROMOTE__VERSION_MAX) : NULL;
			char *shown = why ? promote__value_shown(v.ptr) : NULL;
			if (why)
				rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
					"the version '%s' at %s#%s %s; a version is one line of 1 to %d bytes without control "
					"characters: correct it there, or give the version to promote", shown ? shown : "?",
					src_path, promote_product_version_path(p), why, PROMOTE__VERSION_MAX);
			free(shown);
			if (rc == 0 && !(plan->version = strdup(v.ptr)))
				rc = promote__error_oom();
			promote_buf_dispose(&v);
			promote_yaml_path_free(path);
		}
	}
	promote_buf renamed = PROMOTE_BUF_INIT;
	if (rc == 0) {
		size_t size;
		const char *after = promote_yaml_doc_content(dst, &size);
		if (!existed && promote__layout_shared(p))
			rc = rename_new_file(&renamed, plan, dst_path, after, size);
		if (renamed.ptr) {
			after = renamed.ptr;
			size = renamed.size;
		}
		if (rc == 0 && (!existed || promote_yaml_doc_changed(dst))) {
			rc = add_change(plan, dst_path, existed ? &dst_bytes : NULL, existed, after, size, m);
			dst_path = NULL;
		}
	}
	promote_buf_dispose(&renamed);
	promote_yaml_doc_free(src);
	promote_yaml_doc_free(dst);
	promote_buf_dispose(&src_bytes);
	promote_buf_dispose(&dst_bytes);
	free(src_path);
	free(dst_path);
	return rc;
}

typedef struct walk {
	promote_plan *plan;
	const sides *s;
	const char *folder;  /* relative to the source folder: "" or "sub/" */
	int rc;              /* what stopped the walk from inside */
} walk;

static int walk_folder(walk *w);

/* One file of the source folder, `rel` below it: copied whole when a glob matches it. */
static int copy_whole(walk *w, const char *rel)
{
	const promote_product *p = w->plan->product_cfg;
	bool match = false;
	const char *from = promote_env_name(w->plan->from), *matched = NULL;
	for (size_t i = 0; i < promote_product_file_count(p) && !match; i++) {
		char *glob = promote__layout_expand(promote_product_file_at(p, i), from, p, w->plan->product);
		if ((match = glob && promote__wildmatch(glob, rel)))
			matched = promote_product_file_at(p, i);
		free(glob);
	}
	if (!match)
		return 0;
	/* A file named after its environment takes the target's name ({env} in the glob). */
	char *target = promote__layout_target_name(matched, rel, from, promote_env_name(w->plan->to), p,
		w->plan->product);
	char *src_path = promote__plan_join(w->s->src_dir, rel);
	char *dst_path = target ? promote__plan_join(w->s->dst_dir, target) : NULL;
	free(target);
	/* A file that is also an attribute file was planned attribute by attribute: keep that. */
	for (size_t i = 0; dst_path && i < w->plan->changes.size; i++)
		if (strcmp(w->plan->changes.ptr[i].path, dst_path) == 0)
			match = false;
	for (size_t i = 0; match && i < promote_product_attribute_count(p); i++) {
		char *name = promote__layout_expand(promote_product_attribute_file_at(p, i), promote_env_name(w->plan->from),
			p, w->plan->product);
		match = !(name && strcmp(name, rel) == 0);
		free(name);
	}
	if (!match) {
		free(src_path);
		free(dst_path);
		return 0;
	}
	/* Copied as git holds it: a symbolic link stays a link to the same target
	 * (never followed), an executable stays executable. */
	promote_buf src = PROMOTE_BUF_INIT, dst = PROMOTE_BUF_INIT;
	modes m = { PROMOTE__MODE_FILE, PROMOTE__MODE_FILE };
	int rc = src_path && dst_path ? w->s->src_r->read(&src, &m.after, w->s->src_r->self, &w->s->src, src_path, COPY_MAX)
				      : promote__error_oom();
	bool existed = true;
	if (rc == 0) {
		rc = w->s->r->read(&dst, &m.before, w->s->r->self, &w->s->dst, dst_path, COPY_MAX);
		if (rc == PROMOTE_ENOTFOUND) {
			existed = false;
			rc = 0;
		}
	}
	if (rc == 0 && (!existed || m.before != m.after || dst.size != src.size ||
			       memcmp(dst.ptr, src.ptr, src.size) != 0)) {
		rc = add_change(w->plan, dst_path, existed ? &dst : NULL, existed, src.ptr, src.size, m);
		dst_path = NULL;
	}
	promote_buf_dispose(&src);
	promote_buf_dispose(&dst);
	free(src_path);
	free(dst_path);
	return rc;
}

/* Files copied whole: every file under the source folder matching a glob. */
static int on_entry(const char *name, promote__entry_type type, void *payload)
{
	walk *w = payload;
	char *rel = promote__strdupf("%s%s%s", w->folder, name, type == PROMOTE__ENTRY_FOLDER ? "/" : "");
	if (!rel)
		return w->rc = promote__error_oom();
	int rc = type == PROMOTE__ENTRY_FOLDER ? walk_folder(&(walk){ w->plan, w->s, rel, 0 }) : copy_whole(w, rel);
	free(rel);
	if (rc)
		w->rc = rc;
	return rc;
}

/* Every file below w->folder of the source folder, folders first in git's order. */
static int walk_folder(walk *w)
{
	/* The folder without its trailing '/'. */
	bool root = strcmp(w->s->src_dir, ".") == 0;
	char *path = promote__strdupf("%s%s%.*s", root ? "" : w->s->src_dir, *w->folder && !root ? "/" : "",
		(int)(*w->folder ? strlen(w->folder) - 1 : 0), w->folder);
	if (!path)
		return promote__error_oom();
	int rc = w->s->src_r->list(w->s->src_r->self, &w->s->src, path, on_entry, w);
	free(path);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const promote__change *)a)->path, ((const promote__change *)b)->path);
}

static void clear_changes(promote_plan *plan)
{
	promote__changes_dispose(&plan->changes);
	free(plan->version);
	plan->version = NULL;
	free(plan->previous);
	plan->previous = NULL;
}

int promote__plan_compute(promote_plan *plan, const promote__tree_reader *reader)
{
	clear_changes(plan);
	sides s = { reader, promote__plan_source_reader(plan, reader), { "" }, { "" }, NULL, NULL };
	int rc = 0;
	if (plan->source_pin.hex[0])
		s.src = plan->source_pin;
	else
		rc = s.src_r->tip(&s.src, s.src_r->self, plan->from_branch);
	if (rc == 0)
		rc = reader->tip(&s.dst, reader->self, plan->to_branch);
	if (rc)
		return rc;
	plan->from_commit = s.src;
	plan->base = s.dst;
	char *src_dir = promote__plan_product_dir(plan->ctx, plan->from, plan->product_cfg, plan->product);
	char *dst_dir = promote__plan_product_dir(plan->ctx, plan->to, plan->product_cfg, plan->product);
	rc = src_dir && dst_dir ? 0 : promote__error_oom();
	s.src_dir = src_dir;
	s.dst_dir = dst_dir;
	/* Each attribute file once, in template order. */
	const promote_product *p = plan->product_cfg;
	for (size_t i = 0; rc == 0 && i < promote_product_attribute_count(p); i++)
		if (promote__plan_file_first(p, i))
			rc = plan_attribute_file(plan, &s, promote_product_attribute_file_at(p, i));
	if (rc == 0 && promote_product_file_count(p)) {
		walk w = { plan, &s, "", 0 };
		rc = walk_folder(&w);
		if (rc == PROMOTE_ENOTFOUND && w.rc == 0) /* the folder itself, not something inside */
			rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
				"environment '%s' has no folder '%s' for product '%s' (branch %s)", promote_env_name(plan->from),
				src_dir, plan->product, plan->from_branch);
	}
	if (rc == 0 && plan->changes.size > 1)
		qsort(plan->changes.ptr, plan->changes.size, sizeof *plan->changes.ptr, by_path);
	promote__array_trim(&plan->changes); /* kept until the commit: a sync keeps thousands */
	if (rc == 0 && !plan->version && plan->set_version && !(plan->version = strdup(plan->set_version)))
		rc = promote__error_oom();
	free(src_dir);
	free(dst_dir);
	return rc;
}

int promote__plan_reader_of(const promote__tree_reader **out, promote_context *ctx, const promote_env *env,
	const promote__tree_reader *reader)
{
	const char *elsewhere = NULL;
	int rc = promote__context_env_elsewhere(&elsewhere, ctx, env);
	*out = reader;
	return rc || !elsewhere ? rc : promote__context_env_reader(out, ctx, env);
}

const promote__tree_reader *promote__plan_source_reader(const promote_plan *plan, const promote__tree_reader *reader)
{
	return plan->from_reader ? plan->from_reader : reader;
}

int promote__plan_check_target(promote_context *ctx, const promote_env *env)
{
	const char *elsewhere = NULL;
	int rc = promote__context_env_elsewhere(&elsewhere, ctx, env);
	if (rc || !elsewhere)
		return rc;
	const promote_repository *repo = promote_env_repository(env);
	char *shown = promote__redact_url(elsewhere);
	rc = promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_CONFIG,
		"environment '%s' lives in repository '%s' (%s), and changes are written only into the context's "
		"repository (environments elsewhere are only read): open the context on that repository "
		"(promote_context_open_repository() of %s) to promote there",
		promote_env_name(env), promote_repository_name(repo), shown ? shown : "?", shown ? shown : "?");
	free(shown);
	return rc;
}

/* The environment `to` depends on in the default flow (its first dependency). */
const promote_env *promote__plan_default_source(const promote_context *ctx, const promote_env *to)
{
	const promote_flow *flow;
	const promote_flow_step *step;
	if (promote_flow_lookup(&flow, ctx, NULL) || promote_flow_step_lookup(&step, flow, promote_env_name(to))) {
		promote_error_clear();
		return NULL;
	}
	return promote_flow_step_dependency_at(step, 0);
}

int promote_plan_create(promote_plan **out, promote_context *ctx, const char *product, const char *to,
	const promote_plan_options *opts)
{
	if (!out || !ctx || !product || !to)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : !product ? "product" : "to");
	*out = NULL;
	if (opts) {
		int rc = promote__version_check(opts->version, PROMOTE_PLAN_OPTIONS_VERSION, "promote_plan_options");
		if (rc)
			return rc;
	}
	if (!promote__context_repository(ctx))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository; open the context from a repository (promote_context_open_repository())",
			promote_context_source(ctx));
	const promote__tree_reader *reader = NULL;
	int rc = promote__context_reader(&reader, ctx);
	return rc ? rc : promote__plan_make(out, ctx, reader, product, to, opts);
}

int promote__plan_product_config(const promote_product **out, promote_context *ctx, const char *product)
{
	*out = NULL;
	if (promote_product_lookup(out, ctx, product) == 0)
		return 0;
	promote_error_clear();
	for (size_t i = 0; i < promote_product_count(ctx) && !*out; i++)
		if (promote_product_is_discovery(promote_product_at(ctx, i)))
			*out = promote_product_at(ctx, i);
	return *out ? 0 : promote_product_lookup(out, ctx, product);
}

static int make(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader, const char *product,
	const char *to, const promote_plan_options *opts, bool in_place, const promote__commit_id *source);

int promote__plan_make(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *to, const promote_plan_options *opts)
{
	return make(out, ctx, reader, product, to, opts, false, NULL);
}

int promote__plan_make_at(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *to, const promote_plan_options *opts, const promote__commit_id *source)
{
	return make(out, ctx, reader, product, to, opts, false, source);
}

int promote__plan_set_version(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *env, const char *version)
{
	promote_plan_options o = PROMOTE_PLAN_OPTIONS_INIT;
	o.from = env;
	o.set_version = version;
	return make(out, ctx, reader, product, env, &o, true, NULL);
}

/* `in_place`: the source is the target itself, and only the version changes. */
static int make(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader, const char *product,
	const char *to, const promote_plan_options *opts, bool in_place, const promote__commit_id *source)
{
	*out = NULL;
	promote_plan_options o = PROMOTE_PLAN_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_PLAN_OPTIONS_VERSION, "promote_plan_options");
	if (rc)
		return rc;
	/* Both end up in commit messages, trailers and branch names; the product's in a folder's path. */
	if ((rc = promote__name_check("product", product)) < 0 ||
		(o.set_version && (rc = promote__value_check("the version", o.set_version, PROMOTE__VERSION_MAX)) < 0))
		return rc;
	promote_plan *plan = calloc(1, sizeof *plan);
	if (!plan)
		return promote__error_oom();
	plan->ctx = ctx;
	promote__context_ref(ctx);
	if (source)
		plan->source_pin = *source;
	rc = promote_env_lookup(&plan->to, ctx, to);
	if (rc == 0 && o.from)
		rc = promote_env_lookup(&plan->from, ctx, o.from);
	else if (rc == 0 && !(plan->from = promote__plan_default_source(ctx, plan->to)))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"no flow step promotes into '%s'; name the source environment (promote_plan_options.from)", to);
	if (rc == 0 && plan->from == plan->to && !in_place)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' is both the source and the target; name another source (promote_plan_options.from)", to);
	if (rc == 0)
		rc = promote__plan_check_target(ctx, plan->to);
	/* A source in another repository is read there (the context keeps its reader). */
	if (rc == 0 && !in_place)
		rc = promote__plan_reader_of(&plan->from_reader, ctx, plan->from, NULL);
	if (rc == 0)
		rc = promote__plan_product_config(&plan->product_cfg, ctx, product);
	if (rc == 0 && (!(plan->product = strdup(product)) || (o.set_version && !(plan->set_version = strdup(o.set_version)))))
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote__plan_branch_of(&plan->from_branch, promote__plan_source_reader(plan, reader), plan->from);
	if (rc == 0)
		rc = promote__plan_branch_of(&plan->to_branch, reader, plan->to);
	if (rc == 0)
		rc = promote__plan_compute(plan, reader);
	if (rc == 0) {
		promote_effective_policy *eff = NULL;
		const promote_flow *flow;
		const promote_flow_step *step;
		const char *flow_name = promote_flow_lookup(&flow, ctx, NULL) == 0 &&
				promote_flow_step_lookup(&step, flow, to) == 0 ? promote_flow_name(flow) : NULL;
		promote_error_clear();
		rc = promote_policy_resolve(&eff, ctx, product, to, flow_name);
		if (rc == 0)
			plan->action = promote_effective_policy_action(eff);
		promote_effective_policy_free(eff);
	}
	if (rc) {
		promote_plan_free(plan);
		return rc;
	}
	*out = plan;
	return 0;
}

void promote_plan_free(promote_plan *plan)
{
	if (!plan)
		return;
	clear_changes(plan);
	free(plan->product);
	free(plan->set_version);
	free(plan->from_branch);
	free(plan->to_branch);
	free(plan->change_id);
	promote__context_unref(plan->ctx);
	free(plan);
}

const char *promote_plan_product(const promote_plan *plan) { return plan ? plan->product : NULL; }
const char *promote_plan_from(const promote_plan *plan) { return plan ? promote_env_name(plan->from) : NULL; }
const char *promote_plan_to(const promote_plan *plan) { return plan ? promote_env_name(plan->to) : NULL; }
const char *promote_plan_version(const promote_plan *plan) { return plan ? plan->version : NULL; }
const char *promote_plan_branch(const promote_plan *plan) { return plan ? plan->to_branch : NULL; }
const char *promote_plan_base(const promote_plan *plan) { return plan ? plan->base.hex : NULL; }
const char *promote_plan_change_id(const promote_plan *plan) { return plan ? plan->change_id : NULL; }
size_t promote_plan_change_count(const promote_plan *plan) { return plan ? plan->changes.size : 0; }

const char *promote_plan_change_path_at(const promote_plan *plan, size_t index)
{
	return plan && index < plan->changes.size ? plan->changes.ptr[index].path : NULL;
}

int promote_plan_diff(promote_buf *out, const promote_plan *plan)
{
	if (!out || !plan)
		return promote__error_arg(__func__, !out ? "out" : "plan");
	promote_buf diff = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&diff, "");
	for (size_t i = 0; rc == 0 && i < plan->changes.size; i++) {
		const promote__change *c = &plan->changes.ptr[i];
		const char *before = c->existed ? c->before.ptr ? c->before.ptr : "" : NULL;
		rc = promote__git_diff_modes(&diff, c->path, before, c->before.size, c->before_mode, c->after.ptr,
			c->after.size, c->mode);
	}
	if (rc) {
		promote_buf_dispose(&diff);
		return rc;
	}
	*out = diff;
	return 0;
}
