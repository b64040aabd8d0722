/*
 * promote_scaffold_from_repository() (scaffold.h): a starting configuration
 * guessed from the committed tree of a repository's branch, read through the
 * repository session's read-only view (git/reader.h) — never a working tree.
 *
 * The tree is walked breadth first (folders at most 6 deep, at most 4096 of
 * them) for two marks of environments:
 *
 *   - a folder named envs, environments, overlays or env: its subfolders are
 *     environments. When an environment's folder itself holds a version, it
 *     is one product's (flat): kargo's env/dev/kustomization.yaml, or per
 *     product as in kustomize-apps/invoices/envs/qa/version.yml; else its
 *     subfolders (up to two deep) that hold a version are products:
 *     envs/dev/apps/shop/values.yaml;
 *   - files values-ENV.yaml or ENV-values.yaml (or .yml) side by side that
 *     hold a version: values/app1/app-version/qa-values.yaml.
 *
 * A flat product and a file per environment are written with {env} in the
 * attribute's file name and every environment at the folder above the
 * products (CONFIG.md, "templates"). The version is looked for in
 * values.yaml (image.tag, imageVersion, image.version, version, tag,
 * appVersion), a kustomization (images[0].newTag), version.yml or
 * deployment.yaml (the first container's image) and Chart.yaml (appVersion).
 * Of the layouts found, the one with the most products is written; the
 * environments are ordered dev, test, qa, staging, prod (by the first word
 * of their name) and the flow goes wave by wave in that order.
 */
#include "scaffold.h"

#include "core/error.h"
#include "core/options.h"
#include "core/strbuf.h"
#include "git/session.h"
#include "yaml/path.h"
#include "yaml/tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 6
#define MAX_FOLDERS 4096
#define MAX_FILE (1024 * 1024)

static const size_t options_sizes[] = { sizeof(promote_scaffold_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_SCAFFOLD_OPTIONS_VERSION);

int promote_scaffold_options_init(promote_scaffold_options *opts, unsigned int version)
{
	static const promote_scaffold_options defaults = PROMOTE_SCAFFOLD_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_SCAFFOLD_OPTIONS_VERSION,
		"promote_scaffold_options", __func__);
}

/* ---- reading the tree ------------------------------------------------------- */

typedef struct walk {
	const promote__tree_reader *r;
	promote__commit_id tip;
	promote__arena *arena;
} walk;

typedef struct entry {
	const char *name;
	bool folder;
} entry;

typedef PROMOTE__ARRAY(entry) entries;

typedef struct listing {
	entries *out;
	promote__arena *arena;
} listing;

static int add_entry(const char *name, promote__entry_type type, void *payload)
{
	listing *l = payload;
	entry e = { promote__arena_strdup(l->arena, name), type == PROMOTE__ENTRY_FOLDER };
	return e.name ? promote__array_push(l->out, e) : promote__error_oom();
}

/* The entries of folder `path` ("" the root); none when it is no folder. */
static int list(entries *out, const walk *w, const char *path)
{
	out->size = 0;
	listing l = { out, w->arena };
	int rc = w->r->list(w->r->self, &w->tip, path, add_entry, &l);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	return rc;
}

