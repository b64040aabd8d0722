/* Copying an environment's files into another's place, its names and namespaces rewritten (env_copy.h). */
#include "env_copy.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/wildmatch.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* The largest file copied (YAML files are edited up to the YAML editor's limit): refused before it is read. */
#define COPY_MAX (64u * 1024 * 1024)

/* ---- renaming ------------------------------------------------------------------------------------ */

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *promote__env_rename(const char *text, const char *from, const char *to)
{
	size_t n = from ? strlen(from) : 0;
	if (!n)
		return strdup(text);
	promote_buf out = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&out, "");
	const char *p = text, *scan = text, *hit;
	while (rc == 0 && (hit = strstr(scan, from))) {
		if ((hit > text && alnum(hit[-1])) || alnum(hit[n])) {
			scan = hit + 1;
			continue;
		}
		if ((rc = promote__buf_put(&out, p, (size_t)(hit - p))) == 0)
			rc = promote__buf_puts(&out, to);
		p = scan = hit + n;
	}
	if (rc == 0)
		rc = promote__buf_puts(&out, p);
	if (rc) {
		promote_buf_dispose(&out);
		return NULL;
	}
	return out.ptr;
}

/* ---- what a YAML document sets: its namespaces, names and paths --------------------------------- */

typedef enum role {
	ROLE_NAMESPACE_TOP, /* a kustomization's or helmfile's own namespace */
	ROLE_NAMESPACE,     /* any other namespace */
	ROLE_NAME,          /* a name or a path: A's name renamed */
} role;

/* A scalar found at one of those places; non-zero stops the visit and is returned by it. */
typedef int (*visit_cb)(const promote__ynode *node, size_t document, role r, void *payload);

typedef struct visit {
	visit_cb cb;
	void *payload;
	size_t document;
} visit;

/* A mapping's value at `key`, or NULL (aliases are not followed: an edit there would change others). */
static const promote__ynode *get(const promote__ynode *map, const char *key)
{
	if (!map || map->type != PROMOTE__YMAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < map->count; i += 2) {
		const promote__ynode *k = promote__ynode_resolve(map->items[i]);
		if (k && k->type == PROMOTE__YSCALAR && strlen(k->value) == k->length && strcmp(k->value, key) == 0)
			return map->items[i + 1]->type == PROMOTE__YALIAS ? NULL : map->items[i + 1];
	}
	return NULL;
}

/* The text of a string scalar (NULL for anything else). */
static const char *text_of(const promote__ynode *n)
{
	if (!n || n->type != PROMOTE__YSCALAR || promote__yscalar_is_null(n) || strlen(n->value) != n->length)
		return NULL;
	return n->value;
}

static int one(visit *v, const promote__ynode *n, role r)
{
	return text_of(n) && (n->style == PROMOTE__YPLAIN || n->style == PROMOTE__YSINGLE || n->style == PROMOTE__YDOUBLE)
		? v->cb(n, v->document, r, v->payload) : 0;
}

/* Every string item of a sequence, or, for a mapping item, its `field` (NULL: none). */
static int items(visit *v, const promote__ynode *seq, const char *field)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && seq && seq->type == PROMOTE__YSEQUENCE && i < seq->count; i++) {
		const promote__ynode *item = seq->items[i];
		if (item->type == PROMOTE__YSCALAR)
			rc = one(v, item, ROLE_NAME);
		else if (field && item->type == PROMOTE__YMAPPING)
			rc = one(v, get(item, field), ROLE_NAME);
	}
	return rc;
}

/* `field` of every mapping item of a sequence. */
static int each(visit *v, const promote__ynode *seq, const char *field, role r)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && seq && seq->type == PROMOTE__YSEQUENCE && i < seq->count; i++)
		rc = one(v, get(seq->items[i], field), r);
	return rc;
}

static int visit_kustomization(visit *v, const promote__ynode *root)
{
	static const char *const lists[] = { "resources", "bases", "components", "crds", "configurations",
		"generators", "transformers", "patchesStrategicMerge" };
	int rc = one(v, get(root, "namespace"), ROLE_NAMESPACE_TOP);
	if (rc == 0)
		rc = one(v, get(root, "namePrefix"), ROLE_NAME);
	if (rc == 0)
		rc = one(v, get(root, "nameSuffix"), ROLE_NAME);
	for (size_t i = 0; rc == 0 && i < PROMOTE_ARRAY_SIZE(lists); i++)
		rc = items(v, get(root, lists[i]), NULL);
	if (rc == 0)
		rc = each(v, get(root, "patches"), "path", ROLE_NAME);
	if (rc == 0)
		rc = each(v, get(root, "patchesJson6902"), "path", ROLE_NAME);
	return rc;
}

