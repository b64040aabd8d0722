/* Internal: the document object behind promote_yaml_doc, shared by the
 * editing operations. */
#ifndef PROMOTE_YAML_DOCUMENT_H
#define PROMOTE_YAML_DOCUMENT_H

#include "core/common.h"
#include "yaml/path.h"
#include "yaml/replace.h"
#include "yaml/tree.h"

/* The largest document read when the options give no limit (max_size 0). */
#define PROMOTE__YAML_DEFAULT_MAX_SIZE (16u * 1024 * 1024)

struct promote_yaml_doc {
	char *name;
	char *text;            /* current bytes, NUL-terminated */
	size_t size;
	promote__ydoc *tree;   /* the parse of `text` */
	promote__ylimits limits;
	char *original;        /* the parsed bytes once an edit replaced them, else NULL */
	size_t original_size;
	const char *eol;       /* "\r\n" when the file uses CRLF, else "\n" */
};


/* What an edit checks in the re-parsed result before it is kept. */
typedef struct promote__check {
	const promote_yaml_path *path;
	const char *value;     /* the value the node must hold, or NULL */
	const char *source;    /* the exact source text of the node, or NULL */
	bool count_set;        /* the collection must hold `count` items (keys for mappings) */
	size_t count;
} promote__check;

/*
 * Apply non-overlapping splices (any order) to `doc`, parse the result (or,
 * for scalars replaced by scalars, work its tree out of the one before:
 * replace.h) and run the checks; on success the document holds the new text, otherwise it
 * is unchanged and the error says what went wrong. Frees the splices' texts.
 */
int promote__ydoc_apply(promote_yaml_doc *doc, promote__splice *splices, size_t count, const promote__check *checks,
	size_t check_count);

/* Where a node's value starts once its properties (&anchor, !tag) are skipped. */
size_t promote__yvalue_start(const promote_yaml_doc *doc, const promote__ynode *node);

/* Where a node's text ends: block collections end with their last child,
 * block scalars with their last line of text (trailing blank lines excluded). */
size_t promote__yextent_end(const promote_yaml_doc *doc, const promote__ynode *node);

/* The start of the line holding `pos` (after a byte-order mark on the first
 * line), and the position of its line break ('\n', or a lone '\r'; the end
 * when there is none). */
size_t promote__yline_start(const promote_yaml_doc *doc, size_t pos);
size_t promote__yline_end(const promote_yaml_doc *doc, size_t pos);

/* Just past the ':' that follows mapping key `key` (before `value`, its
 * value node), or 0 when the key has none ("? key" alone, "{key}"). */
size_t promote__yafter_colon(const promote_yaml_doc *doc, const promote__ynode *key, const promote__ynode *value);

/* An error about `node` of `doc`, with its file:line:column. */
int promote__ydoc_error(const promote_yaml_doc *doc, int code, const promote__ynode *node, const char *fmt, ...)
	PROMOTE_PRINTF(4, 5);

#endif