static const char *join(promote__arena *a, const char *folder, const char *name)
{
	if (!*folder)
		return promote__arena_strdup(a, name);
	char *s = promote__arena_alloc(a, strlen(folder) + strlen(name) + 2);
	if (s)
		sprintf(s, "%s/%s", folder, name);
	return s;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The folder holding `path`: "" for a top-level one. */
static const char *parent_of(promote__arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? promote__arena_strndup(a, path, (size_t)(slash - path)) : "";
}

/* The scalar at `yaml_path` of the file `file` (not empty, not null), into *value (arena); NULL when the file, the
 * path or a scalar there is not. Files that are no valid YAML are passed over. */
static int scalar_at(const char **value, const walk *w, const char *file, const char *yaml_path)
{
	*value = NULL;
	promote_buf bytes = PROMOTE_BUF_INIT;
	unsigned mode = 0;
	int rc = w->r->read(&bytes, &mode, w->r->self, &w->tip, file, MAX_FILE);
	promote__ydoc *doc = NULL;
	promote_yaml_path *path = NULL;
	promote__ylimits limits = { MAX_FILE, 64, 100000 };
	if (rc == 0 && mode != PROMOTE__MODE_LINK && promote__ydoc_parse(&doc, bytes.ptr, bytes.size, file, &limits) == 0 &&
		(rc = promote_yaml_path_compile(&path, yaml_path)) == 0) {
		promote__yresolved res;
		if (promote__ypath_resolve(&res, doc, path, file) == 0) {
			const promote__ynode *n = promote__ynode_resolve(res.node);
			if (n && n->type == PROMOTE__YSCALAR && !promote__yscalar_is_null(n) && n->length)
				rc = (*value = promote__arena_strdup(w->arena, n->value)) ? 0 : promote__error_oom();
		}
	}
	if (rc == PROMOTE_ENOTFOUND || rc == PROMOTE_ELIMIT || rc == PROMOTE_EINVALID)
		rc = 0;
	if (rc == 0)
		promote_error_clear();
	promote_yaml_path_free(path);
	promote__ydoc_free(doc);
	promote_buf_dispose(&bytes);
	return rc;
}

/* ---- where a version is ------------------------------------------------------- */

typedef struct version_place {
	const char *file;       /* its name in the folder */
	const char *attribute;
	const char *hint;       /* a name for the product (an image's), or NULL */
} version_place;

static const char *const value_keys[] = { "image.tag", "imageVersion", "image.version", "version", "tag",
	"appVersion" };

/* The last path component of an image reference, without its tag or digest ("ghcr.io/akuity/guestbook" and
 * "docker.io/x/simple-env-app:1.0": "guestbook", "simple-env-app"). */
static const char *image_name(promote__arena *a, const char *image)
{
	if (!image)
		return NULL;
	const char *base = basename_of(image);
	size_t len = strcspn(base, ":@");
	return len ? promote__arena_strndup(a, base, len) : NULL;
}

static bool has_file(const entries *e, const char *name)
{
	for (size_t i = 0; i < e->size; i++)
		if (!e->ptr[i].folder && strcmp(e->ptr[i].name, name) == 0)
			return true;
	return false;
}

/* The first of the known places of a version among the files `files` of folder `folder`; *found false when
 * none holds one. */
static int find_version(version_place *out, bool *found, const walk *w, const char *folder, const entries *files)
{
	static const struct {
		const char *file;
		const char *attribute;
		const char *hint; /* the image it names, for the product's name */
	} places[] = {
		{ "values.yaml", NULL, NULL }, { "values.yml", NULL, NULL },
		{ "kustomization.yaml", "images[0].newTag", "images[0].name" },
		{ "kustomization.yml", "images[0].newTag", "images[0].name" },
		{ "version.yml", "spec.template.spec.containers[0].image", "spec.template.spec.containers[0].image" },
		{ "version.yaml", "spec.template.spec.containers[0].image", "spec.template.spec.containers[0].image" },
		{ "deployment.yaml", "spec.template.spec.containers[0].image", "spec.template.spec.containers[0].image" },
		{ "deployment.yml", "spec.template.spec.containers[0].image", "spec.template.spec.containers[0].image" },
		{ "Chart.yaml", "appVersion", NULL },
	};
	*found = false;
	int rc = 0;
	for (size_t i = 0; rc == 0 && !*found && i < sizeof places / sizeof *places; i++) {
		if (!has_file(files, places[i].file))
			continue;
		const char *path = join(w->arena, folder, places[i].file), *value = NULL;
		if (!path)
			return promote__error_oom();
		size_t keys = places[i].attribute ? 1 : sizeof value_keys / sizeof *value_keys;
		for (size_t k = 0; rc == 0 && !value && k < keys; k++) {
			out->attribute = places[i].attribute ? places[i].attribute : value_keys[k];
			rc = scalar_at(&value, w, path, out->attribute);
		}
		if (rc || !value)
			continue;
		*found = true;
		out->file = places[i].file;
		out->hint = NULL;
		if (places[i].hint && (rc = scalar_at(&value, w, path, places[i].hint)) == 0)
			out->hint = image_name(w->arena, value);
	}
	return rc;
}

/* ---- layouts ----------------------------------------------------------------- */

/* One way the repository holds its environments: where each environment's folder is and its products. */
typedef struct layout {
	bool shared;              /* every environment at `path`; else each at path/ENV */
	const char *path;
	int rank;                 /* 0: environment folders, 1: files per environment (the first found wins a tie) */
	PROMOTE__ARRAY(const char *) envs;
	PROMOTE__ARRAY(promote__scaffold_product) products;
} layout;

typedef PROMOTE__ARRAY(layout) layouts;

static layout *layout_for(layouts *all, bool shared, const char *path, int rank)
{
	for (size_t i = 0; i < all->size; i++)
		if (all->ptr[i].shared == shared && strcmp(all->ptr[i].path, path) == 0)
			return &all->ptr[i];
	layout *l = promote__array_alloc(all);
	if (l) {
		l->shared = shared;
		l->path = path;
		l->rank = rank;
	}
	return l;
}

static int add_env_name(layout *l, const char *name)
{
	for (size_t i = 0; i < l->envs.size; i++)
		if (strcmp(l->envs.ptr[i], name) == 0)
			return 0;
	return promote__array_push(&l->envs, name);
}

static int add_product(layout *l, const char *name, const char *path, const char *file, const char *attribute,
	const char *note)
{
	for (size_t i = 0; i < l->products.size; i++)
		if (strcmp(l->products.ptr[i].name, name) == 0)
			return 0;
	promote__scaffold_product *p = promote__array_alloc(&l->products);
	if (!p)
		return PROMOTE_ENOMEM;
	p->name = name;
	p->path = path;
	p->file = file;
	p->attribute = attribute;
	p->note = note;
	return 0;
}

static const char *arena_printf(promote__arena *a, const char *fmt, const char *x, const char *y, const char *z)
{
	char *s = promote__strdupf(fmt, x, y, z);
	const char *copy = s ? promote__arena_strdup(a, s) : NULL;
	free(s);
	return copy;
}

/* The products under environment folder `env_folder`, up to two folders deep, into the layout of nested
 * environments at `container`. */
static int nested_products(layout *l, const walk *w, const char *env_folder, const char *rel, int depth)
{
	entries here = PROMOTE__ARRAY_INIT;
	const char *folder = *rel ? join(w->arena, env_folder, rel) : env_folder;
	int rc = folder ? list(&here, w, folder) : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < here.size; i++) {
		if (!here.ptr[i].folder)
			continue;
		const char *sub = join(w->arena, rel, here.ptr[i].name), *sub_folder = join(w->arena, env_folder, sub);
		entries files = PROMOTE__ARRAY_INIT;
		version_place v;
		bool found = false;
		rc = sub && sub_folder ? list(&files, w, sub_folder) : promote__error_oom();
		if (rc == 0)
			rc = find_version(&v, &found, w, sub_folder, &files);
		promote__array_free(&files);
		if (rc == 0 && found)
			rc = add_product(l, here.ptr[i].name, sub, v.file, v.attribute, NULL);
		else if (rc == 0 && depth < 2)
			rc = nested_products(l, w, env_folder, sub, depth + 1);
	}
	promote__array_free(&here);
	return rc;
}

