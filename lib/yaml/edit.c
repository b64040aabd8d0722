/*
 * Reading and setting values of a promote_yaml_doc: get, set and set_many
 * (creating what is missing), and the pieces delete.c, copy.c and setters.c
 * share. Each edit computes splices of the original bytes and hands them to
 * promote__ydoc_apply, which parses the result and checks it before keeping it.
 */
#include "edit.h"
#include "scalar.h"

#include "core/buf.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading -------------------------------------------------------- */

int promote__yedit_resolve(promote__yresolved *r, const promote_yaml_doc *doc, const promote_yaml_path *path)
{
	return promote__ypath_resolve(r, doc->tree, path, doc->name);
}

/* A new buffer holding `size` bytes (always allocated, NUL-terminated, even when empty). */
static int copy_out(promote_buf *out, const char *data, size_t size)
{
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = promote__buf_put(&fresh, data, size);
	if (rc) {
		promote_buf_dispose(&fresh);
		return rc;
	}
	*out = fresh;
	return 0;
}

/* A scalar's value (when `decoded`) or a node's source text, into `out`. */
static int get_text(promote_buf *out, const promote_yaml_doc *doc, const promote_yaml_path *path, bool decoded,
	const char *function)
{
	if (!out || !doc || !path)
		return promote__error_arg(function, !out ? "out" : !doc ? "doc" : "path");
	promote__yresolved r;
	int rc = promote__yedit_resolve(&r, doc, path);
	if (rc)
		return rc;
	const promote__ynode *n = decoded ? promote__ynode_resolve(r.node) : r.node;
	if (decoded && n->type == PROMOTE__YSCALAR)
		return copy_out(out, n->value, n->length);
	size_t start = promote__yvalue_start(doc, n);
	return copy_out(out, doc->text + start, promote__yextent_end(doc, n) - start);
}

int promote_yaml_get(promote_buf *out, const promote_yaml_doc *doc, const promote_yaml_path *path)
{
	return get_text(out, doc, path, true, __func__);
}

int promote_yaml_get_source(promote_buf *out, const promote_yaml_doc *doc, const promote_yaml_path *path)
{
	return get_text(out, doc, path, false, __func__);
}

/* ---- what may be edited --------------------------------------------- */

/* The node an edit changes: refuses aliases and shared anchors unless asked. */
int promote__yedit_editable(const promote__ynode **out, const promote_yaml_doc *doc, const promote__yresolved *r,
	const promote_yaml_path *path, unsigned flags)
{
	const promote__ynode *n = r->node;
	bool anchors = flags & PROMOTE_YAML_EDIT_ANCHORS;
	if (n->type == PROMOTE__YALIAS || r->through_alias) {
		const promote__ynode *target = n->type == PROMOTE__YALIAS ? n->target : NULL;
		if (!anchors)
			return promote__ydoc_error(doc, PROMOTE_EINVALID, n,
				"'%s' is reached through an alias%s%s; editing it would change the anchor and every "
				"alias of it: set PROMOTE_YAML_EDIT_ANCHORS to edit the anchor once",
				path->text, target ? " of the anchor " : "", target && target->anchor ? target->anchor : "");
		n = promote__ynode_resolve(n);
	} else if (!anchors && promote__ynode_is_shared(doc->tree, n)) {
		return promote__ydoc_error(doc, PROMOTE_EINVALID, n,
			"'%s' is anchored and used by an alias elsewhere; editing it changes every alias too: set "
			"PROMOTE_YAML_EDIT_ANCHORS to do so", path->text);
	}
	*out = n;
	return 0;
}

/* A typed value must be one YAML node on one line: a scalar or a flow collection. */
static int check_typed(const promote_yaml_doc *doc, const char *value)
{
	static const promote__ylimits limits = { 64 * 1024, 64, 10000 };
	size_t n = strlen(value);
	if (n == 0 || strpbrk(value, "\r\n") || value[0] == ' ' || value[n - 1] == ' ')
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"typed value '%s' must be one YAML value on one line without surrounding spaces", value);
	promote__ydoc *parsed = NULL;
	int rc = promote__ydoc_parse(&parsed, value, n, "typed value", &limits);
	if (rc)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, "typed value '%s' is not YAML: %s",
			value, promote_error_last()->message);
	const promote__ynode *root = parsed->count == 1 ? parsed->documents[0] : NULL;
	bool ok = root && root->type != PROMOTE__YALIAS && !root->anchor &&
		(root->type == PROMOTE__YSCALAR ? root->style != PROMOTE__YLITERAL && root->style != PROMOTE__YFOLDED
						 : root->flow);
	/* What follows the value: a comment, or a "..." document end. */
	size_t end = ok ? root->end.offset : n;
	promote__ydoc_free(parsed);
	(void)doc;
	if (!ok)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"typed value '%s' must be one scalar or flow collection ([a, b], {k: v})", value);
	const char *rest = value + end + strspn(value + end, " \t");
	if (*rest == '#')
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"typed value '%s' ends in a comment ('%s'); a typed value is written as given and cannot "
			"hold one: give the value alone (a comment already on the line is kept)", value, rest);
	if (*rest)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"typed value '%s' holds more than the value: '%s' was not understood; give one scalar or "
			"flow collection alone", value, rest);
	return 0;
}

