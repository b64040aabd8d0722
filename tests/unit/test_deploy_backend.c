/*
 * A third deploy backend, written in C on the public API alone
 * (promote/sys/deploy_backend.h) and registered on a context, driven through
 * deploy.h as the release engine drives it: it sees the request's fields
 * through the getters, and what its setters write is what deploy.h reports.
 */
#include "deploy_helpers.h"

static const char yaml[] =
	"version: 1\n"
	"environments:\n"
	"  dev: {path: envs/dev}\n"
	"  staging:\n"
	"    path: envs/dev\n"
	"    clusters: [{name: eu-1, namespace: shop}, {name: us-1}]\n"
	"    deploy: {backend: custom}\n"
	"  prod: {path: envs/prod, deploy: {backend: none}}\n"
	"products:\n"
	"  shop: {path: apps/shop, template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}}\n";

/* What the backend saw, and what it answers. */
typedef struct seen {
	char text[2048];    /* every field of every request, one call a line */
	int calls;
	int freed;
	int polls;
	bool forget_run_id;
	int fail_with;      /* a code returned without an error message, or 0 */
} seen;

static void note(seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(seen *s, const char *fmt, ...)
{
	size_t used = strlen(s->text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->text + used, sizeof s->text - used, fmt, ap);
	va_end(ap);
}

static void note_clusters(seen *s, size_t count, const char *(*name)(const void *, size_t),
	const char *(*ns)(const void *, size_t), const void *request)
{
	for (size_t i = 0; i < count; i++)
		note(s, " %s/%s", name(request, i), ns(request, i));
	note(s, " [%s]", name(request, count) ? "?" : "end");
}

/* The cluster getters of the two request types, with one signature. */
static const char *dc_name(const void *r, size_t i) { return promote_deploy_request_cluster_name_at(r, i); }
static const char *dc_ns(const void *r, size_t i) { return promote_deploy_request_cluster_namespace_at(r, i); }
static const char *wc_name(const void *r, size_t i) { return promote_workflow_request_cluster_name_at(r, i); }
static const char *wc_ns(const void *r, size_t i) { return promote_workflow_request_cluster_namespace_at(r, i); }

static void note_deploy(seen *s, const char *slot, const promote_deploy_request *r)
{
	note(s, "%s %s %s %s %s %s %u", slot, promote_deploy_request_product(r), promote_deploy_request_environment(r),
		promote_deploy_request_revision(r), promote_deploy_request_version(r), promote_deploy_request_release(r),
		(unsigned)promote_deploy_request_timeout(r));
	note_clusters(s, promote_deploy_request_cluster_count(r), dc_name, dc_ns, r);
	for (size_t i = 0; i < promote_deploy_request_sync_arg_count(r); i++)
		note(s, " sync:%s", promote_deploy_request_sync_arg_at(r, i));
	for (size_t i = 0; i < promote_deploy_request_health_arg_count(r); i++)
		note(s, " health:%s", promote_deploy_request_health_arg_at(r, i));
	note(s, "\n");
}

static int custom_sync(promote_deploy_status *out, const promote_deploy_request *request, void *payload)
{
	seen *s = payload;
	s->calls++;
	note_deploy(s, "sync", request);
	if (s->fail_with)
		return s->fail_with;
	return promote_deploy_status_set_sync(out, PROMOTE_SYNC_SYNCING);
}

static int custom_status(promote_deploy_status *out, const promote_deploy_request *request, void *payload)
{
	seen *s = payload;
	s->calls++;
	int rc = promote_deploy_status_set_sync(out, PROMOTE_SYNC_SYNCED);
	if (rc == 0)
		rc = promote_deploy_status_set_health(out, s->polls++ ? PROMOTE_HEALTH_HEALTHY : PROMOTE_HEALTH_PROGRESSING);
	if (rc == 0)
		rc = promote_deploy_status_set_revision(out, promote_deploy_request_revision(request));
	if (rc == 0 && s->polls == 1)
		rc = promote_deploy_status_set_message(out, "rollout 2 of 3 replicas");
	return rc;
}

static void note_workflow(seen *s, const char *slot, const promote_workflow_request *r)
{
	note(s, "%s %s [%s] %s %s %s %s %s %u", slot, promote_workflow_request_name(r), promote_workflow_request_run_id(r),
		promote_workflow_request_product(r), promote_workflow_request_environment(r),
		promote_workflow_request_revision(r), promote_workflow_request_version(r),
		promote_workflow_request_release(r), (unsigned)promote_workflow_request_timeout(r));
	note_clusters(s, promote_workflow_request_cluster_count(r), wc_name, wc_ns, r);
	for (size_t i = 0; i < promote_workflow_request_arg_count(r); i++)
		note(s, " %s", promote_workflow_request_arg_at(r, i));
	note(s, " [%s]\n", promote_workflow_request_arg_at(r, promote_workflow_request_arg_count(r)) ? "?" : "end");
}

static int custom_run(promote_workflow_status *out, const promote_workflow_request *request, void *payload)
{
	seen *s = payload;
	s->calls++;
	note_workflow(s, "run", request);
	return s->forget_run_id ? 0 : promote_workflow_status_set_run_id(out, "argo-run-7");
}

static int custom_workflow_status(promote_workflow_status *out, const promote_workflow_request *request, void *payload)
{
	seen *s = payload;
	s->calls++;
	note_workflow(s, "status", request);
	if (strcmp(promote_workflow_request_run_id(request), "argo-run-7") != 0)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY, "argo has no run %s",
			promote_workflow_request_run_id(request));
	/* 5000 bytes of output, "é" (2 bytes) cut by the bound: the last 4096 kept, whole characters. */
	char output[5000];
	memset(output, 'a', sizeof output);
	for (size_t i = sizeof output - 4097; i < sizeof output - 1; i += 2)
		memcpy(output + i, "\xc3\xa9", 2);
	output[sizeof output - 1] = '!';
	int rc = promote_workflow_status_set_state(out, PROMOTE_WORKFLOW_FAILED);
	if (rc == 0)
		rc = promote_workflow_status_set_exit_status(out, 2);
	if (rc == 0)
		rc = promote_workflow_status_set_output(out, output, sizeof output);
	return rc;
}

