/* promote_yaml_doc: the bytes of a YAML file, their parse, and applying splices. */
#include "document.h"
#include "core/options.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "yaml/keys.h"
#include "core/file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_SIZE PROMOTE__YAML_DEFAULT_MAX_SIZE
#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_ALIAS_NODES 1000000

static const size_t options_sizes[] = { sizeof(promote_yaml_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_YAML_OPTIONS_VERSION);

int promote_yaml_options_init(promote_yaml_options *opts, unsigned int version)
{
	static const promote_yaml_options defaults = PROMOTE_YAML_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_YAML_OPTIONS_VERSION,
		"promote_yaml_options", __func__);
}

static int limits_from(promote__ylimits *limits, const promote_yaml_options *opts)
{
	promote_yaml_options o = PROMOTE_YAML_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_YAML_OPTIONS_VERSION, "promote_yaml_options");
	if (rc)
		return rc;
	limits->max_size = o.max_size ? o.max_size : DEFAULT_MAX_SIZE;
	limits->max_depth = o.max_depth ? o.max_depth : DEFAULT_MAX_DEPTH;
	limits->max_alias_nodes = o.max_alias_nodes ? o.max_alias_nodes : DEFAULT_MAX_ALIAS_NODES;
	return 0;
}

static const char *detect_eol(const char *text, size_t size)
{
	const char *nl = memchr(text, '\n', size);
	return nl && nl > text && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* A repeated key, refused: readers disagree about which of the two counts. */
typedef struct duplicate {
	const char *name;
	const char *advice;
} duplicate;

static int refuse_duplicate(const promote__ynode *first, const promote__ynode *second, void *payload)
{
	const duplicate *d = payload;
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "a message about a duplicate key");
	int rc = promote__yduplicate_describe(&text, first, second);
	if (rc == 0) {
		promote__location where = { d->name, second->start.line, second->start.column };
		rc = promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML, &where, "%s; %s",
			promote__strbuf_cstr(&text), d->advice);
	}
	promote__strbuf_free(&text);
	return rc;
}

/* PROMOTE_EINVALID, naming both keys, when a mapping of `tree` repeats a key. */
static int check_duplicates(const promote__ydoc *tree, const char *name, const char *advice)
{
	duplicate d = { name, advice };
	for (size_t i = 0; i < tree->count; i++) {
		int rc = promote__yduplicate_keys(tree->documents[i], refuse_duplicate, &d);
		if (rc)
			return rc;
	}
	return 0;
}

/* Take ownership of `text` (size bytes + NUL) and parse it. */
static int doc_new(promote_yaml_doc **out, char *text, size_t size, const char *name, const promote__ylimits *limits)
{
	promote_yaml_doc *doc = calloc(1, sizeof *doc);
	if (!doc || !(doc->name = strdup(name))) {
		free(doc);
		free(text);
		return promote__error_oom();
	}
	doc->text = text;
	doc->size = size;
	doc->limits = *limits;
	doc->eol = detect_eol(text, size);
	int rc = promote__ydoc_parse(&doc->tree, text, size, doc->name, limits);
	if (rc == 0)
		rc = check_duplicates(doc->tree, doc->name, "YAML readers disagree about which one counts (most "
			"take the last), so the file is refused: remove or rename one");
	if (rc) {
		promote_yaml_doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

int promote_yaml_doc_parse(promote_yaml_doc **out, const char *data, size_t size, const char *name,
	const promote_yaml_options *opts)
{
	if (!out)
		return promote__error_arg(__func__, "out");
	*out = NULL;
	if (!data && size)
		return promote__error_arg(__func__, "data");
	promote__ylimits limits;
	int rc = limits_from(&limits, opts);
	if (rc)
		return rc;
	name = name ? name : "<buffer>";
	if (size > limits.max_size) {
		promote__location where = { name, 0, 0 };
		return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML, &where,
			"the file has %zu bytes, more than the limit of %llu; raise the limit or split the file", size,
			(unsigned long long)limits.max_size);
	}
	char *copy = malloc(size + 1);
	if (!copy)
		return promote__error_oom();
	if (size)
		memcpy(copy, data, size);
	copy[size] = '\0';
	return doc_new(out, copy, size, name, &limits);
}

int promote_yaml_doc_read(promote_yaml_doc **out, const char *path, const promote_yaml_options *opts)
{
	if (!out || !path)
		return promote__error_arg(__func__, !out ? "out" : "path");
	*out = NULL;
	promote__ylimits limits;
	int rc = limits_from(&limits, opts);
	if (rc)
		return rc;
	promote__location where = { path, 0, 0 };
	struct stat st;
	FILE *f = promote__fopen_status(path, &st); /* a FIFO does not block */
	if (!f)
		return promote__error_at(errno == ENOENT ? PROMOTE_ENOTFOUND : PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where,
			"cannot open: %s", strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		fclose(f);
		return promote__error_at(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where, "not a regular file");
	}
	if ((uint64_t)st.st_size > limits.max_size) {
		fclose(f);
		return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML, &where,
			"the file has %lld bytes, more than the limit of %llu; raise the limit or split the file",
			(long long)st.st_size, (unsigned long long)limits.max_size);
	}
	char *text = malloc((size_t)st.st_size + 1);
	if (!text) {
		fclose(f);
		return promote__error_oom();
	}
	size_t size = fread(text, 1, (size_t)st.st_size, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(text);
		return promote__error_at(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where, "cannot read: %s", strerror(errno));
	}
	text[size] = '\0';
	return doc_new(out, text, size, path, &limits);
}