/* A folder `container` named envs, environments, overlays or env. */
static int container_layouts(layouts *all, const walk *w, const char *container)
{
	entries envs = PROMOTE__ARRAY_INIT;
	int rc = list(&envs, w, container);
	const char *d = parent_of(w->arena, container), *c = basename_of(container);
	for (size_t i = 0; rc == 0 && d && i < envs.size; i++) {
		if (!envs.ptr[i].folder)
			continue;
		const char *env = envs.ptr[i].name, *folder = join(w->arena, container, env);
		entries files = PROMOTE__ARRAY_INIT;
		version_place v;
		bool flat = false;
		rc = folder ? list(&files, w, folder) : promote__error_oom();
		if (rc == 0)
			rc = find_version(&v, &flat, w, folder, &files);
		promote__array_free(&files);
		layout *l = NULL;
		if (rc == 0 && flat && !*d) {
			/* env/dev/kustomization.yaml: one product; every environment at the top. */
			if (!(l = layout_for(all, true, ".", 0)))
				rc = PROMOTE_ENOMEM;
			else if ((rc = add_env_name(l, env)) == 0)
				rc = add_product(l, v.hint ? v.hint : "app", c,
					arena_printf(w->arena, "{env}/%s", v.file, NULL, NULL), v.attribute,
					arena_printf(w->arena, "%s/ENV/%s holds its version in each environment", c, v.file, NULL));
		} else if (rc == 0 && flat) {
			/* kustomize-apps/invoices/envs/qa/version.yml: product invoices; environments at kustomize-apps. */
			const char *above = parent_of(w->arena, d);
			if (!above || !(l = layout_for(all, true, *above ? above : ".", 0)))
				rc = PROMOTE_ENOMEM;
			else if ((rc = add_env_name(l, env)) == 0)
				rc = add_product(l, basename_of(d), basename_of(d),
					arena_printf(w->arena, "%s/{env}/%s", c, v.file, NULL), v.attribute, NULL);
		} else if (rc == 0) {
			/* envs/dev/apps/shop/values.yaml: environments at envs/ENV, products below. */
			if (!(l = layout_for(all, false, container, 0)))
				rc = PROMOTE_ENOMEM;
			else if ((rc = add_env_name(l, env)) == 0)
				rc = nested_products(l, w, folder, "", 1);
		}
	}
	promote__array_free(&envs);
	return rc;
}

