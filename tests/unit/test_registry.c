/* Registering git providers and deploy backends by name on a context. */
#include "helpers.h"

static int freed;
static void count_free(void *payload)
{
	freed += *(int *)payload;
}

static promote_context *minimal(void)
{
	return open_yaml("version: 1\nenvironments: {dev: {path: envs/dev}}\n");
}

static void test_git_provider_registration(void **state)
{
	(void)state;
	promote_context *ctx = minimal();
	promote_git_provider provider = PROMOTE_GIT_PROVIDER_INIT;
	provider.free_payload = count_free;
	static int one = 1, ten = 10;
	assert_int_equal(promote_git_provider_count(ctx), 0);
	assert_int_equal(promote_git_provider_register(ctx, "my-forge", &provider, &one), 0);
	assert_int_equal(promote_git_provider_register(ctx, "other_forge2", &provider, &ten), 0);
	assert_int_equal(promote_git_provider_count(ctx), 2);
	assert_string_equal(promote_git_provider_name_at(ctx, 0), "my-forge");
	assert_string_equal(promote_git_provider_name_at(ctx, 1), "other_forge2");
	assert_null(promote_git_provider_name_at(ctx, 2));

	/* Refusals leave the payload with the caller: free_payload is not called. */
	static int hundred = 100;
	assert_int_equal(promote_git_provider_register(ctx, "my-forge", &provider, &hundred), PROMOTE_EEXISTS);
	assert_non_null(strstr(promote_error_last()->message, "already registered"));
	assert_int_equal(promote_git_provider_register(ctx, "My Forge", &provider, &hundred), PROMOTE_EINVALID);
	assert_int_equal(promote_git_provider_register(ctx, "", &provider, &hundred), PROMOTE_EINVALID);
	provider.version = PROMOTE_GIT_PROVIDER_VERSION + 1;
	assert_int_equal(promote_git_provider_register(ctx, "future", &provider, &hundred), PROMOTE_EVERSION);
	provider.version = 0;
	assert_int_equal(promote_git_provider_register(ctx, "zero", &provider, &hundred), PROMOTE_EVERSION);
	assert_int_equal(promote_git_provider_register(ctx, "null", NULL, &hundred), PROMOTE_EINVALID);
	assert_int_equal(promote_git_provider_count(ctx), 2);

	freed = 0;
	promote_context_free(ctx);
	assert_int_equal(freed, 11); /* each accepted payload freed once */
}

static void test_vtable_is_copied(void **state)
{
	(void)state;
	promote_context *ctx = minimal();
	promote_deploy_backend backend;
	assert_int_equal(promote_deploy_backend_init(&backend, PROMOTE_DEPLOY_BACKEND_VERSION), 0);
	assert_int_equal(backend.version, PROMOTE_DEPLOY_BACKEND_VERSION);
	assert_null(backend.sync);
	backend.free_payload = count_free;
	static int five = 5;
	assert_int_equal(promote_deploy_backend_register(ctx, "cluster", &backend, &five), 0);
	backend.free_payload = NULL; /* the registered copy keeps the original slot */
	assert_int_equal(promote_deploy_backend_count(ctx), 1);
	assert_string_equal(promote_deploy_backend_name_at(ctx, 0), "cluster");
	assert_int_equal(promote_deploy_backend_register(ctx, "cluster", &backend, NULL), PROMOTE_EEXISTS);
	/* Git providers and deploy backends are separate namespaces. */
	promote_git_provider provider = PROMOTE_GIT_PROVIDER_INIT;
	assert_int_equal(promote_git_provider_register(ctx, "cluster", &provider, NULL), 0);
	freed = 0;
	promote_context_free(ctx);
	assert_int_equal(freed, 5);
}

static void test_init_functions(void **state)
{
	(void)state;
	promote_git_provider provider;
	memset(&provider, 0xff, sizeof provider);
	assert_int_equal(promote_git_provider_init(&provider, 1), 0);
	assert_int_equal(provider.version, 1);
	assert_null(provider.open_change);
	assert_null(provider.free_payload);
	assert_int_equal(promote_git_provider_init(&provider, 2), PROMOTE_EVERSION);
	assert_int_equal(promote_git_provider_init(NULL, 1), PROMOTE_EINVALID);
	promote_deploy_backend backend;
	assert_int_equal(promote_deploy_backend_init(&backend, 0), PROMOTE_EVERSION);
}

/* What a caller built against version 1 of the deploy-backend vtable (before `abort`) has. */
typedef struct deploy_backend_v1 {
	uint32_t version;
	uint32_t reserved;
	void (*slots[4])(void); /* sync, status, run_workflow, workflow_status */
	void (*free_payload)(void *payload);
} deploy_backend_v1;

/* Its shorter struct: init and register read and write only its bytes (a heap block of exactly that
 * size: AddressSanitizer sees any byte past it), and the registered copy has no abort slot. */
static void test_deploy_backend_version_1_still_registers(void **state)
{
	(void)state;
	assert_int_equal(sizeof(deploy_backend_v1), offsetof(promote_deploy_backend, abort));
	deploy_backend_v1 *old = malloc(sizeof *old);
	assert_non_null(old);
	assert_int_equal(promote_deploy_backend_init((promote_deploy_backend *)(void *)old, 1), 0);
	assert_int_equal(old->version, 1);
	assert_null(old->slots[0]);
	old->free_payload = count_free;
	promote_context *ctx = minimal();
	static int seven = 7;
	assert_int_equal(promote_deploy_backend_register(ctx, "old", (promote_deploy_backend *)(void *)old, &seven), 0);
	free(old);
	assert_int_equal(promote_deploy_backend_count(ctx), 1);
	promote_deploy_backend current;
	assert_int_equal(promote_deploy_backend_init(&current, 2), 0);
	assert_null(current.abort);
	assert_int_equal(promote_deploy_backend_init(&current, 3), PROMOTE_EVERSION);
	freed = 0;
	promote_context_free(ctx);
	assert_int_equal(freed, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_provider_registration),
		cmocka_unit_test(test_vtable_is_copied),
		cmocka_unit_test(test_init_functions),
		cmocka_unit_test(test_deploy_backend_version_1_still_registers),
	};
	return cmocka_run_group_tests_name("registry", tests, helpers_init, helpers_shutdown);
}