static int visit_helmfile(visit *v, const promote__ynode *root)
{
	int rc = one(v, get(root, "namespace"), ROLE_NAMESPACE_TOP);
	const promote__ynode *releases = get(root, "releases");
	if (rc == 0)
		rc = each(v, releases, "namespace", ROLE_NAMESPACE);
	for (size_t i = 0; rc == 0 && releases && releases->type == PROMOTE__YSEQUENCE && i < releases->count; i++)
		if ((rc = items(v, get(releases->items[i], "values"), NULL)) == 0)
			rc = items(v, get(releases->items[i], "secrets"), NULL);
	if (rc == 0)
		rc = items(v, get(root, "helmfiles"), "path");
	if (rc == 0)
		rc = items(v, get(root, "bases"), NULL);
	const promote__ynode *envs = get(root, "environments");
	for (size_t i = 1; rc == 0 && envs && envs->type == PROMOTE__YMAPPING && i < envs->count; i += 2)
		rc = items(v, get(envs->items[i], "values"), NULL);
	return rc;
}

static bool starts(const char *text, const char *prefix)
{
	return text && strncmp(text, prefix, strlen(prefix)) == 0;
}

static int visit_manifest(visit *v, const promote__ynode *root, const char *api, const char *kind)
{
	const promote__ynode *metadata = get(root, "metadata"), *spec = get(root, "spec");
	int rc = one(v, get(metadata, "namespace"), ROLE_NAMESPACE);
	if (rc == 0)
		rc = one(v, get(metadata, "name"), strcmp(kind, "Namespace") == 0 ? ROLE_NAMESPACE : ROLE_NAME);
	if (rc == 0 && starts(api, "argoproj.io/") && strcmp(kind, "Application") == 0) {
		rc = one(v, get(get(spec, "destination"), "namespace"), ROLE_NAMESPACE);
		const promote__ynode *source = get(spec, "source"), *sources = get(spec, "sources");
		if (rc == 0 && (rc = one(v, get(source, "path"), ROLE_NAME)) == 0)
			rc = items(v, get(get(source, "helm"), "valueFiles"), NULL);
		for (size_t i = 0; rc == 0 && sources && sources->type == PROMOTE__YSEQUENCE && i < sources->count; i++)
			if ((rc = one(v, get(sources->items[i], "path"), ROLE_NAME)) == 0)
				rc = items(v, get(get(sources->items[i], "helm"), "valueFiles"), NULL);
	} else if (rc == 0 && starts(api, "kustomize.toolkit.fluxcd.io/") && strcmp(kind, "Kustomization") == 0) {
		if ((rc = one(v, get(spec, "path"), ROLE_NAME)) == 0)
			rc = one(v, get(spec, "targetNamespace"), ROLE_NAMESPACE);
	} else if (rc == 0 && starts(api, "helm.toolkit.fluxcd.io/") && strcmp(kind, "HelmRelease") == 0) {
		if ((rc = one(v, get(spec, "targetNamespace"), ROLE_NAMESPACE)) == 0)
			rc = one(v, get(spec, "storageNamespace"), ROLE_NAMESPACE);
	}
	return rc;
}

static bool ends(const char *text, const char *suffix)
{
	size_t n = strlen(text), m = strlen(suffix);
	return n >= m && strcmp(text + n - m, suffix) == 0;
}

static bool is_yaml(const char *path)
{
	return ends(path, ".yaml") || ends(path, ".yml");
}

