/*
 * libFuzzer target for the surgical YAML editor (include/promote/yaml.h).
 *
 * Input format (tests/fuzz/README.md):
 *
 *   PATH '\n' VALUE '\0' YAML     edit PATH, setting VALUE
 *   PATH '\0' YAML                edit PATH, setting "v2"
 *   YAML                          (no NUL byte) edit a few fixed paths
 *
 * The document is parsed, then every operation runs on it in turn: get,
 * get_source, set (plain, typed, creating, through anchors), set_many,
 * copy, set_image_policy and delete. Besides crashes and sanitizer reports,
 * the target aborts when a contract of the API is broken:
 *   - a call returns anything but 0 or a negative code, or a code that
 *     differs from promote_error_last()->code;
 *   - a refused parse has no location (PROMOTE_EINVALID), or a parsed
 *     document's content differs from the input;
 *   - a refused edit changed the content;
 *   - a successful edit left content that does not parse again;
 *   - a successful plain set is not read back by get.
 *
 * tests/fuzz/replay.c runs the same function over the corpora as an ordinary
 * test; tests/fuzz/run-fuzz.sh runs libFuzzer.
 */
#include <promote.h>
#ifndef PROMOTE_YAML_H
#define PROMOTE_INSIDE
#include <promote/yaml.h>
#undef PROMOTE_INSIDE
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounds small enough that the limits are reached, and runs stay fast. */
static const promote_yaml_options options = { PROMOTE_YAML_OPTIONS_VERSION, 32, 1u << 20, 20000 };

#define NAME "fuzz.yaml"

static void broken(const char *op, const char *what, const char *path, int rc)
{
	const promote_error *e = promote_error_last();
	fprintf(stderr, "fuzz_yaml: contract broken: %s: %s (path '%s', rc %d; last error %d: %s)\n", op, what,
		path ? path : "", rc, e->code, e->message);
	abort();
}

/* FUZZ_YAML_STRICT=1: PROMOTE_ERROR, the editor's "an edit did not read
 * back; please report it", is a failure too (by default any negative code is
 * a valid answer). */
static bool strict(void)
{
	static int value = -1;
	if (value < 0) {
		const char *s = getenv("FUZZ_YAML_STRICT");
		value = s && *s && strcmp(s, "0") != 0;
	}
	return value;
}

/* rc is 0 or a negative code that promote_error_last() agrees with. */
static void check_rc(int rc, const char *op, const char *path)
{
	if (rc > 0)
		broken(op, "returned a positive value", path, rc);
	if (rc < 0 && promote_error_last()->code != rc)
		broken(op, "returned code differs from promote_error_last()->code", path, rc);
	if (rc == PROMOTE_ERROR && strict())
		broken(op, "PROMOTE_ERROR (FUZZ_YAML_STRICT)", path, rc);
}

static void check_parse_refusal(int rc)
{
	check_rc(rc, "parse", NULL);
	const promote_error *e = promote_error_last();
	if (rc != PROMOTE_EINVALID && rc != PROMOTE_ELIMIT && rc != PROMOTE_ENOMEM)
		broken("parse", "refused with an unexpected code", NULL, rc);
	if (rc == PROMOTE_EINVALID && (!e->file || strcmp(e->file, NAME) != 0 || e->line < 1 || e->column < 1))
		broken("parse", "a YAML error without file:line:column", NULL, rc);
}

/* A copy of the content before an edit, to compare with after. */
typedef struct snapshot {
	char *bytes;
	size_t size;
} snapshot;

static void take(snapshot *s, const promote_yaml_doc *doc)
{
	const char *c = promote_yaml_doc_content(doc, &s->size);
	s->bytes = malloc(s->size + 1);
	if (!s->bytes)
		abort();
	memcpy(s->bytes, c, s->size + 1);
}

static bool same(const snapshot *s, const promote_yaml_doc *doc)
{
	size_t size;
	const char *c = promote_yaml_doc_content(doc, &size);
	return size == s->size && memcmp(c, s->bytes, size) == 0;
}

/* The input as parsed: promote_yaml_doc_changed() compares with it. */
static snapshot original;

/* After an edit: refused → unchanged; accepted → the result parses again. */
static void after_edit(int rc, const char *op, const promote_yaml_doc *doc, const snapshot *before,
	const char *path)
{
	check_rc(rc, op, path);
	if (rc) {
		if (!same(before, doc))
			broken(op, "a refused edit changed the content", path, rc);
		return;
	}
	size_t size;
	const char *content = promote_yaml_doc_content(doc, &size);
	if (content[size] != '\0')
		broken(op, "content is not NUL-terminated", path, 0);
	if (!same(&original, doc) && !promote_yaml_doc_changed(doc))
		broken(op, "content differs from the input but promote_yaml_doc_changed() is 0", path, 0);
	promote_yaml_doc *again = NULL;
	int prc = promote_yaml_doc_parse(&again, content, size, NAME, &options);
	if (prc) {
		fprintf(stderr, "fuzz_yaml: after %s of '%s', the content does not parse:\n---\n%.*s\n---\n", op, path,
			(int)size, content);
		broken(op, "an accepted edit left YAML that does not parse", path, prc);
	}
	promote_yaml_doc_free(again);
}

static void try_get(const promote_yaml_doc *doc, const promote_yaml_path *path, const char *text)
{
	promote_buf buf = PROMOTE_BUF_INIT;
	int rc = promote_yaml_get(&buf, doc, path);
	check_rc(rc, "get", text);
	if (rc == 0 && (!buf.ptr || buf.ptr[buf.size] != '\0'))
		broken("get", "returned a buffer that is not NUL-terminated", text, rc);
	promote_buf_dispose(&buf);
	rc = promote_yaml_get_source(&buf, doc, path);
	check_rc(rc, "get_source", text);
	promote_buf_dispose(&buf);
}