/* ---- writing a scalar ----------------------------------------------- */

/* A new scalar with no style to keep: plain when that reads back as the
 * same string, else double-quoted. */
static int render_new(promote_buf *out, const char *value, bool in_flow, unsigned flags)
{
	size_t n = strlen(value);
	if (flags & PROMOTE_YAML_TYPED)
		return promote__buf_put(out, value, n);
	if (promote__yplain_safe(value, n, in_flow) && promote__yplain_type(value, n) == PROMOTE__YT_STRING)
		return promote__buf_put(out, value, n);
	return promote__yquote_double(out, value, n);
}

/* Replace a block scalar's body, keeping its indicator and indentation. */
/* Is the line starting at `at` blank (nothing but spaces, tabs and a CR)? */
static bool blank_line_at(const promote_yaml_doc *doc, size_t at)
{
	if (at >= doc->size)
		return false;
	while (at < doc->size && strchr(" \t\r", doc->text[at]))
		at++;
	return at == doc->size || doc->text[at] == '\n';
}

static int render_block(promote__splice *sp, const promote_yaml_doc *doc, const promote__ynode *node, size_t start,
	const char *value)
{
	const char *t = doc->text;
	size_t header_end = promote__yline_end(doc, start);
	/* The header: indicator, then chomping and indentation indicators in any order. */
	size_t p = start + 1;
	char old_chomp = 0, digit = 0;
	for (; p < header_end && strchr("+-0123456789", t[p]); p++) {
		if (t[p] == '+' || t[p] == '-')
			old_chomp = t[p];
		else
			digit = t[p];
	}
	size_t body_start = header_end < doc->size ? header_end + 1 : doc->size;
	size_t node_end = node->end.offset > body_start ? node->end.offset : body_start;
	/* The body's indentation: its first line with text, else the key's plus two. */
	size_t indent = 0;
	bool found = false;
	for (size_t line = body_start; line < node_end && !found;) {
		size_t e = promote__yline_end(doc, line), k = line;
		while (k < e && t[k] == ' ')
			k++;
		if (k < e && t[k] != '\r') {
			indent = k - line;
			found = true;
		}
		line = e + 1;
	}
	/* An indentation indicator counts from the parent node's indentation. */
	size_t parent_indent = 0;
	const promote__ynode *parent = node->parent;
	if (parent && !parent->flow) {
		size_t at = 0;
		while (at < parent->count && parent->items[at] != node)
			at++;
		size_t anchor_pos = parent->type == PROMOTE__YMAPPING && at % 2 == 1 ? parent->items[at - 1]->start.offset
										      : node->start.offset;
		if (parent->type == PROMOTE__YSEQUENCE)
			while (anchor_pos > 0 && t[anchor_pos] != '-')
				anchor_pos--;
		parent_indent = anchor_pos - promote__yline_start(doc, anchor_pos);
	}
	if (digit)
		indent = parent_indent + (size_t)(digit - '0');
	else if (!found)
		indent = parent_indent + 2;
	/* What is replaced: the content lines — with text, or with spaces past the
	 * indentation (which are content too); trailing blank lines stay, unless
	 * they are kept content ('+'). */
	size_t replace_end = body_start;
	if (old_chomp == '+') {
		/* Kept content runs to the end, blank lines after it included. */
		replace_end = node_end;
		for (;;) {
			size_t k = replace_end;
			while (k < doc->size && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
				k++;
			if (k == replace_end || (k < doc->size && t[k] != '\n'))
				break;
			replace_end = k < doc->size ? k + 1 : k;
		}
	} else {
		for (size_t line = body_start; line < node_end;) {
			size_t e = promote__yline_end(doc, line), spaces = 0;
			bool text = false;
			for (size_t k = line; k < e; k++) {
				if (t[k] == ' ' && !text)
					spaces++;
				else if (!strchr(" \t\r", t[k]))
					text = true;
			}
			if (text || spaces > indent)
				replace_end = e < doc->size ? e + 1 : e;
			line = e + 1;
		}
	}
	promote_buf body = PROMOTE_BUF_INIT;
	char chomp;
	int rc = promote__yblock_body(&body, value, strlen(value), indent, node->style == PROMOTE__YFOLDED, doc->eol,
		&chomp);
	if (rc == 0 && chomp == '+' && old_chomp != '+' && blank_line_at(doc, replace_end))
		rc = PROMOTE_ENOTSUPPORTED; /* kept ('+') content would take in the blank lines after it */
	if (rc) {
		promote_buf_dispose(&body);
		return rc; /* PROMOTE_ENOTSUPPORTED: the caller quotes instead */
	}
	/* A file that ended without a line break keeps ending without one. */
	if (replace_end == doc->size && (doc->size == 0 || t[doc->size - 1] != '\n') && body.size >= strlen(doc->eol))
		body.size -= strlen(doc->eol);
	/* Header: indicator, the chomping the new value needs, the indentation digit, the rest of the line. */
	sp->start = start;
	sp->end = replace_end;
	rc = promote__buf_putc(&sp->text, t[start]);
	if (rc == 0 && chomp)
		rc = promote__buf_putc(&sp->text, chomp);
	if (rc == 0 && digit)
		rc = promote__buf_putc(&sp->text, digit);
	if (rc == 0)
		rc = promote__buf_put(&sp->text, t + p, body_start - p);
	if (rc == 0 && body_start == doc->size && doc->size > 0 && t[doc->size - 1] != '\n')
		rc = promote__buf_puts(&sp->text, doc->eol);
	if (rc == 0)
		rc = promote__buf_put(&sp->text, body.ptr ? body.ptr : "", body.size);
	promote_buf_dispose(&body);
	return rc;
}

/* A space before a value that would otherwise touch what precedes it: "key:"
 * before an empty value, or properties such as "&an" when libyaml read the
 * rest of "&an:chor" as the value. */
static int separate(promote__splice *sp, const promote_yaml_doc *doc, const promote__ynode *node)
{
	bool touching = sp->start > 0 && !strchr(" \t\r\n", doc->text[sp->start - 1]);
	if (touching && (sp->start == sp->end || sp->start > node->start.offset))
		return promote__buf_putc(&sp->text, ' ');
	return 0;
}

/* Where the value of an empty scalar goes, and the text before it. */
static int place_empty_value(promote__splice *sp, const promote_yaml_doc *doc, const promote__ynode *node)
{
	const char *t = doc->text;
	const promote__ynode *parent = node->parent;
	size_t at = 0;
	while (parent && at < parent->count && parent->items[at] != node)
		at++;
	if (parent && parent->type == PROMOTE__YMAPPING && at % 2 == 1) {
		size_t key_end = promote__yextent_end(doc, parent->items[at - 1]);
		size_t p = key_end;
		while (p < doc->size && p < sp->start && strchr(" \t\r\n", t[p]))
			p++;
		if (t[p] != ':') {
			size_t q = parent->items[at - 1]->start.offset;
			while (q > 0 && (t[q - 1] == ' ' || t[q - 1] == '\t'))
				q--;
			if (q > 0 && t[q - 1] == '?' && !parent->flow) {
				/* "? key" alone: the value goes on a line of its own, ": value". */
				size_t end = promote__yline_end(doc, key_end);
				sp->start = sp->end = end;
				int rc = promote__buf_puts(&sp->text, doc->eol);
				for (size_t k = promote__yline_start(doc, q - 1); rc == 0 && k < q - 1; k++)
					rc = promote__buf_putc(&sp->text, ' ');
				return rc ? rc : promote__buf_puts(&sp->text, ": ");
			}
			const promote__ynode *key = parent->items[at - 1];
			if (key->start.line != promote__ynode_resolve(key)->end.line || key->end.line != key->start.line)
				return promote__ydoc_error(doc, PROMOTE_EINVALID, key,
					"this key spans several lines and has no ':'; a value cannot be added "
					"to it here, write the key on one line first");
			sp->start = sp->end = key_end;
			return promote__buf_puts(&sp->text, ": ");
		}
	}
	return separate(sp, doc, node);
}

/* The splice that makes scalar `node` hold `value`, keeping its style and type. */
int promote__yedit_render_scalar(promote__splice *sp, const promote_yaml_doc *doc, const promote__ynode *node,
	const char *value, unsigned flags)
{
	size_t n = strlen(value);
	size_t start = promote__yvalue_start(doc, node);
	sp->start = start;
	sp->end = node->end.offset > start ? node->end.offset : start;
	sp->scalar = node;
	if (flags & PROMOTE_YAML_TYPED) {
		if (node->style == PROMOTE__YLITERAL || node->style == PROMOTE__YFOLDED)
			return promote__ydoc_error(doc, PROMOTE_EINVALID, node,
				"typed values replace one-line values; this is a block scalar ('%c'): set it without "
				"PROMOTE_YAML_TYPED",
				doc->text[start]);
	} else if (node->style == PROMOTE__YLITERAL || node->style == PROMOTE__YFOLDED) {
		int rc = render_block(sp, doc, node, start, value);
		if (rc != PROMOTE_ENOTSUPPORTED)
			return rc;
		/* Not writable as a block (leading spaces): one double-quoted line instead. */
		promote__buf_clear(&sp->text);
		size_t last = promote__yextent_end(doc, node);
		sp->end = last > start ? last : start;
		if (sp->end == start)
			sp->end = promote__yline_end(doc, start);
		return promote__yquote_double(&sp->text, value, n);
	}
	/* An empty value: after "key:" it needs a space before it; a key written
	 * without ':' (an explicit "? key", or a flow "{key}") needs the ':' too. */
	int rc = sp->start == sp->end ? place_empty_value(sp, doc, node) : separate(sp, doc, node);
	if (rc)
		return rc;
	if (flags & PROMOTE_YAML_TYPED)
		return promote__buf_put(&sp->text, value, n);
	switch (node->style) {
	case PROMOTE__YSINGLE:
		rc = promote__yquote_single(&sp->text, value, n);
		return rc == PROMOTE_ENOTSUPPORTED ? promote__yquote_double(&sp->text, value, n) : rc;
	case PROMOTE__YDOUBLE:
		return promote__yquote_double(&sp->text, value, n);
	default: {
		/* Plain stays plain when it reads back as the same value of the same type. */
		promote__ytype was = promote__yplain_type(node->value, node->length);
		promote__ytype becomes = promote__yplain_type(value, n);
		bool same_type = becomes == was || (was == PROMOTE__YT_NULL && becomes == PROMOTE__YT_STRING);
		if (node->tag) {
			/* An explicit tag decides the type: a value it cannot hold is refused. */
			promote__ytype demanded = promote__ytag_type(node->tag);
			if (demanded != PROMOTE__YT_STRING && becomes != demanded)
				return promote__ydoc_error(doc, PROMOTE_EINVALID, node,
					"'%s' is not a valid value for the tag %s of this scalar; give a value of "
					"that type or remove the tag", value, node->tag);
			same_type = true;
		}
		if (same_type && promote__yplain_safe(value, n, node->in_flow))
			return promote__buf_put(&sp->text, value, n);
		return promote__yquote_double(&sp->text, value, n);
	}
	}
}

/* ---- creating what is missing ------------------------------------------ */

/* Columns: the indentation step and where block sequence items stand
 * relative to their key, as this file writes them (defaults 2 and 2). */
static void detect_style(const promote_yaml_doc *doc, const promote__ynode *node, size_t *step, size_t *seq_offset,
	bool *found_step, bool *found_seq)
{
	if (!node || node->type == PROMOTE__YALIAS || node->type == PROMOTE__YSCALAR || node->flow)
		return;
	for (size_t i = 0; i < node->count; i++) {
		const promote__ynode *child = node->items[i];
		if (node->type == PROMOTE__YMAPPING && i % 2 == 1 && !child->flow && child->count &&
			child->type != PROMOTE__YSCALAR && child->type != PROMOTE__YALIAS) {
			const promote__ynode *key = node->items[i - 1];
			size_t key_col = key->start.column, child_col = child->items[0]->start.column;
			if (child->type == PROMOTE__YSEQUENCE) {
				/* The dash stands two columns before the item's text. */
				if (!*found_seq && child_col >= key_col + 2) {
					*seq_offset = child_col - 2 - key_col;
					*found_seq = true;
				}
			} else if (!*found_step && child_col > key_col) {
				*step = child_col - key_col;
				*found_step = true;
			}
		}
		detect_style(doc, child, step, seq_offset, found_step, found_seq);
	}
}

typedef struct creator {
	const promote_yaml_doc *doc;
	const promote_yaml_path *path;
	const char *value;
	unsigned flags;
	size_t step;
	size_t seq_offset;
	promote_buf *out;
} creator;

static int put_spaces(promote_buf *out, size_t n)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = promote__buf_putc(out, ' ');
	return rc;
}

