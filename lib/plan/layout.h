/*
 * Internal: what a product is in an environment, whatever the layout — a
 * folder of its own (envs/dev/apps/shop), a file per environment in a
 * folder every environment shares (values-{env}.yaml), or an entry in a list
 * of a file shared with other products (a helmfile's
 * releases[name={product}].version, a kustomization's
 * images[name={image}].newTag, one Argo CD Application among several
 * documents). The placeholders of a template — {env}, {product} and the
 * product's `vars` — are expanded here, in file names and in YAML paths,
 * and the folders of environments and products are named here. Where a
 * product is (and which products a list holds) is layout_find.h's.
 */
#ifndef PROMOTE_PLAN_LAYOUT_H
#define PROMOTE_PLAN_LAYOUT_H

#include "model/context.h"

#include <promote.h>

/* `text` with {env}, {product} and every {VAR} of the product's `vars`
 * replaced (for file names and globs); NULL when out of memory. A
 * placeholder that names nothing stays as written (validation refuses it). */
char *promote__layout_expand(const char *text, const char *env, const promote_product *cfg, const char *name);

/* The YAML path `text` with its placeholders replaced, compiled. A value
 * inside a selector ([name={product}]) is written as it is; elsewhere its
 * '.', '[', ']' and '\' are escaped, so that a name with a dot stays one key. */
int promote__layout_path(promote_yaml_path **out, const char *text, const char *env, const promote_product *cfg,
	const char *name);

/* The name in the target environment of the source's file `rel`, copied whole because `glob` (a
 * template's `files` glob, as written) matched it: where the glob says {env}, the source's name becomes
 * the target's (staging-settings.yaml -> prod-settings.yaml for '{env}-settings.yaml'); a glob without
 * {env} keeps the name. NULL when out of memory. */
char *promote__layout_target_name(const char *glob, const char *rel, const char *from, const char *to,
	const promote_product *cfg, const char *name);

/* Does the product's version attribute depend on the environment or the
 * product (a placeholder in its file or its YAML path)? Then its folder
 * holds more than this product in this environment, and the product is
 * there only where its version attribute is. */
bool promote__layout_shared(const promote_product *cfg);

/* The selector [FIELD={product}] of a version's YAML path `path`: where its
 * '[' is, and FIELD's length in *field_len; NULL without one. */
const char *promote__layout_selector(const char *path, size_t *field_len);

/* "FOLDER/PATH", without "./" for a folder at the root; NULL when out of memory. */
char *promote__plan_join(const char *folder, const char *path);

/* Where template file `file` of product `name` is in `env`, whose product folder is `dir`: `file` with
 * its placeholders replaced, below `dir` (what a plan reads and writes); NULL when out of memory. */
char *promote__plan_file_path(const char *dir, const char *file, const promote_env *env, const promote_product *cfg,
	const char *name);

/* Whether attribute `i` of `cfg` is the first one in its file (a plan goes through each file once). */
bool promote__plan_file_first(const promote_product *cfg, size_t i);

/* The folder `path` (relative to the configuration's folder) from the repository's root, as below. */
char *promote__plan_folder(promote_context *ctx, const char *path);

/* The folder of environment `env` from the repository's root: its path
 * below the configuration's folder (promote__context_folder()), "." for the
 * root itself; NULL when out of memory. */
char *promote__plan_env_dir(promote_context *ctx, const promote_env *env);

/* The folder of product `name` in `env` (configured by `product`: its path,
 * with `name` where a discovery product's '*' stands), from the repository's
 * root; NULL when out of memory. */
char *promote__plan_product_dir(promote_context *ctx, const promote_env *env, const promote_product *product,
	const char *name);

#endif
