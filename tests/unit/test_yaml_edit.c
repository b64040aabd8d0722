/* The YAML editor through the public API: exact bytes after each edit. */
#include "helpers.h"

static promote_yaml_doc *parse(const char *text)
{
	promote_yaml_doc *doc = NULL;
	if (promote_yaml_doc_parse(&doc, text, strlen(text), "t.yaml", NULL))
		fail_msg("parse: %s", promote_error_last()->message);
	return doc;
}

static promote_yaml_path *path_of(const char *text)
{
	promote_yaml_path *p = NULL;
	if (promote_yaml_path_compile(&p, text))
		fail_msg("path: %s", promote_error_last()->message);
	return p;
}

/* Set `path` to `value` in `before`; the content must then be `after`. */
static void assert_set(const char *before, const char *path, const char *value, unsigned flags, const char *after)
{
	promote_yaml_doc *doc = parse(before);
	promote_yaml_path *p = path_of(path);
	int rc = promote_yaml_set(doc, p, value, flags);
	if (rc)
		fail_msg("set %s=%s: %s", path, value, promote_error_last()->message);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), after);
	assert_int_equal(promote_yaml_doc_changed(doc), strcmp(before, after) != 0);
	if (!(flags & PROMOTE_YAML_TYPED)) {
		promote_buf got = PROMOTE_BUF_INIT;
		assert_int_equal(promote_yaml_get(&got, doc, p), 0);
		assert_string_equal(got.ptr, value);
		promote_buf_dispose(&got);
	}
	promote_yaml_path_free(p);
	promote_yaml_doc_free(doc);
}

/* The edit must fail with `code` and a message containing `fragment`; nothing changes. */
static void assert_refused(const char *before, const char *path, const char *value, unsigned flags, int code,
	const char *fragment)
{
	promote_yaml_doc *doc = parse(before);
	promote_yaml_path *p = path_of(path);
	assert_int_equal(promote_yaml_set(doc, p, value, flags), code);
	if (!strstr(promote_error_last()->message, fragment))
		fail_msg("'%s' not in '%s'", fragment, promote_error_last()->message);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), before);
	assert_int_equal(promote_yaml_doc_changed(doc), 0);
	promote_yaml_path_free(p);
	promote_yaml_doc_free(doc);
}

static void test_styles_are_kept(void **state)
{
	(void)state;
	assert_set("a: \"v1\" # keep\n", "a", "v2", 0, "a: \"v2\" # keep\n");
	assert_set("a: 'v1'\n", "a", "it's", 0, "a: 'it''s'\n");
	assert_set("a: 'v1'\n", "a", "two\nlines", 0, "a: \"two\\nlines\"\n");
	assert_set("a: v1\n", "a", "v2", 0, "a: v2\n");
	assert_set("a: v1\n", "a", "1.10", 0, "a: \"1.10\"\n");
	assert_set("a: 1.0\n", "a", "1.10", 0, "a: 1.10\n");
	assert_set("n: 3\n", "n", "4", 0, "n: 4\n");
	assert_set("n: 3\n", "n", "four", 0, "n: \"four\"\n");
	assert_set("a:\nb: 1\n", "a", "x", 0, "a: x\nb: 1\n");
	assert_set("a: ~\n", "a", "x", 0, "a: x\n");
	assert_set("a: \"x\"\n", "a", "q\"\\\t", 0, "a: \"q\\\"\\\\\\t\"\n");
	assert_set("l: [a, b]\n", "l[1]", "c, d", 0, "l: [a, \"c, d\"]\n");
	assert_set("a: &x v1\n", "a", "v2", 0, "a: &x v2\n");
	assert_set("a: !!str v1\n", "a", "true", 0, "a: !!str true\n");
}

