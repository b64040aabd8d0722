/* Internal: a splice of a document's text, and the tree of a text whose
 * splices each replace a scalar by a scalar, worked out without a parse. */
#ifndef PROMOTE_YAML_REPLACE_H
#define PROMOTE_YAML_REPLACE_H

#include "core/common.h"
#include "yaml/tree.h"

/* One replacement of bytes [start, end) of the current text. */
typedef struct promote__splice {
	size_t start;
	size_t end;
	promote_buf text;
	const promote__ynode *scalar; /* the scalar whose text this replaces, or NULL */
} promote__splice;

/*
 * The tree of the text `splices` make of `text` (`size` bytes, named `name`,
 * parsed into `tree` within `limits`; `new_size` bytes once edited), worked
 * out from `tree` without parsing the file again when each splice replaces a
 * one-line scalar value with another (replace.c says when, and why that is
 * the parse): *out NULL when it cannot be, and the full parse decides.
 * promote__yreplace_swap() puts it into `tree` (its nodes take their
 * positions and values in the new text); again, back.
 */
typedef struct promote__yreplace promote__yreplace;
int promote__yreplace_prepare(promote__yreplace **out, promote__ydoc *tree, const char *text, size_t size,
	const char *name, const promote__ylimits *limits, const promote__splice *splices, size_t count,
	size_t new_size);
void promote__yreplace_swap(promote__yreplace *r);
void promote__yreplace_free(promote__yreplace *r);

#endif
