/* A release's record: its JSON, its ref, compare-and-swap updates, listing. */
#include "helpers.h"

#include "engine/release_record.h"

#include <sys/wait.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

static int setup(void **state)
{
	return setup_example_repo(dir, sizeof dir, bare, sizeof bare, "release-record") ? -1 : helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	return helpers_shutdown(state);
}

static char **strings_of(size_t count, ...)
{
	va_list ap;
	va_start(ap, count);
	char **items = calloc(count, sizeof *items);
	for (size_t i = 0; i < count; i++)
		items[i] = strdup(va_arg(ap, const char *));
	va_end(ap);
	return items;
}

/* A release of `product` made in memory: qa (a finished pre-check, an
 * approval) and prod waiting. */
static promote_release *sample(promote_context *ctx, const char *id, const char *product, int64_t created)
{
	promote_release *r = NULL;
	assert_int_equal(promote__release_alloc(&r, ctx), 0);
	assert_int_equal(promote__set_string(&r->id, id), 0);
	assert_int_equal(promote__set_string(&r->flow, "default"), 0);
	assert_int_equal(promote__set_string(&r->product, product), 0);
	assert_int_equal(promote__set_string(&r->version, "1.4.0"), 0);
	assert_int_equal(promote__set_string(&r->reason, "waiting for approval of change promote/x/prod (0 of 1)"), 0);
	assert_int_equal(promote__set_string(&r->trigger, "dev"), 0);
	assert_int_equal(promote__set_string(&r->trigger_commit, ""), 0);
	assert_int_equal(promote__set_string(&r->forced, ""), 0);
	r->state = PROMOTE_RELEASE_WAITING;
	r->group = true;
	r->set_version = true;
	r->created = created;
	r->timeout_s = 86400;
	r->step_count = 2;
	r->steps = calloc(2, sizeof *r->steps);
	const char *const envs[] = { "qa", "prod" };
	for (size_t i = 0; i < 2; i++) {
		promote_release_step *s = &r->steps[i];
		char **fields[] = { &s->environment, &s->reason, &s->from, &s->group, &s->commit, &s->change, &s->head,
			&s->merge_commit, &s->deploy, &s->error, &s->claim };
		for (size_t f = 0; f < sizeof fields / sizeof *fields; f++)
			assert_int_equal(promote__set_string(fields[f], ""), 0);
		assert_int_equal(promote__set_string(&s->environment, envs[i]), 0);
		s->depends_on = strings_of(1, i ? "qa" : "dev");
		s->depends_count = 1;
		assert_int_equal(promote__set_string(&s->from, i ? "qa" : "dev"), 0);
		s->strategy = i ? PROMOTE_STRATEGY_MANUAL : PROMOTE_STRATEGY_AUTO;
		s->action = i ? PROMOTE_ACTION_PULL_REQUEST : PROMOTE_ACTION_COMMIT;
	}
	promote_release_step *qa = &r->steps[0], *prod = &r->steps[1];
	qa->state = PROMOTE_STEP_SUCCEEDED;
	qa->attempts = 1;
	qa->started = created + 1;
	qa->finished = created + 2;
	assert_int_equal(promote__set_string(&qa->commit, "0123456789abcdef0123456789abcdef01234567"), 0);
	qa->pre = strings_of(1, "smoke-test");
	qa->pre_count = 1;
	qa->checks = calloc(1, sizeof *qa->checks);
	qa->check_count = 1;
	qa->checks[0] = (promote__check){ strdup("smoke-test"), false, 0, true, strdup("run-1"),
		strdup("ok: \"quoted\" \\ and\nlines\n"), created + 1, created + 2 };
	prod->state = PROMOTE_STEP_AWAITING_APPROVAL;
	prod->post = strings_of(2, "verify", "notify");
	prod->post_count = 2;
	prod->approvals = calloc(1, sizeof *prod->approvals);
	prod->approval_count = 1;
	prod->approvals[0] = (promote__approval){ strdup("alice"), created + 3 };
	assert_int_equal(promote__set_string(&prod->change, "promote/x/prod"), 0);
	assert_int_equal(promote__set_string(&prod->claim, "host:1:abc"), 0);
	prod->claimed = created + 3;
	return r;
}

static void json_of(promote_buf *out, const promote_release *r)
{
	*out = (promote_buf)PROMOTE_BUF_INIT;
	assert_int_equal(promote_release_to_json(out, r), 0);
}

