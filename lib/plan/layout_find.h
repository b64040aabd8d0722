/*
 * Internal: where a product is, whatever the layout (layout.h) — whether it
 * is in an environment, and which products the list of a list layout holds
 * (discovery). Reads only, through the tree reader.
 */
#ifndef PROMOTE_PLAN_LAYOUT_FIND_H
#define PROMOTE_PLAN_LAYOUT_FIND_H

#include "layout.h"

#include "core/array.h"
#include "git/reader.h"

typedef PROMOTE__ARRAY(char *) promote__layout_names;

/* Is product `name` (configured by `cfg`) in `env` at `commit`: its folder
 * there and, for a shared layout, its version attribute found (a version
 * file that is no valid YAML counts as there: its problem is shown where
 * the version is read). */
int promote__layout_present(bool *out, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *commit, const promote_env *env, const promote_product *cfg, const char *name);

/* For a discovery product of a list layout (no '*' in its path, a
 * [FIELD={product}] selector in its version's YAML path): the value of FIELD
 * of every item of that list in `env` at `commit`, appended to `names`
 * (names that cannot be a product's are left out). Nothing when the file
 * or the list is not there. */
int promote__layout_entries(promote__layout_names *names, promote_context *ctx, const promote__tree_reader *r,
	const promote__commit_id *commit, const promote_env *env, const promote_product *cfg);

/* The selector [FIELD={product}] of a version's YAML path `path`: where its
 * '[' is, and FIELD's length in *field_len; NULL without one. */
const char *promote__layout_selector(const char *path, size_t *field_len);

/* A file of a list layout that is new to the target starts as the source's:
 * the items of the list of `cfg`'s version path (FIELD={product}) whose FIELD
 * is not `name` are taken out of `doc` (in every document that has the list),
 * so that the source's other entries — products not promoted, or left out of
 * a sync — do not come with it. Nothing for another layout, or when the list
 * is an @[FIELD={product}] of documents (a document is never deleted). */
int promote__layout_prune(promote_yaml_doc *doc, const promote_product *cfg, const char *env, const char *name);

/* Is `cfg` a discovery product of a list layout? */
bool promote__layout_is_list(const promote_product *cfg);

#endif
