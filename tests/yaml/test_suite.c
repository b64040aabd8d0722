/*
 * Conformance of the surgical YAML editor against the yaml-test-suite
 * (data-2022-01-17, in tests/data; the directory comes in
 * PROMOTE_YAML_TEST_SUITE).
 *
 * - Every valid case parses and promote_yaml_doc_content() gives back the
 *   input byte for byte; every error case is refused with PROMOTE_EINVALID
 *   (or PROMOTE_ELIMIT) and a file:line:column. libyaml 0.2.5, which does the
 *   parsing, deviates from the suite on some cases: those are listed, with
 *   what libyaml does, in libyaml-deviations.txt (PROMOTE_YAML_DEVIATIONS),
 *   and the list is checked in both directions so that it stays exact.
 * - Every scalar that is a mapping value or a sequence item in a case that
 *   parses is set to a new value, twice (a plain-safe value, then one that
 *   needs quotes). The result is parsed again with libyaml directly: its
 *   event stream must equal the original one except for that scalar, whose
 *   value is the new one and whose style is kept, but for plain turning
 *   quoted when the value needs it or when the plain target had another type
 *   than string (doc/YAML.md: `replicas: 3` set to `four` is written
 *   "four"); the bytes before and after the scalar's span must be unchanged,
 *   and get must read the value back. Leaves no path can name (under a
 *   complex key, an alias, inside an anchor used elsewhere, a duplicate key)
 *   are skipped and counted; leaves with an unusual key or a typed value may
 *   be refused with a reason (counted); any other refusal, PROMOTE_ERROR
 *   (the editor's "this is a bug") above all, fails, but for the cases where
 *   libyaml cannot read what must be written ("edits" in the list: refused
 *   with PROMOTE_ENOTSUPPORTED when the editor recognises the case, else
 *   PROMOTE_ERROR). The tree the editor keeps after each edit must be the
 *   one a parse of the result makes, node by node (positions, values,
 *   styles), also when it was worked out without parsing the file again
 *   (lib/yaml/replace.c): each run must take that way and the full parse.
 *
 * Failures are collected and printed (case, path, what differs), and each
 * test fails at its end, so that one run shows every problem.
 */
#include "helpers.h"

#ifndef PROMOTE_YAML_H
/* Until promote.h includes it. */
#define PROMOTE_INSIDE
#include <promote/yaml.h>
#undef PROMOTE_INSIDE
#endif

#include "yaml/document.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <sys/stat.h>
#include <yaml.h>

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

/* Failures of the running test: printed as they come (the first ones), counted. */
static size_t failures;
#define MAX_PRINTED_FAILURES 60

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void failure(const char *fmt, ...)
{
	/* PROMOTE_YAML_SUITE_ALL=1 prints every failure. */
	if (failures++ >= MAX_PRINTED_FAILURES && !getenv("PROMOTE_YAML_SUITE_ALL"))
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void end_test(const char *what)
{
	if (failures) {
		if (failures > MAX_PRINTED_FAILURES && !getenv("PROMOTE_YAML_SUITE_ALL"))
			fprintf(stderr, "... and %zu more failures\n", failures - MAX_PRINTED_FAILURES);
		size_t n = failures;
		failures = 0;
		fail_msg("%s: %zu failures (see above)", what, n);
	}
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *d = xmalloc(n + 1);
	memcpy(d, s, n + 1);
	return d;
}

/* A growable string. */
typedef struct str {
	char *ptr;
	size_t len, cap;
} str;

static void str_addn(str *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->ptr = xrealloc(s->ptr, s->cap);
	}
	memcpy(s->ptr + s->len, p, n);
	s->len += n;
	s->ptr[s->len] = '\0';
}

static void str_add(str *s, const char *p)
{
	str_addn(s, p, strlen(p));
}

static const char *show(const char *p, size_t n);

/* The last error's message, on one line. */
static const char *last_message(void)
{
	const char *m = promote_error_last()->message;
	return show(m, strlen(m));
}

/* Printable, shortened rendering of bytes for messages (static buffers, four slots). */
static const char *show(const char *p, size_t n)
{
	static char slots[4][320];
	static unsigned which;
	char *out = slots[which++ % 4];
	size_t o = 0;
	for (size_t i = 0; i < n && o + 8 < sizeof slots[0]; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n')
			o += (size_t)sprintf(out + o, "\\n");
		else if (c == '\t')
			o += (size_t)sprintf(out + o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
		if (i + 1 < n && o + 8 >= sizeof slots[0]) {
			o += (size_t)sprintf(out + o, "...");
			break;
		}
	}
	out[o] = '\0';
	return out;
}

static bool read_file(const char *path, char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	str s = { 0 };
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		str_addn(&s, chunk, n);
	bool ok = !ferror(f);
	fclose(f);
	if (!s.ptr)
		str_addn(&s, "", 0);
	*data = s.ptr;
	*size = s.len;
	return ok;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* ------------------------------------------------------------------ */
/* The cases                                                            */

typedef enum deviation_kind {
	REJECTS,             /* a valid case libyaml refuses */
	ACCEPTS,             /* an error case libyaml parses */
	EDITS,               /* a valid case where libyaml refuses text an edit needs (the editor refuses it) */
	DUPLICATE            /* a valid case whose mapping repeats a key: libpromote refuses it (doc/YAML.md) */
} deviation_kind;

typedef struct deviation {
	char id[32];
	deviation_kind kind;
	char reason[200];
	bool seen;           /* EDITS: an edit was refused for it in this pass */
} deviation;

typedef struct test_case {
	char id[32];         /* 229Q or MUS6/03 */
	char name[48];       /* 229Q/in.yaml: the name given to the parser, for messages */
	char *data;
	size_t size;
	bool error;          /* the suite says: must be refused */
	const deviation *deviation;  /* REJECTS, ACCEPTS or DUPLICATE */
	deviation *edit_deviation;   /* EDITS */
} test_case;

static test_case *cases;
static size_t case_count;
static deviation *deviations;
static size_t deviation_count;
static bool loaded;
static char load_problem[8400];

static int compare_cases(const void *a, const void *b)
{
	return strcmp(((const test_case *)a)->id, ((const test_case *)b)->id);
}

static void add_case(const char *dir, const char *id)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s/in.yaml", dir, id);
	test_case c;
	memset(&c, 0, sizeof c);
	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.name, sizeof c.name, "%s/in.yaml", id);
	if (!read_file(path, &c.data, &c.size)) {
		snprintf(load_problem, sizeof load_problem, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	snprintf(path, sizeof path, "%s/%s/error", dir, id);
	c.error = exists(path);
	cases = xrealloc(cases, (case_count + 1) * sizeof *cases);
	cases[case_count++] = c;
}

static void load_deviations(const char *file)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		snprintf(load_problem, sizeof load_problem, "cannot read the deviation list %s: %s", file,
			strerror(errno));
		return;
	}
	char line[512];
	unsigned lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		deviation d;
		memset(&d, 0, sizeof d);
		char kind[16];
		int used = 0;
		if (sscanf(line, "%31s %15s %n", d.id, kind, &used) != 2 || used == 0 ||
			(strcmp(kind, "rejects") != 0 && strcmp(kind, "accepts") != 0 && strcmp(kind, "edits") != 0 &&
				strcmp(kind, "duplicate") != 0) ||
			!line[used]) {
			snprintf(load_problem, sizeof load_problem,
				"%s:%u: expected 'ID rejects|accepts|edits|duplicate REASON', got '%s'", file, lineno, line);
			break;
		}
		d.kind = strcmp(kind, "rejects") == 0 ? REJECTS : strcmp(kind, "accepts") == 0 ? ACCEPTS
			: strcmp(kind, "edits") == 0 ? EDITS : DUPLICATE;
		snprintf(d.reason, sizeof d.reason, "%s", line + used);
		deviations = xrealloc(deviations, (deviation_count + 1) * sizeof *deviations);
		deviations[deviation_count++] = d;
	}
	fclose(f);
}