static int put_key(promote_buf *out, const char *key, bool in_flow)
{
	size_t n = strlen(key);
	if (promote__yplain_safe(key, n, in_flow) && promote__yplain_type(key, n) == PROMOTE__YT_STRING)
		return promote__buf_put(out, key, n);
	return promote__yquote_double(out, key, n);
}

static int block_entry(creator *c, size_t i, size_t indent, bool indented);

/* A path that ends in [field=value].field: the item is created with its field set to the value set (once:
 * writing the selector's, then the key again, would repeat the key). */
static bool sets_its_field(const creator *c, size_t i)
{
	const promote__ysegment *seg = &c->path->segments[i], *next = seg + 1;
	return i + 2 == c->path->count && (next->kind == PROMOTE__YKEY || next->kind == PROMOTE__YKEY_OR_INDEX) &&
		strcmp(next->key, seg->key) == 0;
}

/* "- field: value" at `indent`, then the rest of the path inside the item. */
static int block_item(creator *c, size_t i, size_t indent, bool indented)
{
	const promote__ysegment *seg = &c->path->segments[i];
	bool own = sets_its_field(c, i);
	int rc = indented ? 0 : put_spaces(c->out, indent);
	if (rc == 0)
		rc = promote__buf_puts(c->out, "- ");
	if (rc == 0)
		rc = put_key(c->out, seg->key, false);
	if (rc == 0)
		rc = promote__buf_puts(c->out, ": ");
	if (rc == 0)
		rc = own ? render_new(c->out, c->value, false, c->flags) : put_key(c->out, seg->value, false);
	if (rc == 0)
		rc = promote__buf_puts(c->out, c->doc->eol);
	if (rc == 0 && !own && i + 1 < c->path->count)
		rc = block_entry(c, i + 1, indent + 2, false);
	return rc;
}