/* ENV of values-ENV.yaml, ENV-values.yaml (or .yml); NULL for another name. */
static const char *env_of_values_file(promote__arena *a, const char *name, const char **pattern)
{
	static const char *const exts[] = { ".yaml", ".yml" };
	size_t len = strlen(name);
	for (size_t i = 0; i < 2; i++) {
		size_t ext = strlen(exts[i]);
		if (len <= ext || strcmp(name + len - ext, exts[i]) != 0)
			continue;
		size_t stem = len - ext;
		if (stem > 7 && strncmp(name, "values-", 7) == 0) {
			*pattern = i ? "values-{env}.yml" : "values-{env}.yaml";
			return promote__arena_strndup(a, name + 7, stem - 7);
		}
		if (stem > 7 && strncmp(name + stem - 7, "-values", 7) == 0) {
			*pattern = i ? "{env}-values.yml" : "{env}-values.yaml";
			return promote__arena_strndup(a, name, stem - 7);
		}
	}
	return NULL;
}

/* Files per environment in folder `folder` (its files `files`): values/app1/app-version/qa-values.yaml. */
static int values_layouts(layouts *all, const walk *w, const char *folder, const entries *files)
{
	static const char *const subfolders[] = { "app-version", "versions", "version", "envs", "environments", "env",
		"values" };
	const char *base = basename_of(folder), *product = folder, *prefix = "";
	for (size_t i = 0; i < sizeof subfolders / sizeof *subfolders; i++)
		if (strcmp(base, subfolders[i]) == 0) {
			product = parent_of(w->arena, folder);
			prefix = base;
		}
	if (!product || !*product)
		return product ? 0 : promote__error_oom();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < files->size; i++) {
		const char *pattern = NULL, *env = files->ptr[i].folder ? NULL
			: env_of_values_file(w->arena, files->ptr[i].name, &pattern);
		if (!env || !*env)
			continue;
		const char *path = join(w->arena, folder, files->ptr[i].name), *value = NULL, *key = NULL;
		for (size_t k = 0; rc == 0 && path && !value && k < sizeof value_keys / sizeof *value_keys; k++)
			rc = scalar_at(&value, w, path, key = value_keys[k]);
		if (rc || !value)
			continue;
		const char *above = parent_of(w->arena, product);
		layout *l = above ? layout_for(all, true, *above ? above : ".", 1) : NULL;
		if (!l)
			return promote__error_oom();
		const char *file = *prefix ? arena_printf(w->arena, "%s/%s", prefix, pattern, NULL) : pattern;
		if ((rc = add_env_name(l, env)) == 0)
			rc = add_product(l, basename_of(product), basename_of(product), file, key, NULL);
	}
	return rc;
}

