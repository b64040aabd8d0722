/* Versioned option structs: defaults, older callers, newer versions refused, log callback. */
#include "helpers.h"

#include <stddef.h>

static void test_options_init(void **state)
{
	(void)state;
	promote_context_options opts;
	memset(&opts, 0xab, sizeof opts);
	assert_int_equal(promote_context_options_init(&opts, PROMOTE_CONTEXT_OPTIONS_VERSION), 0);
	promote_context_options expected = PROMOTE_CONTEXT_OPTIONS_INIT;
	assert_memory_equal(&opts, &expected, sizeof opts);
	assert_int_equal(opts.version, 5);
	assert_null(opts.clock_cb);
	assert_int_equal(opts.net_timeout, 0);
	assert_int_equal(opts.log_level, PROMOTE_LOG_INFO);
	assert_null(opts.cache_dir);
	assert_null(opts.credentials_cb);
	assert_null(opts.event_cb);
	assert_int_equal(promote_context_options_init(&opts, 0), PROMOTE_EVERSION);
	assert_int_equal(promote_context_options_init(&opts, PROMOTE_CONTEXT_OPTIONS_VERSION + 1), PROMOTE_EVERSION);
	assert_non_null(strstr(promote_error_last()->message, "is not known to libpromote"));
	assert_int_equal(promote_context_options_init(NULL, 1), PROMOTE_EINVALID);
}

/* A caller built against version 1 passes a struct that ends before cache_dir:
 * only that prefix is read. */
static void test_version_1_callers(void **state)
{
	(void)state;
	size_t v1_size = offsetof(promote_context_options, cache_dir);
	unsigned char *v1 = malloc(v1_size); /* exactly as long as a version-1 struct: ASan sees any overrun */
	/* Initialising it writes only what version 1 had. */
	assert_int_equal(promote_context_options_init((promote_context_options *)v1, 1), 0);
	uint32_t written_version;
	memcpy(&written_version, v1, sizeof written_version); /* the first member, read as such */
	assert_int_equal(written_version, 1);
	promote_context_options init = PROMOTE_CONTEXT_OPTIONS_INIT;
	init.version = 1;
	init.max_depth = 3;
	memcpy(v1, &init, v1_size);
	const char *deep = "version: 1\nenvironments: {dev: {path: envs/dev, labels: {a: b}}}\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, deep, strlen(deep), "v1.yaml", (const promote_context_options *)v1),
		PROMOTE_ELIMIT); /* its max_depth was honoured */
	free(v1);
	/* Versions 2, 3 and 4 ended before the credentials callback, the event callback and the clock:
	 * each is exactly as long as it was, initialised and read only that far. */
	const size_t sizes[] = { offsetof(promote_context_options, credentials_cb),
		offsetof(promote_context_options, event_cb), offsetof(promote_context_options, clock_cb) };
	const char *flat = "version: 1\nenvironments: {dev: {path: envs/dev}}\n";
	for (unsigned version = 2; version <= 4; version++) {
		unsigned char *old = malloc(sizes[version - 2]);
		assert_int_equal(promote_context_options_init((promote_context_options *)old, version), 0);
		assert_int_equal(promote_context_open_buffer(&ctx, flat, strlen(flat), "old.yaml",
			(const promote_context_options *)old), 0);
		promote_context_free(ctx);
		free(old);
	}
}

static void test_newer_options_refused(void **state)
{
	(void)state;
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.version = PROMOTE_CONTEXT_OPTIONS_VERSION + 1;
	const char *yaml = "version: 1\nenvironments: {dev: {path: envs/dev}}\n";
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), NULL, &opts), PROMOTE_EVERSION);
	assert_null(ctx);
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_INVALID);
}

typedef struct log_capture {
	int calls;
	int last_level;
	char domain[32];
	char message[256];
} log_capture;

static void capture(int level, const char *domain, const char *message, void *payload)
{
	log_capture *c = payload;
	c->calls++;
	c->last_level = level;
	snprintf(c->domain, sizeof c->domain, "%s", domain);
	snprintf(c->message, sizeof c->message, "%s", message);
}

static void test_log_callback_and_level(void **state)
{
	(void)state;
	const char *yaml = "version: 1\nenvironments: {dev: {path: envs/dev}, qa: {path: envs/qa}}\n";
	log_capture seen = { 0 };
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.log_cb = capture;
	opts.log_payload = &seen;
	opts.log_level = PROMOTE_LOG_DEBUG;
	promote_context *ctx;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), "log.yaml", &opts), 0);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.last_level, PROMOTE_LOG_DEBUG);
	assert_string_equal(seen.domain, "config");
	assert_string_equal(seen.message, "log.yaml: 2 environments, 0 products, 0 policies, 0 flows");
	promote_context_free(ctx);

	/* At the default level (info) debug lines are not delivered. */
	memset(&seen, 0, sizeof seen);
	opts.log_level = PROMOTE_LOG_INFO;
	assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), "log.yaml", &opts), 0);
	assert_int_equal(seen.calls, 0);
	promote_context_free(ctx);
}

static void keep_last(int level, const char *domain, const char *message, void *payload)
{
	(void)level;
	(void)domain;
	char **last = payload;
	free(*last);
	*last = strdup(message);
}

/* A log line longer than 1 KiB arrives whole; one past the bound of 64 KiB is
 * cut on purpose, ending in "…". */
static void test_long_log_lines(void **state)
{
	(void)state;
	const char *yaml = "version: 1\nenvironments: {dev: {path: envs/dev}}\n";
	const char *tail = ": 1 environments, 0 products, 0 policies, 0 flows";
	char *last = NULL;
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.log_cb = keep_last;
	opts.log_payload = &last;
	opts.log_level = PROMOTE_LOG_DEBUG;
	const size_t lengths[] = { 3000, 70000 };
	for (size_t i = 0; i < 2; i++) {
		char *name = malloc(lengths[i] + 1);
		assert_non_null(name);
		memset(name, 'n', lengths[i]);
		name[lengths[i]] = '\0';
		promote_context *ctx;
		assert_int_equal(promote_context_open_buffer(&ctx, yaml, strlen(yaml), name, &opts), 0);
		assert_non_null(last);
		if (i == 0) {
			assert_int_equal(strlen(last), lengths[i] + strlen(tail));
			assert_string_equal(last + lengths[i], tail);
		} else {
			assert_int_equal(strlen(last), 64 * 1024);
			assert_string_equal(last + strlen(last) - 3, "\xe2\x80\xa6");
			assert_int_equal(strspn(last, "n"), 64 * 1024 - 3);
		}
		promote_context_free(ctx);
		free(name);
	}
	free(last);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_init),
		cmocka_unit_test(test_version_1_callers),
		cmocka_unit_test(test_newer_options_refused),
		cmocka_unit_test(test_log_callback_and_level),
		cmocka_unit_test(test_long_log_lines),
	};
	return cmocka_run_group_tests_name("options", tests, helpers_init, helpers_shutdown);
}
