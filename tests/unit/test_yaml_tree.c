/* The YAML tree: node spans, styles, aliases and the input bounds. */
#include "helpers.h"

#include "core/error.h"
#include "yaml/scalar.h"
#include "yaml/tree.h"

static const promote__ylimits limits = { 1 << 20, 64, 100000 };

static promote__ydoc *parse(const char *text)
{
	promote__ydoc *doc = NULL;
	int rc = promote__ydoc_parse(&doc, text, strlen(text), "t.yaml", &limits);
	if (rc)
		fail_msg("parse failed: %s", promote_error_last()->message);
	return doc;
}

static void test_spans_and_styles(void **state)
{
	(void)state;
	const char *text = "a: 1\nimage:\n  tag: \"v1\"  # the tag\n  name: 'web'\nlist:\n- x\n- |\n  block\n";
	promote__ydoc *doc = parse(text);
	assert_int_equal(doc->count, 1);
	const promote__ynode *root = doc->documents[0];
	assert_int_equal(root->type, PROMOTE__YMAPPING);
	assert_int_equal(promote__ymap_size(root), 3);
	const promote__ynode *image = promote__ynode_resolve(root->items[3]);
	const promote__ynode *tag = image->items[1];
	assert_string_equal(tag->value, "v1");
	assert_int_equal(tag->style, PROMOTE__YDOUBLE);
	assert_int_equal(tag->start.line, 3);
	assert_int_equal(tag->start.column, 8);
	/* The span covers the quotes: exactly the bytes an editor replaces. */
	assert_int_equal(tag->end.offset - tag->start.offset, 4);
	assert_memory_equal(text + tag->start.offset, "\"v1\"", 4);
	assert_int_equal(image->items[3]->style, PROMOTE__YSINGLE);
	const promote__ynode *list = root->items[5];
	assert_int_equal(list->type, PROMOTE__YSEQUENCE);
	assert_int_equal(list->items[1]->style, PROMOTE__YLITERAL);
	assert_string_equal(list->items[1]->value, "block\n");
	promote__ydoc_free(doc);
}

/* Spans are byte offsets, whatever libyaml counts: multi-byte characters, a
 * byte-order mark, CRLF line ends. */
static void test_byte_offsets(void **state)
{
	(void)state;
	static char text[8192];
	size_t used = (size_t)snprintf(text, sizeof text, "\xEF\xBB\xBFk\xC3\xA9: \"\xC3\xA9\xE2\x82\xAC\"\r\n");
	/* Enough multi-byte text to cross several conversion checkpoints. */
	for (int i = 0; i < 100; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "k%d: \xC3\xBC\xC3\xBC v%d \xF0\x9F\x98\x80\r\n", i, i);
	used += (size_t)snprintf(text + used, sizeof text - used, "last: value\r\n");
	promote__ydoc *doc = parse(text);
	const promote__ynode *root = doc->documents[0];
	const promote__ynode *first = root->items[1];
	assert_memory_equal(text + first->start.offset, "\"\xC3\xA9\xE2\x82\xAC\"", first->end.offset - first->start.offset);
	assert_int_equal(first->end.offset - first->start.offset, 7);
	for (size_t i = 0; i < root->count; i++) {
		if (i == 1)
			continue; /* the quoted one above */
		const promote__ynode *n = root->items[i];
		assert_int_equal(n->end.offset - n->start.offset, n->length); /* plain: span == value */
		assert_memory_equal(text + n->start.offset, n->value, n->length);
	}
	const promote__ynode *last = root->items[root->count - 1];
	assert_string_equal(last->value, "value");
	assert_memory_equal(text + last->start.offset, "value\r\n", 7);
	promote__ydoc_free(doc);
}

static void test_utf16_refused(void **state)
{
	(void)state;
	promote__ydoc *doc;
	assert_int_equal(promote__ydoc_parse(&doc, "\xFF\xFEk\0:\0", 6, "t.yaml", &limits), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "only UTF-8 is supported"));
}

static void test_multiple_documents_and_empty(void **state)
{
	(void)state;
	promote__ydoc *doc = parse("a: 1\n---\n- b\n---\n");
	assert_int_equal(doc->count, 3);
	assert_int_equal(doc->documents[1]->type, PROMOTE__YSEQUENCE);
	assert_true(promote__yscalar_is_null(doc->documents[2]));
	promote__ydoc_free(doc);
	doc = parse("");
	assert_int_equal(doc->count, 0);
	promote__ydoc_free(doc);
}

