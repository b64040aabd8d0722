/* Builds promote__ydoc trees from libyaml events, enforcing the bounds. */
#include "tree.h"

#include "core/array.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef PROMOTE__ARRAY(promote__ynode *) node_array;

/* An open collection while its children are being read. */
typedef struct frame {
	promote__ynode *node;
	node_array items;
} frame;

typedef struct anchor {
	const char *name;
	promote__ynode *node;
} anchor;

typedef PROMOTE__ARRAY(frame) frame_array;
typedef PROMOTE__ARRAY(anchor) anchor_array;

/* libyaml's mark.index counts characters after a byte-order mark; splicing
 * needs bytes. For ASCII input the two agree (plus the BOM); otherwise a
 * checkpoint every CHECKPOINT characters bounds each conversion's scan. */
#define CHECKPOINT 64

typedef struct offsets {
	const unsigned char *data;
	size_t size;
	size_t bom;          /* 3 with a UTF-8 byte-order mark, else 0 */
	size_t *checkpoint;  /* byte offset of character k * CHECKPOINT; NULL for ASCII */
	size_t count;
} offsets;

static bool is_continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

static int offsets_init(offsets *o, const char *data, size_t size)
{
	memset(o, 0, sizeof *o);
	o->data = (const unsigned char *)data;
	o->size = size;
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		o->bom = 3;
	bool ascii = true;
	for (size_t i = o->bom; i < size && ascii; i++)
		ascii = o->data[i] < 0x80;
	if (ascii)
		return 0;
	o->checkpoint = malloc((size / CHECKPOINT + 2) * sizeof *o->checkpoint);
	if (!o->checkpoint)
		return promote__error_oom();
	size_t chars = 0;
	for (size_t i = o->bom; i <= size; i++) {
		if (i < size && is_continuation(o->data[i]))
			continue;
		if (chars % CHECKPOINT == 0)
			o->checkpoint[o->count++] = i;
		chars++;
	}
	return 0;
}

static size_t byte_offset(const offsets *o, size_t index)
{
	if (!o->checkpoint)
		return o->bom + index;
	size_t k = index / CHECKPOINT;
	if (k >= o->count)
		return o->size;
	size_t i = o->checkpoint[k];
	for (size_t chars = k * CHECKPOINT; chars < index && i < o->size; chars++)
		for (i++; i < o->size && is_continuation(o->data[i]); i++)
			;
	return i;
}

typedef struct builder {
	promote__ydoc *doc;
	offsets offsets;
	const char *name;
	const promote__ylimits *limits;
	frame_array stack;     /* the open collections; .size is the depth */
	anchor_array anchors;
	promote__ynode *root;
	size_t roots_capacity; /* of doc->documents */
	uint64_t total; /* nodes of the current document, aliases expanded */
} builder;

static promote__ymark mark_of(const builder *b, yaml_mark_t m)
{
	promote__ymark out = { byte_offset(&b->offsets, m.index), (uint32_t)m.line + 1, (uint32_t)m.column + 1 };
	return out;
}

static promote__location where_of(const builder *b, promote__ymark m)
{
	promote__location where = { b->name, m.line, m.column };
	return where;
}

static promote__ynode *new_node(builder *b, promote__ynode_type type, yaml_mark_t start, yaml_mark_t end,
	const yaml_char_t *tag, const yaml_char_t *anchor_name)
{
	promote__ynode *n = promote__arena_alloc(b->doc->arena, sizeof *n);
	if (!n)
		return NULL;
	n->type = type;
	n->start = mark_of(b, start);
	n->end = mark_of(b, end);
	n->expanded = 1;
	if (b->stack.size) {
		n->parent = b->stack.ptr[b->stack.size - 1].node;
		n->in_flow = n->parent->flow || n->parent->in_flow;
	}
	if (tag && !(n->tag = promote__arena_strdup(b->doc->arena, (const char *)tag)))
		return NULL;
	if (anchor_name && !(n->anchor = promote__arena_strdup(b->doc->arena, (const char *)anchor_name)))
		return NULL;
	return n;
}

static int remember_anchor(builder *b, promote__ynode *n)
{
	if (!n->anchor)
		return 0;
	anchor a = { n->anchor, n };
	return promote__array_push(&b->anchors, a);
}