/* "key: value" (or "key:" and the rest below it) at `indent`. */
static int block_entry(creator *c, size_t i, size_t indent, bool indented)
{
	const promote__ysegment *seg = &c->path->segments[i];
	if (seg->kind == PROMOTE__YINDEX || seg->kind == PROMOTE__YSELECT)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"cannot create '%s' in %s: a mapping key was expected at column %zu of the path",
			c->path->text, c->doc->name, seg->column);
	int rc = indented ? 0 : put_spaces(c->out, indent);
	if (rc == 0)
		rc = put_key(c->out, seg->key, false);
	if (rc == 0)
		rc = promote__buf_putc(c->out, ':');
	if (rc)
		return rc;
	if (i + 1 == c->path->count) {
		rc = promote__buf_putc(c->out, ' ');
		if (rc == 0)
			rc = render_new(c->out, c->value, false, c->flags);
		return rc ? rc : promote__buf_puts(c->out, c->doc->eol);
	}
	const promote__ysegment *next = &c->path->segments[i + 1];
	rc = promote__buf_puts(c->out, c->doc->eol);
	if (rc)
		return rc;
	if (next->kind == PROMOTE__YSELECT)
		return block_item(c, i + 1, indent + c->seq_offset, false);
	if (next->kind == PROMOTE__YINDEX)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"cannot create '%s' in %s: an index names no item to create (use [key=value])", c->path->text,
			c->doc->name);
	return block_entry(c, i + 1, indent + c->step, false);
}

