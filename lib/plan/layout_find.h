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

/* Is `cfg` a discovery product of a list layout? */
bool promote__layout_is_list(const promote_product *cfg);

#endif