/* Reads every case once; fails the calling test with a clear message when the suite is missing. */
static void load_cases(void)
{
	if (loaded) {
		if (load_problem[0])
			fail_msg("%s", load_problem);
		return;
	}
	loaded = true;
	const char *dir = getenv("PROMOTE_YAML_TEST_SUITE");
	const char *dev = getenv("PROMOTE_YAML_DEVIATIONS");
	if (!dir || !dev) {
		snprintf(load_problem, sizeof load_problem,
			"PROMOTE_YAML_TEST_SUITE and PROMOTE_YAML_DEVIATIONS must be set (run through 'meson test')");
		fail_msg("%s", load_problem);
	}
	DIR *top = opendir(dir);
	if (!top) {
		snprintf(load_problem, sizeof load_problem,
			"the yaml-test-suite is missing: cannot open %s (%s); it belongs in "
			"tests/data in the source tree (see SOURCES.md there)",
			dir, strerror(errno));
		fail_msg("%s", load_problem);
	}
	struct dirent *e;
	while ((e = readdir(top)) && !load_problem[0]) {
		if (e->d_name[0] == '.' || strlen(e->d_name) > 12)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s/in.yaml", dir, e->d_name);
		if (exists(path)) {
			add_case(dir, e->d_name);
			continue;
		}
		/* Numbered sub-cases: <id>/00/in.yaml, <id>/001/in.yaml. */
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		DIR *sub = opendir(path);
		if (!sub)
			continue;
		struct dirent *s;
		while ((s = readdir(sub)) && !load_problem[0]) {
			if (s->d_name[0] == '.' || strlen(s->d_name) > 8)
				continue;
			char id[32], in[4096];
			snprintf(id, sizeof id, "%s/%s", e->d_name, s->d_name);
			snprintf(in, sizeof in, "%s/%s/in.yaml", dir, id);
			if (exists(in))
				add_case(dir, id);
		}
		closedir(sub);
	}
	closedir(top);
	if (!load_problem[0] && case_count < 300)
		snprintf(load_problem, sizeof load_problem,
			"only %zu cases found in %s: the yaml-test-suite copy is incomplete", case_count, dir);
	if (!load_problem[0])
		load_deviations(dev);
	if (load_problem[0])
		fail_msg("%s", load_problem);
	qsort(cases, case_count, sizeof *cases, compare_cases);
	for (size_t i = 0; i < deviation_count; i++) {
		deviation *d = &deviations[i];
		test_case key;
		memset(&key, 0, sizeof key);
		snprintf(key.id, sizeof key.id, "%s", d->id);
		test_case *c = bsearch(&key, cases, case_count, sizeof *cases, compare_cases);
		if (!c) {
			snprintf(load_problem, sizeof load_problem, "%s: deviation for unknown case %s", dev, d->id);
			break;
		}
		if (d->kind == EDITS ? c->edit_deviation != NULL : c->deviation != NULL) {
			snprintf(load_problem, sizeof load_problem, "%s: case %s listed twice", dev, d->id);
			break;
		}
		if ((d->kind == ACCEPTS) != c->error) {
			snprintf(load_problem, sizeof load_problem,
				"%s: case %s is listed as '%s' but the suite says it is %s", dev, d->id,
				d->kind == REJECTS ? "rejects" : d->kind == ACCEPTS ? "accepts" : d->kind == EDITS ? "edits"
				: "duplicate",
				c->error ? "an error case" : "valid");
			break;
		}
		if (d->kind == EDITS)
			c->edit_deviation = d;
		else
			c->deviation = d;
	}
	if (load_problem[0])
		fail_msg("%s", load_problem);
}

static promote_yaml_doc *parse_case(const test_case *c, int *rc)
{
	promote_yaml_doc *doc = NULL;
	*rc = promote_yaml_doc_parse(&doc, c->data, c->size, c->name, NULL);
	return doc;
}

/* ------------------------------------------------------------------ */
/* Parsing: valid cases round-trip, error cases are refused             */

