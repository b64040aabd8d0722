/*
 * Internal: a file of a list layout new to the target, without the source's
 * other entries (layout.h's list layouts: a helmfile's releases[name={product}]).
 */
#ifndef PROMOTE_PLAN_LAYOUT_PRUNE_H
#define PROMOTE_PLAN_LAYOUT_PRUNE_H

#include "layout.h"

/* A file of a list layout that is new to the target starts as the source's:
 * the items of the list of `cfg`'s version path (FIELD={product}) whose FIELD
 * is not `name` are taken out of `doc` (in every document that has the list),
 * so that the source's other entries — products not promoted, or left out of
 * a sync — do not come with it. Nothing for another layout, or when the list
 * is an @[FIELD={product}] of documents (a document is never deleted). */
int promote__layout_prune(promote_yaml_doc *doc, const promote_product *cfg, const char *env, const char *name);

#endif
