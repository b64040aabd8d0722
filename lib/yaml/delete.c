/* promote_yaml_delete: removing a mapping entry or a sequence item with its lines. */
#include "edit.h"

#include "core/buf.h"
#include "core/error.h"

#include <string.h>

/* True when only indentation stands before `pos` on its line. */
static bool starts_line(const promote_yaml_doc *doc, size_t pos)
{
	for (size_t p = promote__yline_start(doc, pos); p < pos; p++)
		if (doc->text[p] != ' ' && doc->text[p] != '\t')
			return false;
	return true;
}

/* From the start of `first`'s line through the line break after `last`. */
static void whole_lines(promote__splice *sp, const promote_yaml_doc *doc, size_t first, const promote__ynode *last)
{
	size_t end = promote__yline_end(doc, promote__yextent_end(doc, last));
	sp->start = promote__yline_start(doc, first);
	sp->end = end < doc->size ? end + 1 : end;
}

/* Where item `i` of `parent` begins: its key for mappings, the dash for block sequences. */
static size_t entry_start(const promote_yaml_doc *doc, const promote__ynode *parent, size_t i)
{
	const promote__ynode *first = parent->type == PROMOTE__YMAPPING ? parent->items[2 * i] : parent->items[i];
	if (parent->type == PROMOTE__YSEQUENCE && !parent->flow) {
		size_t p = first->start.offset;
		while (p > 0 && doc->text[p - 1] != '-')
			p--;
		return p > 0 ? p - 1 : first->start.offset;
	}
	return first->start.offset;
}

static const promote__ynode *entry_last(const promote__ynode *parent, size_t i)
{
	return parent->type == PROMOTE__YMAPPING ? parent->items[2 * i + 1] : parent->items[i];
}

int promote_yaml_delete(promote_yaml_doc *doc, const promote_yaml_path *path, unsigned int flags)
{
	if (!doc || !path)
		return promote__error_arg(__func__, !doc ? "doc" : "path");
	promote__yresolved r;
	int rc = promote__yedit_resolve(&r, doc, path);
	if (rc)
		return rc;
	const promote__ynode *node;
	if ((rc = promote__yedit_editable(&node, doc, &r, path, flags)))
		return rc;
	const promote__ynode *parent = r.parent;
	if (!parent)
		return promote__ydoc_error(doc, PROMOTE_EINVALID, r.node,
			"'%s' names a whole document; delete what it holds instead", path->text);
	const promote__ynode *aliased = promote__ynode_aliased_within(doc->tree, node);
	if (aliased)
		return promote__ydoc_error(doc, PROMOTE_EINVALID, aliased,
			"'%s' holds the anchor &%s that an alias elsewhere uses; deleting it would leave the alias "
			"pointing at nothing: remove the alias first", path->text, aliased->anchor);
	if (r.through_alias && !(flags & PROMOTE_YAML_EDIT_ANCHORS))
		return promote__ydoc_error(doc, PROMOTE_EINVALID, r.node, "'%s' is inside an alias", path->text);
	bool mapping = parent->type == PROMOTE__YMAPPING;
	size_t items = mapping ? parent->count / 2 : parent->count;
	size_t i = mapping ? r.position / 2 : r.position;
	promote__splice sp = { 0, 0, PROMOTE_BUF_INIT, NULL };
	if (items == 1) {
		/* The collection becomes empty: written {} or [], beside its key when it has one
		 * ("key: []": an indentless "[]" under the key would not parse). */
		const promote__ynode *holder = parent->parent;
		size_t at = 0;
		while (holder && at < holder->count && holder->items[at] != parent)
			at++;
		if (parent->flow) {
			sp.start = parent->start.offset;
			sp.end = parent->end.offset;
		} else if (holder && holder->type == PROMOTE__YMAPPING && at % 2 == 1 &&
			   (sp.start = promote__yafter_colon(doc, holder->items[at - 1], parent))) {
			sp.end = promote__yextent_end(doc, parent);
			rc = promote__buf_putc(&sp.text, ' ');
			/* Its anchor and tag stay with it: "k: &x !t {}". */
			for (size_t p = sp.start, end = promote__yvalue_start(doc, parent); rc == 0 && p < end;) {
				if (doc->text[p] == '&' || doc->text[p] == '!') {
					size_t q = p;
					while (q < end && !strchr(" \t\r\n", doc->text[q]))
						q++;
					rc = promote__buf_put(&sp.text, doc->text + p, q - p);
					if (rc == 0)
						rc = promote__buf_putc(&sp.text, ' ');
					p = q;
				} else if (doc->text[p] == '#') {
					p = promote__yline_end(doc, p);
				} else {
					p++;
				}
			}
		} else {
			sp.start = parent->type == PROMOTE__YSEQUENCE ? entry_start(doc, parent, 0)
								       : promote__yvalue_start(doc, parent);
			sp.end = promote__yextent_end(doc, parent);
		}
		if (rc == 0)
			rc = promote__buf_puts(&sp.text, mapping ? "{}" : "[]");
	} else if (parent->flow) {
		/* "a, b, c": take the entry and the separator after it (before it, for the last). */
		if (i + 1 < items) {
			sp.start = entry_start(doc, parent, i);
			sp.end = entry_start(doc, parent, i + 1);
		} else {
			sp.start = promote__yextent_end(doc, entry_last(parent, i - 1));
			sp.end = promote__yextent_end(doc, entry_last(parent, i));
		}
	} else {
		size_t start = entry_start(doc, parent, i);
		if (starts_line(doc, start) || i + 1 == items) {
			whole_lines(&sp, doc, promote__yline_start(doc, start), entry_last(parent, i));
		} else {
			/* "- name: x" losing its first key: the next key moves up beside the dash. */
			sp.start = start;
			sp.end = entry_start(doc, parent, i + 1);
		}
	}
	if (rc) {
		promote_buf_dispose(&sp.text);
		return rc;
	}
	/* The check finds the collection by position: a selector such as
	 * [name=x] may name the very key being deleted. */
	promote_yaml_path *holder;
	if ((rc = promote__ypath_of(&holder, doc->tree, r.document, parent))) {
		promote_buf_dispose(&sp.text);
		return rc;
	}
	promote__check check = { holder, NULL, NULL, true, items - 1 };
	rc = promote__ydoc_apply(doc, &sp, 1, &check, 1);
	promote_yaml_path_free(holder);
	return rc;
}