/* A refusal must be a clean one: a parse code and a location in the file. */
static void check_refusal(const test_case *c, int rc, const promote_yaml_doc *doc, const char *why)
{
	const promote_error *e = promote_error_last();
	if (doc)
		failure("%s (%s): parse refused with %d but *out is not NULL", c->id, why, rc);
	if (rc != PROMOTE_EINVALID && rc != PROMOTE_ELIMIT) {
		failure("%s (%s): expected PROMOTE_EINVALID or PROMOTE_ELIMIT, got %d (%s)", c->id, why, rc,
			e->message);
		return;
	}
	if (e->code != rc)
		failure("%s (%s): returned %d but promote_error_last()->code is %d", c->id, why, rc, e->code);
	if (!e->file || strcmp(e->file, c->name) != 0)
		failure("%s (%s): error file is '%s', expected '%s' (%s)", c->id, why, e->file ? e->file : "(null)",
			c->name, e->message);
	if (e->line < 1 || e->column < 1)
		failure("%s (%s): error without a line and column (%u:%u): %s", c->id, why, (unsigned)e->line,
			(unsigned)e->column, e->message);
	char prefix[96];
	snprintf(prefix, sizeof prefix, "%s:%u:%u: ", c->name, (unsigned)e->line, (unsigned)e->column);
	if (strncmp(e->message, prefix, strlen(prefix)) != 0)
		failure("%s (%s): message does not start with '%s': %s", c->id, why, prefix, e->message);
}

static void check_round_trip(const test_case *c, const promote_yaml_doc *doc)
{
	size_t size = (size_t)-1;
	const char *content = promote_yaml_doc_content(doc, &size);
	if (!content || size != c->size || memcmp(content, c->data, size) != 0)
		failure("%s: content differs from the input (%zu bytes, expected %zu)", c->id, content ? size : 0,
			c->size);
	else if (content[size] != '\0')
		failure("%s: content is not NUL-terminated", c->id);
	if (promote_yaml_doc_changed(doc) != 0)
		failure("%s: promote_yaml_doc_changed() is not 0 right after parsing", c->id);
}

static void test_valid_cases_round_trip(void **state)
{
	(void)state;
	load_cases();
	size_t round_tripped = 0, deviations_seen = 0;
	for (size_t i = 0; i < case_count; i++) {
		const test_case *c = &cases[i];
		if (c->error)
			continue;
		int rc;
		promote_yaml_doc *doc = parse_case(c, &rc);
		if (c->deviation) {
			deviations_seen++;
			if (rc == 0)
				failure("%s: listed as a libyaml deviation ('%s') but it parses now: remove it from "
					"libyaml-deviations.txt", c->id, c->deviation->reason);
			else
				check_refusal(c, rc, doc, "known libyaml deviation");
			if (rc && (c->deviation->kind == DUPLICATE) != (strstr(last_message(), "duplicate key") != NULL))
				failure("%s: listed as '%s' but refused with: %s", c->id,
					c->deviation->kind == DUPLICATE ? "duplicate" : "rejects", last_message());
		} else if (rc) {
			failure("%s: valid YAML refused: %d %s", c->id, rc, last_message());
		} else {
			check_round_trip(c, doc);
			round_tripped++;
		}
		promote_yaml_doc_free(doc);
	}
	printf("yaml-test-suite: %zu valid cases round-tripped, %zu known deviations (valid YAML libyaml "
	       "rejects, or a repeated key libpromote refuses)\n", round_tripped, deviations_seen);
	end_test("valid cases");
}

static void test_error_cases_refused(void **state)
{
	(void)state;
	load_cases();
	size_t refused = 0, deviations_seen = 0;
	for (size_t i = 0; i < case_count; i++) {
		const test_case *c = &cases[i];
		if (!c->error)
			continue;
		int rc;
		promote_yaml_doc *doc = parse_case(c, &rc);
		if (c->deviation) {
			deviations_seen++;
			if (rc != 0)
				failure("%s: listed as a libyaml deviation ('%s') but it is refused now (%s): remove it "
					"from libyaml-deviations.txt", c->id, c->deviation->reason,
					last_message());
			else
				check_round_trip(c, doc);
		} else if (rc == 0) {
			failure("%s: invalid YAML accepted", c->id);
		} else {
			check_refusal(c, rc, doc, "error case");
			refused++;
		}
		promote_yaml_doc_free(doc);
	}
	printf("yaml-test-suite: %zu error cases reported, %zu known libyaml deviations (invalid YAML libyaml "
	       "accepts)\n", refused, deviations_seen);
	end_test("error cases");
}

/* ------------------------------------------------------------------ */
/* libyaml event streams                                                */

typedef struct event {
	yaml_event_type_t type;
	char *anchor;
	char *tag;
	char *value;           /* scalars; length bytes, may hold NULs */
	size_t length;
	int style;             /* scalar or collection style */
	int implicit;          /* collections, document start/end */
	int plain_implicit, quoted_implicit;
	char *directives;      /* document start: version and tag directives, rendered */
	size_t start, end;     /* character indices (libyaml's mark.index) */
	unsigned line, column; /* 1-based */
	unsigned end_line;
} event;

typedef struct events {
	event *v;
	size_t count;
	char error[256];
} events;

static char *dup_or_null(const yaml_char_t *s)
{
	return s ? xstrdup((const char *)s) : NULL;
}

static void events_free(events *es)
{
	for (size_t i = 0; i < es->count; i++) {
		free(es->v[i].anchor);
		free(es->v[i].tag);
		free(es->v[i].value);
		free(es->v[i].directives);
	}
	free(es->v);
	memset(es, 0, sizeof *es);
}

