/*
 * The lease of an environment (engine/release_lease.c): two processes that
 * take it at the same moment for two releases of one product — exactly one
 * gets it, round after round — and the lease is free again once the release
 * it names is done there.
 */
#include "release_helpers.h"

#include "engine/release_lease.h"
#include "engine/release_record.h"

#include <sys/wait.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

#define CONFIG \
	"version: 1\n" \
	"environments:\n" \
	"  dev: {path: envs/dev, strategy: auto}\n" \
	"  prod: {path: envs/prod, strategy: manual}\n" \
	"products:\n" \
	"  shop:\n" \
	"    path: apps/shop\n" \
	"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n" \
	"  shop-api:\n" \
	"    path: apps/shop\n" \
	"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n" \
	"policies: [{name: default, action: commit}]\n" \
	"flows: {default: {trigger: dev, steps: {prod: {}}}}\n"

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir);
}

static void start(char *id, size_t size, promote_context *ctx, const char *product, const char *version)
{
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = version;
	promote_release *r = NULL;
	if (promote_release_start(&r, ctx, product, &o))
		fail_msg("start: %s", promote_error_last()->message);
	snprintf(id, size, "%s", promote_release_id(r));
	promote_release_free(r);
}

/* A process that takes the lease of prod for release `id` once `gate` (a pipe) is closed: exits 0 when it
 * took it, 1 when another release holds it, 2 on an error. */
static pid_t contender(const char *id, const int gate[2])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid)
		return pid;
	close(gate[1]);
	promote_context *ctx = NULL;
	promote_release *r = NULL;
	char *holder = NULL, byte;
	int rc = promote_context_open_repository(&ctx, bare, NULL, NULL);
	if (rc == 0)
		rc = promote_release_open(&r, ctx, id, NULL);
	while (read(gate[0], &byte, 1) > 0)
		;
	if (rc == 0)
		rc = promote__lease_take(&holder, r, "prod");
	if (rc)
		fprintf(stderr, "%s: %s\n", id, promote_error_last()->message);
	_exit(rc ? 2 : holder ? 1 : 0);
}

static int exit_of(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Two releases of shop, both pending in prod: in every round, of two processes taking prod's lease at
 * once, exactly one gets it. */
static void test_two_processes_race_for_the_lease(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "lease", CONFIG, "1.1");
	promote_context *ctx = open_repository_or_fail(bare);
	char a[128], b[128];
	start(a, sizeof a, ctx, "shop", "1.1");
	start(b, sizeof b, ctx, "shop", "1.2");
	int rounds = getenv("PROMOTE_LEASE_ROUNDS") ? atoi(getenv("PROMOTE_LEASE_ROUNDS")) : 12;
	int wins[2] = { 0, 0 };
	for (int i = 0; i < rounds; i++) {
		assert_int_equal(sh(NULL, 0, "git -C %s update-ref -d refs/promote/leases/shop/prod", bare), 0);
		int gate[2];
		assert_int_equal(pipe(gate), 0);
		pid_t pa = contender(a, gate), pb = contender(b, gate);
		close(gate[0]);
		close(gate[1]); /* both go */
		int ea = exit_of(pa), eb = exit_of(pb);
		assert_true(ea < 2 && eb < 2);
		assert_int_equal(ea + eb, 1); /* one took it, the other found it held */
		wins[ea]++;
		char *holder = NULL;
		assert_int_equal(promote__lease_read(&holder, ctx, "shop", "prod"), 0);
		assert_string_equal(holder, ea == 0 ? a : b);
		free(holder);
	}
	print_message("%d rounds: %d won by the first release, %d by the second\n", rounds, wins[0], wins[1]);
	promote_context_free(ctx);
}

/* The lease is free again once the release it names is done there; a product whose name starts with
 * another's has a lease of its own. */
static void test_the_lease_is_free_once_its_release_is_done(void **state)
{
	(void)state;
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "lease", CONFIG, "1.1");
	promote_context *ctx = open_repository_or_fail(bare);
	char a[128], b[128], api[128];
	start(a, sizeof a, ctx, "shop", "1.1");
	start(b, sizeof b, ctx, "shop", "1.2");
	start(api, sizeof api, ctx, "shop-api", "1.1");
	promote_release *ra = NULL, *rb = NULL, *rapi = NULL;
	assert_int_equal(promote_release_open(&ra, ctx, a, NULL), 0);
	assert_int_equal(promote_release_open(&rb, ctx, b, NULL), 0);
	assert_int_equal(promote_release_open(&rapi, ctx, api, NULL), 0);
	char *holder = NULL;
	assert_int_equal(promote__lease_take(&holder, ra, "prod"), 0);
	assert_null(holder);
	assert_int_equal(promote__lease_take(&holder, rb, "prod"), 0);
	assert_string_equal(holder, a);
	free(holder);
	assert_int_equal(promote__lease_take(&holder, rapi, "prod"), 0);
	assert_null(holder);
	/* a ends (aborted here): b takes prod. */
	assert_int_equal(promote_release_abort(ra, "a test"), 0);
	assert_int_equal(promote__lease_take(&holder, rb, "prod"), 0);
	assert_null(holder);
	assert_int_equal(promote__lease_read(&holder, ctx, "shop", "prod"), 0);
	assert_string_equal(holder, b);
	free(holder);
	promote_release_free(ra);
	promote_release_free(rb);
	promote_release_free(rapi);
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_two_processes_race_for_the_lease, teardown),
		cmocka_unit_test_teardown(test_the_lease_is_free_once_its_release_is_done, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
