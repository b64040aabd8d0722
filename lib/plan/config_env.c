/* Adding an environment to a configuration file, surgically (config_env.h). */
#include "config_env.h"

#include "core/buf.h"
#include "core/error.h"
#include "yaml/document.h"
#include "yaml/scalar.h"

#include <stdlib.h>
#include <string.h>

/* The path environments['NAME'] followed by `suffix` (".path", ""), compiled. */
static int env_path(promote_yaml_path **out, const char *name, const char *suffix)
{
	promote_buf text = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&text, "environments['");
	for (const char *p = name; rc == 0 && *p; p++)
		rc = *p == '\'' ? promote__buf_puts(&text, "''") : promote__buf_putc(&text, *p);
	if (rc == 0 && (rc = promote__buf_puts(&text, "']")) == 0)
		rc = promote__buf_puts(&text, suffix);
	if (rc == 0)
		rc = promote_yaml_path_compile(out, text.ptr);
	promote_buf_dispose(&text);
	return rc;
}

/* The node at environments['NAME']`suffix` (`key`: its key), or NULL. */
static const promote__ynode *find(const promote_yaml_doc *doc, const char *name, const char *suffix, bool key)
{
	promote_yaml_path *path = NULL;
	promote__yresolved r;
	const promote__ynode *node = env_path(&path, name, suffix) == 0 &&
			promote__ypath_resolve(&r, doc->tree, path, doc->name) == 0 ? key ? r.key : r.node : NULL;
	promote_yaml_path_free(path);
	promote_error_clear();
	return node;
}

static const promote__ynode *node_at(const promote_yaml_doc *doc, const char *name, const char *suffix)
{
	return find(doc, name, suffix, false);
}

/* A string as flow YAML: plain when it reads back as that string, else double-quoted. */
static int put_scalar(promote_buf *out, const char *s)
{
	size_t n = strlen(s);
	if (n && promote__yplain_safe(s, n, true) && promote__yplain_type(s, n) == PROMOTE__YT_STRING)
		return promote__buf_put(out, s, n);
	return promote__yquote_double(out, s, n);
}

static int put_field(promote_buf *out, const char *key, const char *value)
{
	int rc = promote__buf_puts(out, out->size > 1 ? ", " : "");
	if (rc == 0 && (rc = promote__buf_puts(out, key)) == 0 && (rc = promote__buf_puts(out, ": ")) == 0)
		rc = put_scalar(out, value);
	return rc;
}

/* The node `key` of the source environment when it has one, else NULL; *one_line: it is written on one line. */
static const promote__ynode *source_node(const promote_yaml_doc *original, const promote__config_env *env,
	const char *key, bool *one_line)
{
	const promote__ynode *n = env->from ? node_at(original, env->from, key) : NULL;
	*one_line = !n || n->start.line == n->end.line;
	return n;
}

/* The source text of `n`, as written. */
static int put_source(promote_buf *out, const promote_yaml_doc *doc, const promote__ynode *n)
{
	size_t start = promote__yvalue_start(doc, n);
	return promote__buf_put(out, doc->text + start, promote__yextent_end(doc, n) - start);
}

/* The labels of the lists as a flow mapping. */
static int flow_labels(promote_buf *out, const promote__config_env *env)
{
	int rc = promote__buf_putc(out, '{');
	for (size_t i = 0; rc == 0 && i < env->label_count; i++) {
		if ((rc = promote__buf_puts(out, i ? ", " : "")) == 0 && (rc = put_scalar(out, env->label_keys[i])) == 0 &&
			(rc = promote__buf_puts(out, ": ")) == 0)
			rc = put_scalar(out, env->label_values[i]);
	}
	return rc ? rc : promote__buf_putc(out, '}');
}

/* {path: P, kind: K, strategy: S, labels: {...}, deploy: {...}} */
static int flow_entry(promote_buf *out, const promote_yaml_doc *original, const promote__config_env *env)
{
	bool one_line;
	const promote__ynode *labels = env->copy_labels ? source_node(original, env, ".labels", &one_line) : NULL;
	const promote__ynode *deploy = source_node(original, env, ".deploy", &one_line);
	int rc = promote__buf_putc(out, '{');
	if (rc == 0)
		rc = put_field(out, "path", env->path);
	if (rc == 0 && env->kind)
		rc = put_field(out, "kind", env->kind);
	if (rc == 0)
		rc = put_field(out, "strategy", env->strategy);
	if (rc == 0 && (labels || (!env->copy_labels && env->label_count)) &&
		(rc = promote__buf_puts(out, ", labels: ")) == 0)
		rc = labels ? put_source(out, original, labels) : flow_labels(out, env);
	if (rc == 0 && deploy && (rc = promote__buf_puts(out, ", deploy: ")) == 0)
		rc = put_source(out, original, deploy);
	return rc ? rc : promote__buf_putc(out, '}');
}

/* environments['NAME']`suffix` = value, created. */
static int create(promote_yaml_doc *doc, const char *name, const char *suffix, const char *value, unsigned flags)
{
	promote_yaml_path *path = NULL;
	int rc = env_path(&path, name, suffix);
	if (rc == 0)
		rc = promote_yaml_set(doc, path, value, PROMOTE_YAML_CREATE | flags);
	promote_yaml_path_free(path);
	return rc;
}