static promote__ynode *find_anchor(const builder *b, const char *name)
{
	for (size_t i = b->anchors.size; i-- > 0;) /* the latest definition wins */
		if (strcmp(b->anchors.ptr[i].name, name) == 0)
			return b->anchors.ptr[i].node;
	return NULL;
}

/* Count `n` nodes more in the document (after alias expansion); refuse past
 * the bound, pointing at the node that crossed it. */
static int count_nodes(builder *b, const promote__ynode *culprit, uint64_t n)
{
	b->total += n;
	if (b->total <= b->limits->max_alias_nodes)
		return 0;
	promote__location where = where_of(b, culprit->start);
	return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML, &where,
		"the document holds more than %llu nodes once aliases are expanded (nested aliases, a "
		"\"billion laughs\" document?); make it smaller or raise the limit",
		(unsigned long long)b->limits->max_alias_nodes);
}

/* Attach a finished node to the open collection, or make it the root. */
static int attach(builder *b, promote__ynode *n)
{
	if (n->type == PROMOTE__YSCALAR || n->type == PROMOTE__YALIAS) {
		int rc = count_nodes(b, n, n->expanded);
		if (rc)
			return rc;
	}
	if (b->stack.size == 0) {
		b->root = n;
		return 0;
	}
	frame *f = promote__array_last(&b->stack);
	int rc = promote__array_push(&f->items, n);
	if (rc == 0)
		f->node->expanded += n->expanded;
	return rc;
}

static int open_collection(builder *b, promote__ynode *n)
{
	if (b->stack.size >= b->limits->max_depth) {
		promote__location where = where_of(b, n->start);
		return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML, &where,
			"collections nested deeper than %u levels; flatten the document", (unsigned)b->limits->max_depth);
	}
	frame *f = promote__array_alloc(&b->stack);
	if (!f)
		return PROMOTE_ENOMEM;
	f->node = n;
	int rc = count_nodes(b, n, 1);
	return rc ? rc : remember_anchor(b, n);
}

static int close_collection(builder *b, yaml_mark_t end)
{
	frame *f = &b->stack.ptr[--b->stack.size];
	promote__ynode *n = f->node;
	n->end = mark_of(b, end);
	n->count = f->items.size;
	n->items = promote__arena_memdup(b->doc->arena, f->items.ptr, f->items.size, sizeof *f->items.ptr);
	promote__array_free(&f->items);
	if (n->count && !n->items)
		return promote__error_oom();
	return attach(b, n);
}

static int on_event(builder *b, const yaml_event_t *ev)
{
	promote__ynode *n;
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		b->root = NULL;
		b->total = 0;
		b->anchors.size = 0;
		return 0;
	case YAML_DOCUMENT_END_EVENT: {
		int rc = promote__array_grow(&b->doc->documents, &b->roots_capacity, b->doc->count, 1,
			sizeof *b->doc->documents);
		if (rc == 0)
			b->doc->documents[b->doc->count++] = b->root;
		return rc;
	}
	case YAML_SCALAR_EVENT:
		n = new_node(b, PROMOTE__YSCALAR, ev->start_mark, ev->end_mark, ev->data.scalar.tag,
			ev->data.scalar.anchor);
		if (!n || !(n->value = promote__arena_strndup(b->doc->arena, (const char *)ev->data.scalar.value,
				    ev->data.scalar.length)))
			return promote__error_oom();
		n->length = ev->data.scalar.length;
		switch (ev->data.scalar.style) {
		case YAML_SINGLE_QUOTED_SCALAR_STYLE: n->style = PROMOTE__YSINGLE; break;
		case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n->style = PROMOTE__YDOUBLE; break;
		case YAML_LITERAL_SCALAR_STYLE: n->style = PROMOTE__YLITERAL; break;
		case YAML_FOLDED_SCALAR_STYLE: n->style = PROMOTE__YFOLDED; break;
		default: n->style = PROMOTE__YPLAIN; break;
		}
		{
			int rc = remember_anchor(b, n);
			return rc ? rc : attach(b, n);
		}
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		promote__ynode *target = find_anchor(b, name);
		promote__location where = where_of(b, mark_of(b, ev->start_mark));
		if (!target)
			return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
				"alias '*%s' refers to no anchor defined before it; define '&name' first", name);
		for (size_t i = 0; i < b->stack.size; i++)
			if (b->stack.ptr[i].node == target)
				return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
					"alias '*%s' refers to a collection that contains it; recursive "
					"structures are not supported", name);
		n = new_node(b, PROMOTE__YALIAS, ev->start_mark, ev->end_mark, NULL, NULL);
		if (!n)
			return promote__error_oom();
		n->target = target;
		n->expanded = target->expanded;
		b->doc->has_aliases = true;
		return attach(b, n);
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
		n = new_node(b, seq ? PROMOTE__YSEQUENCE : PROMOTE__YMAPPING, ev->start_mark, ev->end_mark,
			seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag,
			seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor);
		if (!n)
			return promote__error_oom();
		n->flow = seq ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
			      : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		return open_collection(b, n);
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_collection(b, ev->end_mark);
	default:
		return 0;
	}
}