/* Parse with libyaml directly; false (es->error set) when it refuses. */
static bool events_parse(events *es, const char *data, size_t size)
{
	memset(es, 0, sizeof *es);
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		snprintf(es->error, sizeof es->error, "yaml_parser_initialize failed");
		return false;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)data, size);
	size_t cap = 0;
	bool ok = true;
	for (bool done = false; !done;) {
		yaml_event_t ye;
		if (!yaml_parser_parse(&p, &ye)) {
			snprintf(es->error, sizeof es->error, "%zu:%zu: %s %s", p.problem_mark.line + 1,
				p.problem_mark.column + 1, p.problem ? p.problem : "error", p.context ? p.context : "");
			ok = false;
			break;
		}
		if (es->count == cap) {
			cap = cap ? cap * 2 : 64;
			es->v = xrealloc(es->v, cap * sizeof *es->v);
		}
		event *ev = &es->v[es->count++];
		memset(ev, 0, sizeof *ev);
		ev->type = ye.type;
		ev->start = ye.start_mark.index;
		ev->end = ye.end_mark.index;
		ev->line = (unsigned)ye.start_mark.line + 1;
		ev->column = (unsigned)ye.start_mark.column + 1;
		ev->end_line = (unsigned)ye.end_mark.line + 1;
		switch (ye.type) {
		case YAML_DOCUMENT_START_EVENT: {
			str d = { 0 };
			str_add(&d, "");
			if (ye.data.document_start.version_directive) {
				char v[64];
				snprintf(v, sizeof v, "%%YAML %d.%d;", ye.data.document_start.version_directive->major,
					ye.data.document_start.version_directive->minor);
				str_add(&d, v);
			}
			for (yaml_tag_directive_t *t = ye.data.document_start.tag_directives.start;
				t && t != ye.data.document_start.tag_directives.end; t++) {
				str_add(&d, "%TAG ");
				str_add(&d, (const char *)t->handle);
				str_add(&d, " ");
				str_add(&d, (const char *)t->prefix);
				str_add(&d, ";");
			}
			ev->directives = d.ptr;
			ev->implicit = ye.data.document_start.implicit;
			break;
		}
		case YAML_DOCUMENT_END_EVENT:
			ev->implicit = ye.data.document_end.implicit;
			break;
		case YAML_ALIAS_EVENT:
			ev->anchor = dup_or_null(ye.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			ev->anchor = dup_or_null(ye.data.scalar.anchor);
			ev->tag = dup_or_null(ye.data.scalar.tag);
			ev->length = ye.data.scalar.length;
			ev->value = xmalloc(ev->length + 1);
			memcpy(ev->value, ye.data.scalar.value, ev->length);
			ev->value[ev->length] = '\0';
			ev->style = ye.data.scalar.style;
			ev->plain_implicit = ye.data.scalar.plain_implicit;
			ev->quoted_implicit = ye.data.scalar.quoted_implicit;
			break;
		case YAML_SEQUENCE_START_EVENT:
			ev->anchor = dup_or_null(ye.data.sequence_start.anchor);
			ev->tag = dup_or_null(ye.data.sequence_start.tag);
			ev->implicit = ye.data.sequence_start.implicit;
			ev->style = ye.data.sequence_start.style;
			break;
		case YAML_MAPPING_START_EVENT:
			ev->anchor = dup_or_null(ye.data.mapping_start.anchor);
			ev->tag = dup_or_null(ye.data.mapping_start.tag);
			ev->implicit = ye.data.mapping_start.implicit;
			ev->style = ye.data.mapping_start.style;
			break;
		default:
			break;
		}
		done = ye.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ye);
	}
	yaml_parser_delete(&p);
	return ok;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *event_name(yaml_event_type_t t)
{
	static const char *const names[] = { "none", "stream-start", "stream-end", "document-start",
		"document-end", "alias", "scalar", "sequence-start", "sequence-end", "mapping-start", "mapping-end" };
	return (size_t)t < sizeof names / sizeof *names ? names[t] : "?";
}

static const char *style_name(int style)
{
	switch (style) {
	case YAML_PLAIN_SCALAR_STYLE: return "plain";
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: return "single-quoted";
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return "double-quoted";
	case YAML_LITERAL_SCALAR_STYLE: return "literal";
	case YAML_FOLDED_SCALAR_STYLE: return "folded";
	default: return "any";
	}
}

/* Equal apart from positions; NULL, or what differs. */
static const char *event_diff(const event *a, const event *b)
{
	if (a->type != b->type)
		return "event type";
	if (!same_str(a->anchor, b->anchor))
		return "anchor";
	if (!same_str(a->tag, b->tag))
		return "tag";
	if (!same_str(a->directives, b->directives))
		return "directives";
	if (a->implicit != b->implicit)
		return "implicit flag";
	if (a->style != b->style)
		return "style";
	if (a->type == YAML_SCALAR_EVENT) {
		if (a->length != b->length || memcmp(a->value, b->value, a->length) != 0)
			return "value";
		if (a->plain_implicit != b->plain_implicit || a->quoted_implicit != b->quoted_implicit)
			return "implicit flags";
	}
	return NULL;
}

/* Byte offset of every character index (libyaml counts characters after a
 * leading UTF-8 byte-order mark); table[count] is the end. */
static size_t *char_offsets(const char *data, size_t size, size_t *count)
{
	size_t *table = xmalloc((size + 2) * sizeof *table);
	size_t i = 0, n = 0;
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < size; i++)
		if (((unsigned char)data[i] & 0xC0) != 0x80)
			table[n++] = i;
	table[n] = size;
	*count = n;
	return table;
}

static size_t byte_at(const size_t *table, size_t count, size_t index)
{
	return table[index <= count ? index : count];
}

/* ------------------------------------------------------------------ */
/* Leaves: scalars that are mapping values or sequence items            */

typedef struct leaf {
	size_t event;          /* index of its event in the case's stream */
	char *path;
	const char *skip;      /* why it is not edited, or NULL */
	const char *special;   /* an unusual key an editor may legitimately refuse, or NULL */
} leaf;

typedef struct walker {
	const events *es;
	bool *aliased;         /* per event: an anchor definition that some alias refers to */
	leaf *leaves;
	size_t count, cap;
} walker;

static void add_leaf(walker *w, size_t ev, const char *path, const char *skip, const char *special)
{
	if (w->count == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->leaves = xrealloc(w->leaves, w->cap * sizeof *w->leaves);
	}
	leaf *l = &w->leaves[w->count++];
	l->event = ev;
	l->path = xstrdup(path);
	l->skip = skip;
	l->special = skip ? NULL : special;
}

/* The index after the node that starts at event i. */
static size_t node_end(const events *es, size_t i)
{
	yaml_event_type_t t = es->v[i].type;
	if (t != YAML_SEQUENCE_START_EVENT && t != YAML_MAPPING_START_EVENT)
		return i + 1;
	size_t depth = 0;
	for (; i < es->count; i++) {
		t = es->v[i].type;
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT)
			depth++;
		else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT)
			if (--depth == 0)
				return i + 1;
	}
	return i;
}

/* Which anchor definitions are used: the latest definition of a name before
 * an alias, within its document. */
static void mark_aliased(walker *w)
{
	const events *es = w->es;
	size_t doc_start = 0;
	for (size_t i = 0; i < es->count; i++) {
		if (es->v[i].type == YAML_DOCUMENT_START_EVENT)
			doc_start = i;
		if (es->v[i].type != YAML_ALIAS_EVENT || !es->v[i].anchor)
			continue;
		for (size_t j = i; j-- > doc_start;)
			if (es->v[j].type != YAML_ALIAS_EVENT && same_str(es->v[j].anchor, es->v[i].anchor)) {
				w->aliased[j] = true;
				break;
			}
	}
}

