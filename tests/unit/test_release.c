/*
 * Releases on real repositories, built here and checked with the git CLI:
 * strategies × actions, grouping, blocked dependents, approvals from another
 * context, retry, abort, adopting an effect a dead process made, and two
 * processes resuming one release at once.
 */
#include "release_helpers.h"


#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[128];
static char bare[256];

/* The flow dev → qa + staging → prod; `prod` and `policy` vary per test. */
#define CONFIG(prod_strategy, prod_action) \
	"version: 1\n" \
	"environments:\n" \
	"  dev: {path: envs/dev, strategy: auto}\n" \
	"  qa: {path: envs/qa, strategy: auto}\n" \
	"  staging: {path: envs/staging, strategy: auto}\n" \
	"  prod: {path: envs/prod, strategy: " prod_strategy ", kind: production}\n" \
	"products:\n" \
	"  shop:\n" \
	"    path: apps/shop\n" \
	"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n" \
	"policies:\n" \
	"  - {name: default, action: commit}\n" \
	"  - {name: prod, priority: 100, match: {environments: {kind: production}}, action: " prod_action "}\n" \
	"flows:\n" \
	"  default:\n" \
	"    trigger: dev\n" \
	"    steps:\n" \
	"      qa: {}\n" \
	"      staging: {}\n" \
	"      prod: {dependsOn: [qa, staging]}\n"

/* A fresh bare repository holding `config` and shop 1.0 in every environment (1.1 in dev). */
static void make_repo(const char *config)
{
	make_release_repo(dir, sizeof dir, bare, sizeof bare, "release", config, "1.1");
}

static int teardown(void **state)
{
	(void)state;
	return remove_scratch(dir);
}

/* A clock that stands still while frozen_s is set (a loaded machine must not see the retry fall due
 * between two polls), and is the real one otherwise. */
static int64_t frozen_s;

static int64_t freezable_clock(void *payload)
{
	(void)payload;
	return frozen_s ? frozen_s : (int64_t)time(NULL);
}

/* A context on the scratch repository, on the freezable clock. */
static promote_context *open_ctx(void)
{
	return open_repository_on_clock_or_fail(bare, freezable_clock);
}

/* How many commits on main carry `trailer` (a whole line). */
static int commits_with(const char *trailer)
{
	char out[64];
	assert_int_equal(sh(out, sizeof out, "git -C %s log --first-parent --format=%%B main | grep -cx '%s'", bare, trailer) >> 8 <= 1, 1);
	return atoi(out);
}

/* How many commits on main belong to the release `id` (their trailer Promote-Release names it). */
static int commits_of_release(const char *id)
{
	char line[256];
	snprintf(line, sizeof line, "Promote-Release: %s", id);
	return commits_with(line);
}

/* The tag of shop in `env` on main. */
static void tag_of(char *out, size_t size, const char *env)
{
	assert_int_equal(sh(out, size, "git -C %s show main:envs/%s/apps/shop/values.yaml | sed -n 's/.*tag: \"\\(.*\\)\".*/\\1/p'",
				 bare, env), 0);
}

static void assert_tag(const char *env, const char *expected)
{
	char tag[64];
	tag_of(tag, sizeof tag, env);
	assert_string_equal(tag, expected);
}

/* A release of shop started with the options `o`. */
static promote_release *start_with(promote_context *ctx, const promote_release_options *o)
{
	promote_release *r = NULL;
	if (promote_release_start(&r, ctx, "shop", o))
		fail_msg("start: %s", promote_error_last()->message);
	return r;
}

/* The same with `version` (NULL: what dev holds), grouped. */
static promote_release *start(promote_context *ctx, const char *version)
{
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = version;
	return start_with(ctx, &o);
}

static void run(promote_release *r)
{
	if (promote_release_run(r, 60000))
		fail_msg("run: %s", promote_error_last()->message);
}

/* The set-up of most tests: a fresh repository holding `config`, a context on it (into *ctx), and a
 * release of shop started there with the options `o`... */
static promote_release *begin_with(promote_context **ctx, const char *config, const promote_release_options *o)
{
	make_repo(config);
	*ctx = open_ctx();
	return start_with(*ctx, o);
}