/* Bytes from `i` to the end of a line break as libyaml reads them (\n, \r\n,
 * a lone \r, NEL, LS, PS); 0 when none starts there. */
static size_t line_break_at(const offsets *o, size_t i)
{
	const unsigned char *d = o->data;
	size_t left = o->size - i;
	if (d[i] == '\n')
		return 1;
	if (d[i] == '\r')
		return left > 1 && d[i + 1] == '\n' ? 2 : 1;
	if (left > 1 && d[i] == 0xC2 && d[i + 1] == 0x85)
		return 2;
	if (left > 2 && d[i] == 0xE2 && d[i + 1] == 0x80 && (d[i + 2] == 0xA8 || d[i + 2] == 0xA9))
		return 3;
	return 0;
}

/* How many bytes a UTF-8 sequence led by `c` holds (1 for anything else). */
static size_t sequence_length(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/*
 * libyaml reports bytes it cannot read (invalid UTF-8, a control character
 * such as NUL) by their byte offset only: its mark stays at the start of the
 * input. The line and column (in characters, a byte-order mark not counted,
 * as libyaml counts) are worked out from the bytes before the offset. An
 * offset inside a multi-byte sequence cut short ("\xE2\x82\n": libyaml names
 * the '\n') is moved back to the sequence's first byte.
 */
static promote__location reader_error_at(const builder *b, size_t offset)
{
	const offsets *o = &b->offsets;
	if (offset > o->size)
		offset = o->size;
	size_t lead = offset;
	while (lead > 0 && offset - lead < 3 && is_continuation(o->data[lead - 1]))
		lead--;
	if (lead > 0 && lead > o->bom && offset - lead < 3 && o->data[lead - 1] >= 0xC0 &&
		lead - 1 + sequence_length(o->data[lead - 1]) > offset)
		offset = lead - 1;
	promote__location where = { b->name, 1, 1 };
	for (size_t i = o->bom; i < offset;) {
		size_t n = line_break_at(o, i);
		if (n) {
			where.line++;
			where.column = 1;
			i += n;
			continue;
		}
		where.column++;
		for (i++; i < offset && is_continuation(o->data[i]); i++)
			;
	}
	return where;
}

static int syntax_error(const builder *b, const yaml_parser_t *p)
{
	yaml_mark_t m = p->problem_mark;
	if (p->error == YAML_MEMORY_ERROR)
		return promote__error_oom();
	promote__location where = { b->name, (uint32_t)m.line + 1, (uint32_t)m.column + 1 };
	if (p->error == YAML_READER_ERROR) {
		where = reader_error_at(b, p->problem_offset);
		return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
			"cannot read the text here: %s (0x%02X); a YAML file must be UTF-8 without control "
			"characters: fix these bytes, or convert the file to UTF-8 (e.g. iconv -t UTF-8)",
			p->problem ? p->problem : "invalid bytes", (unsigned)p->problem_value);
	}
	if (p->context)
		return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
			"YAML syntax error: %s %s (line %u); fix the YAML so that it parses",
			p->problem ? p->problem : "invalid YAML", p->context, (unsigned)p->context_mark.line + 1);
	return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
		"YAML syntax error: %s; fix the YAML so that it parses", p->problem ? p->problem : "invalid YAML");
}