/* The source environment's `key` (".labels"), as written, under the new one. */
static int copy_key(promote_yaml_doc *doc, const promote_yaml_doc *original, const promote__config_env *env,
	const char *key)
{
	/* An empty mapping first, which the copy then replaces (a copy replaces, never creates). */
	promote_yaml_path *to = NULL, *from = NULL;
	int rc = create(doc, env->name, key, "{}", PROMOTE_YAML_TYPED);
	if (rc == 0 && (rc = env_path(&to, env->name, key)) == 0 && (rc = env_path(&from, env->from, key)) == 0)
		rc = promote_yaml_copy(doc, to, original, from, 0);
	promote_yaml_path_free(to);
	promote_yaml_path_free(from);
	return rc;
}

/* The entry as block lines, key by key. */
static int block_entry(promote_yaml_doc *doc, const promote_yaml_doc *original, const promote__config_env *env)
{
	bool one_line;
	int rc = create(doc, env->name, ".path", env->path, 0);
	if (rc == 0 && env->kind)
		rc = create(doc, env->name, ".kind", env->kind, 0);
	if (rc == 0)
		rc = create(doc, env->name, ".strategy", env->strategy, 0);
	if (rc == 0 && env->copy_labels && source_node(original, env, ".labels", &one_line))
		rc = copy_key(doc, original, env, ".labels");
	for (size_t i = 0; rc == 0 && !env->copy_labels && i < env->label_count; i++) {
		promote_buf key = PROMOTE_BUF_INIT;
		rc = promote__buf_puts(&key, ".labels[\"");
		for (const char *p = env->label_keys[i]; rc == 0 && *p; p++)
			if ((rc = strchr("\"\\", *p) ? promote__buf_putc(&key, '\\') : 0) == 0)
				rc = promote__buf_putc(&key, *p);
		if (rc == 0 && (rc = promote__buf_puts(&key, "\"]")) == 0)
			rc = create(doc, env->name, key.ptr, env->label_values[i], 0);
		promote_buf_dispose(&key);
	}
	if (rc == 0 && source_node(original, env, ".deploy", &one_line))
		rc = copy_key(doc, original, env, ".deploy");
	return rc;
}

int promote__config_env_add(promote_buf *out, const char *data, size_t size, const char *file,
	const promote__config_env *env)
{
	promote_yaml_doc *doc = NULL, *original = NULL;
	int rc = promote_yaml_doc_parse(&doc, data, size, file, NULL);
	if (rc == 0)
		rc = promote_yaml_doc_parse(&original, data, size, file, NULL);
	const promote__ynode *envs = NULL;
	if (rc == 0) {
		promote_yaml_path *path = NULL;
		promote__yresolved r;
		if ((rc = promote_yaml_path_compile(&path, "environments")) == 0 &&
			promote__ypath_resolve(&r, doc->tree, path, file) == 0)
			envs = promote__ynode_resolve(r.node);
		promote_yaml_path_free(path);
		if (rc == 0 && (!envs || envs->type != PROMOTE__YMAPPING || !envs->count))
			rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
				"%s has no 'environments' mapping with an environment in it to add '%s' beside", file,
				env->name);
	}
	const promote__ynode *there = rc == 0 ? find(doc, env->name, "", true) : NULL;
	if (there)
		rc = promote__ydoc_error(doc, PROMOTE_EEXISTS, there, "environment '%s' is configured already: import under another name, or remove it from the configuration first",
			env->name);
	if (rc == 0) {
		/* The style of the entries there: a flow mapping, or one-line flow entries (when what is copied
		 * from the source fits on one line), or block ones. */
		const promote__ynode *last = promote__ynode_resolve(envs->items[envs->count - 1]);
		bool labels_fit = true, deploy_fit = true;
		if (env->copy_labels)
			source_node(original, env, ".labels", &labels_fit);
		source_node(original, env, ".deploy", &deploy_fit);
		bool fits = labels_fit && deploy_fit;
		if (envs->flow && !fits)
			rc = promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_CONFIG,
				"%s: environment '%s' writes its labels or deploy on several lines inside the flow mapping "
				"'environments', and the new entry is written on one: write them on one line first", file,
				env->from);
		else if (envs->flow || (fits && last && last->type == PROMOTE__YMAPPING && last->flow)) {
			promote_buf text = PROMOTE_BUF_INIT;
			rc = flow_entry(&text, original, env);
			if (rc == 0)
				rc = create(doc, env->name, "", text.ptr, PROMOTE_YAML_TYPED);
			promote_buf_dispose(&text);
		} else {
			rc = block_entry(doc, original, env);
		}
	}
	if (rc == 0) {
		size_t n;
		const char *content = promote_yaml_doc_content(doc, &n);
		promote_buf fresh = PROMOTE_BUF_INIT;
		if ((rc = promote__buf_put(&fresh, content, n)) == 0)
			*out = fresh;
	}
	promote_yaml_doc_free(doc);
	promote_yaml_doc_free(original);
	return rc;
}