static void custom_free(void *payload)
{
	((seen *)payload)->freed++;
}

typedef struct fixture {
	char dir[64];
	char bare[128];
	char first[64];
	promote_context *ctx;
	seen seen;
} fixture;

static int setup(void **state)
{
	static fixture f;
	if (promote_init() <= 0)
		return -1;
	snprintf(f.dir, sizeof f.dir, "/tmp/promote-test-backend-XXXXXX");
	if (!mkdtemp(f.dir) || make_deploy_repo(f.dir, yaml, "touch checks/keep", f.first, sizeof f.first))
		return -1;
	snprintf(f.bare, sizeof f.bare, "%s/gitops.git", f.dir);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	remove_scratch(f->dir);
	return promote_shutdown() >= 0 ? 0 : -1;
}

static int open_and_register(void **state)
{
	fixture *f = *state;
	memset(&f->seen, 0, sizeof f->seen);
	f->ctx = open_repository_or_fail(f->bare);
	promote_deploy_backend backend;
	assert_int_equal(promote_deploy_backend_init(&backend, PROMOTE_DEPLOY_BACKEND_VERSION), 0);
	backend.sync = custom_sync;
	backend.status = custom_status;
	backend.run_workflow = custom_run;
	backend.workflow_status = custom_workflow_status;
	backend.free_payload = custom_free;
	assert_int_equal(promote_deploy_backend_register(f->ctx, "custom", &backend, &f->seen), 0);
	static const char *const verify[] = { "verify", "--env={env}", "{product}@{version}", "{release}", "{commit}",
		NULL };
	set_workflow(f->ctx, "verify", 90, verify);
	static const char *const sync[] = { "argo", "sync", "{product}-{env}", NULL };
	set_deploy(f->ctx, "staging", sync, NULL, 300);
	return 0;
}

static int free_ctx(void **state)
{
	fixture *f = *state;
	promote_context_free(f->ctx);
	assert_int_equal(f->seen.freed, 1);
	return 0;
}