static int flow_value(creator *c, size_t i);

static int flow_entry(creator *c, size_t i)
{
	const promote__ysegment *seg = &c->path->segments[i];
	if (seg->kind == PROMOTE__YINDEX || seg->kind == PROMOTE__YSELECT)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"cannot create '%s' in %s: a mapping key was expected at column %zu of the path",
			c->path->text, c->doc->name, seg->column);
	int rc = put_key(c->out, seg->key, true);
	if (rc == 0)
		rc = promote__buf_puts(c->out, ": ");
	return rc ? rc : flow_value(c, i + 1);
}

/* {field: value, rest...} for a [field=value] item. */
static int flow_item(creator *c, size_t i)
{
	const promote__ysegment *seg = &c->path->segments[i];
	int rc = promote__buf_putc(c->out, '{');
	if (rc == 0)
		rc = put_key(c->out, seg->key, true);
	if (rc == 0)
		rc = promote__buf_puts(c->out, ": ");
	bool own = sets_its_field(c, i);
	if (rc == 0)
		rc = own ? render_new(c->out, c->value, true, c->flags) : put_key(c->out, seg->value, true);
	if (rc == 0 && !own && i + 1 < c->path->count) {
		rc = promote__buf_puts(c->out, ", ");
		if (rc == 0)
			rc = flow_entry(c, i + 1);
	}
	return rc ? rc : promote__buf_putc(c->out, '}');
}