void promote_yaml_doc_free(promote_yaml_doc *doc)
{
	if (!doc)
		return;
	promote__ydoc_free(doc->tree);
	free(doc->text);
	free(doc->original);
	free(doc->name);
	free(doc);
}

const char *promote_yaml_doc_content(const promote_yaml_doc *doc, size_t *size)
{
	if (size)
		*size = doc ? doc->size : 0;
	return doc ? doc->text : NULL;
}

size_t promote_yaml_doc_count(const promote_yaml_doc *doc)
{
	return doc ? doc->tree->count : 0;
}

int promote_yaml_doc_changed(const promote_yaml_doc *doc)
{
	if (!doc || !doc->original)
		return 0;
	return doc->size != doc->original_size || memcmp(doc->text, doc->original, doc->size) != 0;
}

int promote__ydoc_error(const promote_yaml_doc *doc, int code, const promote__ynode *node, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vformat(&text, PROMOTE__MESSAGE_MAX, "a message about a YAML file", fmt, ap);
	va_end(ap);
	if (rc == 0) {
		promote__location where = { doc->name, node ? node->start.line : 0, node ? node->start.column : 0 };
		rc = promote__error_at(code, PROMOTE_ERROR_CLASS_YAML, &where, "%s", text);
	}
	free(text);
	return rc;
}

/* A line break: '\n', or a '\r' not followed by '\n' (libyaml reads both). */
static bool breaks_line(const promote_yaml_doc *doc, size_t i)
{
	const char *t = doc->text;
	return t[i] == '\n' || (t[i] == '\r' && (i + 1 >= doc->size || t[i + 1] != '\n'));
}