/* The event an alias at i refers to, or (size_t)-1. */
static size_t alias_target(const events *es, size_t i)
{
	for (size_t j = i; j-- > 0;) {
		if (es->v[j].type == YAML_DOCUMENT_START_EVENT)
			break;
		if (es->v[j].type != YAML_ALIAS_EVENT && same_str(es->v[j].anchor, es->v[i].anchor))
			return j;
	}
	return (size_t)-1;
}

static bool plain_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* path + the segment naming `key` (a.key, or a["k.e\"y"]). */
static void append_key(str *out, const char *prefix, const char *key)
{
	str_add(out, prefix);
	bool bare = key[0] != '\0';
	bool digits = true;
	for (const char *k = key; *k; k++) {
		bare = bare && plain_key_char(*k);
		digits = digits && *k >= '0' && *k <= '9';
	}
	if (bare && !digits) {
		if (prefix[0])
			str_add(out, ".");
		str_add(out, key);
		return;
	}
	str_add(out, "[\"");
	for (const char *k = key; *k; k++) {
		if (*k == '"' || *k == '\\')
			str_add(out, "\\");
		str_addn(out, k, 1);
	}
	str_add(out, "\"]");
}

static size_t walk(walker *w, size_t i, const char *path, const char *skip, const char *special, bool is_leaf);

static size_t walk_mapping(walker *w, size_t i, const char *path, const char *skip, const char *special)
{
	const events *es = w->es;
	/* The scalar keys of this mapping, to tell duplicates (which a path cannot tell apart). */
	size_t pairs = 0;
	for (size_t j = i + 1; j < es->count && es->v[j].type != YAML_MAPPING_END_EVENT;) {
		j = node_end(es, j);
		j = node_end(es, j);
		pairs++;
	}
	const char **keys = xmalloc(pairs * sizeof *keys);
	size_t k = 0;
	for (size_t j = i + 1; j < es->count && es->v[j].type != YAML_MAPPING_END_EVENT; k++) {
		const event *key = &es->v[j];
		if (key->type == YAML_ALIAS_EVENT) {
			size_t t = alias_target(es, j);
			key = t != (size_t)-1 ? &es->v[t] : NULL;
		}
		keys[k] = key && key->type == YAML_SCALAR_EVENT ? key->value : NULL;
		j = node_end(es, j);
		j = node_end(es, j);
	}
	size_t j = i + 1;
	for (k = 0; j < es->count && es->v[j].type != YAML_MAPPING_END_EVENT; k++) {
		const event *key = &es->v[j];
		const char *why = skip, *odd = special;
		str child = { 0 };
		str_add(&child, "");
		if (key->type == YAML_ALIAS_EVENT) {
			odd = odd ? odd : "key is an alias";
			if (!keys[k]) {
				why = why ? why : "key is an alias of a collection";
				str_add(&child, path);
				str_add(&child, "[<alias key>]"); /* for messages only */
			}
		} else if (key->type != YAML_SCALAR_EVENT) {
			why = why ? why : "key is not a scalar";
			str_add(&child, path);
			str_add(&child, "[<complex key>]"); /* for messages only: no path names it */
		}
		if (keys[k]) {
			const event *kv = key->type == YAML_ALIAS_EVENT ? &es->v[alias_target(es, j)] : key;
			if (strlen(keys[k]) != kv->length)
				why = why ? why : "key holds a NUL";
			for (size_t o = 0; o < pairs && !why; o++)
				if (o != k && keys[o] && strcmp(keys[o], keys[k]) == 0)
					why = "duplicate key";
			if (!odd && kv->tag)
				odd = "key has a tag";
			if (!odd && kv->style == YAML_PLAIN_SCALAR_STYLE && kv->length == 0)
				odd = "key is null (empty plain scalar)";
			/* A value added to it would make an implicit key span lines. */
			if (!odd && kv->end_line != kv->line)
				odd = "key spans several lines";
			append_key(&child, path, keys[k]);
		}
		/* Scalars inside a complex key have no path. */
		if (key->type != YAML_SCALAR_EVENT && key->type != YAML_ALIAS_EVENT)
			j = walk(w, j, "<complex key>", "inside a complex key", NULL, false);
		else
			j++;
		j = walk(w, j, child.ptr, why, odd, true);
		free(child.ptr);
	}
	free(keys);
	return j + 1;
}

static size_t walk(walker *w, size_t i, const char *path, const char *skip, const char *special, bool is_leaf)
{
	const events *es = w->es;
	const event *ev = &es->v[i];
	if (w->aliased[i] && !skip)
		skip = ev->type == YAML_SCALAR_EVENT ? "anchored, and aliased elsewhere" : "inside an anchored node aliased elsewhere";
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		/* A value typed by its tag may refuse a string (!!int, !!bool ...): that
		 * is the reason to report, whatever its key. */
		if (ev->tag && strcmp(ev->tag, "tag:yaml.org,2002:str") != 0 && strcmp(ev->tag, "!") != 0)
			special = "value has a tag";
		if (is_leaf)
			add_leaf(w, i, path, skip, special);
		return i + 1;
	case YAML_ALIAS_EVENT:
		if (is_leaf)
			add_leaf(w, i, path, "an alias", NULL);
		return i + 1;
	case YAML_SEQUENCE_START_EVENT: {
		size_t j = i + 1;
		for (size_t n = 0; j < es->count && es->v[j].type != YAML_SEQUENCE_END_EVENT; n++) {
			char index[32];
			snprintf(index, sizeof index, "[%zu]", n);
			str child = { 0 };
			str_add(&child, path);
			str_add(&child, index);
			j = walk(w, j, child.ptr, skip, special, true);
			free(child.ptr);
		}
		return j + 1;
	}
	case YAML_MAPPING_START_EVENT:
		return walk_mapping(w, i, path, skip, special);
	default:
		return i + 1;
	}
}