/* ... or with `version` (NULL: what dev holds), grouped. */
static promote_release *begin(promote_context **ctx, const char *config, const char *version)
{
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = version;
	return begin_with(ctx, config, &o);
}

static void finish(promote_release *r, promote_context *ctx)
{
	promote_release_free(r);
	promote_context_free(ctx);
}

static int step_state(const promote_release *r, const char *env)
{
	const promote_release_step *s = promote_release_step_lookup(r, env);
	assert_non_null(s);
	return promote_release_step_state(s);
}

static const char *step_reason(const promote_release *r, const char *env)
{
	return promote_release_step_reason(promote_release_step_lookup(r, env));
}

/* ---- auto + commit, grouping --------------------------------------------------------- */

/* The events a callback saw, one line each: "kind env". */
static int on_event(const promote_release_event *e, void *payload)
{
	seen_add(payload, "%s %s\n", promote_release_event_kind_name(promote_release_event_kind(e)),
		promote_release_event_environment(e));
	return 0;
}

static void test_auto_commits_grouped(void **state)
{
	(void)state;
	seen events = { "" };
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = "2.0";
	o.event_cb = on_event;
	o.event_payload = &events;
	promote_context *ctx = NULL;
	promote_release *r = begin_with(&ctx, CONFIG("auto", "commit"), &o);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_RUNNING);
	assert_string_equal(promote_release_flow(r), "default");
	assert_string_equal(promote_release_version(r), "2.0");
	assert_int_equal(strncmp(promote_release_id(r), "shop-2.0-", 9), 0);
	assert_int_equal(promote_release_step_count(r), 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(promote_release_step_state(promote_release_step_at(r, i)), PROMOTE_STEP_PENDING);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_tag("dev", "2.0");
	assert_tag("qa", "2.0");
	assert_tag("staging", "2.0");
	assert_tag("prod", "2.0");
	/* The trigger's version, qa + staging in one commit, prod: three commits. */
	assert_int_equal(commits_of_release(promote_release_id(r)), 3);
	assert_int_equal(commits_with("Promote-Environment: qa"), 1);
	assert_int_equal(commits_with("Promote-Environment: staging"), 1);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s log -1 --format=%%B main~1", bare), 0);
	assert_non_null(strstr(out, "Promote shop 2.0 to qa, staging\n"));
	assert_non_null(strstr(out, "Promote-Environment: qa\nPromote-Environment: staging\n"));
	const promote_release_step *qa = promote_release_step_lookup(r, "qa"), *staging = promote_release_step_lookup(r, "staging");
	assert_string_equal(promote_release_step_commit(qa), promote_release_step_commit(staging));
	assert_int_equal(strlen(promote_release_step_commit(qa)), 40);
	assert_int_equal(promote_release_step_attempts(qa), 1);
	if (!strstr(events.text, "step started qa\nstep started staging\ncommitted qa\nstep finished qa\n"
					    "committed staging\nstep finished staging\nstep started prod\ncommitted prod\n"
					    "step finished prod\nrelease finished \n"))
		print_error("events:\n%s", events.text);
	assert_non_null(strstr(events.text, "step started qa\nstep started staging\ncommitted qa\nstep finished qa\n"
					    "committed staging\nstep finished staging\nstep started prod\ncommitted prod\n"
					    "step finished prod\nrelease finished \n"));
	/* Opened again by id: the same record. */
	promote_release *again = NULL;
	assert_int_equal(promote_release_open(&again, ctx, promote_release_id(r), NULL), 0);
	assert_int_equal(promote_release_state(again), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_commit(promote_release_step_lookup(again, "prod")),
		promote_release_step_commit(promote_release_step_lookup(r, "prod")));
	uint32_t next = 7;
	assert_int_equal(promote_release_poll(again, &next), 0);
	assert_int_equal(next, 0);
	promote_release_free(again);
	promote_release_free(r);
	assert_int_equal(promote_release_open(&again, ctx, "shop-9-000000", NULL), PROMOTE_ENOTFOUND);
	promote_context_free(ctx);
}

/* A callback that asks to stop at the first commit: the call stops with PROMOTE_EUSER, the record stays
 * consistent, and the next poll goes on from there. */
