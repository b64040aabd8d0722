/*
 * Internal: YAML paths, compiled once and resolved against promote__ydoc
 * trees. Syntax (doc/YAML.md):
 *
 *   [@N.]segment...   N selects a document of a multi-document stream
 *   [@[FIELD=VALUE].]segment...   the first document whose FIELD (a path) is VALUE
 *   key   .key   ["any key"]   ['any key']   [3]   [-1]   .3   [name=web]
 */
#ifndef PROMOTE_YAML_PATH_H
#define PROMOTE_YAML_PATH_H

#include "core/common.h"
#include "yaml/tree.h"

typedef enum promote__ypath_kind {
	PROMOTE__YKEY,          /* a mapping key */
	PROMOTE__YKEY_OR_INDEX, /* digits after '.': an index in a sequence, a key in a mapping */
	PROMOTE__YINDEX,        /* [N], negative from the end */
	PROMOTE__YSELECT        /* [key=value]: the sequence item whose `key` is `value` */
} promote__ypath_kind;

typedef struct promote__ysegment {
	promote__ypath_kind kind;
	char *key;              /* KEY, KEY_OR_INDEX (the digits), SELECT (the field) */
	char *value;            /* SELECT */
	long index;             /* INDEX, KEY_OR_INDEX */
	size_t column;          /* 1-based column in the path text, for messages */
} promote__ysegment;

struct promote_yaml_path {
	char *text;
	bool has_document;      /* an @N selector */
	long document;
	promote_yaml_path *doc_field; /* an @[FIELD=VALUE] selector: the first document whose FIELD (a path) */
	char *doc_value;              /* is VALUE */
	promote__ysegment *segments;
	size_t count;
};

/* The result of resolving a path. */
typedef struct promote__yresolved {
	size_t document;
	const promote__ynode *node;    /* the node the path names (aliases not resolved) */
	const promote__ynode *parent;  /* the collection holding it; NULL for a root */
	const promote__ynode *key;     /* for a mapping value: its key node */
	size_t position;               /* its index in parent->items */
	bool through_alias;            /* an alias was followed on the way */
	/* When not found: how far the path matched. */
	size_t matched;                /* segments matched */
	const promote__ynode *deepest; /* the node the last match reached (NULL: none) */
} promote__yresolved;

/* Resolve `path` in `doc`. 0, or PROMOTE_ENOTFOUND with the thread's error
 * naming the deepest match and its location (r->matched, r->deepest set). */
int promote__ypath_resolve(promote__yresolved *r, const promote__ydoc *doc, const promote_yaml_path *path,
	const char *file);

/* Resolve one segment against collection `node` (aliases resolved by the
 * caller): the child's index in node->items, or -1. For mappings the
 * index is the value's. */
long promote__ypath_step(const promote__ynode *node, const promote__ysegment *segment);

/* A path naming `node` of document `document` exactly (quoted keys, indexes, @N). */
int promote__ypath_of(promote_yaml_path **out, const promote__ydoc *doc, size_t document, const promote__ynode *node);

#endif