/* Every leaf of a parsed stream, with its path. */
static void find_leaves(walker *w, const events *es)
{
	memset(w, 0, sizeof *w);
	w->es = es;
	w->aliased = calloc(es->count + 1, sizeof *w->aliased);
	if (!w->aliased)
		abort();
	mark_aliased(w);
	size_t documents = 0;
	for (size_t i = 0; i < es->count; i++)
		documents += es->v[i].type == YAML_DOCUMENT_START_EVENT;
	size_t d = 0;
	for (size_t i = 0; i < es->count;) {
		if (es->v[i].type != YAML_DOCUMENT_START_EVENT) {
			i++;
			continue;
		}
		char prefix[32] = "";
		if (documents > 1)
			snprintf(prefix, sizeof prefix, "@%zu", d);
		d++;
		i = walk(w, i + 1, prefix, NULL, NULL, false);
	}
}

static void leaves_free(walker *w)
{
	for (size_t i = 0; i < w->count; i++)
		free(w->leaves[i].path);
	free(w->leaves);
	free(w->aliased);
}

/* ------------------------------------------------------------------ */
/* Editing every leaf                                                   */

/* Counts by reason, for the summary. */
typedef struct tally {
	char reason[160];
	size_t count;
	char example[600];
} tally;

typedef struct tallies {
	tally v[32];
	size_t count;
} tallies;

static void tally_add(tallies *t, const char *reason, const char *example)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->v[i].reason, reason) == 0) {
			t->v[i].count++;
			return;
		}
	if (t->count == sizeof t->v / sizeof *t->v)
		return;
	tally *n = &t->v[t->count++];
	snprintf(n->reason, sizeof n->reason, "%s", reason);
	snprintf(n->example, sizeof n->example, "%s", example);
	n->count = 1;
}

static void tallies_print(const tallies *t, const char *what)
{
	for (size_t i = 0; i < t->count; i++)
		printf("  %s %5zu  %s  (e.g. %s)\n", what, t->v[i].count, t->v[i].reason, t->v[i].example);
}

typedef struct edit_stats {
	size_t cases, leaves, edited, unchanged;
	size_t kept_tree; /* edits whose tree was worked out without a parse (lib/yaml/replace.c) */
	tallies skipped, refused;
} edit_stats;

/* ------------------------------------------------------------------ */
/* The tree an edit leaves is the parse of its text                     */

