/* Compiling and resolving YAML paths. */
#include "path.h"

#include "core/array.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATH_SEGMENTS 256

typedef struct parser {
	const char *text;
	size_t pos;
	promote_yaml_path *path;
	size_t capacity; /* of path->segments */
} parser;

static int syntax(const parser *p, size_t pos, const char *what)
{
	return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
		"YAML path '%s', column %zu: %s (see doc/YAML.md for the syntax)", p->text, pos + 1, what);
}

/* A new segment; NULL with the error set (too many segments, or no memory). */
static promote__ysegment *add_segment(parser *p, promote__ypath_kind kind, size_t column)
{
	if (p->path->count >= MAX_PATH_SEGMENTS) {
		promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_INVALID, "YAML path '%s' has more than %d parts",
			p->text, MAX_PATH_SEGMENTS);
		return NULL;
	}
	if (promote__array_grow(&p->path->segments, &p->capacity, p->path->count, 1, sizeof *p->path->segments))
		return NULL;
	promote__ysegment *s = &p->path->segments[p->path->count++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->column = column + 1;
	return s;
}

static bool parse_long(const char *s, size_t n, long *out)
{
	if (n == 0 || n > 18)
		return false;
	size_t i = s[0] == '-' ? 1 : 0;
	if (i == n)
		return false;
	for (size_t j = i; j < n; j++)
		if (s[j] < '0' || s[j] > '9')
			return false;
	char tmp[24];
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtol(tmp, NULL, 10);
	return true;
}