size_t promote__yline_start(const promote_yaml_doc *doc, size_t pos)
{
	/* A byte-order mark is not part of the first line: columns and whole-line
	 * edits start after it. */
	size_t first = doc->size >= 3 && memcmp(doc->text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	if (pos < first)
		return pos;
	while (pos > first && !breaks_line(doc, pos - 1))
		pos--;
	return pos;
}

size_t promote__yline_end(const promote_yaml_doc *doc, size_t pos)
{
	while (pos < doc->size && !breaks_line(doc, pos))
		pos++;
	return pos;
}

size_t promote__yvalue_start(const promote_yaml_doc *doc, const promote__ynode *node)
{
	size_t pos = node->start.offset;
	const char *t = doc->text;
	/* "&anchor" (as long as libyaml read it: a ':' may follow it) and "!tag"
	 * (up to white space, or a flow indicator inside a flow collection). */
	for (;;) {
		if (pos < doc->size && t[pos] == '&' && node->anchor) {
			pos += 1 + strlen(node->anchor);
		} else if (pos < doc->size && t[pos] == '!' && node->tag) {
			while (pos < doc->size && !strchr(" \t\r\n", t[pos]) && !(node->in_flow && strchr(",[]{}", t[pos])))
				pos++;
		} else {
			break;
		}
		while (pos < doc->size && strchr(" \t\r\n", t[pos]))
			pos++;
	}
	/* An empty scalar after its properties ("- !!str", "key: &a") starts where
	 * libyaml ends it, not on the next line. */
	if (node->type == PROMOTE__YSCALAR && pos > node->end.offset)
		pos = node->end.offset;
	return pos;
}

size_t promote__yextent_end(const promote_yaml_doc *doc, const promote__ynode *node)
{
	if ((node->type == PROMOTE__YMAPPING || node->type == PROMOTE__YSEQUENCE) && !node->flow)
		return node->count ? promote__yextent_end(doc, node->items[node->count - 1]) : node->start.offset;
	size_t end = node->end.offset;
	if (node->type == PROMOTE__YSCALAR && (node->style == PROMOTE__YLITERAL || node->style == PROMOTE__YFOLDED))
		while (end > node->start.offset && strchr(" \t\r\n", doc->text[end - 1]))
			end--;
	return end;
}

size_t promote__yafter_colon(const promote_yaml_doc *doc, const promote__ynode *key, const promote__ynode *value)
{
	size_t limit = promote__yvalue_start(doc, value);
	for (size_t p = promote__yextent_end(doc, key); p < doc->size && p <= limit; p++) {
		if (doc->text[p] == ':')
			return p + 1;
		if (doc->text[p] == '#') /* a comment: skip to its line's end */
			p = promote__yline_end(doc, p);
		else if (!strchr(" \t\r\n", doc->text[p]))
			return 0;
	}
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const promote__splice *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void free_splices(promote__splice *splices, size_t count)
{
	for (size_t i = 0; i < count; i++)
		promote_buf_dispose(&splices[i].text);
}

/* Does the re-parsed document pass `check`? */
static int run_check(const promote_yaml_doc *doc, const promote__check *check)
{
	promote__yresolved r;
	int rc = promote__ypath_resolve(&r, doc->tree, check->path, doc->name);
	if (rc)
		return rc;
	const promote__ynode *n = promote__ynode_resolve(r.node);
	if (check->value && (n->type != PROMOTE__YSCALAR || n->length != strlen(check->value) ||
				    memcmp(n->value, check->value, n->length) != 0))
		return promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_YAML,
			"%s: after the edit '%s' would read back as '%s', not the value set; nothing was written "
			"(a libpromote bug: please report it with the file)", doc->name, check->path->text,
			n->type == PROMOTE__YSCALAR ? n->value : promote__ynode_type_name(n));
	size_t items = n->type == PROMOTE__YMAPPING ? n->count / 2 : n->count;
	if (check->count_set && (n->type == PROMOTE__YSCALAR || items != check->count))
		return promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_YAML,
			"%s: after the edit '%s' holds %zu items, not %zu; nothing was written (a libpromote bug: "
			"please report it with the file)", doc->name, check->path->text, items, check->count);
	if (check->source) {
		size_t start = promote__yvalue_start(doc, n), end = promote__yextent_end(doc, n);
		if (end - start != strlen(check->source) || memcmp(doc->text + start, check->source, end - start) != 0)
			return promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_YAML,
				"%s: after the edit '%s' does not hold the text written; nothing was written (a "
				"libpromote bug: please report it with the file)", doc->name, check->path->text);
	}
	return 0;
}

/* The end of one splice in the new text and in the old. */
typedef struct splice_end {
	size_t new_end;
	size_t old_end;
} splice_end;

/* The line of the old text (1-based) that holds what is at `pos` of the new
 * one, a position outside every splice. */
static uint32_t old_line(const promote_yaml_doc *doc, size_t pos, const splice_end *moves, size_t count)
{
	size_t old = pos;
	for (size_t i = 0; i < count && moves[i].new_end <= pos; i++)
		old = moves[i].old_end + (pos - moves[i].new_end);
	uint32_t line = 1;
	for (size_t i = 0; i < old && i < doc->size; i++)
		line += breaks_line(doc, i);
	return line;
}

/*
 * The edited text does not parse, though the original did. libyaml refuses
 * some valid YAML next to a changed value: after a quoted scalar, a line
 * holding only spaces and a tab (yaml-test-suite DK95/05). That case is
 * named, with the line to change; anything else is a libpromote bug.
 */
static int refuse_unreadable(const promote_yaml_doc *doc, const char *text, size_t size, const splice_end *moves,
	size_t count)
{
	const promote_error *e = promote_error_last();
	size_t start = 0;
	for (uint32_t line = 1; line < e->line && start < size; start++)
		if (text[start] == '\n' || (text[start] == '\r' && (start + 1 >= size || text[start + 1] != '\n')))
			line++;
	size_t end = start + strspn(text + start, " \t");
	bool blank_with_tab = e->line > 0 && memchr(text + start, '\t', end - start) &&
		(end >= size || text[end] == '\n' || text[end] == '\r');
	if (blank_with_tab) {
		promote__location where = { doc->name, old_line(doc, start, moves, count), 1 };
		return promote__error_at(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_YAML, &where,
			"this blank line holds a tab, and libyaml, which reads the file, refuses that after a quoted "
			"value (valid YAML all the same); the value set has to be quoted, so nothing was written: "
			"remove the tab from this line, or set a value that needs no quotes");
	}
	return promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_YAML,
		"%s: the edited text would not parse (%s); nothing was written (a libpromote bug: please report "
		"it with the file)", doc->name, e->message);
}