static bool is_container(const char *name)
{
	return !strcmp(name, "envs") || !strcmp(name, "environments") || !strcmp(name, "overlays") || !strcmp(name, "env");
}

/* Breadth first: every mark of environments, into `all`. */
static int walk_tree(layouts *all, const walk *w)
{
	PROMOTE__ARRAY(const char *) queue = PROMOTE__ARRAY_INIT;
	PROMOTE__ARRAY(int) depths = PROMOTE__ARRAY_INIT;
	int rc = promote__array_push(&queue, "");
	if (rc == 0)
		rc = promote__array_push(&depths, 0);
	entries here = PROMOTE__ARRAY_INIT;
	for (size_t q = 0; rc == 0 && q < queue.size && q < MAX_FOLDERS; q++) {
		const char *folder = queue.ptr[q];
		rc = list(&here, w, folder);
		if (rc == 0)
			rc = values_layouts(all, w, folder, &here);
		for (size_t i = 0; rc == 0 && i < here.size; i++) {
			if (!here.ptr[i].folder)
				continue;
			const char *sub = join(w->arena, folder, here.ptr[i].name);
			if (!sub)
				rc = promote__error_oom();
			else if (is_container(here.ptr[i].name))
				rc = container_layouts(all, w, sub);
			if (rc == 0 && depths.ptr[q] + 1 < MAX_DEPTH && (rc = promote__array_push(&queue, sub)) == 0)
				rc = promote__array_push(&depths, depths.ptr[q] + 1);
		}
	}
	promote__array_free(&here);
	promote__array_free(&queue);
	promote__array_free(&depths);
	return rc;
}

/* ---- the configuration ---------------------------------------------------------- */

/* Where an environment's name puts it in the flow: by its first word. */
static int stage(const char *name)
{
	static const struct {
		const char *word;
		int rank;
	} words[] = { { "dev", 0 }, { "development", 0 }, { "local", 0 }, { "sandbox", 0 }, { "ci", 1 },
		{ "int", 1 }, { "integration", 1 }, { "test", 1 }, { "testing", 1 }, { "qa", 2 }, { "uat", 3 },
		{ "stage", 3 }, { "staging", 3 }, { "preprod", 3 }, { "pre-prod", 3 }, { "prod", 4 },
		{ "production", 4 }, { "live", 4 } };
	size_t len = strcspn(name, "-_.");
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i].word) == len && strncmp(name, words[i].word, len) == 0)
			return words[i].rank;
	if (strncmp(name, "pre-prod", 8) == 0)
		return 3;
	return 2; /* a word of its own (load, perf, demo): with qa */
}

static int by_stage(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int sx = stage(x), sy = stage(y);
	return sx != sy ? sx - sy : strcmp(x, y);
}

/* Environments in stage order; the flow wave by wave: the trigger (the first), the others of its stage after
 * it, each later stage after every environment of the stage before. */
