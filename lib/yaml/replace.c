/*
 * A scalar replaced in place (replace.h): the tree of
 * the edited text worked out from the tree before, without parsing the
 * whole file again, when every splice replaces one scalar with one scalar.
 *
 * Why the result is the parse of the new text. Each splice replaces the
 * whole text of a scalar value without an anchor or tag (never a key: keys,
 * and so duplicate keys, stay as they were) that stands on one line in
 * block context, and after
 * which its line holds nothing but blanks and a comment set off by a blank.
 * Its new text has no line break and reads, alone ("k: TEXT"), as exactly
 * one scalar without properties filling the whole text (libyaml parses it:
 * the value is the one libyaml reads, which the edit's checks compare with
 * the value set). libyaml's scanner, after a flow scalar in block context,
 * is then in the same state whatever the scalar's text: the same simple
 * key saved at the scalar's start (its column and indentation unchanged),
 * simple keys not allowed until the line break, and nothing else on the
 * line but what both texts leave alone — as long as a quoted scalar stays
 * quoted (single or double) and a plain one plain: a plain scalar's scan
 * goes on over the blanks and line breaks after it, a quoted one's stops at
 * its quote (after which libyaml refuses a tab that starts a blank line,
 * yaml-test-suite DK95/05, which the plain scan ate). So every token after
 * the scalar is the same, at a position moved by the change in bytes (and in
 * characters, for a column on the same line); lines do not move. The
 * bounds: the size is checked here; depth and the nodes after aliases are
 * expanded do not change (one scalar for another). Anything else — a block
 * or empty scalar, a flow collection, a key, a plain value that must now be
 * quoted, a text that would read otherwise, a file past its size bound —
 * goes through the full parse, which also names what it refuses.
 *
 * tests/yaml/test_suite.c compares the tree with a parse of the result
 * after every edit of every leaf of the yaml-test-suite.
 */
#include "replace.h"

#include "core/array.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* What a node holds, before or after the edit. */
typedef struct state {
	promote__ynode *node;
	promote__ymark start;
	promote__ymark end;
	const char *value;
	size_t length;
	promote__yscalar_style style;
} state;

typedef PROMOTE__ARRAY(state) state_array;

/* The text before the edit. */
typedef struct source {
	promote__ydoc *tree;
	const char *text;
	size_t size;
	const char *name;
	const promote__ylimits *limits;
} source;

struct promote__yreplace {
	state *nodes;   /* every node the edit moves or changes, as the edit leaves it */
	size_t count;
};

/* A line break as libyaml reads one: \n, \r, NEL, LS, PS. */
static bool has_break(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) ||
			(c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
				((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)))
			return true;
	}
	return false;
}

/* Characters (as libyaml counts columns) in n bytes of UTF-8. */
static size_t characters(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}

/* A one-line scalar value without properties in block context, whose line holds only blanks and a
 * comment after it. */
static bool replaceable(const source *doc, const promote__splice *sp)
{
	const promote__ynode *n = sp->scalar, *parent = n ? n->parent : NULL;
	if (!n || n->type != PROMOTE__YSCALAR || n->in_flow || !parent || parent->flow || n->tag || n->anchor ||
		(n->style != PROMOTE__YPLAIN && n->style != PROMOTE__YSINGLE && n->style != PROMOTE__YDOUBLE))
		return false;
	size_t at = 0;
	while (at < parent->count && parent->items[at] != n)
		at++;
	if (at == parent->count || (parent->type == PROMOTE__YMAPPING && at % 2 == 0))
		return false; /* a key */
	if (n->start.line != n->end.line || sp->start >= sp->end || sp->start != n->start.offset ||
		sp->end != n->end.offset || has_break(doc->text + sp->start, sp->end - sp->start))
		return false;
	size_t p = sp->end;
	while (p < doc->size && (doc->text[p] == ' ' || doc->text[p] == '\t'))
		p++;
	return p == doc->size || doc->text[p] == '\n' || doc->text[p] == '\r' || (doc->text[p] == '#' && p > sp->end);
}

