/*
 * The apply gate on real repositories (the bundled example, versions moved
 * with the git CLI, by hand, without trailers): which upstream environments
 * of the default flow miss a version, and whether the target held it before.
 */
#include "helpers.h"

#include "plan/gate.h"

static char dir[128];
static char bare[256];

static int setup(void **state)
{
	(void)state;
	return setup_example_repo(dir, sizeof dir, bare, sizeof bare, "gate");
}

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir);
}

/* Commit "tag: VERSION" into PRODUCT's values.yaml of each ENV given ("qa", "staging", NULL) on main. */
static void set_version(const char *product, const char *version, const char *const *envs)
{
	char edits[1024] = "";
	size_t n = 0;
	for (; *envs; envs++)
		n += (size_t)snprintf(edits + n, sizeof edits - n, "sed -i 's/^  tag: .*/  tag: \"%s\"/' envs/%s/apps/%s/values.yaml && ",
			version, *envs, product);
	assert_int_equal(sh(NULL, 0, "cd %s && rm -rf w && " GIT "clone -q %s w && cd w && %s" GIT "commit -qam 'set %s %s' && "
				 GIT "push -q origin main && cd .. && rm -rf w", dir, bare, edits, product, version), 0);
}

static void head_of(char *out, size_t size, const char *rev)
{
	assert_int_equal(sh(out, size, "git -C %s rev-parse %s", bare, rev), 0);
}

static int gate_of(promote__gate *gate, promote_context *ctx, const char *product, const char *env, const char *version,
	size_t max_commits)
{
	const promote__tree_reader *r;
	assert_int_equal(promote__context_reader(&r, ctx), 0);
	return promote__plan_gate(gate, ctx, r, product, env, version, max_commits);
}