static int make_envs(promote__scaffold *s, layout *l)
{
	qsort(l->envs.ptr, l->envs.size, sizeof *l->envs.ptr, by_stage);
	size_t prev_first = 0, prev_count = 0, cur_first = 0;
	for (size_t i = 0; i < l->envs.size; i++) {
		promote__scaffold_env *e = promote__array_alloc(&s->envs);
		if (!e)
			return PROMOTE_ENOMEM;
		const char *name = l->envs.ptr[i];
		int st = stage(name);
		e->name = name;
		e->path = l->shared ? l->path : join(s->arena, l->path, name);
		e->production = st == 4;
		e->strategy = st == 4 ? "manual" : "auto";
		if (!e->path)
			return promote__error_oom();
		if (i > 0 && st != stage(l->envs.ptr[i - 1])) {
			prev_first = cur_first;
			prev_count = i - cur_first;
			cur_first = i;
		}
		if (i == 0)
			continue;
		e->step = true;
		if (cur_first == 0)
			continue; /* the trigger's stage: after the trigger */
		for (size_t d = 0; d < prev_count && e->dep_count < sizeof e->deps / sizeof *e->deps; d++)
			e->deps[e->dep_count++] = prev_first + d;
		if (e->dep_count == 1 && e->deps[0] == 0)
			e->dep_count = 0; /* after the trigger alone: no dependsOn */
	}
	return 0;
}

static int make(promote__scaffold *s, layouts *all, const char *repository)
{
	layout *best = NULL;
	for (size_t i = 0; i < all->size; i++) {
		layout *l = &all->ptr[i];
		if (l->products.size && (!best || l->products.size > best->products.size ||
			(l->products.size == best->products.size && l->rank < best->rank)))
			best = l;
	}
	if (!best)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
			"no environments with a version that can be read in %s: looked for folders envs/, environments/, "
			"overlays/ and env/ with a folder per environment, and files values-ENV.yaml or ENV-values.yaml, "
			"holding a version in values.yaml (image.tag, ...), a kustomization (images[0].newTag), version.yml "
			"(the first container's image) or Chart.yaml (appVersion); write promote.yaml by hand (doc/CONFIG.md)",
			repository);
	int rc = make_envs(s, best);
	for (size_t i = 0; rc == 0 && i < best->products.size; i++)
		rc = promote__array_push(&s->products, best->products.ptr[i]);
	if (rc)
		return rc;
	s->trigger = 0;
	s->origin = arena_printf(s->arena, "promote.yaml made from the folders of %s (doc/INIT.md):\n"
		"%s%s. Check the guesses below.", repository,
		best->shared ? "every environment at " : "an environment per folder of ", best->path);
	s->flow_note = "Environments ordered dev, test, qa, staging, prod by the first word of their names; each\n"
		"after every environment of the stage before.";
	return s->origin ? 0 : promote__error_oom();
}

int promote_scaffold_from_repository(promote_buf *out, const char *repository, const promote_scaffold_options *opts)
{
	if (!out || !repository)
		return promote__error_arg(__func__, !out ? "out" : "repository");
	promote_scaffold_options o = PROMOTE_SCAFFOLD_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_SCAFFOLD_OPTIONS_VERSION,
		"promote_scaffold_options");
	promote__git_location where = { repository, NULL, NULL, NULL, NULL, false };
	promote__git_session *session = NULL;
	promote__scaffold s;
	bool made = false;
	if (rc == 0)
		rc = promote__git_session_open(&session, &where);
	if (rc == 0 && (rc = promote__scaffold_init(&s)) == 0)
		made = true;
	walk w = { session ? promote__git_session_reader(session) : NULL, { { 0 } }, made ? s.arena : NULL };
	char *branch = NULL;
	if (rc == 0 && !o.branch)
		rc = w.r->head_branch(&branch, w.r->self);
	if (rc == 0)
		rc = w.r->tip(&w.tip, w.r->self, o.branch ? o.branch : branch);
	layouts all = PROMOTE__ARRAY_INIT;
	if (rc == 0)
		rc = walk_tree(&all, &w);
	if (rc == 0)
		rc = make(&s, &all, repository);
	if (rc == 0)
		rc = promote__scaffold_write(out, &s);
	for (size_t i = 0; i < all.size; i++) {
		promote__array_free(&all.ptr[i].envs);
		promote__array_free(&all.ptr[i].products);
	}
	promote__array_free(&all);
	free(branch);
	if (made)
		promote__scaffold_dispose(&s);
	promote__git_session_free(session);
	return rc;
}