static void test_block_scalars(void **state)
{
	(void)state;
	assert_set("s: |\n  one\n  two\nk: 1\n", "s", "x\ny\n", 0, "s: |\n  x\n  y\nk: 1\n");
	assert_set("s: |\n  one\nk: 1\n", "s", "x\ny", 0, "s: |-\n  x\n  y\nk: 1\n");
	assert_set("s: >-\n    folded\n    text\n\n# c\nk: 1\n", "s", "a\nb", 0, "s: >-\n    a\n\n    b\n\n# c\nk: 1\n");
	assert_set("s: | # why\n  a\n", "s", "b\n", 0, "s: | # why\n  b\n");
	/* Not writable as a block (a first line starting with a space): one quoted line. */
	assert_set("s: |\n  a\nk: 1\n", "s", " indented", 0, "s: \" indented\"\nk: 1\n");
	/* Line breaks alone are kept content ('+'), one empty line each. */
	assert_set("s: |\n  a\nk: 1\n", "s", "\n\n", 0, "s: |+\n\n\nk: 1\n");
	assert_set("s: >\n  a\nk: 1\n", "s", "\n", 0, "s: >+\n\nk: 1\n");
	/* Kept content would take in the blank line after it: quoted instead. */
	assert_set("s: |\n  a\n\nk: 1\n", "s", "b\n\n", 0, "s: \"b\\n\\n\"\n\nk: 1\n");
	assert_set("- >\n \n \n-", "[0]", "\n", 0, "- \"\\n\"\n \n \n-");
}

static void test_bytes_elsewhere_survive(void **state)
{
	(void)state;
	assert_set("\xEF\xBB\xBF" "a: 1\r\nb: x\r\n", "b", "z", 0, "\xEF\xBB\xBF" "a: 1\r\nb: z\r\n");
	assert_set("a: 1  \nb: x", "b", "z", 0, "a: 1  \nb: z");
	assert_set("# head\n---\na: x\n...\n", "a", "z", 0, "# head\n---\na: z\n...\n");
	assert_set("k\xC3\xA9: \"\xE2\x82\xAC\"\nb: x # \xC3\xBC\n", "b", "\xC3\xB6", 0,
		"k\xC3\xA9: \"\xE2\x82\xAC\"\nb: \xC3\xB6 # \xC3\xBC\n");
	assert_set("a:\n- x\n-   v   # c\n", "a[-1]", "z", 0, "a:\n- x\n-   z   # c\n");
}

static void test_paths(void **state)
{
	(void)state;
	assert_set("images:\n- name: a\n  newTag: 1\n- name: web\n  newTag: 2\n", "images[name=web].newTag", "3", 0,
		"images:\n- name: a\n  newTag: 1\n- name: web\n  newTag: 3\n");
	assert_set("a.b: {c: 1}\n", "[\"a.b\"].c", "2", 0, "a.b: {c: 2}\n");
	assert_set("'x y': 1\n", "['x y']", "2", 0, "'x y': 2\n");
	assert_set("- a: 1\n- a: 2\n", "[1].a", "3", 0, "- a: 1\n- a: 3\n");
	assert_set("m:\n  \"0\": x\n", "m.0", "w", 0, "m:\n  \"0\": w\n");
	assert_set("l:\n- x\n", "l.0", "w", 0, "l:\n- w\n");
	/* y is a boolean to YAML 1.1 readers: a string target quotes it. */
	assert_set("a: x\n", "a", "y", 0, "a: \"y\"\n");
	assert_set("a: 1\n---\na: 2\n", "@1.a", "3", 0, "a: 1\n---\na: 3\n");
	assert_set("a: 1\n---\nb: 2\n", "b", "3", 0, "a: 1\n---\nb: 3\n");
	assert_refused("a: 1\n---\na: 2\n", "a", "3", 0, PROMOTE_EINVALID, "matches in 2 of the file's 2 documents");
	/* A document chosen by a field: the first whose metadata.name is b; a key created there. */
	const char *apps = "metadata: {name: a}\nspec: {v: 1}\n---\nmetadata:\n  name: b\nspec:\n  v: 1\n";
	assert_set(apps, "@[metadata.name=b].spec.v", "2", 0,
		"metadata: {name: a}\nspec: {v: 1}\n---\nmetadata:\n  name: b\nspec:\n  v: 2\n");
	assert_set(apps, "@[metadata.name=a]spec.v", "3", 0,
		"metadata: {name: a}\nspec: {v: 3}\n---\nmetadata:\n  name: b\nspec:\n  v: 1\n");
	assert_set(apps, "@[metadata.name=\"b\"].spec.w", "x", PROMOTE_YAML_CREATE,
		"metadata: {name: a}\nspec: {v: 1}\n---\nmetadata:\n  name: b\nspec:\n  v: 1\n  w: x\n");
	assert_refused(apps, "@[metadata.name=c].spec.v", "2", PROMOTE_YAML_CREATE, PROMOTE_ENOTFOUND,
		"no document of the file has metadata.name: c, and a document is never created");
	assert_refused(apps, "@[metadata.name=c].spec.v", "2", 0, PROMOTE_ENOTFOUND,
		"t.yaml:1:1: YAML path '@[metadata.name=c].spec.v' not found: none of the file's 2 documents has "
		"metadata.name: c");
	assert_refused("image:\n  tag: v1\n", "image.tagg", "v2", 0, PROMOTE_ENOTFOUND,
		"t.yaml:2:3: YAML path 'image.tagg' not found: 'image' matched here, but it has no key 'tagg' (did you mean 'tag'?)");
	assert_refused("l: [1]\n", "l[3]", "v", 0, PROMOTE_ENOTFOUND, "it has 1 items, no index 3");
	assert_refused("a: {b: 1}\n", "a", "v", 0, PROMOTE_EINVALID, "is a mapping, not a scalar");
}

