/* Reading an API's answer (lib/net/api_reply.c): the Link header's next page, the body as one JSON value. */
#include "helpers.h"

#include "net/api_reply.h"

static void next_is(const char *link, const char *expected)
{
	char *next = promote__link_next(link);
	if (expected) {
		assert_non_null(next);
		assert_string_equal(next, expected);
	} else {
		assert_null(next);
	}
	free(next);
}

static void test_link_next(void **state)
{
	(void)state;
	next_is("<https://h/x?page=2>; rel=\"next\", <https://h/x?page=9>; rel=\"last\"", "https://h/x?page=2");
	next_is("<https://h/x?page=1>; rel=\"prev\", <https://h/x?page=3>; rel=\"next\"", "https://h/x?page=3");
	next_is("<https://h/x?page=3>;rel=next", "https://h/x?page=3");
	next_is("<https://h/x?page=3>; rel=\"last next\"", "https://h/x?page=3");
	next_is("<https://h/x?page=1>; rel=\"prev\"", NULL);
	next_is("<https://h/x?page=1>; rel=\"nextpage\"", NULL);
	next_is("<https://h/x?page=1; rel=\"next\"", NULL); /* no closing '>' */
	next_is("", NULL);
	next_is(NULL, NULL);
}

static bool parses(const char *text, size_t size, int depth, json_object **out)
{
	promote_buf body = PROMOTE_BUF_INIT;
	body.ptr = malloc(size + 1);
	assert_non_null(body.ptr);
	memcpy(body.ptr, text, size);
	body.ptr[size] = '\0';
	body.size = size;
	body.reserved = size + 1; /* what was allocated: an empty body still owns its byte */
	bool ok = promote__api_parse_json(out, &body, depth);
	promote_buf_dispose(&body);
	return ok;
}

static void test_json(void **state)
{
	(void)state;
	json_object *o = NULL;
	assert_true(parses(" {\"a\": [1, 2]}\r\n", 16, 64, &o));
	assert_int_equal(json_object_array_length(json_object_object_get(o, "a")), 2);
	json_object_put(o);
	assert_true(parses("42", 2, 64, &o)); /* a number at the very end is complete */
	assert_int_equal(json_object_get_int(o), 42);
	json_object_put(o);
	assert_true(parses(" \n", 2, 64, &o));
	assert_null(o);
	assert_true(parses("", 0, 64, &o));
	assert_null(o);
	assert_false(parses("{} {}", 5, 64, &o)); /* two values */
	assert_null(o);
	assert_false(parses("{}\0x", 4, 64, &o)); /* a NUL inside */
	assert_false(parses("\0\0", 2, 64, &o));
	assert_false(parses("<html>", 6, 64, &o));
	assert_false(parses("{\"a\": ", 6, 64, &o)); /* cut short */
	assert_false(parses("[[[[]]]]", 8, 3, &o));  /* deeper than the bound */
	assert_true(parses("[[[]]]", 6, 3, &o));
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_next),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