static int flow_value(creator *c, size_t i)
{
	if (i == c->path->count)
		return render_new(c->out, c->value, true, c->flags);
	const promote__ysegment *seg = &c->path->segments[i];
	int rc;
	if (seg->kind == PROMOTE__YSELECT) {
		rc = promote__buf_putc(c->out, '[');
		if (rc == 0)
			rc = flow_item(c, i);
		return rc ? rc : promote__buf_putc(c->out, ']');
	}
	rc = promote__buf_putc(c->out, '{');
	if (rc == 0)
		rc = flow_entry(c, i);
	return rc ? rc : promote__buf_putc(c->out, '}');
}

/* Column (in bytes from the line start) of position `pos`. */
static size_t column_of(const promote_yaml_doc *doc, size_t pos)
{
	return pos - promote__yline_start(doc, pos);
}

/* The column keys of a block mapping stand at: its first key's, or the '?'
 * before it when the key is explicit. */
static size_t key_column(const promote_yaml_doc *doc, const promote__ynode *key)
{
	size_t p = key->start.offset;
	while (p > 0 && (doc->text[p - 1] == ' ' || doc->text[p - 1] == '\t'))
		p--;
	if (p > 0 && doc->text[p - 1] == '?')
		return column_of(doc, p - 1);
	return column_of(doc, key->start.offset);
}

/* Where the dash of block sequence item `item` stands. */
static size_t dash_of(const promote_yaml_doc *doc, const promote__ynode *item)
{
	size_t p = item->start.offset;
	while (p > 0 && doc->text[p - 1] != '-')
		p--;
	return p > 0 ? p - 1 : 0;
}

/* Where to insert whole lines after `node`: past the line break of its last line. */
static size_t after_lines_of(const promote_yaml_doc *doc, const promote__ynode *node, bool *needs_eol)
{
	size_t end = promote__yline_end(doc, promote__yextent_end(doc, node));
	*needs_eol = end == doc->size;
	return end < doc->size ? end + 1 : end;
}