static void try_set(promote_yaml_doc *doc, const promote_yaml_path *path, const char *text, const char *value,
	unsigned int flags)
{
	snapshot before;
	take(&before, doc);
	int rc = promote_yaml_set(doc, path, value, flags);
	after_edit(rc, "set", doc, &before, text);
	if (rc == 0 && !(flags & PROMOTE_YAML_TYPED)) {
		/* A string set is read back as is (unless the edit moved the
		 * node out of the path, as setting a [key=value] field does). */
		promote_buf buf = PROMOTE_BUF_INIT;
		int grc = promote_yaml_get(&buf, doc, path);
		check_rc(grc, "get after set", text);
		if (grc == 0 && strcmp(buf.ptr, value) != 0) {
			fprintf(stderr, "fuzz_yaml: set '%s' to '%s' (flags %u), get returns '%s'\n", text, value, flags,
				buf.ptr);
			broken("set", "get does not return the value just set", text, 0);
		}
		if (grc != 0 && grc != PROMOTE_ENOTFOUND)
			broken("set", "get after a successful set fails", text, grc);
		promote_buf_dispose(&buf);
	}
	free(before.bytes);
}

static void run_path(const char *yaml, size_t yaml_size, const char *text, const char *value)
{
	promote_yaml_path *path = NULL;
	int rc = promote_yaml_path_compile(&path, text);
	check_rc(rc, "path_compile", text);
	if (rc) {
		if (rc != PROMOTE_EINVALID && rc != PROMOTE_ELIMIT && rc != PROMOTE_ENOMEM)
			broken("path_compile", "refused with an unexpected code", text, rc);
		return;
	}
	if (strcmp(promote_yaml_path_text(path), text) != 0)
		broken("path_text", "differs from the text compiled", text, 0);

	promote_yaml_doc *doc = NULL;
	rc = promote_yaml_doc_parse(&doc, yaml, yaml_size, NAME, &options);
	if (rc) {
		check_parse_refusal(rc);
		promote_yaml_path_free(path);
		return;
	}
	size_t size;
	const char *content = promote_yaml_doc_content(doc, &size);
	if (size != yaml_size || memcmp(content, yaml, size) != 0)
		broken("parse", "content differs from the input", text, 0);
	(void)promote_yaml_doc_count(doc);
	take(&original, doc);

	/* A second document, to copy from. */
	promote_yaml_doc *src = NULL;
	if (promote_yaml_doc_parse(&src, yaml, yaml_size, "src.yaml", &options) != 0)
		broken("parse", "the same input parsed twice gives different results", text, 0);

	try_get(doc, path, text);
	try_set(doc, path, text, value, 0);
	try_set(doc, path, text, value, PROMOTE_YAML_TYPED);
	try_set(doc, path, text, value, PROMOTE_YAML_EDIT_ANCHORS);
	try_set(doc, path, text, value, PROMOTE_YAML_CREATE);
	try_set(doc, path, text, value, PROMOTE_YAML_CREATE | PROMOTE_YAML_TYPED);
	try_get(doc, path, text);

	snapshot before;
	take(&before, doc);
	const promote_yaml_path *paths[2] = { path, path };
	const char *values[2] = { "x1", "x2" };
	rc = promote_yaml_set_many(doc, paths, values, 2, 0);
	if (rc == 0)
		broken("set_many", "accepted two paths naming the same node", text, 0);
	after_edit(rc, "set_many", doc, &before, text);
	free(before.bytes);
	take(&before, doc);
	rc = promote_yaml_set_many(doc, paths, values, 1, PROMOTE_YAML_CREATE);
	after_edit(rc, "set_many", doc, &before, text);
	free(before.bytes);

	take(&before, doc);
	rc = promote_yaml_copy(doc, path, src, path, 0);
	after_edit(rc, "copy", doc, &before, text);
	free(before.bytes);
	take(&before, src);
	rc = promote_yaml_copy(src, path, doc, path, PROMOTE_YAML_CREATE);
	after_edit(rc, "copy", src, &before, text);
	free(before.bytes);

	take(&before, doc);
	size_t changed = 0;
	rc = promote_yaml_set_image_policy(doc, "flux-system:app", value, &changed);
	after_edit(rc, "set_image_policy", doc, &before, text);
	free(before.bytes);

	take(&before, doc);
	rc = promote_yaml_delete(doc, path, 0);
	after_edit(rc, "delete", doc, &before, text);
	free(before.bytes);
	take(&before, doc);
	rc = promote_yaml_delete(doc, path, PROMOTE_YAML_EDIT_ANCHORS);
	after_edit(rc, "delete", doc, &before, text);
	free(before.bytes);

	free(original.bytes);
	original.bytes = NULL;
	promote_yaml_doc_free(src);
	promote_yaml_doc_free(doc);
	promote_yaml_path_free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialized;
	if (!initialized) {
		if (promote_init() < 1)
			abort();
		initialized = true;
	}
	const char *bytes = (const char *)data;
	const char *nul = memchr(bytes, '\0', size);
	if (!nul) {
		static const char *const paths[] = { "a", "[0]", "a.b", "@-1[0].a" };
		for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
			run_path(bytes, size, paths[i], "v2");
		return 0;
	}
	/* The header: PATH, then optionally '\n' VALUE. */
	size_t header = (size_t)(nul - bytes);
	char *text = malloc(header + 1);
	if (!text)
		abort();
	memcpy(text, bytes, header);
	text[header] = '\0';
	char *value = strchr(text, '\n');
	if (value)
		*value++ = '\0';
	run_path(nul + 1, size - header - 1, text, value ? value : "v2");
	free(text);
	return 0;
}
