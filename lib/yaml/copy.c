/* promote_yaml_copy: a promotion of one value from one document to another. */
#include "edit.h"

#include "core/buf.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* Append `text` with every line after the first moved from column `from` to column `to`. */
static int reindent(promote_buf *out, const char *text, size_t n, size_t from, size_t to)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t end = i;
		while (end < n && text[end] != '\n')
			end++;
		if (i > 0) {
			size_t spaces = 0;
			while (i + spaces < end && spaces < from && text[i + spaces] == ' ')
				spaces++;
			bool blank = i + spaces == end || (text[i + spaces] == '\r' && i + spaces + 1 == end);
			if (!blank)
				for (size_t k = 0; rc == 0 && k < to; k++)
					rc = promote__buf_putc(out, ' ');
			i += spaces;
		}
		if (rc == 0)
			rc = promote__buf_put(out, text + i, end - i + (end < n ? 1 : 0));
		i = end + 1;
	}
	return rc;
}

/* An anchor or alias inside `node`: its text would not mean the same elsewhere. */
static const promote__ynode *first_anchor_or_alias(const promote__ynode *node)
{
	if (node->type == PROMOTE__YALIAS || node->anchor)
		return node;
	for (size_t i = 0; i < node->count; i++) {
		const promote__ynode *found = first_anchor_or_alias(node->items[i]);
		if (found)
			return found;
	}
	return NULL;
}

static size_t column_of(const promote_yaml_doc *doc, size_t pos)
{
	return pos - promote__yline_start(doc, pos);
}

int promote_yaml_copy(promote_yaml_doc *dst, const promote_yaml_path *dst_path, const promote_yaml_doc *src,
	const promote_yaml_path *src_path, unsigned int flags)
{
	if (!dst || !dst_path || !src || !src_path)
		return promote__error_arg(__func__, !dst ? "dst" : !dst_path ? "dst_path" : !src ? "src" : "src_path");
	promote__yresolved from;
	int rc = promote__yedit_resolve(&from, src, src_path);
	if (rc)
		return rc;
	const promote__ynode *value = promote__ynode_resolve(from.node);
	if (value->type == PROMOTE__YSCALAR) {
		/* A scalar takes the destination's style: set its value. */
		char *text = strndup(value->value, value->length);
		if (!text)
			return promote__error_oom();
		rc = promote_yaml_set(dst, dst_path, text, flags & ~(unsigned)PROMOTE_YAML_TYPED);
		free(text);
		return rc;
	}
	/* A collection is copied as source text, re-indented to the destination. */
	const promote__ynode *anchored = NULL;
	for (size_t i = 0; i < value->count && !anchored; i++)
		anchored = first_anchor_or_alias(value->items[i]);
	if (anchored)
		return promote__ydoc_error(src, PROMOTE_EINVALID, anchored,
			"'%s' holds an %s; its text would not mean the same in the destination: copy its values "
			"one by one", src_path->text, anchored->type == PROMOTE__YALIAS ? "alias" : "anchor");
	promote__yresolved to;
	if ((rc = promote__yedit_resolve(&to, dst, dst_path)))
		return rc;
	const promote__ynode *target;
	if ((rc = promote__yedit_editable(&target, dst, &to, dst_path, flags)))
		return rc;
	size_t src_start = promote__yvalue_start(src, value);
	size_t src_len = promote__yextent_end(src, value) - src_start;
	promote__splice sp = { promote__yvalue_start(dst, target), promote__yextent_end(dst, target), PROMOTE_BUF_INIT,
		NULL };
	bool block_source = !value->flow;
	bool target_inline = target->type == PROMOTE__YSCALAR || target->flow;
	if (block_source && target_inline) {
		/* "key: x" becoming a block: it starts on its own line under the key. */
		if (!to.key)
			return promote__ydoc_error(dst, PROMOTE_EINVALID, target,
				"'%s' cannot hold a block collection here; give it one in flow style", dst_path->text);
		size_t key_col = column_of(dst, to.key->start.offset);
		if (!(sp.start = promote__yafter_colon(dst, to.key, target)))
			return promote__ydoc_error(dst, PROMOTE_EINVALID, to.key,
				"the key of '%s' has no ':'; write it as 'key:' first", dst_path->text);
		size_t indent = key_col + (value->type == PROMOTE__YMAPPING ? 2 : 0);
		rc = promote__buf_puts(&sp.text, dst->eol);
		for (size_t k = 0; rc == 0 && k < indent; k++)
			rc = promote__buf_putc(&sp.text, ' ');
		if (rc == 0)
			rc = reindent(&sp.text, src->text + src_start, src_len, column_of(src, src_start), indent);
	} else {
		rc = reindent(&sp.text, src->text + src_start, src_len, column_of(src, src_start),
			column_of(dst, sp.start));
	}
	if (rc) {
		promote_buf_dispose(&sp.text);
		return rc;
	}
	char *written = NULL;
	if (!(written = strndup(sp.text.ptr ? sp.text.ptr : "", sp.text.size))) {
		promote_buf_dispose(&sp.text);
		return promote__error_oom();
	}
	/* The check compares the node's text with what was written (after the line break, if any). */
	const char *expected = written;
	while (*expected == '\r' || *expected == '\n' || (*expected == ' ' && block_source && target_inline))
		expected++;
	promote__check check = { dst_path, NULL, expected, false, 0 };
	rc = promote__ydoc_apply(dst, &sp, 1, &check, 1);
	free(written);
	return rc;
}