/* Plan the insertion of what `r` (a failed resolve) did not find. */
static int plan_create(promote__splice *sp, const promote_yaml_doc *doc, const promote__yresolved *r,
	const promote_yaml_path *path, const char *value, unsigned flags)
{
	const promote__ynode *at = promote__ynode_resolve(r->deepest);
	if (!at && path->doc_field)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML,
			"%s: no document of the file has %s: %s, and a document is never created; add it by hand",
			doc->name, path->doc_field->text, path->doc_value);
	if (!at)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML,
			"%s: cannot create '%s' in an empty document; write its first key by hand", doc->name, path->text);
	if (!path->has_document && !path->doc_field && doc->tree->count > 1)
		return promote__ydoc_error(doc, PROMOTE_EINVALID, at,
			"'%s' is missing and the file holds %zu documents: select the one to create it in with @N",
			path->text, doc->tree->count);
	if (r->deepest->type == PROMOTE__YALIAS || r->through_alias)
		return promote__ydoc_error(doc, PROMOTE_EINVALID, r->deepest,
			"'%s' would be created inside an alias; create it where the anchor is", path->text);
	size_t step = 2, seq_offset = 2;
	bool found_step = false, found_seq = false;
	detect_style(doc, doc->tree->documents[r->document], &step, &seq_offset, &found_step, &found_seq);
	if (!found_seq)
		seq_offset = step;
	creator c = { doc, path, value, flags, step, seq_offset, &sp->text };
	size_t i = r->matched;
	const promote__ysegment *seg = &path->segments[i];
	bool item = seg->kind == PROMOTE__YSELECT;
	if (seg->kind == PROMOTE__YINDEX)
		return promote__ydoc_error(doc, PROMOTE_ENOTFOUND, at,
			"'%s' not found, and an index names no item to create (use [key=value])", path->text);
	for (size_t k = i; k < path->count; k++) {
		const promote__ysegment *part = &path->segments[k];
		if ((part->key && !promote__yvalid_utf8(part->key, strlen(part->key))) ||
			(part->value && !promote__yvalid_utf8(part->value, strlen(part->value))))
			return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
				"cannot create '%s' in %s: its keys must be valid UTF-8", path->text, doc->name);
	}
	int rc;
	if (at->type == PROMOTE__YSCALAR && promote__yscalar_is_null(at) && r->key) {
		/* "key:" or "key: ~" — the new block replaces the null. */
		size_t key_col = column_of(doc, r->key->start.offset);
		if (!(sp->start = promote__yafter_colon(doc, r->key, at)))
			return promote__ydoc_error(doc, PROMOTE_EINVALID, r->key,
				"cannot create '%s': its key has no ':' (\"? key\" or \"{key}\"); write it as 'key:' first",
				path->text);
		sp->end = at->end.offset > sp->start ? at->end.offset : sp->start;
		if (at->tag)
			return promote__ydoc_error(doc, PROMOTE_EINVALID, at,
				"cannot create '%s': the null it goes under has a tag (%s), which the new collection "
				"would take; remove the tag first", path->text, at->tag);
		if (at->anchor) {
			/* "key: &a" keeps its anchor, which then names the new collection. */
			if (promote__ynode_is_shared(doc->tree, at) && !(flags & PROMOTE_YAML_EDIT_ANCHORS))
				return promote__ydoc_error(doc, PROMOTE_EINVALID, at,
					"cannot create '%s': the null it goes under is anchored (&%s) and used by an "
					"alias, which would hold the new keys too: set PROMOTE_YAML_EDIT_ANCHORS to do so",
					path->text, at->anchor);
			sp->start = promote__yvalue_start(doc, at);
			while (sp->start > 0 && strchr(" \t", doc->text[sp->start - 1]))
				sp->start--;
		}
		if (at->in_flow) {
			rc = promote__buf_putc(&sp->text, ' ');
			return rc ? rc : flow_value(&c, i);
		}
		rc = promote__buf_puts(&sp->text, doc->eol);
		if (rc == 0)
			rc = item ? block_item(&c, i, key_col + seq_offset, false) : block_entry(&c, i, key_col + step, false);
		if (rc == 0)
			sp->text.size -= strlen(doc->eol); /* the line's own break follows */
		return rc;
	}
	bool mapping = at->type == PROMOTE__YMAPPING;
	if (!(mapping && !item) && !(at->type == PROMOTE__YSEQUENCE && item))
		return promote__ydoc_error(doc, PROMOTE_ENOTFOUND, at,
			"'%s' not found, and it cannot be created: %s is a %s", path->text,
			i ? "the part matched" : "the document", promote__ynode_type_name(at));
	if (at->flow) {
		/* After the last entry, or inside the empty brackets. */
		size_t close = at->end.offset > 0 ? at->end.offset - 1 : 0;
		sp->start = sp->end = at->count ? promote__yextent_end(doc, at->items[at->count - 1]) : close;
		rc = at->count ? promote__buf_puts(&sp->text, ", ") : 0;
		if (rc == 0)
			rc = mapping ? flow_entry(&c, i) : flow_item(&c, i);
		return rc;
	}
	bool needs_eol;
	/* After the last entry: its value, or its key when the value is empty ("? key"). */
	const promote__ynode *last = at->items[at->count - 1];
	if (mapping && promote__yextent_end(doc, last) < promote__yextent_end(doc, at->items[at->count - 2]))
		last = at->items[at->count - 2];
	sp->start = sp->end = after_lines_of(doc, last, &needs_eol);
	rc = needs_eol ? promote__buf_puts(&sp->text, doc->eol) : 0;
	if (rc == 0)
		rc = mapping ? block_entry(&c, i, key_column(doc, at->items[0]), false)
			     : block_item(&c, i, column_of(doc, dash_of(doc, at->items[0])), false);
	/* A file that ended without a line break keeps ending without one. */
	if (rc == 0 && needs_eol)
		sp->text.size -= strlen(doc->eol);
	return rc;
}

/* ---- set ---------------------------------------------------------- */

/* Plan one set: the splice, and whether it needed creating (then applied alone). */
static int plan_set(promote__splice *sp, bool *created, const promote_yaml_doc *doc, const promote_yaml_path *path,
	const char *value, unsigned flags)
{
	*created = false;
	if (!promote__yvalid_utf8(value, strlen(value)))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
			"the value for '%s' is not valid UTF-8; YAML files hold UTF-8 text", path->text);
	if (flags & PROMOTE_YAML_TYPED) {
		int rc = check_typed(doc, value);
		if (rc)
			return rc;
	}
	promote__yresolved r;
	int rc = promote__yedit_resolve(&r, doc, path);
	if (rc == PROMOTE_ENOTFOUND && (flags & PROMOTE_YAML_CREATE) && r.matched < path->count) {
		int created_rc = plan_create(sp, doc, &r, path, value, flags);
		*created = created_rc == 0;
		return created_rc;
	}
	if (rc)
		return rc;
	const promote__ynode *node;
	if ((rc = promote__yedit_editable(&node, doc, &r, path, flags)))
		return rc;
	if (node->type == PROMOTE__YSCALAR)
		return promote__yedit_render_scalar(sp, doc, node, value, flags);
	if ((flags & PROMOTE_YAML_TYPED) && node->flow) {
		sp->start = promote__yvalue_start(doc, node);
		sp->end = node->end.offset;
		return promote__buf_puts(&sp->text, value);
	}
	return promote__ydoc_error(doc, PROMOTE_EINVALID, node,
		"'%s' is a %s, not a scalar; set a path to one of its values%s", path->text,
		promote__ynode_type_name(node), node->flow ? ", or set PROMOTE_YAML_TYPED to replace it whole" : "");
}

