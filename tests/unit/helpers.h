/* Shared helpers for the cmocka unit tests. */
#ifndef PROMOTE_TEST_HELPERS_H
#define PROMOTE_TEST_HELPERS_H

#include <promote.h>

#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* Per-group set-up: promote_init / promote_shutdown. */
static inline int helpers_init(void **state)
{
	(void)state;
	return promote_init() > 0 ? 0 : -1;
}

static inline int helpers_shutdown(void **state)
{
	(void)state;
	return promote_shutdown() >= 0 ? 0 : -1;
}

/* Open YAML text as "promote.yaml"; fails the test (printing the errors) when invalid. */
static inline promote_context *open_yaml(const char *yaml)
{
	promote_context *ctx = NULL;
	int rc = promote_context_open_buffer(&ctx, yaml, strlen(yaml), "promote.yaml", NULL);
	if (rc) {
		for (const promote_error *e = promote_error_last(); e; e = e->next)
			print_error("%s\n", e->message);
		fail_msg("configuration rejected (%d)", rc);
	}
	return ctx;
}

/* Assert that YAML text is rejected with exactly `expected` messages, in order. */
static inline void assert_rejected(const char *yaml, int code, const char *const *expected, size_t count)
{
	promote_context *ctx = NULL;
	int rc = promote_context_open_buffer(&ctx, yaml, strlen(yaml), "promote.yaml", NULL);
	assert_null(ctx);
	assert_int_equal(rc, code);
	size_t i = 0;
	const promote_error *e = promote_error_last();
	assert_int_equal(e->code, code);
	for (; e; e = e->next, i++) {
		if (i >= count)
			fail_msg("unexpected extra error: %s", e->message);
		assert_string_equal(e->message, expected[i]);
		assert_non_null(e->file);
		assert_string_equal(e->file, "promote.yaml");
		/* The structured location agrees with the message's prefix. */
		char prefix[64];
		snprintf(prefix, sizeof prefix, "promote.yaml:%u:%u: ", (unsigned)e->line, (unsigned)e->column);
		assert_true(strncmp(e->message, prefix, strlen(prefix)) == 0);
	}
	assert_int_equal(i, count);
}

/* Run a shell command; its standard output, without trailing line breaks, into
 * `out` (NULL: thrown away). Returns pclose()'s status. For checking results
 * with the git CLI itself. */
static inline int sh(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int sh(char *out, size_t size, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = out ? fread(out, 1, size - 1, p) : 0;
	char sink[256];
	while (!out && fread(sink, 1, sizeof sink, p) > 0)
		;
	int status = pclose(p);
	if (out) {
		out[n] = '\0';
		while (n && out[n - 1] == '\n')
			out[--n] = '\0';
	}
	return status;
}

/* Remove a test's scratch folder (made with mkdtemp) and everything in it. */
static inline int remove_scratch(const char *dir)
{
	return sh(NULL, 0, "rm -rf '%s'", dir) == 0 ? 0 : -1;
}

/* git with no configuration of the machine's or the user's, as a test author. */
#define GIT "GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git -c user.name=T -c user.email=t@example.com "

/*
 * A bare repository `dir`/gitops.git (its path into `bare`) holding the
 * bundled example (examples/gitops, or $PROMOTE_EXAMPLES/gitops), plus a
 * discovery product "*" with apps more/app1..8 in dev and qa and app9 in dev
 * only, one commit on main.
 */
static inline int make_example_repo(char *bare, size_t size, const char *dir)
{
	const char *src = getenv("PROMOTE_EXAMPLES");
	snprintf(bare, size, "%s/gitops.git", dir);
	return sh(NULL, 0,
		"cp -r '%s/gitops' %s/work && cd %s/work && "
		"for i in 1 2 3 4 5 6 7 8; do for e in dev qa; do mkdir -p envs/$e/more/app$i && "
		"printf 'image:\\n  tag: \"%%s.0\" # app\\n' $([ $e = dev ] && echo 2 || echo 1) > envs/$e/more/app$i/values.yaml; done; done && "
		"mkdir -p envs/dev/more/app9 && printf 'image:\\n  tag: \"3.0\"\\n' > envs/dev/more/app9/values.yaml && "
		"printf '  \"*\":\\n    path: more/*\\n    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\\n' > star.tmp && "
		"sed -i '/^workflows:/e cat star.tmp' promote.yaml && rm star.tmp && "
		GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm example && "
		GIT "clone -q --bare . %s", src ? src : "examples", dir, dir, bare);
}

/* A scratch folder /tmp/promote-test-NAME-XXXXXX (into `dir`) holding
 * make_example_repo()'s repository (its path into `bare`). */
static inline int setup_example_repo(char *dir, size_t dir_size, char *bare, size_t bare_size, const char *name)
{
	snprintf(dir, dir_size, "/tmp/promote-test-%s-XXXXXX", name);
	return mkdtemp(dir) && make_example_repo(bare, bare_size, dir) == 0 ? 0 : -1;
}

/* The context of the repository at `path`; the test fails if it does not open. */
static inline promote_context *open_repository_or_fail(const char *path)
{
	promote_context *ctx = NULL;
	if (promote_context_open_repository(&ctx, path, NULL, NULL))
		fail_msg("open %s: %s", path, promote_error_last()->message);
	return ctx;
}

/* The same on the clock `clock` (the context option clock_cb: the tests' own time). */
static inline promote_context *open_repository_on_clock_or_fail(const char *path, promote_clock_cb clock)
{
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.clock_cb = clock;
	promote_context *ctx = NULL;
	if (promote_context_open_repository(&ctx, path, NULL, &opts))
		fail_msg("open %s: %s", path, promote_error_last()->message);
	return ctx;
}

#define ASSERT_REJECTED(yaml, ...)                                                              \
	do {                                                                                    \
		static const char *const expected_[] = { __VA_ARGS__ };                         \
		assert_rejected((yaml), PROMOTE_EINVALID, expected_, sizeof expected_ / sizeof *expected_); \
	} while (0)

#endif
