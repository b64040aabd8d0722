/* Where a product is, whatever the layout (layout_find.h). */
#include "layout_find.h"
#include "version.h"

#include "core/error.h"
#include "git/refname.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* ---- presence ----------------------------------------------------------- */

static int any_entry(const char *name, promote__entry_type type, void *payload)
{
	(void)name;
	(void)type;
	(void)payload;
	return 1; /* one is enough */
}

int promote__layout_present(bool *out, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *commit, const promote_env *env, const promote_product *cfg, const char *name)
{
	*out = false;
	char *folder = promote__plan_product_dir(ctx, env, cfg, name);
	if (!folder)
		return promote__error_oom();
	/* What cannot be read is no folder. */
	int rc = r->list(r->self, commit, strcmp(folder, ".") == 0 ? "" : folder, any_entry, NULL);
	free(folder);
	if (rc < 0) {
		promote_error_clear();
		return 0;
	}
	if (!promote__layout_shared(cfg)) {
		*out = true;
		return 0;
	}
	promote__version_source s;
	promote_buf bytes = PROMOTE_BUF_INIT;
	char *version = NULL;
	rc = promote__version_source_init(&s, ctx, r, env, cfg, name);
	if (rc == 0)
		rc = promote__version_at(&version, &bytes, &s, commit);
	if (rc == PROMOTE_EINVALID) {
		/* A file that is no valid YAML: there, with its problem. */
		promote_error_clear();
		*out = true;
		rc = 0;
	} else if (rc == 0) {
		*out = version != NULL;
	}
	free(version);
	promote_buf_dispose(&bytes);
	promote__version_source_dispose(&s);
	return rc;
}

/* ---- the entries of a list (discovery) ---------------------------------- */

bool promote__layout_is_list(const promote_product *cfg)
{
	size_t len;
	return promote_product_is_discovery(cfg) && !strchr(promote_product_path(cfg), '*') &&
		promote__layout_selector(promote_product_version_path(cfg), &len);
}

/* A copy of `value` appended when it is a scalar that can be a product's name. */
static int add_name(promote__layout_names *names, const promote__ynode *value)
{
	value = promote__ynode_resolve(value);
	if (!value || value->type != PROMOTE__YSCALAR || strlen(value->value) != value->length ||
		promote__name_problem(value->value))
		return 0;
	char *copy = strdup(value->value);
	int rc = copy ? promote__array_push(names, copy) : promote__error_oom();
	if (rc)
		free(copy);
	return rc;
}

/* @[FIELD={product}]: FIELD (a path) of every document. */
static int add_documents(promote__layout_names *names, const promote_yaml_doc *doc, const char *field, size_t len)
{
	char *text = strndup(field, len);
	promote_yaml_path *path = NULL;
	int rc = text ? promote_yaml_path_compile(&path, text) : promote__error_oom();
	for (size_t d = 0; rc == 0 && d < doc->tree->count; d++) {
		promote__yresolved found;
		path->has_document = true;
		path->document = (long)d;
		rc = promote__ypath_resolve(&found, doc->tree, path, doc->name);
		if (rc == PROMOTE_ENOTFOUND) {
			promote_error_clear();
			rc = 0;
		} else if (rc == 0) {
			rc = add_name(names, found.node);
		}
	}
	promote_yaml_path_free(path);
	free(text);
	return rc;
}

/* FIELD of every mapping item of `list` that can be a product's name. */
static int add_entries(promote__layout_names *names, const promote__ynode *list, const char *field, size_t len)
{
	list = promote__ynode_resolve(list);
	if (!list || list->type != PROMOTE__YSEQUENCE)
		return 0;
	for (size_t i = 0; i < list->count; i++) {
		const promote__ynode *item = promote__ynode_resolve(list->items[i]);
		for (size_t k = 0; item && item->type == PROMOTE__YMAPPING && k + 1 < item->count; k += 2) {
			const promote__ynode *key = promote__ynode_resolve(item->items[k]);
			if (key->type != PROMOTE__YSCALAR || key->length != len || memcmp(key->value, field, len) != 0)
				continue;
			int rc = add_name(names, item->items[k + 1]);
			if (rc)
				return rc;
			break;
		}
	}
	return 0;
}

int promote__layout_entries(promote__layout_names *names, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *commit, const promote_env *env, const promote_product *cfg)
{
	size_t field_len = 0;
	const char *text = promote_product_version_path(cfg);
	const char *open = promote__layout_selector(text, &field_len);
	if (!open)
		return 0;
	/* The version file: the list's, the same for every product. */
	char *dir = promote__plan_product_dir(ctx, env, cfg, "");
	char *file = promote__layout_expand(promote_product_version_file(cfg), promote_env_name(env), cfg, "");
	promote__version_source s = { r, dir && file ? promote__plan_join(dir, file) : NULL, NULL };
	free(dir);
	free(file);
	promote_buf bytes = PROMOTE_BUF_INIT;
	bool present = false;
	promote_yaml_doc *doc = NULL;
	promote_yaml_path *prefix = NULL;
	int rc = s.file ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__version_read(&bytes, &present, &s, commit);
	if (rc == 0 && present)
		rc = promote_yaml_doc_parse(&doc, bytes.ptr, bytes.size, s.file, NULL);
	size_t prefix_len = (size_t)(open - text);
	while (prefix_len && text[prefix_len - 1] == '.')
		prefix_len--;
	if (rc == 0 && doc && prefix_len == 1 && text[0] == '@') { /* @[FIELD={product}]: one per document */
		rc = add_documents(names, doc, open + 1, field_len);
		prefix_len = 0;
		promote_yaml_doc_free(doc);
		doc = NULL;
	}
	char *prefix_text = rc == 0 && doc && prefix_len ? strndup(text, prefix_len) : NULL;
	if (rc == 0 && doc && prefix_len && !prefix_text)
		rc = promote__error_oom();
	if (prefix_text)
		rc = promote__layout_path(&prefix, prefix_text, promote_env_name(env), cfg, "");
	bool one = prefix && prefix->has_document;
	for (size_t d = 0; rc == 0 && doc && d < (one ? 1 : doc->tree->count); d++) {
		if (!prefix) {
			rc = add_entries(names, doc->tree->documents[d], open + 1, field_len);
			continue;
		}
		if (!one) {
			prefix->has_document = true;
			prefix->document = (long)d;
		}
		promote__yresolved found;
		rc = promote__ypath_resolve(&found, doc->tree, prefix, s.file);
		if (rc == PROMOTE_ENOTFOUND) {
			promote_error_clear(); /* not in this document */
			rc = 0;
		} else if (rc == 0) {
			rc = add_entries(names, found.node, open + 1, field_len);
		}
	}
	if (rc == PROMOTE_EINVALID || rc == PROMOTE_ELIMIT) {
		/* A file that cannot be read as YAML holds no entries that can be told; status shows why. */
		promote_error_clear();
		rc = 0;
	}
	free(prefix_text);
	promote_yaml_path_free(prefix);
	promote_yaml_doc_free(doc);
	promote_buf_dispose(&bytes);
	promote__version_source_dispose(&s);
	return rc;
}
