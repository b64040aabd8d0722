/* libcurl loaded by name when first needed (lib/net/curl_api.h, lib/core/dynlib.h). */
#include "helpers.h"

#include "core/error.h"
#include "net/curl_api.h"

#include <stdlib.h>
#include <string.h>

/* The build's libcurl: every function found, and they work (a URL parsed, a date read). */
static void test_loaded_functions_work(void **state)
{
	(void)state;
	const promote__curl_api *curl = promote__curl();
	assert_non_null(curl);
	assert_ptr_equal(curl, promote__curl()); /* once per process */
	CURLU *u = curl->url();
	assert_non_null(u);
	char *host = NULL;
	assert_int_equal(curl->url_set(u, CURLUPART_URL, "https://forge.example:8443/x.git", 0), CURLUE_OK);
	assert_int_equal(curl->url_get(u, CURLUPART_HOST, &host, 0), CURLUE_OK);
	assert_string_equal(host, "forge.example");
	curl->free(host);
	curl->url_cleanup(u);
	assert_int_equal((long long)curl->getdate("Wed, 21 Oct 2015 07:28:00 GMT", NULL), 1445412480LL);
}

/* A library that is not there: false, the table empty, and dlerror()'s words naming it. */
static void test_missing_library_says_which(void **state)
{
	(void)state;
	promote__curl_api api;
	memset(&api, 0xff, sizeof api);
	char why[512] = "";
	assert_false(promote__curl_load(&api, "libcurl-promote-test-none.so.9", why, sizeof why));
	assert_non_null(strstr(why, "libcurl-promote-test-none.so.9"));
	assert_null(api.easy_init);
	assert_null(api.getdate);
}

/* A library that is there but is not libcurl (zlib): the first function it lacks is named. */
static void test_library_without_the_functions(void **state)
{
	(void)state;
	promote__curl_api api;
	char why[512] = "";
	assert_false(promote__curl_load(&api, "libz.so.1", why, sizeof why));
	assert_string_equal(why, "it has no function curl_global_init");
	assert_null(api.global_init);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loaded_functions_work),
		cmocka_unit_test(test_missing_library_says_which),
		cmocka_unit_test(test_library_without_the_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
