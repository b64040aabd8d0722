/*
 * libpromote — products and their promotion templates.
 *
 * A product is one application per environment, found at `path` under each
 * environment's folder. Its template says what a promotion moves: files
 * copied whole (globs) and YAML attributes inside files, one of which is
 * the product's version. The product named "*" is discovery: every folder
 * matching its path in the trigger environment is a product.
 */
#ifndef PROMOTE_PRODUCT_H
#define PROMOTE_PRODUCT_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

PROMOTE_EXTERN(size_t) promote_product_count(const promote_context *ctx);
/* NULL when index >= count. */
PROMOTE_EXTERN(const promote_product *) promote_product_at(const promote_context *ctx, size_t index);
/* Exact name only (discovery happens against a repository). PROMOTE_ENOTFOUND
 * with a "did you mean" when absent. */
PROMOTE_EXTERN(int) promote_product_lookup(
	const promote_product **out, const promote_context *ctx, const char *name);

PROMOTE_EXTERN(const char *) promote_product_name(const promote_product *product);
/* Folder under an environment's path; may hold '*' for discovery. */
PROMOTE_EXTERN(const char *) promote_product_path(const promote_product *product);
/* 1 for the discovery product ("*"), else 0. */
PROMOTE_EXTERN(int) promote_product_is_discovery(const promote_product *product);
/* The name of the shared template it uses, or NULL for an inline one. */
PROMOTE_EXTERN(const char *) promote_product_template_name(const promote_product *product);

/*
 * The products of environment `env` (NULL: the default flow's trigger), as
 * its branch holds them in the context's repository: every configured
 * product whose folder is there, and every folder the path of a discovery
 * product ("*") matches, named by what its star stands for (path apps/STAR and
 * folder apps/web: "web"). Sorted, each once; a configured name wins over a
 * discovered one. Only the trees along those paths are read. Release `out`
 * with promote_strarray_dispose(). PROMOTE_ENOTFOUND for an unknown
 * environment (or no default flow), PROMOTE_ESTATE for a context without a
 * repository, PROMOTE_EGIT when the branch cannot be read.
 */
PROMOTE_EXTERN(int) promote_product_discover(promote_strarray *out, promote_context *ctx, const char *env);

/* Globs of files copied whole, relative to the product's folder. */
PROMOTE_EXTERN(size_t) promote_product_file_count(const promote_product *product);
PROMOTE_EXTERN(const char *) promote_product_file_at(const promote_product *product, size_t index);

/* (file, YAML path) pairs that are promoted, in declaration order. */
PROMOTE_EXTERN(size_t) promote_product_attribute_count(const promote_product *product);
PROMOTE_EXTERN(const char *) promote_product_attribute_file_at(const promote_product *product, size_t index);
PROMOTE_EXTERN(const char *) promote_product_attribute_path_at(const promote_product *product, size_t index);

/* The attribute that is the product's version ("values.yaml" and "image.tag"
 * for `version: values.yaml#image.tag`); both NULL when not set. */
PROMOTE_EXTERN(const char *) promote_product_version_file(const promote_product *product);
PROMOTE_EXTERN(const char *) promote_product_version_path(const promote_product *product);

/* The flows its releases run (`flows:`), in order: the first is used when a
 * release names none; no flows: the default flow. */
PROMOTE_EXTERN(size_t) promote_product_flow_count(const promote_product *product);
PROMOTE_EXTERN(const char *) promote_product_flow_at(const promote_product *product, size_t index);

PROMOTE_END_DECL

#endif