/* The check that makes sure the written value reads back. */
promote__check promote__yedit_check(const promote_yaml_path *path, const char *value, unsigned flags)
{
	promote__check check = { path, NULL, NULL, false, 0 };
	if (flags & PROMOTE_YAML_TYPED)
		check.source = value;
	else
		check.value = value;
	return check;
}

/* Put back the text saved before a batch with creations. */
static int restore(promote_yaml_doc *doc, char *saved, size_t size)
{
	promote__ydoc *tree;
	int rc = promote__ydoc_parse(&tree, saved, size, doc->name, &doc->limits);
	if (rc)
		return rc;
	promote__ydoc_free(doc->tree);
	free(doc->text);
	doc->tree = tree;
	doc->text = saved;
	doc->size = size;
	return 0;
}

int promote_yaml_set_many(promote_yaml_doc *doc, const promote_yaml_path *const *paths, const char *const *values,
	size_t count, unsigned int flags)
{
	if (!doc || (count && (!paths || !values)))
		return promote__error_arg(__func__, !doc ? "doc" : !paths ? "paths" : "values");
	for (size_t i = 0; i < count; i++)
		if (!paths[i] || !values[i])
			return promote__error_arg(__func__, !paths[i] ? "paths[i]" : "values[i]");
	promote__splice *splices = calloc(count ? count : 1, sizeof *splices);
	promote__check *checks = calloc(count ? count : 1, sizeof *checks);
	bool *creates = calloc(count ? count : 1, sizeof *creates);
	if (!splices || !checks || !creates) {
		free(splices);
		free(checks);
		free(creates);
		return promote__error_oom();
	}
	/* One pass for every value that exists; creations afterwards, one by one. */
	size_t planned = 0, deferred = 0;
	int rc = 0;
	for (size_t i = 0; i < count && rc == 0; i++) {
		promote__splice *sp = &splices[planned];
		rc = plan_set(sp, &creates[i], doc, paths[i], values[i], flags);
		if (rc == 0 && creates[i]) {
			promote_buf_dispose(&sp->text);
			memset(sp, 0, sizeof *sp);
			deferred++;
		} else if (rc == 0) {
			checks[planned++] = promote__yedit_check(paths[i], values[i], flags);
		} else {
			promote_buf_dispose(&sp->text);
		}
	}
	char *saved = NULL;
	size_t saved_size = doc->size;
	if (rc == 0 && deferred && !(saved = malloc(doc->size + 1)))
		rc = promote__error_oom();
	if (saved)
		memcpy(saved, doc->text, doc->size + 1);
	if (rc == 0) {
		rc = promote__ydoc_apply(doc, splices, planned, checks, planned);
	} else {
		for (size_t i = 0; i < planned; i++)
			promote_buf_dispose(&splices[i].text);
	}
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (!creates[i])
			continue;
		promote__splice sp = { 0, 0, PROMOTE_BUF_INIT, NULL };
		bool created;
		rc = plan_set(&sp, &created, doc, paths[i], values[i], flags);
		/* Missing before the batch, present now: an earlier edit of this batch made it. */
		if (rc == 0 && !created)
			rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
				"%s: '%s' is created by another edit of the same batch; two edits change the same "
				"bytes, give each node one value", doc->name, paths[i]->text);
		promote__check check = promote__yedit_check(paths[i], values[i], flags);
		if (rc == 0)
			rc = promote__ydoc_apply(doc, &sp, 1, &check, 1);
		else
			promote_buf_dispose(&sp.text);
	}
	/* Undo a batch that failed half-way; parsing the saved text leaves the error alone. */
	if (rc && saved && restore(doc, saved, saved_size) == 0)
		saved = NULL;
	free(saved);
	free(splices);
	free(checks);
	free(creates);
	return rc;
}

int promote_yaml_set(promote_yaml_doc *doc, const promote_yaml_path *path, const char *value, unsigned int flags)
{
	return promote_yaml_set_many(doc, &path, &value, 1, flags);
}