/* Every namespace, name and path that `path`'s documents set, as env_copy.h lists them. */
static int visit_file(const promote_yaml_doc *doc, const char *path, visit_cb cb, void *payload)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	bool kustomization = strcmp(base, "kustomization.yaml") == 0 || strcmp(base, "kustomization.yml") == 0 ||
		strcmp(base, "Kustomization") == 0;
	bool helmfile = (starts(base, "helmfile") && is_yaml(base)) ||
		(slash && slash - path >= 10 && strncmp(slash - 10, "helmfile.d", 10) == 0 &&
			(slash - path == 10 || slash[-11] == '/'));
	visit v = { cb, payload, 0 };
	int rc = 0;
	for (size_t d = 0; rc == 0 && d < doc->tree->count; d++) {
		const promote__ynode *root = doc->tree->documents[d];
		if (!root || root->type != PROMOTE__YMAPPING)
			continue;
		v.document = d;
		const char *api = text_of(get(root, "apiVersion")), *kind = text_of(get(root, "kind"));
		if (kustomization || (starts(api, "kustomize.config.k8s.io/") && kind && strcmp(kind, "Kustomization") == 0))
			rc = visit_kustomization(&v, root);
		else if (helmfile)
			rc = visit_helmfile(&v, root);
		else if (api && kind)
			rc = visit_manifest(&v, root, api, kind);
	}
	return rc;
}

/* ---- which files: A's folder walked, the globs applied ------------------------------------------ */

typedef PROMOTE__ARRAY(char *) strings;

typedef struct walk {
	const promote__env_copy *how;
	const char *root;   /* src_dir without "." */
	const char *folder; /* below it: "" or "sub/" */
	strings *files;     /* relative to src_dir */
	bool *used;         /* per glob: it selected something */
	int rc;
} walk;

/* `rel` (a file below A's folder) is selected: a glob matches it or one of its folders. */
static bool selected(const promote__env_copy *how, const char *rel, bool *used)
{
	if (!how->only_count)
		return true;
	bool any = false;
	char *prefix = strdup(rel);
	for (size_t i = 0; prefix && i < how->only_count; i++) {
		char *glob = strdup(how->only[i]);
		size_t n = glob ? strlen(glob) : 0;
		while (n > 1 && glob[n - 1] == '/')
			glob[--n] = '\0';
		bool match = glob && promote__wildmatch(glob, rel);
		/* Each folder of rel, deepest first. */
		strcpy(prefix, rel);
		for (char *s = strrchr(prefix, '/'); glob && !match && s; s = strrchr(prefix, '/')) {
			*s = '\0';
			match = promote__wildmatch(glob, prefix);
		}
		free(glob);
		if (match)
			any = used[i] = true;
	}
	free(prefix);
	return any;
}

static int walk_folder(walk *w);

static int on_entry(const char *name, promote__entry_type type, void *payload)
{
	walk *w = payload;
	char *rel = promote__strdupf("%s%s%s", w->folder, name, type == PROMOTE__ENTRY_FOLDER ? "/" : "");
	int rc = rel ? 0 : promote__error_oom();
	if (rc == 0 && type == PROMOTE__ENTRY_FOLDER) {
		walk inner = *w;
		inner.folder = rel;
		inner.rc = 0;
		rc = walk_folder(&inner);
	} else if (rc == 0 && selected(w->how, rel, w->used)) {
		if ((rc = promote__array_push(w->files, rel)) == 0)
			rel = NULL;
	}
	free(rel);
	if (rc)
		w->rc = rc;
	return rc;
}

static int walk_folder(walk *w)
{
	size_t n = strlen(w->folder);
	char *path = promote__strdupf("%s%s%.*s", w->root, *w->root && n ? "/" : "", (int)(n ? n - 1 : 0), w->folder);
	if (!path)
		return promote__error_oom();
	int rc = w->how->reader->list(w->how->reader->self, &w->how->src, path, on_entry, w);
	free(path);
	return rc;
}

static const char *dir_of(const char *dir)
{
	return !dir || strcmp(dir, ".") == 0 ? "" : dir;
}

static void free_strings(strings *s)
{
	for (size_t i = 0; i < s->size; i++)
		free(s->ptr[i]);
	promote__array_free(s);
}

