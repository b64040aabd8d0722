/* Internal: pieces of the editor shared by set, delete, copy and the setters. */
#ifndef PROMOTE_YAML_EDIT_H
#define PROMOTE_YAML_EDIT_H

#include "document.h"

/* Resolve `path` in `doc`, errors naming the document. */
int promote__yedit_resolve(promote__yresolved *r, const promote_yaml_doc *doc, const promote_yaml_path *path);

/* The node an edit of `r` changes; refuses aliases and shared anchors unless
 * PROMOTE_YAML_EDIT_ANCHORS is in `flags`. */
int promote__yedit_editable(const promote__ynode **out, const promote_yaml_doc *doc, const promote__yresolved *r,
	const promote_yaml_path *path, unsigned flags);

/* The splice that makes scalar `node` hold `value`, keeping its style and type. */
int promote__yedit_render_scalar(promote__splice *sp, const promote_yaml_doc *doc, const promote__ynode *node,
	const char *value, unsigned flags);

/* The check that `path` reads back `value` (as text for PROMOTE_YAML_TYPED). */
promote__check promote__yedit_check(const promote_yaml_path *path, const char *value, unsigned flags);

#endif