/* Written once, read back by id: the same record, field by field and as JSON. */
static void test_round_trip(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = sample(ctx, "shop-1.4.0-aaaaaa", "shop", 1764900000);
	assert_int_equal(promote__release_update(r, NULL, NULL, "start"), 0);
	assert_true(r->has_tip);
	promote_release *back = NULL;
	assert_int_equal(promote__release_alloc(&back, ctx), 0);
	assert_int_equal(promote__set_string(&back->id, "shop-1.4.0-aaaaaa"), 0);
	assert_int_equal(promote__release_load(back), 0);
	assert_true(git_oid_equal(&back->tip, &r->tip));
	promote_buf a, b;
	json_of(&a, r);
	json_of(&b, back);
	assert_string_equal(a.ptr, b.ptr);
	assert_string_equal(promote_release_state_name(promote_release_state(back)), "waiting");
	assert_int_equal(promote_release_step_count(back), 2);
	const promote_release_step *qa = promote_release_step_lookup(back, "qa");
	assert_string_equal(promote_step_state_name(promote_release_step_state(qa)), "succeeded");
	assert_string_equal(promote_release_step_check_output_at(qa, 0), "ok: \"quoted\" \\ and\nlines\n");
	assert_int_equal(promote_release_step_check_status_at(qa, 0), 0);
	assert_string_equal(promote_release_step_check_phase_at(qa, 0), "pre");
	assert_int_equal(promote_release_step_started(qa), 1764900001);
	assert_null(promote_release_step_lookup(back, "staging"));
	/* The record is a commit on refs/promote/releases/ID holding record.json,
	 * as anyone can read it with git. */
	char out[256];
	assert_int_equal(sh(out, sizeof out, "git -C %s show refs/promote/releases/shop-1.4.0-aaaaaa:record.json | "
			      "python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[\"steps\"][1][\"approvals\"][0][\"by\"], d[\"created\"])'",
			      bare), 0);
	assert_string_equal(out, "alice 2025-12-05T02:00:00Z");
	assert_int_equal(sh(out, sizeof out, "git -C %s log --format=%%s refs/promote/releases/shop-1.4.0-aaaaaa", bare), 0);
	assert_string_equal(out, "Release shop-1.4.0-aaaaaa: start");
	promote_buf_dispose(&a);
	promote_buf_dispose(&b);
	promote_release_free(back);
	promote_release_free(r);
	promote_context_free(ctx);
}

static int set_reason(promote_release *r, bool *changed, void *arg)
{
	char text[256];
	snprintf(text, sizeof text, "%s+%s", r->reason, (const char *)arg);
	*changed = true;
	return promote__set_string(&r->reason, text);
}

/* Two processes change the same release from the same record: the second
 * loses the compare-and-swap, re-reads, and applies its change to the
 * first one's record — nothing is lost, nothing is applied twice. */