static void test_path_syntax_errors(void **state)
{
	(void)state;
	const char *bad[] = { "", "a..b", "a.", "a[", "a[x", "[\"unclosed]", "a]b", "@x.a", "@1", "a[=1]", "@[0].a",
		"@[a=b]", "@[a..b=c].d", "@[@1.a=b].c" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		promote_yaml_path *p = (promote_yaml_path *)1;
		assert_int_equal(promote_yaml_path_compile(&p, bad[i]), PROMOTE_EINVALID);
		assert_null(p);
		assert_non_null(strstr(promote_error_last()->message, "column"));
	}
	promote_yaml_path *p = path_of("a\\.b[name=\"x]\"].c");
	assert_string_equal(promote_yaml_path_text(p), "a\\.b[name=\"x]\"].c");
	promote_yaml_path_free(p);
}

static void test_create(void **state)
{
	(void)state;
	assert_set("kind: K\nresources:\n- a\n", "images[name=web].newTag", "1.2", PROMOTE_YAML_CREATE,
		"kind: K\nresources:\n- a\nimages:\n- name: web\n  newTag: \"1.2\"\n");
	assert_set("kind: K\nresources:\n  - a\n", "images[name=web].newTag", "v1", PROMOTE_YAML_CREATE,
		"kind: K\nresources:\n  - a\nimages:\n  - name: web\n    newTag: v1\n");
	assert_set("images:\n- name: a\n  newTag: v1\n", "images[name=b].newTag", "v2", PROMOTE_YAML_CREATE,
		"images:\n- name: a\n  newTag: v1\n- name: b\n  newTag: v2\n");
	/* The item's own field as the path's last key: written once (a helmfile's helmfiles[path=P].path). */
	assert_set("helmfiles:\n- path: a\n", "helmfiles[path=h/b.yaml].path", "h/b.yaml", PROMOTE_YAML_CREATE,
		"helmfiles:\n- path: a\n- path: h/b.yaml\n");
	assert_set("h: [{path: a}]\n", "h[path=b].path", "b", PROMOTE_YAML_CREATE, "h: [{path: a}, {path: b}]\n");
	assert_set("image:\n    repo: x\n", "image.tag", "v1", PROMOTE_YAML_CREATE, "image:\n    repo: x\n    tag: v1\n");
	assert_set("a:\n  b: 1\nc: 2\n", "a.d.e", "x", PROMOTE_YAML_CREATE, "a:\n  b: 1\n  d:\n    e: x\nc: 2\n");
	/* No sequence in the file to follow: items are indented by the step. */
	assert_set("images:\nz: 1\n", "images[name=w].t", "v", PROMOTE_YAML_CREATE, "images:\n  - name: w\n    t: v\nz: 1\n");
	assert_set("m: {}\n", "m.k", "v", PROMOTE_YAML_CREATE, "m: {k: v}\n");
	assert_set("m: {a: 1}\n", "m.k.j", "v", PROMOTE_YAML_CREATE, "m: {a: 1, k: {j: v}}\n");
	assert_set("a: 1", "b", "2", PROMOTE_YAML_CREATE, "a: 1\nb: \"2\""); /* still no final line break */
	assert_set("a: 1\r\n", "b", "x", PROMOTE_YAML_CREATE, "a: 1\r\nb: x\r\n");
	assert_refused("l: [1]\n", "l[4]", "v", PROMOTE_YAML_CREATE, PROMOTE_ENOTFOUND, "an index names no item to create");
	assert_refused("a: 1\n---\nb: 2\n", "c", "v", PROMOTE_YAML_CREATE, PROMOTE_EINVALID, "select the one to create it in");
	assert_refused("a: x\n", "a.b", "v", PROMOTE_YAML_CREATE, PROMOTE_ENOTFOUND, "cannot be created");
}