static int stop_at_commit(const promote_release_event *e, void *payload)
{
	int *stops = payload;
	if (promote_release_event_kind(e) == PROMOTE_RELEASE_EVENT_COMMITTED && (*stops)-- > 0)
		return 1;
	return 0;
}

static void test_event_callback_can_stop(void **state)
{
	(void)state;
	int stops = 1;
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.event_cb = stop_at_commit;
	o.event_payload = &stops;
	promote_context *ctx = NULL;
	promote_release *r = begin_with(&ctx, CONFIG("auto", "commit"), &o);
	assert_int_equal(promote_release_run(r, 60000), PROMOTE_EUSER);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PENDING);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(commits_with("Promote-Environment: qa"), 1);
	finish(r, ctx);
}

static void test_no_group_writes_each_step_alone(void **state)
{
	(void)state;
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.no_group = 1;
	promote_context *ctx = NULL;
	promote_release *r = begin_with(&ctx, CONFIG("auto", "commit"), &o);
	assert_string_equal(promote_release_version(r), "1.1"); /* what dev holds */
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(commits_of_release(promote_release_id(r)), 3); /* qa, staging, prod: dev was not written */
	assert_string_not_equal(promote_release_step_commit(promote_release_step_lookup(r, "qa")),
		promote_release_step_commit(promote_release_step_lookup(r, "staging")));
	assert_tag("prod", "1.1");
	finish(r, ctx);
}

/* `apply --to`: a one-step release, flow "manual", from what the step depends on in the default flow. */
static void test_one_step_release(void **state)
{
	(void)state;
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.to = "qa";
	promote_context *ctx = NULL;
	promote_release *r = begin_with(&ctx, CONFIG("manual", "pull-request"), &o);
	assert_string_equal(promote_release_flow(r), "manual");
	assert_string_equal(promote_release_version(r), "1.1");
	assert_int_equal(promote_release_step_count(r), 1);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_tag("qa", "1.1");
	assert_tag("staging", "1.0");
	promote_release_free(r);
	/* The gate: prod comes after qa and staging in the default flow, and staging does not hold 1.1. */
	o.to = "prod";
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), PROMOTE_ESTATE);
	assert_non_null(strstr(promote_error_last()->message, "staging holds 1.0"));
	/* Forced into staging; then back to 1.0, which staging held before: a rollback, not refused although
	 * qa does not hold 1.0. */
	o.to = "staging";
	o.force = 1;
	o.reason = "hotfix";
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), 0);
	run(r);
	assert_tag("staging", "1.1");
	promote_release_free(r);
	o.force = 0;
	o.reason = NULL;
	o.set_version = "1.0";
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), 0);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_tag("staging", "1.0");
	promote_release_free(r);
	o.set_version = NULL;
	/* A manual environment whose policy asks for a pull request: a draft that waits, as apply made it. */
	o.to = "prod";
	o.from = "qa";
	o.force = 1;
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), PROMOTE_EINVALID); /* forced without a reason */
	assert_non_null(strstr(promote_error_last()->message, "needs a reason"));
	o.reason = "hotfix";
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), 0);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_WAITING);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_AWAITING_APPROVAL);
	promote_buf json = PROMOTE_BUF_INIT;
	assert_int_equal(promote_release_to_json(&json, r), 0);
	assert_non_null(strstr(json.ptr, "hotfix"));
	promote_buf_dispose(&json);
	promote_release_free(r);
	o.from = "nowhere";
	assert_int_equal(promote_release_start(&r, ctx, "shop", &o), PROMOTE_ENOTFOUND);
	promote_context_free(ctx);
}

/* ---- never, manual ------------------------------------------------------------------ */