static void test_lost_race_reapplies_on_the_winner(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = sample(ctx, "shop-1.4.0-bbbbbb", "shop", 1764900000);
	assert_int_equal(promote__set_string(&r->reason, "r"), 0);
	assert_int_equal(promote__release_update(r, NULL, NULL, "start"), 0);
	promote_context *ctx2 = open_repository_or_fail(bare);
	promote_release *stale = NULL;
	assert_int_equal(promote__release_alloc(&stale, ctx2), 0);
	assert_int_equal(promote__set_string(&stale->id, r->id), 0);
	assert_int_equal(promote__release_load(stale), 0);
	/* The other process (a child, with its own context) updates first. */
	pid_t pid = fork();
	if (pid == 0) {
		promote_context *c = open_repository_or_fail(bare);
		promote_release *o = NULL;
		int rc = promote__release_alloc(&o, c);
		rc = rc ? rc : promote__set_string(&o->id, "shop-1.4.0-bbbbbb");
		rc = rc ? rc : promote__release_load(o);
		rc = rc ? rc : promote__release_update(o, set_reason, "first", "first");
		_exit(rc ? 1 : 0);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(promote__release_update(stale, set_reason, "second", "second"), 0);
	assert_string_equal(stale->reason, "r+first+second");
	char out[256];
	assert_int_equal(sh(out, sizeof out, "git -C %s log --format=%%s refs/promote/releases/%s | tr '\\n' ,", bare,
				 r->id), 0);
	assert_string_equal(out, "Release shop-1.4.0-bbbbbb: second,Release shop-1.4.0-bbbbbb: first,"
				 "Release shop-1.4.0-bbbbbb: start,");
	promote_release_free(stale);
	promote_release_free(r);
	promote_context_free(ctx2);
	promote_context_free(ctx);
}

static int no_change(promote_release *r, bool *changed, void *arg)
{
	(void)r;
	(void)arg;
	*changed = false;
	return 0;
}

/* A mutation that changes nothing writes nothing; a second release with
 * the id of an existing one is refused. */
static void test_no_change_and_existing_id(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = sample(ctx, "shop-1.4.0-cccccc", "shop", 1764900000);
	assert_int_equal(promote__release_update(r, NULL, NULL, "start"), 0);
	git_oid before = r->tip;
	assert_int_equal(promote__release_update(r, no_change, NULL, "nothing"), 0);
	assert_true(git_oid_equal(&before, &r->tip));
	promote_release *again = sample(ctx, "shop-1.4.0-cccccc", "shop", 1764900000);
	assert_int_equal(promote__release_update(again, NULL, NULL, "start"), PROMOTE_EEXISTS);
	assert_non_null(strstr(promote_error_last()->message, "exists already"));
	promote_release_free(again);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* A record someone damaged is refused with where it is, not half-read. */
static void test_damaged_record(void **state)
{
	(void)state;
	assert_int_equal(sh(NULL, 0,
				 "cd %s && blob=$(printf '{\"schema\": 1, \"id\": 7}' | git -C %s hash-object -w --stdin) && "
				 "tree=$(printf '100644 blob %%s\\trecord.json\\n' $blob | git -C %s mktree) && "
				 "c=$(" GIT "-C %s commit-tree -m x $tree) && git -C %s update-ref refs/promote/releases/bad $c && "
				 "blob=$(printf '{\"schema\": 99}' | git -C %s hash-object -w --stdin) && "
				 "tree=$(printf '100644 blob %%s\\trecord.json\\n' $blob | git -C %s mktree) && "
				 "c=$(" GIT "-C %s commit-tree -m x $tree) && git -C %s update-ref refs/promote/releases/future $c",
				 dir, bare, bare, bare, bare, bare, bare, bare, bare), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = NULL;
	assert_int_equal(promote__release_alloc(&r, ctx), 0);
	assert_int_equal(promote__set_string(&r->id, "bad"), 0);
	assert_int_equal(promote__release_load(r), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "'refs/promote/releases/bad' is damaged ('id' is missing or not a string)"));
	assert_null(r->product);
	assert_int_equal(promote__set_string(&r->id, "future"), 0);
	assert_int_equal(promote__release_load(r), PROMOTE_ENOTSUPPORTED);
	assert_non_null(strstr(promote_error_last()->message, "has schema 99"));
	assert_int_equal(promote__set_string(&r->id, "nosuch"), 0);
	assert_int_equal(promote__release_load(r), PROMOTE_ENOTFOUND);
	assert_int_equal(promote__set_string(&r->id, "a..b"), 0);
	assert_int_equal(promote__release_load(r), PROMOTE_EINVALID);
	assert_int_equal(sh(NULL, 0, "git -C %s update-ref -d refs/promote/releases/bad && "
				     "git -C %s update-ref -d refs/promote/releases/future", bare, bare), 0);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* A record written before a key was added (a step's "gate") is read as it was written. */
static void test_record_of_an_earlier_version(void **state)
{
	(void)state;
	promote_context *ctx = open_repository_or_fail(bare);
	promote_release *r = sample(ctx, "shop-1.3.0-bbbbbb", "shop", 1764900000);
	assert_int_equal(promote__release_update(r, NULL, NULL, "start"), 0);
	assert_int_equal(sh(NULL, 0,
				 "cd %s && blob=$(git -C %s show refs/promote/releases/shop-1.3.0-bbbbbb:record.json | python3 -c "
				 "'import json,sys; d=json.load(sys.stdin); [s.pop(\"gate\") for s in d[\"steps\"]]; print(json.dumps(d))' | "
				 "git -C %s hash-object -w --stdin) && "
				 "tree=$(printf '100644 blob %%s\\trecord.json\\n' $blob | git -C %s mktree) && "
				 "c=$(" GIT "-C %s commit-tree -m x $tree) && git -C %s update-ref refs/promote/releases/shop-1.3.0-cccccc $c",
				 dir, bare, bare, bare, bare, bare), 0);
	promote_release *old = NULL;
	assert_int_equal(promote__release_alloc(&old, ctx), 0);
	assert_int_equal(promote__set_string(&old->id, "shop-1.3.0-cccccc"), 0);
	assert_int_equal(promote__release_load(old), 0);
	assert_int_equal(promote_release_step_count(old), 2);
	assert_string_equal(promote_step_state_name(promote_release_step_state(promote_release_step_lookup(old, "qa"))),
		"succeeded");
	assert_int_equal(sh(NULL, 0, "git -C %s update-ref -d refs/promote/releases/shop-1.3.0-cccccc && "
				     "git -C %s update-ref -d refs/promote/releases/shop-1.3.0-bbbbbb", bare, bare), 0);
	promote_release_free(old);
	promote_release_free(r);
	promote_context_free(ctx);
}

/* Listing: newest first, by product, by state, at most N; a listed release
 * is read-only. */
static void test_list(void **state)
{
	(void)state;
	assert_int_equal(sh(NULL, 0, "for r in $(git -C %s for-each-ref --format='%%(refname)' refs/promote/releases/); do "
				     "git -C %s update-ref -d $r; done", bare, bare), 0);
	promote_context *ctx = open_repository_or_fail(bare);
	const char *const ids[] = { "shop-1-000001", "cart-1-000002", "shop-2-000003" };
	const char *const products[] = { "shop", "cart", "shop" };
	for (size_t i = 0; i < 3; i++) {
		promote_release *r = sample(ctx, ids[i], products[i], 1764900000 + (int64_t)i * 60);
		if (i == 1)
			r->state = PROMOTE_RELEASE_SUCCEEDED;
		assert_int_equal(promote__release_update(r, NULL, NULL, "start"), 0);
		promote_release_free(r);
	}
	promote_release_list *list = NULL;
	assert_int_equal(promote_release_list_new(&list, ctx, NULL), 0);
	assert_int_equal(promote_release_list_count(list), 3);
	assert_string_equal(promote_release_id(promote_release_list_at(list, 0)), "shop-2-000003");
	assert_string_equal(promote_release_id(promote_release_list_at(list, 2)), "shop-1-000001");
	assert_null(promote_release_list_at(list, 3));
	promote_release *listed = (promote_release *)promote_release_list_at(list, 0);
	assert_int_equal(promote__release_update(listed, no_change, NULL, "x"), PROMOTE_ESTATE);
	promote_release_list_free(list);

	promote_release_list_options o;
	assert_int_equal(promote_release_list_options_init(&o, PROMOTE_RELEASE_LIST_OPTIONS_VERSION), 0);
	assert_int_equal(o.state, -1);
	o.product = "shop";
	o.limit = 1;
	assert_int_equal(promote_release_list_new(&list, ctx, &o), 0);
	assert_int_equal(promote_release_list_count(list), 1);
	assert_string_equal(promote_release_id(promote_release_list_at(list, 0)), "shop-2-000003");
	promote_release_list_free(list);
	o.product = NULL;
	o.limit = 0;
	o.state = PROMOTE_RELEASE_SUCCEEDED;
	assert_int_equal(promote_release_list_new(&list, ctx, &o), 0);
	assert_int_equal(promote_release_list_count(list), 1);
	assert_string_equal(promote_release_product(promote_release_list_at(list, 0)), "cart");
	promote_release_list_free(list);
	promote_context_free(ctx);
}

/* Ids: PRODUCT-VERSION-xxxxxx, only characters refs and trailers take, at
 * most 64, different each time. */
static void test_make_id(void **state)
{
	(void)state;
	char *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(promote__release_make_id(&a, "shop", "1.4.0+build.7"), 0);
	assert_int_equal(promote__release_make_id(&b, "shop", "1.4.0+build.7"), 0);
	assert_int_equal(strlen(a), strlen("shop-1.4.0-build.7-") + 6);
	assert_memory_equal(a, "shop-1.4.0-build.7-", strlen("shop-1.4.0-build.7-"));
	assert_string_not_equal(a, b);
	char long_version[200];
	memset(long_version, 'v', sizeof long_version - 1);
	long_version[sizeof long_version - 1] = '\0';
	assert_int_equal(promote__release_make_id(&c, ".hidden", long_version), 0);
	assert_int_equal(strlen(c), PROMOTE__RELEASE_ID_MAX);
	assert_int_equal(c[0], '_');
	for (const char *p = c; *p; p++)
		assert_non_null(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p));
	free(a);
	free(b);
	free(c);
}

/* The getters take NULL and out-of-range indexes without crashing. */
static void test_getters_on_nothing(void **state)
{
	(void)state;
	assert_string_equal(promote_release_id(NULL), "");
	assert_int_equal(promote_release_step_count(NULL), 0);
	assert_null(promote_release_step_at(NULL, 0));
	assert_string_equal(promote_release_step_commit(NULL), "");
	assert_null(promote_release_step_check_name_at(NULL, 0));
	assert_int_equal(promote_release_step_check_status_at(NULL, 0), -1);
	assert_string_equal(promote_step_state_name(PROMOTE_STEP_ABORTED), "aborted");
	assert_string_equal(promote_step_state_name(11), "unknown");
	assert_string_equal(promote_release_state_name(PROMOTE_RELEASE_ABORTED), "aborted");
	assert_int_equal(promote_release_to_json(NULL, NULL), PROMOTE_EINVALID);
	promote_release_free(NULL);
	promote_release_list_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_lost_race_reapplies_on_the_winner),
		cmocka_unit_test(test_no_change_and_existing_id),
		cmocka_unit_test(test_damaged_record),
		cmocka_unit_test(test_record_of_an_earlier_version),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_make_id),
		cmocka_unit_test(test_getters_on_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