static void test_refuses_naming_every_upstream_environment(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote__gate gate;
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.5.0", 0), 0);
	assert_true(promote__gate_refuses(&gate));
	assert_false(gate.current);
	assert_false(gate.rollback);
	assert_int_equal(gate.commits_read, 1); /* the one commit of the repository */
	/* Nearest first: qa and staging (prod waits for both, declaration order), then the trigger. */
	assert_int_equal(gate.missing_count, 3);
	assert_string_equal(promote_env_name(gate.missing[0].env), "qa");
	assert_string_equal(gate.missing[0].version, "1.3.2");
	assert_string_equal(promote_env_name(gate.missing[2].env), "dev");
	assert_int_equal(promote__gate_refusal(&gate, "shop", "prod", "1.5.0"), PROMOTE_ESTATE);
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_RELEASE);
	assert_string_equal(promote_error_last()->message,
		"refusing to promote shop 1.5.0 into prod: qa holds 1.3.2, staging holds 1.3.2 and dev holds 1.4.0 (the "
		"default flow promotes prod after them); bring it through them first, or force it with a reason "
		"(promote_release_options.force and .reason)");
	promote__gate_dispose(&gate);

	/* qa waits for dev only. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "qa", "1.5.0", 0), 0);
	assert_int_equal(gate.missing_count, 1);
	assert_int_equal(promote__gate_refusal(&gate, "shop", "qa", "1.5.0"), PROMOTE_ESTATE);
	assert_string_equal(promote_error_last()->message,
		"refusing to promote shop 1.5.0 into qa: dev holds 1.4.0 (the default flow promotes qa after it); "
		"bring it through dev first, or force it with a reason (promote_release_options.force and .reason)");
	promote__gate_dispose(&gate);
	promote_context_free(ctx);
}

static void test_passes_what_upstream_holds(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote__gate gate;
	/* dev holds 1.4.0: qa may take it, prod may not yet. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "qa", "1.4.0", 0), 0);
	assert_false(promote__gate_refuses(&gate));
	assert_int_equal(gate.missing_count, 0);
	assert_int_equal(gate.commits_read, 0); /* nothing missing: no history read */
	promote__gate_dispose(&gate);
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.4.0", 0), 0);
	assert_int_equal(gate.missing_count, 2);
	assert_string_equal(promote_env_name(gate.missing[1].env), "staging");
	promote__gate_dispose(&gate);
	promote_context_free(ctx);

	set_version("shop", "1.4.0", (const char *const[]){ "qa", "staging", NULL });
	ctx = open_repository_or_fail(bare);
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.4.0", 0), 0);
	assert_false(promote__gate_refuses(&gate));
	assert_int_equal(gate.missing_count, 0);
	promote__gate_dispose(&gate);
	/* The trigger has no upstream; prod already holding a version is not refused either. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "dev", "9.9.9", 0), 0);
	assert_int_equal(gate.missing_count, 0);
	promote__gate_dispose(&gate);
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.3.0", 0), 0);
	assert_true(gate.current);
	assert_false(promote__gate_refuses(&gate));
	promote__gate_dispose(&gate);
	promote_context_free(ctx);
}

static void test_an_upstream_that_moved_on_held_it(void **state)
{
	(void)state;
	/* 1.4.0 went through dev, qa and staging; then dev and qa moved on to 1.5.0. */
	set_version("shop", "1.4.0", (const char *const[]){ "qa", "staging", NULL });
	set_version("shop", "1.5.0", (const char *const[]){ "dev", "qa", NULL });
	promote_context *ctx = open_repository_or_fail(bare);
	promote__gate gate;
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.4.0", 0), 0);
	assert_int_equal(gate.missing_count, 0);
	assert_false(promote__gate_refuses(&gate));
	promote__gate_dispose(&gate);
	/* 1.5.0 is where dev and qa are, but staging never held it. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.5.0", 0), 0);
	assert_int_equal(gate.missing_count, 1);
	assert_string_equal(promote_env_name(gate.missing[0].env), "staging");
	assert_string_equal(gate.missing[0].version, "1.4.0");
	promote__gate_dispose(&gate);
	/* History is read only so far back: with one commit of it, dev's 1.4.0 is out of sight. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.4.0", 1), 0);
	assert_int_equal(gate.missing_count, 2);
	assert_string_equal(promote_env_name(gate.missing[0].env), "qa");
	assert_string_equal(promote_env_name(gate.missing[1].env), "dev");
	promote__gate_dispose(&gate);
	promote_context_free(ctx);
}

static void test_a_version_held_before_is_a_rollback(void **state)
{
	(void)state;
	char first[64], out[64];
	head_of(first, sizeof first, "main");
	set_version("shop", "1.3.1", (const char *const[]){ "prod", NULL });
	char held[64];
	head_of(held, sizeof held, "main");
	set_version("shop", "1.4.0", (const char *const[]){ "prod", NULL });
	set_version("cart", "1.4.0", (const char *const[]){ "qa", NULL }); /* prod's file unchanged here */
	promote_context *ctx = open_repository_or_fail(bare);
	promote__gate gate;
	/* prod held 1.3.1 two commits of its own ago: going back is a rollback, not a skipped gate. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.3.1", 0), 0);
	assert_int_equal(gate.missing_count, 3);
	assert_true(gate.rollback);
	assert_false(promote__gate_refuses(&gate));
	assert_string_equal(gate.held_at.hex, held);
	assert_int_equal(gate.commits_read, 3);
	promote__gate_dispose(&gate);
	/* And 1.3.0, the first commit's. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.3.0", 0), 0);
	assert_true(gate.rollback);
	assert_string_equal(gate.held_at.hex, first);
	assert_int_equal(gate.commits_read, 4);
	promote__gate_dispose(&gate);
	/* History is read only so far back. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.3.0", 3), 0);
	assert_false(gate.rollback);
	assert_true(promote__gate_refuses(&gate));
	assert_int_equal(gate.commits_read, 3);
	promote__gate_dispose(&gate);
	/* A version prod never held: the whole history read, refused. */
	assert_int_equal(gate_of(&gate, ctx, "shop", "prod", "1.2.0", 0), 0);
	assert_false(gate.rollback);
	assert_true(promote__gate_refuses(&gate));
	assert_int_equal(gate.commits_read, 4);
	promote__gate_dispose(&gate);
	assert_int_equal(sh(out, sizeof out, "git -C %s rev-list --count main", bare), 0);
	assert_string_equal(out, "4"); /* the gate wrote nothing */
	promote_context_free(ctx);
}

static void test_a_product_missing_upstream(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote__gate gate;
	/* app9 (discovered under "*") is in dev only. */
	assert_int_equal(gate_of(&gate, ctx, "app9", "qa", "3.0", 0), 0);
	assert_int_equal(gate.missing_count, 0);
	promote__gate_dispose(&gate);
	assert_int_equal(gate_of(&gate, ctx, "app9", "prod", "3.0", 0), 0);
	assert_int_equal(gate.missing_count, 2);
	assert_null(gate.missing[0].version);
	assert_int_equal(promote__gate_refusal(&gate, "app9", "prod", "3.0"), PROMOTE_ESTATE);
	assert_string_equal(promote_error_last()->message,
		"refusing to promote app9 3.0 into prod: qa does not hold app9 and staging does not hold app9 (the default "
		"flow promotes prod after them); bring it through them first, or force it with a reason "
		"(promote_release_options.force and .reason)");
	promote__gate_dispose(&gate);
	assert_int_equal(gate_of(&gate, ctx, "shop", "nowhere", "1.0", 0), PROMOTE_ENOTFOUND);
	promote__gate_dispose(&gate);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refuses_naming_every_upstream_environment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_passes_what_upstream_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_upstream_that_moved_on_held_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_version_held_before_is_a_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_product_missing_upstream, setup, teardown),
	};
	return cmocka_run_group_tests_name("gate", tests, helpers_init, helpers_shutdown);
}
