/*
 * Internal: the version a product has in an environment — its template's
 * version attribute (`version: values.yaml#image.tag`), read in the
 * product's folder of that environment at a commit of its branch. The apply
 * gate (gate.c) and `promote status` (lib/engine/status.c) read versions
 * through this; read only, through the session's tree reader.
 */
#ifndef PROMOTE_PLAN_VERSION_H
#define PROMOTE_PLAN_VERSION_H

#include "git/reader.h"
#include "model/context.h"

#include <promote.h>

/* The tip of `env`'s branch; *found false (and no error) when the branch is not there. */
int promote__version_tip(promote__commit_id *out, bool *found, const promote__tree_reader *r, const promote_env *env);

/* Where the product's version attribute is, in one environment. */
typedef struct promote__version_source {
	const promote__tree_reader *r;
	char *file;               /* repository-relative path of the version file */
	promote_yaml_path *path;  /* the attribute in it */
} promote__version_source;

/*
 * The version attribute of product `name` (configured by `cfg`: a discovery
 * product's '*' stands for `name`) in `env`. PROMOTE_EINVALID, naming the
 * product, when its template has no version attribute.
 */
int promote__version_source_init(promote__version_source *out, promote_context *ctx, const promote__tree_reader *r,
	const promote_env *env, const promote_product *cfg, const char *name);
void promote__version_source_dispose(promote__version_source *s);

/* The version file's bytes at `commit` (a new buffer in *out, the old one
 * disposed); *present false (and no error) when it is not there. */
int promote__version_read(promote_buf *out, bool *present, const promote__version_source *s,
	const promote__commit_id *commit);

/* The attribute's value in the file's `bytes` (malloc'd), or NULL (and no
 * error) when the file does not hold it; PROMOTE_EINVALID with
 * file:line:column when it is no valid YAML. */
int promote__version_parse(char **out, const promote__version_source *s, const promote_buf *bytes);

/* Both: the version at `commit` (NULL: none there), and the file's bytes. */
int promote__version_at(char **out, promote_buf *bytes, const promote__version_source *s,
	const promote__commit_id *commit);

#endif