static void test_never_skips_the_step(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	promote_release *r = begin(&ctx, CONFIG("never", "commit"), "2.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_SKIPPED);
	assert_string_equal(step_reason(r, "prod"), "prod never promotes automatically");
	assert_tag("prod", "1.0");
	assert_tag("staging", "2.0");
	finish(r, ctx);
}

/* A manual commit step waits before writing anything; an approval from another context lets it go. */
static void test_manual_commit_waits_for_an_approval_from_elsewhere(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	promote_release *r = begin(&ctx, CONFIG("manual", "commit"), "2.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_WAITING);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_AWAITING_APPROVAL);
	assert_non_null(strstr(step_reason(r, "prod"), "waiting for approval to promote shop 2.0 to prod"));
	assert_string_equal(promote_release_reason(r), step_reason(r, "prod"));
	assert_tag("prod", "1.0");
	assert_int_equal(promote_release_approve(r, "qa", "alice"), PROMOTE_ESTATE);
	assert_int_equal(promote_release_approve(r, "nowhere", "alice"), PROMOTE_ENOTFOUND);
	/* Another context (another process would do the same) approves. */
	promote_context *other = open_ctx();
	promote_release *theirs = NULL;
	assert_int_equal(promote_release_open(&theirs, other, promote_release_id(r), NULL), 0);
	assert_int_equal(promote_release_approve(theirs, "prod", "alice"), 0);
	promote_release_free(theirs);
	promote_context_free(other);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

/* ---- pull requests ------------------------------------------------------------------ */

static void test_auto_pull_request_merges_at_once(void **state)
{
	(void)state;
	seen events = { "" };
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.set_version = "2.0";
	o.event_cb = on_event;
	o.event_payload = &events;
	promote_context *ctx = NULL;
	promote_release *r = begin_with(&ctx, CONFIG("auto", "pull-request"), &o);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	const promote_release_step *prod = promote_release_step_lookup(r, "prod");
	char change[256];
	snprintf(change, sizeof change, "promote/%s/prod", promote_release_id(r));
	assert_string_equal(promote_release_step_change(prod), change);
	assert_int_equal(strlen(promote_release_step_head(prod)), 40);
	assert_int_equal(strlen(promote_release_step_merge_commit(prod)), 40);
	/* Its action was tried once: opening the change and merging it are one attempt. */
	assert_int_equal(promote_release_step_attempts(prod), 1);
	assert_tag("prod", "2.0");
	assert_non_null(strstr(events.text, "change opened prod\nchange merged prod\nstep finished prod\n"));
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, change), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	promote_change_info_free(info);
	finish(r, ctx);
}

/* Grouped steps with a pull-request action share one change branch promote/ID/qa+staging. */
static void test_grouped_pull_request(void **state)
{
	(void)state;
	make_repo(CONFIG("auto", "commit") "  # every step by pull request\n");
	assert_int_equal(sh(NULL, 0, "cd %s/work && sed -i 's/{name: default, action: commit}/{name: default, action: pull-request}/' "
				     "promote.yaml && " GIT "commit -qam pr && " GIT "push -q %s main", dir, bare), 0);
	promote_context *ctx = open_ctx();
	promote_release *r = start(ctx, "2.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	char change[256];
	snprintf(change, sizeof change, "promote/%s/qa+staging", promote_release_id(r));
	assert_string_equal(promote_release_step_change(promote_release_step_lookup(r, "qa")), change);
	assert_string_equal(promote_release_step_change(promote_release_step_lookup(r, "staging")), change);
	assert_tag("qa", "2.0");
	assert_tag("staging", "2.0");
	finish(r, ctx);
}

/* Manual + pull request: a draft opened at once, approved (the draft becomes ready), merged. */
static void test_manual_pull_request_draft_then_approval(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	promote_release *r = begin(&ctx, CONFIG("manual", "pull-request"), "2.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_WAITING);
	const promote_release_step *prod = promote_release_step_lookup(r, "prod");
	assert_int_equal(promote_release_step_state(prod), PROMOTE_STEP_AWAITING_APPROVAL);
	char reason[256];
	snprintf(reason, sizeof reason, "waiting for approval of change promote/%s/prod (0 of 1)", promote_release_id(r));
	assert_string_equal(promote_release_step_reason(prod), reason);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, promote_release_step_change(prod)), 0);
	assert_int_equal(promote_change_info_draft(info), 1);
	promote_change_info_free(info);
	assert_tag("prod", "1.0");
	assert_int_equal(promote_release_approve(r, "prod", "bob"), 0);
	prod = promote_release_step_lookup(r, "prod");
	assert_int_equal(promote_change_get(&info, ctx, NULL, promote_release_step_change(prod)), 0);
	assert_int_equal(promote_change_info_draft(info), 0);
	assert_int_equal(promote_change_info_approvals(info), 1);
	promote_change_info_free(info);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(promote_release_step_attempts(promote_release_step_lookup(r, "prod")), 1);
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

/* A release of 2.0 whose prod step (manual, pull request) waits for its approval, its draft open:
 * the release, its context in *ctx and prod's change in `change`. */
static promote_release *prod_waiting(promote_context **ctx, char *change, size_t size)
{
	promote_release *r = begin(ctx, CONFIG("manual", "pull-request"), "2.0");
	run(r);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_AWAITING_APPROVAL);
	snprintf(change, size, "%s", promote_release_step_change(promote_release_step_lookup(r, "prod")));
	return r;
}

/* Abort: no further writes, and the open change request is closed with a comment. */
static void test_abort_closes_the_change(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	char change[256];
	promote_release *r = prod_waiting(&ctx, change, sizeof change);
	assert_int_equal(promote_release_abort(r, "wrong build"), 0);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_ABORTED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_ABORTED);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_SUCCEEDED);
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, change), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_CLOSED);
	promote_change_info_free(info);
	char out[4096];
	assert_int_equal(sh(out, sizeof out, "git -C %s show 'refs/promote/changes/%s:record.json'", bare, change), 0);
	assert_non_null(strstr(out, "was aborted: wrong build"));
	assert_int_equal(promote_release_approve(r, "prod", "bob"), PROMOTE_ESTATE);
	uint32_t next = 5;
	assert_int_equal(promote_release_poll(r, &next), 0);
	assert_int_equal(next, 0);
	assert_int_equal(promote_release_abort(r, NULL), PROMOTE_ESTATE);
	assert_tag("prod", "1.0");
	finish(r, ctx);
}

