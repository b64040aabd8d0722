/*
 * libpromote — surgical YAML editing.
 *
 * A promote_yaml_doc holds the bytes of a YAML file and a parse of them.
 * Edits splice new bytes into the original at the exact span of the values
 * they change and never re-emit the document: comments, blank lines,
 * indentation, key order, anchors, quoting, line endings, a byte-order mark
 * and a missing final newline all stay as they were. Every edit is checked
 * by parsing the result again; a failed edit leaves the document unchanged.
 *
 * Paths (doc/YAML.md): a.b.c   a[0].b   a.0.b   images[name=web].newTag
 * ["key.with.dots"].x   ['x']   [0].a (top-level sequence)   a[-1]
 * @1.spec.replicas (document 1 of a multi-document file)
 * @[metadata.name=web].spec.replicas (the first document whose metadata.name is web).
 */
#ifndef PROMOTE_YAML_H
#define PROMOTE_YAML_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

typedef struct promote_yaml_doc promote_yaml_doc;
typedef struct promote_yaml_path promote_yaml_path;

/* Bounds for parsing; initialise with PROMOTE_YAML_OPTIONS_INIT or
 * promote_yaml_options_init(). NULL means defaults. Fields only appended. */
typedef struct promote_yaml_options {
	uint32_t version;
	/* Deepest nesting of collections; 0 = 64. */
	uint32_t max_depth;
	/* Largest input in bytes; 0 = 16 MiB. */
	uint64_t max_size;
	/* Most nodes per document once aliases are expanded; 0 = 1000000. */
	uint64_t max_alias_nodes;
} promote_yaml_options;

#define PROMOTE_YAML_OPTIONS_VERSION 1
#define PROMOTE_YAML_OPTIONS_INIT { PROMOTE_YAML_OPTIONS_VERSION, 0, 0, 0 }

PROMOTE_EXTERN(int) promote_yaml_options_init(promote_yaml_options *opts, unsigned int version);

/* Flags for the editing functions; combine with |. */
typedef enum promote_yaml_flag {
	/* Create missing mapping keys and missing [key=value] sequence items,
	 * indented like their siblings. */
	PROMOTE_YAML_CREATE = 1u << 0,
	/* The value is YAML text, written as given (a number stays a number,
	 * "[a, b]" is a list); it must be one node on one line. Without it the
	 * value is a string that keeps the target's style and type. */
	PROMOTE_YAML_TYPED = 1u << 1,
	/* Allow editing a node behind an alias, or an anchored node used
	 * elsewhere: the anchor itself is edited once, so every alias sees it. */
	PROMOTE_YAML_EDIT_ANCHORS = 1u << 2
} promote_yaml_flag;

/*
 * Compile a path once for reuse. PROMOTE_EINVALID, with the column of the
 * problem in the error, for a malformed path. Free with promote_yaml_path_free().
 */
PROMOTE_EXTERN(int) promote_yaml_path_compile(promote_yaml_path **out, const char *text);
PROMOTE_EXTERN(void) promote_yaml_path_free(promote_yaml_path *path);
/* The text the path was compiled from; borrowed from the path. */
PROMOTE_EXTERN(const char *) promote_yaml_path_text(const promote_yaml_path *path);

/*
 * Parse `size` bytes (copied) named `name` (for messages; NULL = "<buffer>").
 * PROMOTE_EINVALID for YAML errors, PROMOTE_ELIMIT for a bound exceeded,
 * with file:line:column (the size bound: with the file only).
 */
PROMOTE_EXTERN(int) promote_yaml_doc_parse(promote_yaml_doc **out, const char *data, size_t size,
	const char *name, const promote_yaml_options *opts);
/* Read and parse the file at `path`. */
PROMOTE_EXTERN(int) promote_yaml_doc_read(promote_yaml_doc **out, const char *path, const promote_yaml_options *opts);
PROMOTE_EXTERN(void) promote_yaml_doc_free(promote_yaml_doc *doc);

/* The current bytes (after edits); borrowed, valid until the next edit or free.
 * `size` may be NULL; the bytes are NUL-terminated too. */
PROMOTE_EXTERN(const char *) promote_yaml_doc_content(const promote_yaml_doc *doc, size_t *size);
/* Number of YAML documents in the stream. */
PROMOTE_EXTERN(size_t) promote_yaml_doc_count(const promote_yaml_doc *doc);
/* 1 when the bytes now differ from those parsed, else 0 (edits that put the
 * original bytes back leave it 0). */
PROMOTE_EXTERN(int) promote_yaml_doc_changed(const promote_yaml_doc *doc);
/* A unified diff from the bytes parsed to the current ones, the file named
 * a/PATH and b/PATH (`path` NULL: the document's name); "" when unchanged.
 * `out` is overwritten: pass PROMOTE_BUF_INIT, dispose with promote_buf_dispose(). */
PROMOTE_EXTERN(int) promote_yaml_doc_diff(promote_buf *out, const promote_yaml_doc *doc, const char *path);

/*
 * The value at `path`: a scalar's value (quotes and escapes resolved), or a
 * collection's source text. PROMOTE_ENOTFOUND names the deepest part of the
 * path that matched and where. `out` is overwritten (not freed first): pass
 * PROMOTE_BUF_INIT or a disposed buffer, and dispose it with promote_buf_dispose().
 */
PROMOTE_EXTERN(int) promote_yaml_get(promote_buf *out, const promote_yaml_doc *doc, const promote_yaml_path *path);
/* The node's source text as written (quotes included). */
PROMOTE_EXTERN(int) promote_yaml_get_source(promote_buf *out, const promote_yaml_doc *doc, const promote_yaml_path *path);

/* Set the scalar at `path` to `value` (see promote_yaml_flag). Setting the
 * value it already has changes nothing. */
PROMOTE_EXTERN(int) promote_yaml_set(promote_yaml_doc *doc, const promote_yaml_path *path, const char *value,
	unsigned int flags);

/* Set `count` paths in one pass: all are applied, or none (the first failure
 * is returned). Two paths naming the same node are refused. */
PROMOTE_EXTERN(int) promote_yaml_set_many(promote_yaml_doc *doc, const promote_yaml_path *const *paths,
	const char *const *values, size_t count, unsigned int flags);

/* Remove the mapping key at `path` (its whole entry, comments on its lines included)
 * or the sequence item. */
PROMOTE_EXTERN(int) promote_yaml_delete(promote_yaml_doc *doc, const promote_yaml_path *path, unsigned int flags);

/*
 * Promotion: make `dst_path` in `dst` hold the value at `src_path` in `src`.
 * A scalar keeps the destination's style; a collection is copied as source
 * text, re-indented to the destination.
 */
PROMOTE_EXTERN(int) promote_yaml_copy(promote_yaml_doc *dst, const promote_yaml_path *dst_path,
	const promote_yaml_doc *src, const promote_yaml_path *src_path, unsigned int flags);

/*
 * Flux image-automation setters: every scalar whose line ends with the
 * marker  # {"$imagepolicy": "NAMESPACE:POLICY[:FIELD]"}  naming `policy`
 * ("NAMESPACE:POLICY") is set from `image` ("name:tag@digest"): the whole
 * reference, or its name, tag or digest for FIELD name, tag, digest.
 * *changed (may be NULL) counts the scalars whose bytes changed. A marked
 * scalar that is anchored and used by an alias is refused (PROMOTE_EINVALID).
 */
PROMOTE_EXTERN(int) promote_yaml_set_image_policy(promote_yaml_doc *doc, const char *policy, const char *image,
	size_t *changed);

PROMOTE_END_DECL

#endif