static const char *mark_diff(const promote__ymark *a, const promote__ymark *b, const char *which, char *why,
	size_t n)
{
	if (a->offset == b->offset && a->line == b->line && a->column == b->column)
		return NULL;
	snprintf(why, n, "%s at byte %zu, %u:%u, the parse says byte %zu, %u:%u", which, a->offset, a->line, a->column,
		b->offset, b->line, b->column);
	return why;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* What differs between node `a` of the editor's tree and `b` of a fresh parse (NULL: nothing). */
static const char *node_diff(const promote__ynode *a, const promote__ynode *b, char *why, size_t n)
{
	if (!a || !b)
		return a == b ? NULL : "a node is missing";
	const char *d = mark_diff(&a->start, &b->start, "start", why, n);
	if (!d)
		d = mark_diff(&a->end, &b->end, "end", why, n);
	if (d)
		return d;
	if (a->type != b->type || a->style != b->style || a->flow != b->flow || a->in_flow != b->in_flow ||
		a->count != b->count || a->expanded != b->expanded || !same_text(a->tag, b->tag) ||
		!same_text(a->anchor, b->anchor))
		return "its type, style, tag, anchor or items differ";
	if (a->type == PROMOTE__YSCALAR && (a->length != b->length || memcmp(a->value, b->value, a->length) != 0))
		return "its value differs";
	if (a->type == PROMOTE__YALIAS && a->target->start.offset != b->target->start.offset)
		return "its alias points elsewhere";
	for (size_t i = 0; i < a->count; i++)
		if ((d = node_diff(a->items[i], b->items[i], why, n)))
			return d;
	return NULL;
}

/* The document's tree against a parse of its content. */
static const char *tree_diff(const promote_yaml_doc *doc, char *why, size_t n)
{
	promote__ydoc *fresh = NULL;
	if (promote__ydoc_parse(&fresh, doc->text, doc->size, doc->name, &doc->limits) != 0)
		return "the content does not parse";
	const char *d = fresh->count == doc->tree->count && fresh->has_aliases == doc->tree->has_aliases
		? NULL : "another number of documents";
	for (size_t i = 0; !d && i < fresh->count; i++)
		d = node_diff(doc->tree->documents[i], fresh->documents[i], why, n);
	promote__ydoc_free(fresh);
	return d;
}

static bool is_quoted(int style)
{
	return style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/*
 * Whether an untagged plain scalar reads as something other than a string or
 * a null, under YAML 1.2's core schema or YAML 1.1's types (doc/YAML.md: a
 * plain target of another type is quoted when it becomes a string, so that
 * the type change shows). Written from the specifications, independently of
 * the library's own judgement.
 */
static const char *const typed_patterns[] = {
	/* 1.2 core */
	"^(true|True|TRUE|false|False|FALSE)$",
	"^[-+]?[0-9]+$", "^0o[0-7]+$", "^0x[0-9a-fA-F]+$",
	"^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
	"^[-+]?\\.(inf|Inf|INF)$", "^\\.(nan|NaN|NAN)$",
	/* 1.1 */
	"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$",
	"^[-+]?0b[01_]+$", "^[-+]?0[0-7_]+$", "^[-+]?(0|[1-9][0-9_]*)$", "^[-+]?0x[0-9a-fA-F_]+$",
	"^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
	"^[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?$",
	"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
	"^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$",
	("^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\\.[0-9]*)?"
	 "([ \t]*Z|[ \t]*[-+][0-9][0-9]?(:[0-9][0-9])?)?$"),
};

static bool plain_is_typed(const event *ev)
{
	static regex_t compiled[sizeof typed_patterns / sizeof *typed_patterns];
	static bool ready;
	if (!ready) {
		for (size_t i = 0; i < sizeof typed_patterns / sizeof *typed_patterns; i++)
			if (regcomp(&compiled[i], typed_patterns[i], REG_EXTENDED | REG_NOSUB) != 0) {
				fprintf(stderr, "bad pattern %s\n", typed_patterns[i]);
				abort();
			}
		ready = true;
	}
	if (ev->style != YAML_PLAIN_SCALAR_STYLE || ev->tag || strlen(ev->value) != ev->length)
		return false;
	for (size_t i = 0; i < sizeof typed_patterns / sizeof *typed_patterns; i++)
		if (regexec(&compiled[i], ev->value, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* The edited scalar: same anchor and tag; the new value; the same style, or
 * plain turned quoted when the value needs quotes or the plain target was of
 * another type than string (doc/YAML.md). NULL or what is wrong. */
static const char *check_edited(const event *old, const event *now, const char *value, bool needs_quotes,
	char *why, size_t size)
{
	if (now->type != YAML_SCALAR_EVENT)
		return snprintf(why, size, "the scalar became a %s", event_name(now->type)), why;
	if (!same_str(old->anchor, now->anchor))
		return "its anchor changed";
	if (!same_str(old->tag, now->tag))
		return "its tag changed";
	/* Block scalars too: their chomping indicator follows the value (doc/YAML.md). */
	if (now->length != strlen(value) || memcmp(now->value, value, now->length) != 0) {
		snprintf(why, size, "its value is '%s', expected '%s'", show(now->value, now->length), value);
		return why;
	}
	if (now->style != old->style) {
		if (!(old->style == YAML_PLAIN_SCALAR_STYLE && is_quoted(now->style) &&
			    (needs_quotes || plain_is_typed(old)))) {
			snprintf(why, size, "its style changed from %s to %s", style_name(old->style),
				style_name(now->style));
			return why;
		}
	} else if (old->style == YAML_PLAIN_SCALAR_STYLE && needs_quotes) {
		return "it is still plain, but the value needs quotes";
	} else if (old->plain_implicit != now->plain_implicit || old->quoted_implicit != now->quoted_implicit) {
		return "its implicit-tag flags changed";
	}
	return NULL;
}

/* Set one leaf in a fresh document; check everything. */
static void edit_leaf(edit_stats *st, test_case *c, const events *before, const size_t *chars,
	size_t nchars, const leaf *l, const char *value, bool needs_quotes)
{
	const event *target = &before->v[l->event];
	promote_yaml_path *path = NULL;
	int rc = promote_yaml_path_compile(&path, l->path);
	if (rc) {
		failure("%s %s: path refused: %s", c->id, l->path, last_message());
		return;
	}
	promote_yaml_doc *doc = NULL;
	rc = promote_yaml_doc_parse(&doc, c->data, c->size, c->name, NULL);
	if (rc) {
		failure("%s: parse failed the second time: %s", c->id, last_message());
		promote_yaml_path_free(path);
		return;
	}
	char example[240];
	snprintf(example, sizeof example, "%s %s", c->id, l->path);

	/* The path names the leaf: get returns its value. */
	promote_buf got = PROMOTE_BUF_INIT;
	rc = promote_yaml_get(&got, doc, path);
	if (rc == 0 && (got.size != target->length || memcmp(got.ptr, target->value, got.size) != 0))
		failure("%s %s: get returned '%s', the scalar is '%s'", c->id, l->path, show(got.ptr, got.size),
			show(target->value, target->length));
	promote_buf_dispose(&got);
	int get_rc = rc;

	size_t old_size;
	const char *old = promote_yaml_doc_content(doc, &old_size);
	char *saved = xmalloc(old_size + 1);
	memcpy(saved, old, old_size + 1);

	const promote__ydoc *tree_before = doc->tree;
	rc = promote_yaml_set(doc, path, value, 0);
	size_t new_size;
	const char *now = promote_yaml_doc_content(doc, &new_size);
	if (rc) {
		const promote_error *e = promote_error_last();
		if (rc > 0 || e->code != rc)
			failure("%s %s: set returned %d with error code %d: %s", c->id, l->path, rc, e->code,
				show(e->message, strlen(e->message)));
		if (new_size != old_size || memcmp(now, saved, old_size) != 0)
			failure("%s %s: a refused set changed the content", c->id, l->path);
		/* An unusual key may be refused with a reason; PROMOTE_ERROR is the
		 * library's own "this is a bug" (an edit it made does not read back),
		 * but for the cases where libyaml refuses what the edit must write. */
		if ((rc == PROMOTE_ERROR || rc == PROMOTE_ENOTSUPPORTED) && c->edit_deviation) {
			c->edit_deviation->seen = true;
			char detail[600];
			snprintf(detail, sizeof detail, "%s: %s", example, show(e->message, strlen(e->message)));
			tally_add(&st->refused, "libyaml rejects the edited text (libyaml-deviations.txt)", detail);
		} else if (!l->special || rc == PROMOTE_ERROR) {
			failure("%s %s: set '%s' refused (%s): %s", c->id, l->path, value, promote_strerror(rc),
				show(e->message, strlen(e->message)));
		} else {
			char reason[160], detail[600];
			snprintf(reason, sizeof reason, "%s: %s", l->special, promote_strerror(rc));
			snprintf(detail, sizeof detail, "%s: %s", example, show(e->message, strlen(e->message)));
			tally_add(&st->refused, reason, detail);
		}
		goto done;
	}
	if (get_rc)
		failure("%s %s: get refused (%s) but set accepted the path", c->id, l->path,
			promote_strerror(get_rc));

	bool same_value = target->length == strlen(value) && memcmp(target->value, value, target->length) == 0;
	if (same_value) {
		st->unchanged++;
		if (new_size != old_size || memcmp(now, saved, old_size) != 0 || promote_yaml_doc_changed(doc))
			failure("%s %s: setting the value it already has changed the content", c->id, l->path);
		goto done;
	}
	st->edited++;
	if (!promote_yaml_doc_changed(doc))
		failure("%s %s: promote_yaml_doc_changed() is 0 after an edit", c->id, l->path);

	/* Bytes outside the scalar's span are untouched. A kept ('|+') block's
	 * trailing blank lines are its content even where libyaml's end mark
	 * stops short of them (at the end of the stream). */
	size_t start = byte_at(chars, nchars, target->start), end = byte_at(chars, nchars, target->end);
	if (target->style == YAML_LITERAL_SCALAR_STYLE || target->style == YAML_FOLDED_SCALAR_STYLE) {
		size_t e = end;
		while (e < old_size && (saved[e] == ' ' || saved[e] == '\t' || saved[e] == '\r' || saved[e] == '\n'))
			e++;
		if (e == old_size)
			end = e;
	}
	size_t suffix = old_size - end;
	if (new_size < start + suffix || memcmp(now, saved, start) != 0 ||
		memcmp(now + new_size - suffix, saved + end, suffix) != 0) {
		size_t p = 0;
		while (p < start && p < new_size && now[p] == saved[p])
			p++;
		failure("%s %s: bytes outside the scalar changed (span %zu..%zu, first difference at byte %zu): "
			"'%s' became '%s'", c->id, l->path, start, end, p, show(saved, old_size), show(now, new_size));
		goto done;
	}

	/* libyaml reads the same stream, but for that scalar. */
	events after;
	if (!events_parse(&after, now, new_size)) {
		failure("%s %s: libyaml refuses the result (%s): '%s'", c->id, l->path, after.error,
			show(now, new_size));
	} else if (after.count != before->count) {
		failure("%s %s: %zu events after the edit, %zu before: '%s'", c->id, l->path, after.count,
			before->count, show(now, new_size));
	} else {
		for (size_t i = 0; i < after.count; i++) {
			char why[400];
			const char *diff = i == l->event
				? check_edited(target, &after.v[i], value, needs_quotes, why, sizeof why)
				: event_diff(&before->v[i], &after.v[i]);
			if (diff) {
				failure("%s %s: set '%s': event %zu (%s, line %u) differs: %s; result: '%s'", c->id,
					l->path, value, i, event_name(before->v[i].type), before->v[i].line, diff,
					show(now + (start < new_size ? start : 0), new_size - (start < new_size ? start : 0)));
				break;
			}
		}
	}
	events_free(&after);

	/* The tree it keeps for the next edit is the one a parse of the new text makes, whether it parsed
	 * it or worked it out from the tree before. */
	char why[400];
	const char *diff = tree_diff(doc, why, sizeof why);
	st->kept_tree += doc->tree == tree_before;
	if (diff)
		failure("%s %s: set '%s': the tree %s is not the parse of the result: %s; result: '%s'", c->id,
			l->path, value, doc->tree == tree_before ? "worked out without a parse" : "parsed", diff,
			show(now, new_size));

	/* And the editor reads it back. */
	got = (promote_buf)PROMOTE_BUF_INIT;
	rc = promote_yaml_get(&got, doc, path);
	if (rc)
		failure("%s %s: get after set refused: %s", c->id, l->path, last_message());
	else if (got.size != strlen(value) || memcmp(got.ptr, value, got.size) != 0)
		failure("%s %s: get after set returned '%s', expected '%s'", c->id, l->path, show(got.ptr, got.size),
			value);
	promote_buf_dispose(&got);
done:
	free(saved);
	promote_yaml_doc_free(doc);
	promote_yaml_path_free(path);
}

static void edit_every_leaf(const char *value, bool needs_quotes)
{
	load_cases();
	edit_stats st;
	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < deviation_count; i++)
		deviations[i].seen = false;
	for (size_t i = 0; i < case_count; i++) {
		test_case *c = &cases[i];
		promote_yaml_doc *doc = NULL;
		if (promote_yaml_doc_parse(&doc, c->data, c->size, c->name, NULL) != 0)
			continue;
		promote_yaml_doc_free(doc);
		events es;
		if (!events_parse(&es, c->data, c->size)) {
			failure("%s: the editor parses it but libyaml does not (%s)", c->id, es.error);
			events_free(&es);
			continue;
		}
		st.cases++;
		size_t nchars;
		size_t *chars = char_offsets(c->data, c->size, &nchars);
		walker w;
		find_leaves(&w, &es);
		for (size_t l = 0; l < w.count; l++) {
			st.leaves++;
			char example[240];
			snprintf(example, sizeof example, "%s %s", c->id, w.leaves[l].path);
			if (w.leaves[l].skip)
				tally_add(&st.skipped, w.leaves[l].skip, example);
			else
				edit_leaf(&st, c, &es, chars, nchars, &w.leaves[l], value, needs_quotes);
		}
		leaves_free(&w);
		free(chars);
		events_free(&es);
	}
	size_t skipped = 0, refused = 0;
	for (size_t i = 0; i < st.skipped.count; i++)
		skipped += st.skipped.v[i].count;
	for (size_t i = 0; i < st.refused.count; i++)
		refused += st.refused.v[i].count;
	printf("yaml-test-suite, set every leaf to '%s': %zu cases, %zu leaves: %zu edited (%zu without parsing "
	       "the file again), %zu already had the value, %zu refused, %zu skipped\n", show(value, strlen(value)),
		st.cases, st.leaves, st.edited, st.kept_tree, st.unchanged, refused, skipped);
	/* Each run takes both ways: a scalar replaced in place, and a full parse. */
	if (st.kept_tree == 0 || st.kept_tree == st.edited)
		failure("'%s': %zu of %zu edits kept their tree without a parse; both ways are expected", value,
			st.kept_tree, st.edited);
	tallies_print(&st.refused, "refused");
	tallies_print(&st.skipped, "skipped");
	/* A value that needs quotes is quoted: there, the listed cases must still be refused. */
	for (size_t i = 0; i < deviation_count && needs_quotes; i++)
		if (deviations[i].kind == EDITS && !deviations[i].seen)
			failure("%s: listed as 'edits' in libyaml-deviations.txt ('%s') but no edit was refused: remove it",
				deviations[i].id, deviations[i].reason);
	end_test("edits");
}

static void test_set_every_leaf_plain(void **state)
{
	(void)state;
	edit_every_leaf("promoted-7", false);
}

static void test_set_every_leaf_needing_quotes(void **state)
{
	(void)state;
	edit_every_leaf("a: b #c", true);
}

/* Longer than the 1024 characters of a simple key, in characters of two bytes: positions after it move
 * by other counts of bytes and of characters. */
static void test_set_every_leaf_long(void **state)
{
	(void)state;
	static char value[2 * 1100 + 1];
	for (size_t i = 0; i < 1100; i++)
		memcpy(value + 2 * i, "\xC3\xBC", 2);
	edit_every_leaf(value, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_cases_round_trip),
		cmocka_unit_test(test_error_cases_refused),
		cmocka_unit_test(test_set_every_leaf_plain),
		cmocka_unit_test(test_set_every_leaf_needing_quotes),
		cmocka_unit_test(test_set_every_leaf_long),
	};
	int rc = cmocka_run_group_tests_name("yaml-test-suite", tests, helpers_init, helpers_shutdown);
	for (size_t i = 0; i < case_count; i++)
		free(cases[i].data);
	free(cases);
	free(deviations);
	return rc;
}