static void test_typed(void **state)
{
	(void)state;
	assert_set("n: \"3\"\n", "n", "4", PROMOTE_YAML_TYPED, "n: 4\n");
	assert_set("l: [a]\n", "l", "[b, c]", PROMOTE_YAML_TYPED, "l: [b, c]\n");
	assert_set("x: 1\n", "x", "{a: 1}", PROMOTE_YAML_TYPED, "x: {a: 1}\n");
	assert_refused("x: 1\n", "x", "a: b", PROMOTE_YAML_TYPED, PROMOTE_EINVALID, "must be one scalar or flow collection");
	assert_refused("x: 1\n", "x", "[a", PROMOTE_YAML_TYPED, PROMOTE_EINVALID, "is not YAML");
	assert_refused("x: |\n  a\n", "x", "1", PROMOTE_YAML_TYPED, PROMOTE_EINVALID, "block scalar");
	/* A comment after the value is the caller's mistake, not a failed edit. */
	assert_refused("x: 1 # c\n", "x", "2 # d", PROMOTE_YAML_TYPED, PROMOTE_EINVALID, "ends in a comment ('# d')");
	assert_refused("x: 1\n", "x", "[a] #", PROMOTE_YAML_TYPED, PROMOTE_EINVALID, "ends in a comment ('#')");
	assert_set("x: 1 # c\n", "x", "2 ...", PROMOTE_YAML_TYPED, "x: 2 ... # c\n");
}

static void test_anchors(void **state)
{
	(void)state;
	const char *yaml = "base: &b {tag: v1}\nprod: *b\n";
	assert_refused(yaml, "prod.tag", "v2", 0, PROMOTE_EINVALID, "reached through an alias");
	assert_refused(yaml, "base.tag", "v2", 0, PROMOTE_EINVALID, "anchored and used by an alias");
	assert_set(yaml, "prod.tag", "v2", PROMOTE_YAML_EDIT_ANCHORS, "base: &b {tag: v2}\nprod: *b\n");
	/* An anchor nobody refers to is an ordinary node. */
	assert_set("base: &b {tag: v1}\n", "base.tag", "v2", 0, "base: &b {tag: v2}\n");
}

static void test_set_many_is_all_or_nothing(void **state)
{
	(void)state;
	promote_yaml_doc *doc = parse("a: 1\nb: 2\n");
	promote_yaml_path *pa = path_of("a"), *pb = path_of("b"), *pc = path_of("c.d"), *pa2 = path_of("a");
	const promote_yaml_path *paths[] = { pa, pb, pc };
	const char *values[] = { "10", "20", "x" };
	assert_int_equal(promote_yaml_set_many(doc, paths, values, 2, 0), 0);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "a: 10\nb: 20\n");
	/* One missing path: nothing applied. */
	const char *values2[] = { "11", "21", "x" };
	assert_int_equal(promote_yaml_set_many(doc, paths, values2, 3, 0), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "a: 10\nb: 20\n");
	/* With creation: applied together, or undone together. */
	assert_int_equal(promote_yaml_set_many(doc, paths, values2, 3, PROMOTE_YAML_CREATE), 0);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "a: 11\nb: 21\nc:\n  d: x\n");
	const promote_yaml_path *twice[] = { pa, pa2 };
	const char *v3[] = { "1", "2" };
	assert_int_equal(promote_yaml_set_many(doc, twice, v3, 2, 0), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "two edits change the same bytes"));
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "a: 11\nb: 21\nc:\n  d: x\n");
	promote_yaml_path_free(pa);
	promote_yaml_path_free(pb);
	promote_yaml_path_free(pc);
	promote_yaml_path_free(pa2);
	promote_yaml_doc_free(doc);
}