/* A quoted string at p->pos ("..." with \" \\ escapes, or '...' with ''). */
static int parse_quoted(parser *p, char **out)
{
	char quote = p->text[p->pos];
	size_t start = p->pos++;
	size_t n = strlen(p->text);
	char *buf = malloc(n + 1);
	if (!buf)
		return promote__error_oom();
	size_t len = 0;
	for (;;) {
		char c = p->text[p->pos];
		if (c == '\0') {
			free(buf);
			return syntax(p, start, "quoted key is not closed");
		}
		p->pos++;
		if (c == quote) {
			if (quote == '\'' && p->text[p->pos] == '\'') {
				buf[len++] = '\'';
				p->pos++;
				continue;
			}
			break;
		}
		if (quote == '"' && c == '\\') {
			char e = p->text[p->pos];
			if (e != '"' && e != '\\') {
				free(buf);
				return syntax(p, p->pos - 1, "only \\\" and \\\\ are escapes in a quoted key");
			}
			p->pos++;
			c = e;
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* A bare key: up to '.', '[' or the end; '\' escapes the next character. */
static int parse_bare_key(parser *p, char **out, size_t *raw_len)
{
	size_t start = p->pos, n = strlen(p->text);
	char *buf = malloc(n - start + 1);
	if (!buf)
		return promote__error_oom();
	size_t len = 0;
	while (p->text[p->pos] && p->text[p->pos] != '.' && p->text[p->pos] != '[') {
		char c = p->text[p->pos++];
		if (c == ']') {
			free(buf);
			return syntax(p, p->pos - 1, "']' without '['");
		}
		if (c == '\\' && p->text[p->pos])
			c = p->text[p->pos++];
		buf[len++] = c;
	}
	buf[len] = '\0';
	if (len == 0) {
		free(buf);
		return syntax(p, start, "empty key (two dots, or a dot at the end?)");
	}
	*out = buf;
	*raw_len = p->pos - start;
	return 0;
}

/* Inside [...]: an index, a quoted key, or key=value. */
static int parse_bracket(parser *p)
{
	size_t open = p->pos++;
	int rc;
	const char *t = p->text;
	if (t[p->pos] == '"' || t[p->pos] == '\'') {
		char *key;
		if ((rc = parse_quoted(p, &key)))
			return rc;
		if (t[p->pos] != ']') {
			free(key);
			return syntax(p, p->pos, "expected ']' after the quoted key");
		}
		p->pos++;
		promote__ysegment *s = add_segment(p, PROMOTE__YKEY, open);
		if (!s) {
			free(key);
			return promote_error_last()->code;
		}
		s->key = key;
		return 0;
	}
	size_t close = p->pos;
	while (t[close] && t[close] != ']' && t[close] != '=')
		close++;
	if (t[close] == '=') {
		size_t eq = close;
		if (eq == p->pos)
			return syntax(p, p->pos, "missing field name before '=' (write [name=web])");
		char *field = strndup(t + p->pos, eq - p->pos);
		char *value = NULL;
		p->pos = eq + 1;
		if (t[p->pos] == '"' || t[p->pos] == '\'') {
			if ((rc = parse_quoted(p, &value))) {
				free(field);
				return rc;
			}
		} else {
			size_t end = p->pos;
			while (t[end] && t[end] != ']')
				end++;
			value = strndup(t + p->pos, end - p->pos);
			p->pos = end;
		}
		if (!field || !value) {
			free(field);
			free(value);
			return promote__error_oom();
		}
		if (t[p->pos] != ']') {
			free(field);
			free(value);
			return syntax(p, open, "'[' is not closed");
		}
		p->pos++;
		promote__ysegment *s = add_segment(p, PROMOTE__YSELECT, open);
		if (!s) {
			free(field);
			free(value);
			return promote_error_last()->code;
		}
		s->key = field;
		s->value = value;
		return 0;
	}
	if (t[close] != ']')
		return syntax(p, open, "'[' is not closed");
	long index;
	if (!parse_long(t + p->pos, close - p->pos, &index))
		return syntax(p, p->pos, "expected an index ([0], [-1]), a quoted key ([\"a.b\"]) or a selector ([name=web])");
	p->pos = close + 1;
	promote__ysegment *s = add_segment(p, PROMOTE__YINDEX, open);
	if (!s)
		return promote_error_last()->code;
	s->index = index;
	return 0;
}

/* @[FIELD=VALUE] at the start: the document whose FIELD is VALUE (metadata.name=web). */
static int parse_document_selector(parser *p)
{
	p->pos = 1;
	int rc = parse_bracket(p);
	if (rc)
		return rc;
	promote__ysegment *s = &p->path->segments[--p->path->count];
	if (s->kind != PROMOTE__YSELECT) {
		free(s->key);
		return syntax(p, 1, "expected a document number after '@', or a selector '[metadata.name=web]'");
	}
	p->path->doc_value = s->value;
	rc = s->key[0] == '@' ? syntax(p, 2, "a document selector's field is a path inside the document")
			      : promote_yaml_path_compile(&p->path->doc_field, s->key);
	free(s->key);
	if (rc)
		return rc;
	if (p->text[p->pos] == '.')
		p->pos++;
	if (!p->text[p->pos])
		return syntax(p, p->pos, "a document selector needs a path after it");
	return 0;
}

static int parse_path(parser *p)
{
	const char *t = p->text;
	int rc;
	if (t[0] == '@' && t[1] == '[') {
		if ((rc = parse_document_selector(p)))
			return rc;
	} else if (t[0] == '@') {
		size_t end = 1;
		while (t[end] && t[end] != '.' && t[end] != '[')
			end++;
		if (!parse_long(t + 1, end - 1, &p->path->document))
			return syntax(p, 1, "expected a document number after '@' (@0 is the first, @-1 the last)");
		p->path->has_document = true;
		p->pos = end;
		if (t[p->pos] == '.')
			p->pos++;
		if (!t[p->pos])
			return syntax(p, p->pos, "a document selector needs a path after it");
	}
	if (!t[p->pos])
		return syntax(p, 0, "the path is empty");
	bool first = true;
	while (t[p->pos]) {
		if (t[p->pos] == '[') {
			if ((rc = parse_bracket(p)))
				return rc;
			first = false;
			continue;
		}
		if (!first) {
			if (t[p->pos] != '.')
				return syntax(p, p->pos, "expected '.' or '['");
			p->pos++;
			if (t[p->pos] == '[')
				continue; /* a.["b"] reads as a["b"] */
		}
		first = false;
		size_t column = p->pos;
		char *key = NULL;
		size_t raw = 0;
		if ((rc = parse_bare_key(p, &key, &raw)))
			return rc;
		long index;
		bool digits = key[0] != '-' && parse_long(key, strlen(key), &index) && strlen(key) == raw;
		promote__ysegment *s = add_segment(p, digits ? PROMOTE__YKEY_OR_INDEX : PROMOTE__YKEY, column);
		if (!s) {
			free(key);
			return promote_error_last()->code;
		}
		s->key = key;
		if (digits)
			s->index = index;
	}
	return 0;
}

void promote_yaml_path_free(promote_yaml_path *path)
{
	if (!path)
		return;
	for (size_t i = 0; i < path->count; i++) {
		free(path->segments[i].key);
		free(path->segments[i].value);
	}
	free(path->segments);
	free(path->text);
	promote_yaml_path_free(path->doc_field);
	free(path->doc_value);
	free(path);
}

int promote_yaml_path_compile(promote_yaml_path **out, const char *text)
{
	if (!out || !text)
		return promote__error_arg(__func__, !out ? "out" : "text");
	*out = NULL;
	parser p = { text, 0, calloc(1, sizeof(promote_yaml_path)), 0 };
	if (!p.path || !(p.path->text = strdup(text))) {
		free(p.path);
		return promote__error_oom();
	}
	int rc = parse_path(&p);
	if (rc) {
		promote_yaml_path_free(p.path);
		return rc;
	}
	*out = p.path;
	return 0;
}

const char *promote_yaml_path_text(const promote_yaml_path *path)
{
	return path ? path->text : NULL;
}

static bool scalar_is(const promote__ynode *n, const char *s)
{
	n = promote__ynode_resolve(n);
	return n && n->type == PROMOTE__YSCALAR && n->length == strlen(s) && memcmp(n->value, s, n->length) == 0;
}

long promote__ypath_step(const promote__ynode *node, const promote__ysegment *seg)
{
	if (node->type == PROMOTE__YMAPPING) {
		if (seg->kind == PROMOTE__YINDEX || seg->kind == PROMOTE__YSELECT)
			return -1;
		for (size_t i = 0; i + 1 < node->count; i += 2)
			if (scalar_is(node->items[i], seg->key))
				return (long)i + 1;
		return -1;
	}
	if (node->type != PROMOTE__YSEQUENCE || seg->kind == PROMOTE__YKEY)
		return -1;
	if (seg->kind == PROMOTE__YSELECT) {
		for (size_t i = 0; i < node->count; i++) {
			const promote__ynode *item = promote__ynode_resolve(node->items[i]);
			if (item->type != PROMOTE__YMAPPING)
				continue;
			for (size_t k = 0; k + 1 < item->count; k += 2)
				if (scalar_is(item->items[k], seg->key) && scalar_is(item->items[k + 1], seg->value))
					return (long)i;
		}
		return -1;
	}
	long index = seg->index < 0 ? (long)node->count + seg->index : seg->index;
	return index >= 0 && (size_t)index < node->count ? index : -1;
}

/* What the path expected where it stopped, for the message. */
static int describe_miss(promote__strbuf *out, const promote__ynode *node, const promote__ysegment *seg)
{
	const promote__ynode *n = promote__ynode_resolve(node);
	if (!n || n->type == PROMOTE__YSCALAR)
		return promote__strbuf_addf(out, "it is a %s, not a collection", promote__ynode_type_name(n));
	if (n->type == PROMOTE__YMAPPING) {
		if (seg->kind == PROMOTE__YINDEX || seg->kind == PROMOTE__YSELECT)
			return promote__strbuf_adds(out, "it is a mapping, not a sequence");
		const char *names[64];
		size_t count = 0;
		for (size_t i = 0; i + 1 < n->count && count < 64; i += 2) {
			const promote__ynode *k = promote__ynode_resolve(n->items[i]);
			if (k->type == PROMOTE__YSCALAR)
				names[count++] = k->value;
		}
		return promote__strbuf_addf(out, "it has no key '%s'%s", seg->key,
			promote__did_you_mean(seg->key, names, count));
	}
	if (seg->kind == PROMOTE__YKEY)
		return promote__strbuf_adds(out, "it is a sequence, not a mapping (use [N] or [key=value])");
	if (seg->kind == PROMOTE__YSELECT)
		return promote__strbuf_addf(out, "none of its %zu items has %s: %s", n->count, seg->key, seg->value);
	return promote__strbuf_addf(out, "it has %zu items, no index %ld", n->count, seg->index);
}

static int not_found(promote__yresolved *r, const promote_yaml_path *path, const char *file, const char *why)
{
	const promote__ynode *at = r->deepest;
	promote__location where = { file, at ? at->start.line : 1, at ? at->start.column : 1 };
	if (r->matched == 0 && !at)
		return promote__error_at(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML, &where,
			"YAML path '%s' not found: %s", path->text, why);
	/* The matched prefix, the path text up to the next segment (a path is
	 * at most 256 segments, and its text far shorter than INT_MAX). */
	size_t len = strlen(path->text), column = r->matched < path->count ? path->segments[r->matched].column : 0;
	size_t end = column >= 1 && column - 1 <= len ? column - 1 : len; /* built paths have no columns */
	while (end > 0 && path->text[end - 1] == '.')
		end--;
	if (end == 0)
		return promote__error_at(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML, &where,
			"YAML path '%s' not found: '(root)' matched here, but %s", path->text, why);
	return promote__error_at(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML, &where,
		"YAML path '%s' not found: '%.*s' matched here, but %s", path->text, end > INT_MAX ? INT_MAX : (int)end,
		path->text, why);
}

/* The first document whose selector field holds the selector's value; PROMOTE_ENOTFOUND saying so. */
static int select_document(size_t *out, const promote__ydoc *doc, const promote_yaml_path *path, const char *file)
{
	promote_yaml_path *field = path->doc_field;
	bool had = field->has_document;
	long was = field->document;
	int rc = PROMOTE_ENOTFOUND;
	for (size_t d = 0; rc == PROMOTE_ENOTFOUND && d < doc->count; d++) {
		promote__yresolved found;
		field->has_document = true;
		field->document = (long)d;
		rc = promote__ypath_resolve(&found, doc, field, file);
		if (rc == 0 && !scalar_is(found.node, path->doc_value))
			rc = PROMOTE_ENOTFOUND;
		if (rc == PROMOTE_ENOTFOUND)
			promote_error_clear();
		else if (rc == 0)
			*out = d;
	}
	field->has_document = had;
	field->document = was;
	if (rc != PROMOTE_ENOTFOUND)
		return rc;
	promote__location where = { file, 1, 1 };
	return promote__error_at(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_YAML, &where,
		"YAML path '%s' not found: none of the file's %zu documents has %s: %s", path->text, doc->count,
		field->text, path->doc_value);
}

int promote__ypath_resolve(promote__yresolved *r, const promote__ydoc *doc, const promote_yaml_path *path,
	const char *file)
{
	memset(r, 0, sizeof *r);
	if (doc->count == 0)
		return not_found(r, path, file, "the file holds no YAML document");
	size_t first = 0, last = doc->count;
	if (path->has_document) {
		long d = path->document < 0 ? (long)doc->count + path->document : path->document;
		if (d < 0 || (size_t)d >= doc->count) {
			promote__strbuf why;
			promote__strbuf_init(&why, PROMOTE__MESSAGE_MAX, "a message about a YAML path not found");
			int rc = promote__strbuf_addf(&why, "the file holds %zu documents, no @%ld", doc->count,
				path->document);
			if (rc == 0)
				rc = not_found(r, path, file, promote__strbuf_cstr(&why));
			promote__strbuf_free(&why);
			return rc;
		}
		first = (size_t)d;
		last = first + 1;
	} else if (path->doc_field) {
		int rc = select_document(&first, doc, path, file);
		if (rc) {
			r->deepest = NULL;
			return rc;
		}
		last = first + 1;
	}
	/* Without @N: the one document where the path matches. */
	promote__yresolved best = { 0 };
	size_t found = 0, found_in = 0;
	for (size_t d = first; d < last; d++) {
		promote__yresolved attempt = { 0 };
		attempt.document = d;
		const promote__ynode *node = doc->documents[d];
		attempt.deepest = node;
		bool ok = node != NULL;
		for (size_t i = 0; ok && i < path->count; i++) {
			const promote__ynode *coll = promote__ynode_resolve(node);
			if (node && node->type == PROMOTE__YALIAS)
				attempt.through_alias = true;
			long at = coll ? promote__ypath_step(coll, &path->segments[i]) : -1;
			if (at < 0) {
				ok = false;
				break;
			}
			attempt.parent = coll;
			attempt.position = (size_t)at;
			attempt.key = coll->type == PROMOTE__YMAPPING ? coll->items[at - 1] : NULL;
			node = coll->items[at];
			attempt.matched = i + 1;
			attempt.deepest = node;
		}
		if (ok) {
			attempt.node = node;
			if (found++ == 0) {
				best = attempt;
				found_in = d;
			}
		} else if (found == 0 && (attempt.matched > best.matched || d == first)) {
			best = attempt;
		}
	}
	if (found > 1) {
		promote__location where = { file, 1, 1 };
		return promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where,
			"YAML path '%s' matches in %zu of the file's %zu documents; select one with @N (e.g. '@%zu.%s')",
			path->text, found, doc->count, found_in, path->text);
	}
	*r = best;
	if (found == 1)
		return 0;
	if (!doc->documents[best.document] && path->count) {
		r->deepest = NULL;
		return not_found(r, path, file, "the document is empty");
	}
	promote__strbuf why;
	promote__strbuf_init(&why, PROMOTE__MESSAGE_MAX, "a message about a YAML path not found");
	int rc = describe_miss(&why, best.deepest, &path->segments[best.matched]);
	if (rc == 0)
		rc = not_found(r, path, file, promote__strbuf_cstr(&why));
	promote__strbuf_free(&why);
	return rc;
}

int promote__ypath_of(promote_yaml_path **out, const promote__ydoc *doc, size_t document, const promote__ynode *node)
{
	(void)doc;
	size_t depth = 0;
	for (const promote__ynode *n = node; n->parent; n = n->parent)
		depth++;
	promote_yaml_path *path = calloc(1, sizeof *path);
	promote_buf text = PROMOTE_BUF_INIT;
	if (!path || (depth && !(path->segments = calloc(depth, sizeof *path->segments))))
		goto oom;
	path->has_document = true;
	path->document = (long)document;
	path->count = depth;
	for (const promote__ynode *n = node; n->parent; n = n->parent) {
		promote__ysegment *seg = &path->segments[--depth];
		const promote__ynode *parent = n->parent;
		size_t at = 0;
		while (at < parent->count && parent->items[at] != n)
			at++;
		if (parent->type == PROMOTE__YMAPPING) {
			const promote__ynode *key = at % 2 == 1 ? promote__ynode_resolve(parent->items[at - 1]) : NULL;
			if (!key || key->type != PROMOTE__YSCALAR) {
				/* A key itself, or the value of a complex key: no path names it. */
				promote_buf_dispose(&text);
				promote_yaml_path_free(path);
				return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_YAML,
					"line %u: a mapping key, or a value under a key that is not a string, has no path",
					(unsigned)node->start.line);
			}
			seg->kind = PROMOTE__YKEY;
			if (!(seg->key = strndup(key->value, key->length)))
				goto oom;
		} else {
			seg->kind = PROMOTE__YINDEX;
			seg->index = (long)at;
		}
	}
	/* The text, for messages: @N then ["key"] and [i] segments. */
	char head[32];
	snprintf(head, sizeof head, "@%zu", document);
	if (promote__buf_puts(&text, head))
		goto oom;
	for (size_t i = 0; i < path->count; i++) {
		const promote__ysegment *seg = &path->segments[i];
		char index[32];
		int rc;
		if (seg->kind == PROMOTE__YINDEX) {
			snprintf(index, sizeof index, "[%ld]", seg->index);
			rc = promote__buf_puts(&text, index);
		} else {
			rc = promote__buf_puts(&text, "[\"");
			for (const char *c = seg->key; rc == 0 && *c; c++) {
				if (*c == '"' || *c == '\\')
					rc = promote__buf_putc(&text, '\\');
				if (rc == 0)
					rc = promote__buf_putc(&text, *c);
			}
			if (rc == 0)
				rc = promote__buf_puts(&text, "\"]");
		}
		if (rc)
			goto oom;
	}
	path->text = text.ptr;
	*out = path;
	return 0;
oom:
	promote_buf_dispose(&text);
	promote_yaml_path_free(path);
	return promote__error_oom();
}