static void test_aliases_resolve(void **state)
{
	(void)state;
	promote__ydoc *doc = parse("base: &b {x: 1}\ncopy: *b\n");
	const promote__ynode *root = doc->documents[0];
	const promote__ynode *copy = root->items[3];
	assert_int_equal(copy->type, PROMOTE__YALIAS);
	assert_ptr_equal(promote__ynode_resolve(copy), root->items[1]);
	assert_string_equal(root->items[1]->anchor, "b");
	assert_int_equal(root->expanded, 1 + 1 + 3 + 1 + 3); /* root, keys, {x:1} twice */
	promote__ydoc_free(doc);
}

static void expect_error(const char *text, const promote__ylimits *l, int code, uint32_t line, uint32_t column,
	const char *fragment)
{
	promote__ydoc *doc = (promote__ydoc *)1;
	assert_int_equal(promote__ydoc_parse(&doc, text, strlen(text), "t.yaml", l), code);
	assert_null(doc);
	const promote_error *e = promote_error_last();
	assert_string_equal(e->file, "t.yaml");
	assert_int_equal(e->line, line);
	assert_int_equal(e->column, column);
	if (!strstr(e->message, fragment))
		fail_msg("'%s' not in '%s'", fragment, e->message);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("a: [1, 2\n", &limits, PROMOTE_EINVALID, 2, 1, "YAML syntax error");
	expect_error("a: *nope\n", &limits, PROMOTE_EINVALID, 1, 4, "alias '*nope' refers to no anchor");
	expect_error("a: b: c\n", &limits, PROMOTE_EINVALID, 1, 5, "mapping values are not allowed");
}

static void test_bounds(void **state)
{
	(void)state;
	promote__ylimits small = { 10, 2, 20 };
	expect_error("key: value-longer\n", &small, PROMOTE_ELIMIT, 0, 0, "more than the limit of 10");
	small.max_size = 1 << 20;
	expect_error("a: [[1]]\n", &small, PROMOTE_ELIMIT, 1, 5, "nested deeper than 2 levels");
	expect_error("a: &a [1, 2, 3, 4, 5, 6, 7, 8]\nb: [*a, *a]\n", &small, PROMOTE_ELIMIT, 2, 5,
		"more than 20 nodes once aliases are expanded");
	/* Deep nesting at the default bound is refused, not a crash. */
	static char deep[4096];
	memset(deep, '[', 2000);
	deep[2000] = '\0';
	expect_error(deep, &limits, PROMOTE_ELIMIT, 1, 65, "nested deeper than 64 levels");
}

/* Plain scalars' types: the words that start with a letter of no null or bool are strings at once; the
 * others are still looked at whole. */
static void test_plain_types(void **state)
{
	(void)state;
	static const struct { const char *text; promote__ytype type; } cases[] = {
		{ "replicaCount", PROMOTE__YT_STRING }, { "image", PROMOTE__YT_STRING }, { "Inf", PROMOTE__YT_STRING },
		{ "x1", PROMOTE__YT_STRING }, { "nodeSelector", PROMOTE__YT_STRING }, { "tag", PROMOTE__YT_STRING },
		{ "null", PROMOTE__YT_NULL }, { "Null", PROMOTE__YT_NULL }, { "~", PROMOTE__YT_NULL }, { "", PROMOTE__YT_NULL },
		{ "true", PROMOTE__YT_BOOL }, { "False", PROMOTE__YT_BOOL }, { "yes", PROMOTE__YT_BOOL },
		{ "Y", PROMOTE__YT_BOOL }, { "n", PROMOTE__YT_BOOL }, { "On", PROMOTE__YT_BOOL }, { "OFF", PROMOTE__YT_BOOL },
		{ "0x1F", PROMOTE__YT_INT }, { "-12", PROMOTE__YT_INT }, { "1:30", PROMOTE__YT_INT },
		{ ".inf", PROMOTE__YT_FLOAT }, { "-.NaN", PROMOTE__YT_FLOAT }, { "1.5e3", PROMOTE__YT_FLOAT },
		{ "2026-12-05", PROMOTE__YT_TIMESTAMP }, { "<<", PROMOTE__YT_SPECIAL }, { "=", PROMOTE__YT_SPECIAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (promote__yplain_type(cases[i].text, strlen(cases[i].text)) != cases[i].type)
			fail_msg("'%s': type %d, expected %d", cases[i].text,
				(int)promote__yplain_type(cases[i].text, strlen(cases[i].text)), (int)cases[i].type);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans_and_styles),
		cmocka_unit_test(test_byte_offsets),
		cmocka_unit_test(test_utf16_refused),
		cmocka_unit_test(test_multiple_documents_and_empty),
		cmocka_unit_test(test_aliases_resolve),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_plain_types),
	};
	return cmocka_run_group_tests_name("yaml tree", tests, NULL, NULL);
}