static void assert_delete(const char *before, const char *path, const char *after)
{
	promote_yaml_doc *doc = parse(before);
	promote_yaml_path *p = path_of(path);
	if (promote_yaml_delete(doc, p, 0))
		fail_msg("delete %s: %s", path, promote_error_last()->message);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), after);
	promote_yaml_path_free(p);
	promote_yaml_doc_free(doc);
}

static void test_delete(void **state)
{
	(void)state;
	assert_delete("a: 1 # one\nb: 2\nc: 3\n", "a", "b: 2\nc: 3\n");
	assert_delete("a: 1\nb:\n  x: 1\n  y: 2\nc: 3\n", "b", "a: 1\nc: 3\n");
	assert_delete("a: 1\nb: 2", "b", "a: 1\n");
	assert_delete("l:\n- name: x\n  tag: 1\n", "l[0].name", "l:\n- tag: 1\n");
	assert_delete("l:\n- a\n- b\n- c\n", "l[1]", "l:\n- a\n- c\n");
	assert_delete("l:\n- a\nk: 1\n", "l[0]", "l: []\nk: 1\n");
	assert_delete("m:\n  only: 1\nk: 1\n", "m.only", "m: {}\nk: 1\n");
	assert_delete("m: {a: 1, b: 2, c: 3}\n", "m.b", "m: {a: 1, c: 3}\n");
	assert_delete("m: {a: 1, b: 2}\n", "m.b", "m: {a: 1}\n");
	assert_delete("l: [1, 2, 3]\n", "l[0]", "l: [2, 3]\n");
	assert_delete("l:\n- name: x\n  tag: 1\n- name: y\n", "l[name=x].name", "l:\n- tag: 1\n- name: y\n");
}

static void test_copy(void **state)
{
	(void)state;
	promote_yaml_doc *src = parse("image:\n  tag: 1.2.3\nres:\n  limits:\n    cpu: 1\n");
	promote_yaml_doc *dst = parse("image:\n  tag: \"1.0.0\" # pinned\nres:\n    limits: {cpu: 2}\n");
	promote_yaml_path *tag = path_of("image.tag"), *res = path_of("res");
	assert_int_equal(promote_yaml_copy(dst, tag, src, tag, 0), 0);
	assert_string_equal(promote_yaml_doc_content(dst, NULL),
		"image:\n  tag: \"1.2.3\" # pinned\nres:\n    limits: {cpu: 2}\n");
	assert_int_equal(promote_yaml_copy(dst, res, src, res, 0), 0);
	assert_string_equal(promote_yaml_doc_content(dst, NULL),
		"image:\n  tag: \"1.2.3\" # pinned\nres:\n    limits:\n      cpu: 1\n");
	promote_yaml_path_free(tag);
	promote_yaml_path_free(res);
	promote_yaml_doc_free(src);
	promote_yaml_doc_free(dst);
}

static void test_image_policy(void **state)
{
	(void)state;
	promote_yaml_doc *doc = parse(
		"image: a:1 # {\"$imagepolicy\": \"ns:web\"}\n"
		"name: a # {\"$imagepolicy\": \"ns:web:name\"}\n"
		"tag: \"1\" # {\"$imagepolicy\": \"ns:web:tag\"}\n"
		"other: b:1 # {\"$imagepolicy\": \"ns:webx\"}\n");
	size_t changed = 99;
	assert_int_equal(promote_yaml_set_image_policy(doc, "ns:web", "reg.io/a:2", &changed), 0);
	assert_int_equal(changed, 3);
	assert_string_equal(promote_yaml_doc_content(doc, NULL),
		"image: reg.io/a:2 # {\"$imagepolicy\": \"ns:web\"}\n"
		"name: reg.io/a # {\"$imagepolicy\": \"ns:web:name\"}\n"
		"tag: \"2\" # {\"$imagepolicy\": \"ns:web:tag\"}\n"
		"other: b:1 # {\"$imagepolicy\": \"ns:webx\"}\n");
	assert_int_equal(promote_yaml_set_image_policy(doc, "ns:web", "reg.io/a:2", &changed), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(promote_yaml_set_image_policy(doc, "ns:web", "reg.io/a", &changed), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "asks for the tag"));
	promote_yaml_doc_free(doc);
}