/* The selected files of A's folder, relative to it, in git's order. */
static int select_files(strings *files, const promote__env_copy *how)
{
	bool *used = calloc(how->only_count ? how->only_count : 1, sizeof *used);
	if (!used)
		return promote__error_oom();
	walk w = { how, dir_of(how->src_dir), "", files, used, 0 };
	int rc = walk_folder(&w);
	if (rc == PROMOTE_ENOTFOUND && w.rc == 0) /* the folder itself */
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT,
			"there is no folder '%s' to copy at commit %.12s", *w.root ? w.root : ".", how->src.hex);
	for (size_t i = 0; rc == 0 && i < how->only_count; i++)
		if (!used[i])
			rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_INVALID,
				"'%s' selects no file of '%s': name files or folders below it (globs as git matches them)",
				how->only[i], *w.root ? w.root : ".");
	free(used);
	if (rc)
		free_strings(files);
	return rc;
}

/* ---- the copy ------------------------------------------------------------------------------------ */

typedef struct edits {
	const promote__env_copy *how;
	PROMOTE__ARRAY(promote_yaml_path *) paths;
	strings values;
	const promote_yaml_doc *doc;
	int rc;
} edits;

/* The value a namespace, name or path of A gets in B. */
static char *rewritten(const promote__env_copy *how, const char *value, role r)
{
	if (r != ROLE_NAME && how->from_namespace && how->to_namespace && strcmp(value, how->from_namespace) == 0)
		return strdup(how->to_namespace);
	return promote__env_rename(value, how->from_name, how->to_name);
}

static int on_value(const promote__ynode *node, size_t document, role r, void *payload)
{
	edits *e = payload;
	char *value = rewritten(e->how, node->value, r);
	if (!value)
		return e->rc = promote__error_oom();
	if (strcmp(value, node->value) == 0) {
		free(value);
		return 0;
	}
	promote_yaml_path *path = NULL;
	int rc = promote__ypath_of(&path, e->doc->tree, document, node);
	if (rc == 0 && (rc = promote__array_push(&e->paths, path)) < 0)
		promote_yaml_path_free(path);
	if (rc == 0 && (rc = promote__array_push(&e->values, value)) < 0)
		promote_yaml_path_free(e->paths.ptr[--e->paths.size]);
	if (rc) {
		free(value);
		e->rc = rc;
	}
	return rc;
}

int promote__env_copy_rewrite(promote_buf *out, const promote__env_copy *how, const promote_buf *bytes,
	const char *name)
{
	promote_yaml_doc *doc = NULL;
	if (promote_yaml_doc_parse(&doc, bytes->ptr ? bytes->ptr : "", bytes->size, name, NULL) < 0) {
		/* Not YAML (a Helm chart's template, say): its bytes as they are. */
		promote_error_clear();
		return 0;
	}
	edits e = { how, PROMOTE__ARRAY_INIT, PROMOTE__ARRAY_INIT, doc, 0 };
	int rc = visit_file(doc, name, on_value, &e);
	if (rc == 0 && e.paths.size)
		rc = promote_yaml_set_many(doc, (const promote_yaml_path *const *)e.paths.ptr,
			(const char *const *)e.values.ptr, e.paths.size, PROMOTE_YAML_EDIT_ANCHORS);
	if (rc == 0 && e.paths.size) {
		size_t size;
		const char *content = promote_yaml_doc_content(doc, &size);
		rc = promote__buf_put(out, content, size);
	}
	for (size_t i = 0; i < e.paths.size; i++)
		promote_yaml_path_free(e.paths.ptr[i]);
	promote__array_free(&e.paths);
	free_strings(&e.values);
	promote_yaml_doc_free(doc);
	return rc;
}

static char *join(const char *dir, const char *rel)
{
	return promote__strdupf("%s%s%s", dir, *dir ? "/" : "", rel);
}