/* The scalar `text` reads as alone, in block context, filling it (NULL: not one such scalar). */
static int read_alone(promote__ydoc **out, const promote__ynode **scalar, const source *doc,
	const promote__splice *sp)
{
	*out = NULL;
	*scalar = NULL;
	const char *text = sp->text.ptr;
	size_t n = sp->text.size;
	if (!n || has_break(text, n))
		return 0;
	char *line = malloc(n + 4);
	if (!line)
		return promote__error_oom();
	memcpy(line, "k: ", 3);
	memcpy(line + 3, text, n);
	line[n + 3] = '\0';
	promote__ydoc *alone = NULL;
	int rc = promote__ydoc_parse(&alone, line, n + 3, doc->name, doc->limits);
	free(line);
	if (rc) { /* not a scalar on its own: the full parse says what is wrong */
		promote_error_clear();
		return 0;
	}
	const promote__ynode *root = alone->count == 1 ? alone->documents[0] : NULL;
	const promote__ynode *v = root && root->type == PROMOTE__YMAPPING && root->count == 2 ? root->items[1] : NULL;
	/* Plain stays plain, quoted stays quoted (single or double): the scanner leaves them differently. */
	if (v && v->type == PROMOTE__YSCALAR && !v->tag && !v->anchor && v->start.offset == 3 &&
		v->end.offset == n + 3 && (v->style == PROMOTE__YPLAIN) == (sp->scalar->style == PROMOTE__YPLAIN)) {
		*out = alone;
		*scalar = v;
		return 0;
	}
	promote__ydoc_free(alone);
	return 0;
}

static int collect(state_array *all, promote__ynode *node)
{
	if (!node)
		return 0;
	state s = { node, node->start, node->end, node->value, node->length, node->style };
	int rc = promote__array_push(all, s);
	for (size_t i = 0; rc == 0 && i < node->count; i++)
		rc = collect(all, node->items[i]);
	return rc;
}

/* A mark at or after the end of the text replaced moves with it. */
static void move(promote__ymark *m, size_t old_end, uint32_t line, ptrdiff_t bytes, ptrdiff_t chars)
{
	if (m->offset < old_end)
		return;
	m->offset = (size_t)((ptrdiff_t)m->offset + bytes);
	if (m->line == line)
		m->column = (uint32_t)((ptrdiff_t)m->column + chars);
}

int promote__yreplace_prepare(promote__yreplace **out, promote__ydoc *tree, const char *text, size_t size,
	const char *name, const promote__ylimits *limits, const promote__splice *splices, size_t count,
	size_t new_size)
{
	*out = NULL;
	const source original = { tree, text, size, name, limits }, *doc = &original;
	if (!count || new_size > limits->max_size) /* past the bound: the full parse refuses it */
		return 0;
	for (size_t i = 0; i < count; i++)
		if (!replaceable(doc, &splices[i]))
			return 0;
	state_array all = PROMOTE__ARRAY_INIT;
	int rc = 0;
	for (size_t d = 0; rc == 0 && d < doc->tree->count; d++)
		rc = collect(&all, doc->tree->documents[d]);
	/* Last splice first: the positions of the ones before it stay as they are. */
	bool ok = rc == 0;
	for (size_t i = count; ok && rc == 0 && i-- > 0;) {
		const promote__splice *sp = &splices[i];
		promote__ydoc *alone = NULL;
		const promote__ynode *v = NULL;
		rc = read_alone(&alone, &v, doc, sp);
		ok = rc == 0 && v;
		char *value = ok ? promote__arena_strndup(doc->tree->arena, v->value, v->length) : NULL;
		if (ok && !value)
			rc = promote__error_oom();
		ptrdiff_t bytes = (ptrdiff_t)sp->text.size - (ptrdiff_t)(sp->end - sp->start);
		ptrdiff_t chars = (ptrdiff_t)characters(sp->text.ptr, sp->text.size) -
			(ptrdiff_t)characters(doc->text + sp->start, sp->end - sp->start);
		for (size_t k = 0; ok && rc == 0 && k < all.size; k++) {
			state *s = &all.ptr[k];
			move(&s->start, sp->end, sp->scalar->start.line, bytes, chars);
			move(&s->end, sp->end, sp->scalar->start.line, bytes, chars);
			if (s->node == sp->scalar) {
				s->value = value;
				s->length = v->length;
				s->style = v->style;
			}
		}
		promote__ydoc_free(alone);
	}
	if (rc || !ok) {
		promote__array_free(&all);
		return rc;
	}
	promote__yreplace *r = malloc(sizeof *r);
	if (!r) {
		promote__array_free(&all);
		return promote__error_oom();
	}
	r->nodes = all.ptr;
	r->count = all.size;
	*out = r;
	return 0;
}

void promote__yreplace_swap(promote__yreplace *r)
{
	for (size_t i = 0; i < r->count; i++) {
		state *s = &r->nodes[i];
		promote__ynode *n = s->node;
		state was = { n, n->start, n->end, n->value, n->length, n->style };
		n->start = s->start;
		n->end = s->end;
		n->value = s->value;
		n->length = s->length;
		n->style = s->style;
		*s = was;
	}
}

void promote__yreplace_free(promote__yreplace *r)
{
	if (!r)
		return;
	free(r->nodes);
	free(r);
}
