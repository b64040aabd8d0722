/*
 * Internal: duplicate keys. Two keys of one mapping are the same key when a
 * common reader takes them as one (doc/YAML.md, "Duplicate keys"):
 *
 * - scalars with the same text once quotes and escapes are read ("a", 'a',
 *   a; also 1 and "1", which YAML 1.2 tells apart but every reader that turns
 *   keys into strings, Helm's among them, does not);
 * - plain scalars with the same value as YAML 1.1 or 1.2 reads it (~ and
 *   null; yes and true; 0x1, 1 and 1.0; 010 and 8);
 * - collections with the same items (a mapping's in any order).
 *
 * Aliases are resolved; merge keys are not expanded ("<<" is a key like any
 * other, so two of them in one mapping are a duplicate).
 */
#ifndef PROMOTE_YAML_KEYS_H
#define PROMOTE_YAML_KEYS_H

#include "core/strbuf.h"
#include "yaml/tree.h"

/* Called for every key that repeats an earlier key of its mapping: `first`
 * is the earliest key it repeats. A non-zero return stops the walk. */
typedef int (*promote__yduplicate_cb)(const promote__ynode *first, const promote__ynode *second, void *payload);

/* Walk the tree under `node` (an anchored node is checked where it is
 * defined, not at its aliases) and call `cb` for each repeated key, in
 * order within each mapping. 0, the callback's value, or PROMOTE_ENOMEM. */
int promote__yduplicate_keys(const promote__ynode *node, promote__yduplicate_cb cb, void *payload);

/* Append "duplicate key 'tag' (first at line 3, column 3)" (and the first
 * key's spelling when it differs: "... column 3, written 'yes'"). */
PROMOTE_WARN_UNUSED int promote__yduplicate_describe(promote__strbuf *out, const promote__ynode *first,
	const promote__ynode *second);

#endif
