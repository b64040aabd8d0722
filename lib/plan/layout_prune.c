/* A new file of a list layout without the list's other entries (layout_prune.h). */
#include "layout_prune.h"

#include "core/error.h"
#include "git/refname.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* The value of `field` in the mapping `item`, when it is a scalar that can be a product's name. */
static const char *name_of(const promote__ynode *item, const char *field, size_t len)
{
	item = promote__ynode_resolve(item);
	for (size_t k = 0; item && item->type == PROMOTE__YMAPPING && k + 1 < item->count; k += 2) {
		const promote__ynode *key = promote__ynode_resolve(item->items[k]);
		if (key->type != PROMOTE__YSCALAR || key->length != len || memcmp(key->value, field, len) != 0)
			continue;
		const promote__ynode *value = promote__ynode_resolve(item->items[k + 1]);
		if (!value || value->type != PROMOTE__YSCALAR || strlen(value->value) != value->length ||
			promote__name_problem(value->value))
			return NULL;
		return value->value;
	}
	return NULL;
}

/* Every item of the list whose `field` is `other` taken out of document `d` of `doc`. */
static int delete_entry(promote_yaml_doc *doc, const char *item_text, const char *env, const promote_product *cfg,
	const char *other, long d)
{
	promote_yaml_path *path = NULL;
	int rc = promote__layout_path(&path, item_text, env, cfg, other);
	if (rc == 0 && !path->has_document) {
		path->has_document = true;
		path->document = d;
	}
	while (rc == 0)
		rc = promote_yaml_delete(doc, path, 0);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	promote_yaml_path_free(path);
	return rc;
}

/* The names of the entries of `list` in document `d` other than `name`, each taken out. */
static int prune_document(promote_yaml_doc *doc, promote_yaml_path *list, long d, const char *item_text,
	const char *field, size_t field_len, const char *env, const promote_product *cfg, const char *name)
{
	bool one = list->has_document;
	if (!one) {
		list->has_document = true;
		list->document = d;
	}
	promote__yresolved found;
	int rc = promote__ypath_resolve(&found, doc->tree, list, doc->name);
	if (!one)
		list->has_document = false;
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear(); /* no such list in this document */
		return 0;
	}
	const promote__ynode *seq = rc == 0 ? promote__ynode_resolve(found.node) : NULL;
	if (!seq || seq->type != PROMOTE__YSEQUENCE)
		return rc;
	char **others = calloc(seq->count ? seq->count : 1, sizeof *others);
	size_t count = 0;
	rc = others ? 0 : promote__error_oom();
	/* The names first: a deletion changes the tree the nodes are in. */
	for (size_t i = 0; rc == 0 && i < seq->count; i++) {
		const char *other = name_of(seq->items[i], field, field_len);
		if (other && strcmp(other, name) != 0 && !(others[count++] = strdup(other)))
			rc = promote__error_oom();
	}
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = delete_entry(doc, item_text, env, cfg, others[i], one ? list->document : d);
	for (size_t i = 0; others && i < count; i++)
		free(others[i]);
	free(others);
	return rc;
}

int promote__layout_prune(promote_yaml_doc *doc, const promote_product *cfg, const char *env, const char *name)
{
	size_t field_len = 0;
	const char *text = promote_product_version_path(cfg);
	const char *open = promote__layout_selector(text, &field_len);
	size_t prefix_len = open ? (size_t)(open - text) : 0;
	while (prefix_len && text[prefix_len - 1] == '.')
		prefix_len--;
	if (!open || prefix_len == 0 || (prefix_len == 1 && text[0] == '@'))
		return 0; /* no list, or documents: a document is never deleted */
	char *list_text = strndup(text, prefix_len);
	/* "releases[name={product}]": the item, up to its selector's ']'. */
	char *item_text = strndup(text, (size_t)(open - text) + 1 + field_len + strlen("={product}]"));
	promote_yaml_path *list = NULL;
	int rc = list_text && item_text ? promote__layout_path(&list, list_text, env, cfg, name) : promote__error_oom();
	size_t documents = rc == 0 ? (list->has_document ? 1 : doc->tree->count) : 0;
	for (size_t d = 0; rc == 0 && d < documents; d++)
		rc = prune_document(doc, list, (long)d, item_text, open + 1, field_len, env, cfg, name);
	promote_yaml_path_free(list);
	free(list_text);
	free(item_text);
	return rc;
}