/* ---- failures, retry ---------------------------------------------------------------- */

/* qa cannot be planned (its file is no YAML): prod is blocked, staging goes on; after the file is
 * mended, retry resumes qa and prod and keeps staging's commit. */
static void test_failure_blocks_dependents_and_retry_resumes(void **state)
{
	(void)state;
	make_repo(CONFIG("auto", "commit"));
	assert_int_equal(sh(NULL, 0, "cd %s/work && printf 'image: [\\n' > envs/qa/apps/shop/values.yaml && " GIT
				     "commit -qam broken && " GIT "push -q %s main", dir, bare), 0);
	promote_context *ctx = open_ctx();
	promote_release *r = start(ctx, "2.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_FAILED);
	assert_int_equal(step_state(r, "staging"), PROMOTE_STEP_SUCCEEDED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_SKIPPED);
	const char *error = promote_release_step_error(promote_release_step_lookup(r, "qa"));
	assert_true(*error);
	char blocked[4096];
	snprintf(blocked, sizeof blocked, "blocked: qa failed (%s)", error);
	assert_string_equal(step_reason(r, "prod"), blocked);
	char staging_commit[64];
	snprintf(staging_commit, sizeof staging_commit, "%s", promote_release_step_commit(promote_release_step_lookup(r, "staging")));
	assert_tag("staging", "2.0");
	assert_int_equal(promote_release_retry(r, "staging"), PROMOTE_ESTATE);
	assert_int_equal(sh(NULL, 0, "cd %s/work && " GIT "pull -q %s main && printf 'image:\\n  tag: \"1.0\"\\n' > "
				     "envs/qa/apps/shop/values.yaml && " GIT "commit -qam mended && " GIT "push -q %s HEAD:main",
				 dir, bare, bare), 0);
	assert_int_equal(promote_release_retry(r, NULL), 0);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_RUNNING);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PENDING);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_commit(promote_release_step_lookup(r, "staging")), staging_commit);
	assert_true(promote_release_step_attempts(promote_release_step_lookup(r, "qa")) >= 2);
	assert_tag("qa", "2.0");
	assert_tag("prod", "2.0");
	assert_int_equal(promote_release_retry(r, NULL), PROMOTE_ESTATE);
	finish(r, ctx);
}

/* A provider that fails with a network error the first `failures` times it opens a change. */
static int flaky_failures;

static int flaky_open(promote_change_info *out, const promote_change_request *request, void *payload)
{
	(void)out;
	(void)request;
	(void)payload;
	if (flaky_failures > 0) {
		flaky_failures--;
		return PROMOTE_ENET;
	}
	return PROMOTE_PASSTHROUGH;
}