static void test_the_backend_sees_the_request_and_is_heard(void **state)
{
	fixture *f = *state;
	assert_true(promote__deploy_configured(f->ctx, "staging"));
	promote__deploy_target t = { "shop-1.4.0-a1b2c3", "shop", "staging", "1.4.0", f->first, NULL };
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "verify", &t), 0);
	assert_string_equal(id, "argo-run-7");
	int state_ = -1, exit_status = -5;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote__workflow_poll(&state_, &exit_status, &out, f->ctx, "verify", id, &t), 0);
	assert_int_equal(state_, PROMOTE_WORKFLOW_FAILED);
	assert_int_equal(exit_status, 2);
	assert_int_equal(out.size, 4095); /* the first byte kept would have been half a character */
	assert_true(memcmp(out.ptr, "\xc3\xa9", 2) == 0);
	assert_int_equal(out.ptr[out.size - 1], '!');
	assert_int_equal(promote__workflow_poll(&state_, &exit_status, &out, f->ctx, "verify", "gone-1", &t),
		PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "argo has no run gone-1");

	assert_int_equal(promote__deploy_sync(f->ctx, &t), 0);
	int sync = -1, health = -1;
	promote_buf detail = PROMOTE_BUF_INIT;
	assert_int_equal(promote__deploy_poll(&sync, &health, &detail, f->ctx, &t), 0);
	assert_int_equal(sync, PROMOTE_SYNC_SYNCED);
	assert_int_equal(health, PROMOTE_HEALTH_PROGRESSING);
	assert_string_equal(detail.ptr, "rollout 2 of 3 replicas");
	assert_int_equal(promote__deploy_poll(&sync, &health, &detail, f->ctx, &t), 0);
	assert_int_equal(health, PROMOTE_HEALTH_HEALTHY);
	assert_string_equal(detail.ptr, "health healthy");
	assert_int_equal(promote__deploy_timeout(f->ctx, "staging"), 300);
	assert_int_equal(promote__workflow_timeout(f->ctx, "verify"), 90);

	char expected[2048];
	const char *c = f->first;
	snprintf(expected, sizeof expected,
		"run verify [] shop staging %s 1.4.0 shop-1.4.0-a1b2c3 90 eu-1/shop us-1/ [end] verify --env=staging "
		"shop@1.4.0 shop-1.4.0-a1b2c3 %s [end]\n"
		"status verify [argo-run-7] shop staging %s 1.4.0 shop-1.4.0-a1b2c3 90 eu-1/shop us-1/ [end] verify "
		"--env=staging shop@1.4.0 shop-1.4.0-a1b2c3 %s [end]\n"
		"status verify [gone-1] shop staging %s 1.4.0 shop-1.4.0-a1b2c3 90 eu-1/shop us-1/ [end] verify "
		"--env=staging shop@1.4.0 shop-1.4.0-a1b2c3 %s [end]\n"
		"sync shop staging %s 1.4.0 shop-1.4.0-a1b2c3 300 eu-1/shop us-1/ [end] sync:argo sync:sync "
		"sync:shop-staging\n", c, c, c, c, c, c, c);
	assert_string_equal(f->seen.text, expected);
	promote_buf_dispose(&detail);
	promote_buf_dispose(&out);
	free(id);
}

static void test_a_check_before_the_commit_gets_the_branch_tip(void **state)
{
	fixture *f = *state;
	char tip[64];
	assert_int_equal(sh(tip, sizeof tip, "git --git-dir=%s rev-parse main", f->bare), 0);
	promote__deploy_target t = { "", "shop", "staging", "2", "", NULL };
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "verify", &t), 0);
	char expected[512];
	snprintf(expected, sizeof expected, "run verify [] shop staging %s 2  90", tip);
	assert_true(strncmp(f->seen.text, expected, strlen(expected)) == 0);
	free(id);
}

static void test_a_backend_that_breaks_the_rules_is_named(void **state)
{
	fixture *f = *state;
	promote__deploy_target t = { "r", "shop", "staging", "1", f->first, NULL };
	char *id = NULL;
	f->seen.forget_run_id = true;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "verify", &t), PROMOTE_ERROR);
	assert_null(id);
	assert_string_equal(promote_error_last()->message,
		"the deploy backend 'custom' did not say which run of workflow 'verify' it started (no run id)");
	f->seen.fail_with = PROMOTE_ENET;
	assert_int_equal(promote__deploy_sync(f->ctx, &t), PROMOTE_ENET);
	assert_string_equal(promote_error_last()->message, "the deploy backend 'custom' could not sync the application");
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_DEPLOY);
	f->seen.fail_with = 3;
	assert_int_equal(promote__deploy_sync(f->ctx, &t), PROMOTE_ERROR);
	assert_string_equal(promote_error_last()->message,
		"the deploy backend 'custom' returned 3, not 0 or an error code, asked to sync the application");
}

/* Registered under a built-in one's name, a backend hands what it does not do to it. */
static int pass(promote_workflow_status *out, const promote_workflow_request *request, void *payload)
{
	(void)out;
	(void)request;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

static void test_a_backend_named_none_passes_through(void **state)
{
	fixture *f = *state;
	promote_deploy_backend backend = PROMOTE_DEPLOY_BACKEND_INIT;
	backend.run_workflow = pass;
	assert_int_equal(promote_deploy_backend_register(f->ctx, "none", &backend, NULL), 0);
	assert_true(promote__deploy_configured(f->ctx, "prod"));
	promote__deploy_target t = { "r", "shop", "prod", "1", "", NULL };
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "verify", &t), PROMOTE_ENOTSUPPORTED);
	assert_true(strncmp(promote_error_last()->message, "environment 'prod' has no deploy backend to run workflow", 56) == 0);
	/* No slot at all: not supported, said by name. */
	assert_int_equal(promote__deploy_sync(f->ctx, &t), PROMOTE_ENOTSUPPORTED);
	assert_string_equal(promote_error_last()->message,
		"the deploy backend 'none' of environment 'prod' cannot sync the application");
}

#define FRESH(test) cmocka_unit_test_setup_teardown(test, open_and_register, free_ctx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FRESH(test_the_backend_sees_the_request_and_is_heard),
		FRESH(test_a_check_before_the_commit_gets_the_branch_tip),
		FRESH(test_a_backend_that_breaks_the_rules_is_named),
		FRESH(test_a_backend_named_none_passes_through),
	};
	return cmocka_run_group_tests_name("deploy_backend", tests, setup, teardown);
}
