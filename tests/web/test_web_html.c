/* The web view's one escaping function (cli/web_html.c) on hostile values: what a page shows of a value is
 * that value's text, never markup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "web_html.h"

#include <string.h>

static char *escaped(const char *text)
{
	static web_buf buf;
	web_buf_dispose(&buf);
	web_html_text(&buf, text);
	return buf.ptr ? buf.ptr : "";
}

static void test_markup_becomes_text(void **state)
{
	(void)state;
	assert_string_equal(escaped("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	assert_string_equal(escaped("\"><img src=x onerror=alert(1)>"), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	assert_string_equal(escaped("a & b &amp; c"), "a &amp; b &amp;amp; c");
	assert_string_equal(escaped("plain 1.5.0 text, ü"), "plain 1.5.0 text, ü");
	assert_string_equal(escaped(""), "");
	assert_string_equal(escaped(NULL), "");
}

static void test_query_values_are_encoded_then_escaped(void **state)
{
	(void)state;
	web_buf buf = WEB_BUF_INIT;
	web_html_query(&buf, "a b/\"<c>&d=é");
	assert_string_equal(buf.ptr, "a%20b%2F%22%3Cc%3E%26d%3D%C3%A9");
	web_buf_dispose(&buf);
	web_html_query(&buf, "shop-1.5.0-abc_~");
	assert_string_equal(buf.ptr, "shop-1.5.0-abc_~");
	web_buf_dispose(&buf);
}

static void test_long_values_grow_the_buffer(void **state)
{
	(void)state;
	static char big[100001];
	memset(big, '<', sizeof big - 1);
	web_buf buf = WEB_BUF_INIT;
	web_html_text(&buf, big);
	assert_int_equal(buf.size, 4 * (sizeof big - 1));
	assert_false(buf.failed);
	assert_int_equal(strspn(buf.ptr, "&lt;"), buf.size);
	web_buf_dispose(&buf);
	escaped(NULL); /* let the static buffer go */
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_markup_becomes_text),
		cmocka_unit_test(test_query_values_are_encoded_then_escaped), cmocka_unit_test(test_long_values_grow_the_buffer) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
