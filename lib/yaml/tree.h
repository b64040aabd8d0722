/*
 * Internal: a YAML document tree built from libyaml's events, with every
 * node's source span (byte offset, line, column). The configuration loader
 * reads it; the surgical editor splices bytes at the spans it records.
 */
#ifndef PROMOTE_YAML_TREE_H
#define PROMOTE_YAML_TREE_H

#include "core/common.h"
#include "core/arena.h"

typedef enum promote__ynode_type {
	PROMOTE__YSCALAR,
	PROMOTE__YSEQUENCE,
	PROMOTE__YMAPPING,
	PROMOTE__YALIAS
} promote__ynode_type;

typedef enum promote__yscalar_style {
	PROMOTE__YPLAIN,
	PROMOTE__YSINGLE,
	PROMOTE__YDOUBLE,
	PROMOTE__YLITERAL,
	PROMOTE__YFOLDED
} promote__yscalar_style;

/* A position in the source: the byte offset (libyaml counts characters and
 * skips a byte-order mark; the tree converts), and 1-based line and column
 * (the column in characters). */
typedef struct promote__ymark {
	size_t offset;
	uint32_t line;
	uint32_t column;
} promote__ymark;

typedef struct promote__ynode promote__ynode;
struct promote__ynode {
	promote__ynode_type type;
	promote__ymark start;
	promote__ymark end;
	const char *tag;             /* explicit tag or NULL */
	const char *anchor;          /* the anchor defined here (without the '&'), or NULL */
	/* scalars */
	const char *value;           /* NUL-terminated (may also hold NULs: see length) */
	size_t length;
	promote__yscalar_style style;
	/* collections: a sequence's items; a mapping's keys and values interleaved
	 * (items[2i] key, items[2i+1] value), count = 2 * pairs */
	promote__ynode **items;
	size_t count;
	/* collections: written in flow style ([a, b], {k: v}) */
	bool flow;
	/* inside a flow collection (plain scalars may not hold , [ ] { }) */
	bool in_flow;
	/* aliases: the anchored node */
	promote__ynode *target;
	/* the collection holding this node; NULL for a document's root */
	promote__ynode *parent;
	/* nodes this one stands for once aliases are expanded */
	uint64_t expanded;
};

typedef struct promote__ylimits {
	uint64_t max_size;           /* bytes */
	uint32_t max_depth;          /* nested collections */
	uint64_t max_alias_nodes;    /* nodes after alias expansion, per document */
} promote__ylimits;

typedef struct promote__ydoc {
	promote__arena *arena;       /* owns every node and string */
	promote__ynode **documents;  /* roots; NULL root for an empty document */
	size_t count;
	bool has_aliases;            /* any alias anywhere */
} promote__ydoc;

/*
 * Parse `size` bytes named `name` (for messages). On failure returns a
 * negative code with the thread's error set (file:line:column), and *out NULL:
 * PROMOTE_EINVALID for YAML errors, PROMOTE_ELIMIT for a bound exceeded.
 */
int promote__ydoc_parse(promote__ydoc **out, const char *data, size_t size, const char *name,
	const promote__ylimits *limits);
void promote__ydoc_free(promote__ydoc *doc);

/* An alias's target (repeatedly), the node itself otherwise; NULL for NULL. */
const promote__ynode *promote__ynode_resolve(const promote__ynode *node);

/* Number of key/value pairs of a mapping. */
static inline size_t promote__ymap_size(const promote__ynode *map) { return map->count / 2; }

/* True for a plain scalar that YAML reads as null ("", "~", "null"). */
bool promote__yscalar_is_null(const promote__ynode *node);

/* True when some alias refers to `node` or to a collection containing it:
 * editing it would change what those aliases stand for too. */
bool promote__ynode_is_shared(const promote__ydoc *doc, const promote__ynode *node);

/* An anchored node inside `node` (or `node` itself) that some alias refers
 * to, or NULL: deleting `node` would leave that alias dangling. */
const promote__ynode *promote__ynode_aliased_within(const promote__ydoc *doc, const promote__ynode *node);

/* "mapping", "sequence", "scalar", "null", "alias" or "nothing"; for messages. */
const char *promote__ynode_type_name(const promote__ynode *node);

#endif