/* One file of A, `rel` below its folder, as B gets it. */
static int copy_file(promote__changes *out, const promote__env_copy *how, const char *rel)
{
	char *renamed = promote__env_rename(rel, how->from_name, how->to_name);
	char *src_path = join(dir_of(how->src_dir), rel);
	char *dst_path = renamed ? join(dir_of(how->dst_dir), renamed) : NULL;
	promote_buf src = PROMOTE_BUF_INIT, dst = PROMOTE_BUF_INIT, edited = PROMOTE_BUF_INIT;
	unsigned mode = PROMOTE__MODE_FILE, before_mode = PROMOTE__MODE_FILE;
	int rc = src_path && dst_path ? how->reader->read(&src, &mode, how->reader->self, &how->src, src_path, COPY_MAX)
				      : promote__error_oom();
	if (rc == 0 && mode != PROMOTE__MODE_LINK && is_yaml(rel))
		rc = promote__env_copy_rewrite(&edited, how, &src, src_path);
	const promote_buf *after = edited.ptr ? &edited : &src;
	bool existed = false;
	if (rc == 0 && how->dst) {
		const promote__tree_reader *r = how->dst_reader ? how->dst_reader : how->reader;
		rc = r->read(&dst, &before_mode, r->self, how->dst, dst_path, COPY_MAX);
		existed = rc == 0;
		if (rc == PROMOTE_ENOTFOUND) {
			promote_error_clear();
			rc = 0;
		}
	}
	bool same = existed && before_mode == mode && dst.size == after->size &&
		(after->size == 0 || memcmp(dst.ptr, after->ptr, after->size) == 0);
	promote__change *c = rc == 0 && !same ? promote__array_alloc(out) : NULL;
	if (rc == 0 && !same && !c)
		rc = PROMOTE_ENOMEM;
	if (c) {
		c->path = dst_path;
		dst_path = NULL;
		c->existed = existed;
		c->before_mode = existed ? before_mode : 0;
		c->mode = mode;
		if (existed)
			c->before = dst, dst = (promote_buf)PROMOTE_BUF_INIT;
		if (after == &edited)
			c->after = edited, edited = (promote_buf)PROMOTE_BUF_INIT;
		else
			c->after = src, src = (promote_buf)PROMOTE_BUF_INIT;
		if (!c->after.ptr)
			rc = promote__buf_puts(&c->after, "");
	}
	promote_buf_dispose(&src);
	promote_buf_dispose(&dst);
	promote_buf_dispose(&edited);
	free(renamed);
	free(src_path);
	free(dst_path);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const promote__change *)a)->path, ((const promote__change *)b)->path);
}

int promote__env_copy_plan(promote__changes *out, const promote__env_copy *how)
{
	strings files = PROMOTE__ARRAY_INIT;
	size_t first = out->size;
	int rc = select_files(&files, how);
	for (size_t i = 0; rc == 0 && i < files.size; i++)
		rc = copy_file(out, how, files.ptr[i]);
	free_strings(&files);
	if (rc == 0 && out->size - first > 1)
		qsort(out->ptr + first, out->size - first, sizeof *out->ptr, by_path);
	return rc;
}

/* ---- A's namespace ------------------------------------------------------------------------------- */

typedef struct found {
	char *top;   /* a kustomization's or helmfile's own */
	char *other; /* a manifest's */
} found;

static int on_namespace(const promote__ynode *node, size_t document, role r, void *payload)
{
	(void)document;
	found *f = payload;
	char **slot = r == ROLE_NAMESPACE_TOP ? &f->top : r == ROLE_NAMESPACE ? &f->other : NULL;
	if (!slot || *slot)
		return 0;
	*slot = strdup(node->value);
	return *slot ? 0 : promote__error_oom();
}

int promote__env_copy_namespace(char **out, const promote__env_copy *how)
{
	*out = NULL;
	strings files = PROMOTE__ARRAY_INIT;
	found f = { NULL, NULL };
	int rc = select_files(&files, how);
	for (size_t i = 0; rc == 0 && i < files.size && !f.top; i++) {
		if (!is_yaml(files.ptr[i]))
			continue;
		char *path = join(dir_of(how->src_dir), files.ptr[i]);
		promote_buf bytes = PROMOTE_BUF_INIT;
		unsigned mode = PROMOTE__MODE_FILE;
		rc = path ? how->reader->read(&bytes, &mode, how->reader->self, &how->src, path, COPY_MAX)
			  : promote__error_oom();
		promote_yaml_doc *doc = NULL;
		if (rc == 0 && mode != PROMOTE__MODE_LINK &&
			promote_yaml_doc_parse(&doc, bytes.ptr ? bytes.ptr : "", bytes.size, path, NULL) == 0)
			rc = visit_file(doc, path, on_namespace, &f);
		else if (rc == 0)
			promote_error_clear();
		promote_yaml_doc_free(doc);
		promote_buf_dispose(&bytes);
		free(path);
	}
	free_strings(&files);
	char **chosen = f.top ? &f.top : &f.other;
	if (rc == 0) {
		*out = *chosen;
		*chosen = NULL;
	}
	free(f.top);
	free(f.other);
	return rc;
}