/* Everything else: the built-in provider does it. */
static int pass_info(promote_change_info *out, const char *id, void *payload)
{
	(void)out;
	(void)id;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

static int pass_request(promote_change_info *out, const promote_change_request *request, void *payload)
{
	(void)out;
	(void)request;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

static int pass_approve(promote_change_info *out, const char *id, const char *by, void *payload)
{
	(void)out;
	(void)id;
	(void)by;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

static int pass_comment(const char *id, const char *body, void *payload)
{
	(void)id;
	(void)body;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

static int pass_close(const char *id, void *payload)
{
	(void)id;
	(void)payload;
	return PROMOTE_PASSTHROUGH;
}

/* The local provider, wrapped: opening and merging changes go through `open` and `merge` first. */
static void register_flaky(promote_context *ctx,
	int (*open)(promote_change_info *, const promote_change_request *, void *),
	int (*merge)(promote_change_info *, const char *, void *))
{
	promote_git_provider flaky = PROMOTE_GIT_PROVIDER_INIT;
	flaky.open_change = open;
	flaky.get_change = pass_info;
	flaky.merge_change = merge;
	flaky.find_change = pass_request;
	flaky.approve_change = pass_approve;
	flaky.comment_change = pass_comment;
	flaky.close_change = pass_close;
	assert_int_equal(promote_git_provider_register(ctx, "local", &flaky, NULL), 0);
}

static void test_transient_error_is_retried(void **state)
{
	(void)state;
	make_repo(CONFIG("auto", "pull-request"));
	promote_context *ctx = open_ctx();
	frozen_s = (int64_t)time(NULL);
	register_flaky(ctx, flaky_open, pass_info);
	flaky_failures = 1;
	promote_release *r = start(ctx, "2.0");
	uint32_t next = 0;
	for (int i = 0; i < 10 && step_state(r, "prod") != PROMOTE_STEP_PROMOTING; i++)
		assert_int_equal(promote_release_poll(r, &next), 0);
	/* The first attempt failed: the step waits a second, then tries again. */
	assert_int_equal(promote_release_poll(r, &next), 0);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_PROMOTING);
	assert_non_null(strstr(step_reason(r, "prod"), "retrying in 1s after: "));
	assert_true(next > 0 && next <= 1000);
	frozen_s = 0;
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	/* The action was tried twice: the failed opening, then the opening (its merge is part of it). */
	assert_int_equal(promote_release_step_attempts(promote_release_step_lookup(r, "prod")), 2);
	assert_tag("prod", "2.0");
	promote_release_free(r);
	/* More failures than the flow's retries (3): the step fails with the error. */
	flaky_failures = 10;
	r = start(ctx, "3.0");
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_FAILED);
	assert_int_equal(promote_release_step_attempts(promote_release_step_lookup(r, "prod")), 4);
	finish(r, ctx);
}

/* ---- changes that people merge or close themselves ----------------------------------------- */

/* The change of prod (manual, pull request) as a person sees it: from a context of their own. */
static void person_merges(const char *change, bool approve_first)
{
	promote_context *other = open_ctx();
	promote_change_info *info = NULL;
	if (approve_first) {
		assert_int_equal(promote_change_approve(&info, other, NULL, change, "carol"), 0);
		promote_change_info_free(info);
	}
	if (promote_change_merge(&info, other, NULL, change))
		fail_msg("merge %s: %s", change, promote_error_last()->message);
	promote_change_info_free(info);
	promote_context_free(other);
}

static void merge_commit_of(char *out, size_t size, promote_context *ctx, const char *change)
{
	promote_change_info *info = NULL;
	assert_int_equal(promote_change_get(&info, ctx, NULL, change), 0);
	assert_int_equal(promote_change_info_state(info), PROMOTE_CHANGE_MERGED);
	snprintf(out, size, "%s", promote_change_info_merge_commit(info));
	promote_change_info_free(info);
}

/* While prod waits for its approval, a person approves and merges its change at the provider: the
 * release adopts that merge and finishes. */
static void test_change_merged_by_someone_else_while_awaiting_approval(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	char change[256], merged[64];
	promote_release *r = prod_waiting(&ctx, change, sizeof change);
	person_merges(change, true);
	merge_commit_of(merged, sizeof merged, ctx, change);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(step_reason(r, "prod"), "");
	assert_string_equal(promote_release_step_merge_commit(promote_release_step_lookup(r, "prod")), merged);
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

/* The merge fails at the provider for a moment: a person merges the change meanwhile; the release adopts it. */
static int flaky_merges;

static int flaky_merge(promote_change_info *out, const char *id, void *payload)
{
	(void)out;
	(void)id;
	(void)payload;
	if (flaky_merges > 0) {
		flaky_merges--;
		return PROMOTE_ENET;
	}
	return PROMOTE_PASSTHROUGH;
}

static void test_change_merged_by_someone_else_while_awaiting_merge(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	promote_release *r = begin(&ctx, CONFIG("manual", "pull-request"), "2.0");
	register_flaky(ctx, pass_request, flaky_merge);
	run(r);
	assert_int_equal(promote_release_approve(r, "prod", "bob"), 0);
	flaky_merges = 1;
	uint32_t next = 0;
	frozen_s = (int64_t)time(NULL); /* the retry does not fall due within the poll, however slow it is */
	assert_int_equal(promote_release_poll(r, &next), 0);
	frozen_s = 0;
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_AWAITING_MERGE);
	assert_non_null(strstr(step_reason(r, "prod"), "retrying in 1s after: "));
	char change[256], merged[64];
	snprintf(change, sizeof change, "%s", promote_release_step_change(promote_release_step_lookup(r, "prod")));
	person_merges(change, false);
	merge_commit_of(merged, sizeof merged, ctx, change);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_merge_commit(promote_release_step_lookup(r, "prod")), merged);
	/* One attempt: the merge that failed was not tried again, the person's was adopted. */
	assert_int_equal(promote_release_step_attempts(promote_release_step_lookup(r, "prod")), 1);
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

/* While prod waits for its approval, a person merges its change branch into main with git, outside the
 * provider (whose record still says open, draft): the release finds the branch merged and adopts that merge. */
static void test_change_branch_merged_with_git_while_awaiting_approval(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	char change[256], merged[64];
	promote_release *r = prod_waiting(&ctx, change, sizeof change);
	assert_int_equal(sh(NULL, 0, "cd %s/work && " GIT "fetch -q %s main && " GIT "reset -q --hard FETCH_HEAD && "
				     GIT "fetch -q %s %s && " GIT "merge -q --no-ff -m 'merged by hand' FETCH_HEAD && "
				     GIT "push -q %s HEAD:main", dir, bare, bare, change, bare), 0);
	assert_int_equal(sh(merged, sizeof merged, "git -C %s rev-parse main", bare), 0);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_string_equal(promote_release_step_merge_commit(promote_release_step_lookup(r, "prod")), merged);
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

/* A person closes prod's change while it waits: the step fails, naming the change. */
static void test_change_closed_by_someone_else(void **state)
{
	(void)state;
	promote_context *ctx = NULL;
	char change[256], expected[512];
	promote_release *r = prod_waiting(&ctx, change, sizeof change);
	promote_context *other = open_ctx();
	assert_int_equal(promote_change_close(other, NULL, change), 0);
	promote_context_free(other);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_FAILED);
	assert_int_equal(step_state(r, "prod"), PROMOTE_STEP_FAILED);
	snprintf(expected, sizeof expected, "change %s was closed without merging", change);
	assert_string_equal(promote_release_step_error(promote_release_step_lookup(r, "prod")), expected);
	assert_string_equal(step_reason(r, "prod"), expected);
	assert_tag("prod", "1.0");
	finish(r, ctx);
}

/* ---- exactly once -------------------------------------------------------------------- */

/* The record's commit of the first transition whose message starts with `what`. */
static void record_at(char *out, size_t size, const char *id, const char *what)
{
	assert_int_equal(sh(out, size, "git -C %s log --reverse --format='%%H %%s' refs/promote/releases/%s | "
				       "grep -m1 ' %s' | cut -d' ' -f1", bare, id, what), 0);
	assert_int_equal(strlen(out), 40);
}

/* A release of shop 2.0 begun (begin) and freed at once, its id in `id`: the context. */
static promote_context *begin_and_let_go(char *id, size_t size, const char *config)
{
	promote_context *ctx = NULL;
	promote_release *r = begin(&ctx, config, "2.0");
	snprintf(id, size, "%s", promote_release_id(r));
	promote_release_free(r);
	return ctx;
}

/* A process made the grouped commit and died before recording it: the next one adopts it. */
static void test_adopts_a_commit_made_before_a_crash(void **state)
{
	(void)state;
	char id[128];
	promote_context *ctx = begin_and_let_go(id, sizeof id, CONFIG("auto", "commit"));
	promote_release *r = NULL;
	assert_exited_0(resume_elsewhere(bare, id, "the process that dies"));
	/* Back to the record as it was when the grouped step was claimed (by a process now gone). */
	char claim[64];
	record_at(claim, sizeof claim, id, "Start steps"); /* the steps started and claimed */
	assert_int_equal(sh(NULL, 0, "git -C %s update-ref refs/promote/releases/%s %s", bare, id, claim), 0);
	assert_int_equal(promote_release_open(&r, ctx, id, NULL), 0);
	assert_int_equal(step_state(r, "qa"), PROMOTE_STEP_PROMOTING);
	run(r);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	assert_int_equal(commits_of_release(id), 3);
	assert_int_equal(commits_with("Promote-Environment: qa"), 1);
	assert_int_equal(promote_release_step_attempts(promote_release_step_lookup(r, "qa")), 2);
	finish(r, ctx);
}

/* Two processes resume one release at once: one commit or change per step. */
static void test_two_processes_resume_at_once(void **state)
{
	(void)state;
	char id[128];
	promote_context *ctx = begin_and_let_go(id, sizeof id, CONFIG("auto", "pull-request"));
	promote_release *r = NULL;
	pid_t first = resume_elsewhere(bare, id, "resumer 0"), second = resume_elsewhere(bare, id, "resumer 1");
	assert_exited_0(first);
	assert_exited_0(second);
	assert_int_equal(promote_release_open(&r, ctx, id, NULL), 0);
	assert_int_equal(promote_release_state(r), PROMOTE_RELEASE_SUCCEEDED);
	/* The trigger's version, qa + staging in one commit, prod's change (fast-forwarded). */
	assert_int_equal(commits_of_release(id), 3);
	assert_int_equal(commits_with("Promote-Environment: staging"), 1);
	char out[64];
	assert_int_equal(sh(out, sizeof out, "git -C %s for-each-ref 'refs/promote/changes/promote/%s/*' | wc -l", bare, id), 0);
	assert_string_equal(out, "1"); /* prod's */
	assert_tag("prod", "2.0");
	finish(r, ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_auto_commits_grouped, teardown),
		cmocka_unit_test_teardown(test_event_callback_can_stop, teardown),
		cmocka_unit_test_teardown(test_no_group_writes_each_step_alone, teardown),
		cmocka_unit_test_teardown(test_one_step_release, teardown),
		cmocka_unit_test_teardown(test_never_skips_the_step, teardown),
		cmocka_unit_test_teardown(test_manual_commit_waits_for_an_approval_from_elsewhere, teardown),
		cmocka_unit_test_teardown(test_auto_pull_request_merges_at_once, teardown),
		cmocka_unit_test_teardown(test_grouped_pull_request, teardown),
		cmocka_unit_test_teardown(test_manual_pull_request_draft_then_approval, teardown),
		cmocka_unit_test_teardown(test_abort_closes_the_change, teardown),
		cmocka_unit_test_teardown(test_failure_blocks_dependents_and_retry_resumes, teardown),
		cmocka_unit_test_teardown(test_transient_error_is_retried, teardown),
		cmocka_unit_test_teardown(test_change_merged_by_someone_else_while_awaiting_approval, teardown),
		cmocka_unit_test_teardown(test_change_merged_by_someone_else_while_awaiting_merge, teardown),
		cmocka_unit_test_teardown(test_change_branch_merged_with_git_while_awaiting_approval, teardown),
		cmocka_unit_test_teardown(test_change_closed_by_someone_else, teardown),
		cmocka_unit_test_teardown(test_adopts_a_commit_made_before_a_crash, teardown),
		cmocka_unit_test_teardown(test_two_processes_resume_at_once, teardown),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