/* The text before the first edit, kept to tell whether the bytes changed; a later edit's is dropped. */
static void keep_original(promote_yaml_doc *doc, char *old_text, size_t old_size)
{
	if (doc->original) {
		free(old_text);
	} else {
		doc->original = old_text;
		doc->original_size = old_size;
	}
}

/* The edited `text`, whose tree `replaced` makes of the one before (no parse): kept when the checks pass. */
static int keep_replaced(promote_yaml_doc *doc, promote__yreplace *replaced, char *text, size_t size,
	const promote__check *checks, size_t check_count)
{
	char *old_text = doc->text;
	size_t old_size = doc->size;
	doc->text = text;
	doc->size = size;
	promote__yreplace_swap(replaced);
	int rc = 0;
	for (size_t i = 0; i < check_count && rc == 0; i++)
		rc = run_check(doc, &checks[i]);
	if (rc) {
		promote__yreplace_swap(replaced); /* back to the text before */
		doc->text = old_text;
		doc->size = old_size;
		free(text);
	} else {
		keep_original(doc, old_text, old_size);
	}
	promote__yreplace_free(replaced);
	return rc;
}

int promote__ydoc_apply(promote_yaml_doc *doc, promote__splice *splices, size_t count, const promote__check *checks,
	size_t check_count)
{
	if (count > 1)
		qsort(splices, count, sizeof *splices, by_start);
	size_t size = doc->size;
	for (size_t i = 0; i < count; i++) {
		/* Overlapping, or two insertions at one place (two values for one empty node). */
		if (i > 0 && (splices[i].start < splices[i - 1].end || splices[i].start == splices[i - 1].start)) {
			free_splices(splices, count);
			return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_YAML,
				"%s: two edits change the same bytes; give each node one value", doc->name);
		}
		size = size - (splices[i].end - splices[i].start) + splices[i].text.size;
	}
	char *text = malloc(size + 1);
	if (!text) {
		free_splices(splices, count);
		return promote__error_oom();
	}
	/* Where each splice ends in the new text and the old, to name a line of the old text. */
	splice_end *moves = malloc((count ? count : 1) * sizeof *moves);
	if (!moves) {
		free(text);
		free_splices(splices, count);
		return promote__error_oom();
	}
	size_t from = 0, to = 0;
	for (size_t i = 0; i < count; i++) {
		memcpy(text + to, doc->text + from, splices[i].start - from);
		to += splices[i].start - from;
		if (splices[i].text.size)
			memcpy(text + to, splices[i].text.ptr, splices[i].text.size);
		to += splices[i].text.size;
		from = splices[i].end;
		moves[i] = (splice_end){ to, from };
	}
	memcpy(text + to, doc->text + from, doc->size - from);
	text[size] = '\0';

	if (size == doc->size && memcmp(text, doc->text, size) == 0) {
		free_splices(splices, count);
		free(moves);
		free(text); /* nothing changed: the value was already there, if the checks agree */
		int rc = 0;
		for (size_t i = 0; i < check_count && rc == 0; i++)
			rc = run_check(doc, &checks[i]);
		return rc;
	}
	promote__yreplace *replaced = NULL;
	int rc = promote__yreplace_prepare(&replaced, doc->tree, doc->text, doc->size, doc->name, &doc->limits, splices,
		count, size);
	free_splices(splices, count);
	if (rc || replaced) { /* a scalar replaced by a scalar: its tree without parsing the file again */
		free(moves);
		if (rc)
			free(text);
		return rc ? rc : keep_replaced(doc, replaced, text, size, checks, check_count);
	}
	promote__ydoc *tree = NULL;
	rc = promote__ydoc_parse(&tree, text, size, doc->name, &doc->limits);
	if (rc == PROMOTE_ELIMIT) {
		free(moves);
		free(text);
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_YAML,
			"%s: the edited file would cross a bound (%s); nothing was written: raise the limit", doc->name,
			promote_error_last()->message);
	}
	if (rc) {
		rc = refuse_unreadable(doc, text, size, moves, count);
		free(text);
		free(moves);
		return rc;
	}
	free(moves);
	if ((rc = check_duplicates(tree, doc->name, "the edit would add a key the mapping already has, spelled "
		     "otherwise; nothing was written: set the existing key"))) {
		promote__ydoc_free(tree);
		free(text);
		return rc;
	}
	/* Check against the new text and tree, then keep them or restore the old. */
	promote_yaml_doc old = *doc;
	doc->text = text;
	doc->size = size;
	doc->tree = tree;
	for (size_t i = 0; i < check_count && rc == 0; i++)
		rc = run_check(doc, &checks[i]);
	if (rc) {
		promote__ydoc_free(tree);
		free(text);
		*doc = old;
		return rc;
	}
	promote__ydoc_free(old.tree);
	keep_original(doc, old.text, old.size);
	return 0;
}