int promote__ydoc_parse(promote__ydoc **out, const char *data, size_t size, const char *name,
	const promote__ylimits *limits)
{
	*out = NULL;
	if (size > limits->max_size) {
		promote__location where = { name, 0, 0 };
		return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML, &where,
			"the file has %zu bytes, more than the limit of %llu; raise the limit or split the file",
			size, (unsigned long long)limits->max_size);
	}
	if (size >= 2 && ((unsigned char)data[0] == 0xFE || (unsigned char)data[0] == 0xFF) &&
		((unsigned char)data[1] == 0xFE || (unsigned char)data[1] == 0xFF)) {
		promote__location where = { name, 1, 1 };
		return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
			"the file is UTF-16; only UTF-8 is supported, convert it (e.g. iconv -f UTF-16 -t UTF-8)");
	}
	builder b = { 0 };
	b.name = name;
	b.limits = limits;
	int rc = offsets_init(&b.offsets, data, size);
	if (rc)
		return rc;
	b.doc = calloc(1, sizeof *b.doc);
	if (!b.doc || !(b.doc->arena = promote__arena_new())) {
		free(b.doc);
		free(b.offsets.checkpoint);
		return promote__error_oom();
	}
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		promote__ydoc_free(b.doc);
		free(b.offsets.checkpoint);
		return promote__error_oom();
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, size);
	for (bool done = false; !done && rc == 0;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(&b, &parser);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < b.stack.size; i++)
		promote__array_free(&b.stack.ptr[i].items);
	promote__array_free(&b.stack);
	promote__array_free(&b.anchors);
	free(b.offsets.checkpoint);
	if (rc) {
		promote__ydoc_free(b.doc);
		return rc;
	}
	*out = b.doc;
	return 0;
}

void promote__ydoc_free(promote__ydoc *doc)
{
	if (!doc)
		return;
	free(doc->documents);
	promote__arena_free(doc->arena);
	free(doc);
}

const promote__ynode *promote__ynode_resolve(const promote__ynode *node)
{
	while (node && node->type == PROMOTE__YALIAS)
		node = node->target;
	return node;
}

bool promote__yscalar_is_null(const promote__ynode *node)
{
	if (!node || node->type != PROMOTE__YSCALAR || node->style != PROMOTE__YPLAIN)
		return false;
	if (node->tag)
		return strcmp(node->tag, "tag:yaml.org,2002:null") == 0;
	const char *v = node->value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
		strcmp(v, "NULL") == 0;
}

/* Does any alias in `node`'s subtree point at `target` or one of its ancestors? */
static bool aliases_into(const promote__ynode *node, const promote__ynode *target)
{
	if (!node)
		return false;
	if (node->type == PROMOTE__YALIAS) {
		for (const promote__ynode *t = target; t; t = t->parent)
			if (node->target == t)
				return true;
		return false;
	}
	for (size_t i = 0; i < node->count; i++)
		if (aliases_into(node->items[i], target))
			return true;
	return false;
}

bool promote__ynode_is_shared(const promote__ydoc *doc, const promote__ynode *node)
{
	if (!doc->has_aliases)
		return false;
	for (size_t i = 0; i < doc->count; i++)
		if (aliases_into(doc->documents[i], node))
			return true;
	return false;
}

/* An alias in `node`'s subtree whose target lies inside `within`. */
static const promote__ynode *alias_into_subtree(const promote__ynode *node, const promote__ynode *within)
{
	if (!node)
		return NULL;
	if (node->type == PROMOTE__YALIAS) {
		for (const promote__ynode *t = node->target; t; t = t->parent)
			if (t == within)
				return node->target;
		return NULL;
	}
	for (size_t i = 0; i < node->count; i++) {
		const promote__ynode *found = alias_into_subtree(node->items[i], within);
		if (found)
			return found;
	}
	return NULL;
}

const promote__ynode *promote__ynode_aliased_within(const promote__ydoc *doc, const promote__ynode *node)
{
	for (size_t i = 0; doc->has_aliases && i < doc->count; i++) {
		const promote__ynode *found = alias_into_subtree(doc->documents[i], node);
		if (found)
			return found;
	}
	return NULL;
}

const char *promote__ynode_type_name(const promote__ynode *node)
{
	node = promote__ynode_resolve(node);
	if (!node)
		return "nothing";
	switch (node->type) {
	case PROMOTE__YSCALAR: return promote__yscalar_is_null(node) ? "null" : "scalar";
	case PROMOTE__YSEQUENCE: return "sequence";
	case PROMOTE__YMAPPING: return "mapping";
	default: return "alias";
	}
}