static void test_bounds_and_input(void **state)
{
	(void)state;
	promote_yaml_options opts = PROMOTE_YAML_OPTIONS_INIT;
	opts.max_size = 8;
	promote_yaml_doc *doc = (promote_yaml_doc *)1;
	assert_int_equal(promote_yaml_doc_parse(&doc, "a: 123456789\n", 13, "big.yaml", &opts), PROMOTE_ELIMIT);
	assert_null(doc);
	opts.max_size = 0;
	opts.version = 99;
	assert_int_equal(promote_yaml_doc_parse(&doc, "a: 1\n", 5, NULL, &opts), PROMOTE_EVERSION);
	assert_int_equal(promote_yaml_doc_parse(&doc, "a: [\n", 5, "bad.yaml", NULL), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->file, "bad.yaml");
	assert_true(promote_error_last()->line >= 1);
	assert_int_equal(promote_yaml_doc_read(&doc, "/nonexistent.yaml", NULL), PROMOTE_ENOTFOUND);
	doc = parse("a: x\n");
	promote_yaml_path *p = path_of("a");
	assert_int_equal(promote_yaml_set(doc, p, "\xC3\x28", 0), PROMOTE_EINVALID); /* not UTF-8 */
	assert_int_equal(promote_yaml_doc_count(doc), 1);
	promote_yaml_path_free(p);
	promote_yaml_doc_free(doc);
}

/* A scalar replaced by a scalar keeps its tree without a parse of the whole file (lib/yaml/replace.c): what
 * that parse refused is refused the same, and the document is left as it was. */
static void test_scalar_replaced_in_place_refuses_the_same(void **state)
{
	(void)state;
	promote_yaml_options opts = PROMOTE_YAML_OPTIONS_INIT;
	opts.max_size = 37;
	const char *text = "image:\n  tag: \"1.2.3\"  # the tag\n"; /* 33 bytes */
	promote_yaml_doc *doc = NULL;
	assert_int_equal(promote_yaml_doc_parse(&doc, text, strlen(text), "small.yaml", &opts), 0);
	promote_yaml_path *p = path_of("image.tag");
	/* One byte past the bound: refused as the parse of the edited text refuses it. */
	assert_int_equal(promote_yaml_set(doc, p, "1.2.3-rc.1", 0), PROMOTE_ELIMIT);
	assert_string_equal(promote_error_last()->message,
		"small.yaml: the edited file would cross a bound (small.yaml: the file has 38 bytes, more than the limit of 37; "
		"raise the limit or split the file); nothing was written: raise the limit");
	assert_string_equal(promote_yaml_doc_content(doc, NULL), text);
	/* At the bound: written. */
	assert_int_equal(promote_yaml_set(doc, p, "1.2.3-rc.", 0), 0);
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "image:\n  tag: \"1.2.3-rc.\"  # the tag\n");
	/* A value that is not UTF-8: refused, nothing changed. */
	assert_int_equal(promote_yaml_set(doc, p, "1.\xC3\x28", 0), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message, "the value for 'image.tag' is not valid UTF-8; YAML files hold "
		"UTF-8 text");
	assert_string_equal(promote_yaml_doc_content(doc, NULL), "image:\n  tag: \"1.2.3-rc.\"  # the tag\n");
	promote_yaml_path_free(p);
	promote_yaml_doc_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_styles_are_kept),
		cmocka_unit_test(test_scalar_replaced_in_place_refuses_the_same),
		cmocka_unit_test(test_block_scalars),
		cmocka_unit_test(test_bytes_elsewhere_survive),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_path_syntax_errors),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_set_many_is_all_or_nothing),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_image_policy),
		cmocka_unit_test(test_bounds_and_input),
	};
	return cmocka_run_group_tests_name("yaml edit", tests, helpers_init, helpers_shutdown);
}
