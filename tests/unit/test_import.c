/*
 * promote_env_import() on local repositories: one commit making the new
 * environment's folder and adding it to promote.yaml — only the inserted
 * lines differ, in the style of the environments there —, the refusals
 * (configured already, folder there, bad names, unknown source) writing
 * nothing, and a repeated import finding its commit instead of making
 * another.
 */
#include "helpers.h"

#include <sys/stat.h>

/* ---- repositories ---------------------------------------------------------------------------------- */

static char scratch[256], bare[320];

static int setup(void **state)
{
	(void)state;
	return helpers_init(state);
}

/* Every test gets a fresh folder. */
static int before(void **state)
{
	(void)state;
	snprintf(scratch, sizeof scratch, "/tmp/promote-test-import-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int after(void **state)
{
	(void)state;
	return remove_scratch(scratch);
}

/* A bare repository of one commit: promote.yaml holding `config`, and kargo-simple's dev overlay in
 * envs/dev (namespace guestbook-simple-dev) beside a values file. */
static void make_kustomize_repo(const char *config)
{
	setenv("CONFIG", config, 1);
	snprintf(bare, sizeof bare, "%s/gitops.git", scratch);
	assert_int_equal(sh(NULL, 0,
		"mkdir -p %s/work/envs/dev/apps/web && cd %s/work && printf '%%s' \"$CONFIG\" > promote.yaml && "
		"cp '%s/kargo-simple/env/dev/kustomization.yaml' envs/dev/ && "
		"printf 'image:\\n  tag: \"1.0\"\\n' > envs/dev/apps/web/values.yaml && "
		GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm start && " GIT "clone -q --bare . %s",
		scratch, scratch, getenv("PROMOTE_TEST_DATA"), bare), 0);
}

static void make_example(void)
{
	assert_int_equal(make_example_repo(bare, sizeof bare, scratch), 0);
}

static int commits(void)
{
	char out[64];
	assert_int_equal(sh(out, sizeof out, GIT "-C %s rev-list --count main", bare), 0);
	return atoi(out);
}

/* The bytes of `path` on main. */
static char *show(const char *path)
{
	static char out[65536];
	assert_int_equal(sh(out, sizeof out, GIT "-C %s show main:%s; printf x", bare, path), 0);
	out[strlen(out) - 1] = '\0'; /* the x that kept the final line breaks */
	return out;
}

/* `text` with `insert` put right after `anchor` (which occurs once). */
static char *inserted(const char *text, const char *anchor, const char *insert)
{
	const char *at = strstr(text, anchor);
	if (!at || strstr(at + 1, anchor))
		fail_msg("'%s' is not in the text exactly once", anchor);
	size_t head = (size_t)(at - text) + strlen(anchor);
	char *out = malloc(strlen(text) + strlen(insert) + 1);
	sprintf(out, "%.*s%s%s", (int)head, text, insert, text + head);
	return out;
}

/* `text` with `old` (which occurs once) replaced by `new`. */
static char *replaced(const char *text, const char *old, const char *new)
{
	const char *at = strstr(text, old);
	if (!at || strstr(at + 1, old))
		fail_msg("'%s' is not in the text exactly once", old);
	char *out = malloc(strlen(text) - strlen(old) + strlen(new) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - text), text, new, at + strlen(old));
	return out;
}

static int import_env(promote_buf *commit, int *outcome, const char *name, const char *from,
	const promote_env_import_options *opts)
{
	promote_context *ctx = open_repository_or_fail(bare);
	int rc = promote_env_import(commit, outcome, ctx, name, from, opts);
	promote_context_free(ctx);
	return rc;
}

/* ---- the bundled example: block entries -------------------------------------------------------------- */

static void test_import_from_staging(void **state)
{
	(void)state;
	make_example();
	char *before_cfg = strdup(show("promote.yaml"));
	int n = commits();
	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome = -1;
	if (import_env(&commit, &outcome, "perf", "staging", NULL))
		fail_msg("import: %s", promote_error_last()->message);
	assert_int_equal(outcome, PROMOTE_APPLY_COMMITTED);
	assert_int_equal(commits(), n + 1);
	char head[64];
	assert_int_equal(sh(head, sizeof head, GIT "-C %s rev-parse main", bare), 0);
	assert_string_equal(commit.ptr, head);

	/* promote.yaml: the new entry after prod's last line, indented like the others, staging's labels and
	 * deploy as written; every other byte as it was. */
	char *want = inserted(before_cfg, "health: [./checks/health.sh, \"{env}\"], timeout: 10m}\n",
		"  perf:\n    path: envs/perf\n    strategy: manual\n    labels: {tier: pre, region: eu}\n"
		"    deploy: {backend: exec, health: [./checks/health.sh, \"{env}\"], timeout: 5m}\n");
	assert_string_equal(show("promote.yaml"), want);
	free(want);
	/* The folder: staging's files as they are (no namespace in them, no name with staging's in it). */
	char files[4096];
	assert_int_equal(sh(files, sizeof files, GIT "-C %s diff --name-status main~1 main", bare), 0);
	assert_string_equal(files,
		"A\tenvs/perf/apps/cart/values.yaml\n"
		"A\tenvs/perf/apps/shop/Chart.yaml\n"
		"A\tenvs/perf/apps/shop/config/feature-flags.yaml\n"
		"A\tenvs/perf/apps/shop/values.yaml\n"
		"M\tpromote.yaml");
	assert_int_equal(sh(NULL, 0, GIT "-C %s diff --quiet main:envs/staging main:envs/perf", bare), 0);
	char message[1024];
	assert_int_equal(sh(message, sizeof message, GIT "-C %s log -1 --format=%%B main", bare), 0);
	assert_string_equal(message, "Import environment perf from staging\n\nNamespace shop becomes perf.\n\n"
		"Promote-Import: perf\nPromote-From: staging");

	/* The configuration loads with it. */
	promote_context *ctx = open_repository_or_fail(bare);
	const promote_env *perf = NULL;
	assert_int_equal(promote_env_lookup(&perf, ctx, "perf"), 0);
	assert_int_equal(promote_env_strategy(perf), PROMOTE_STRATEGY_MANUAL);
	assert_int_equal(promote_env_kind(perf), PROMOTE_ENV_NON_PRODUCTION);
	assert_string_equal(promote_env_label(perf, "region"), "eu");
	promote_context_free(ctx);

	/* Again, the same: found, no second commit. */
	promote_buf again = PROMOTE_BUF_INIT;
	outcome = -1;
	if (import_env(&again, &outcome, "perf", "staging", NULL))
		fail_msg("import again: %s", promote_error_last()->message);
	assert_int_equal(outcome, PROMOTE_APPLY_UNCHANGED);
	assert_string_equal(again.ptr, commit.ptr);
	assert_int_equal(commits(), n + 1);
	promote_buf_dispose(&again);

	/* Again with other options: not what was imported, so refused. */
	promote_env_import_options o = PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.strategy = PROMOTE_STRATEGY_AUTO;
	assert_int_equal(import_env(&again, &outcome, "perf", "staging", &o), PROMOTE_EEXISTS);
	assert_string_equal(promote_error_last()->message,
		"promote.yaml:29:3: environment 'perf' is configured already: import under another name, or remove it "
		"from the configuration first");
	assert_int_equal(commits(), n + 1);
	promote_buf_dispose(&commit);
	free(before_cfg);
}

/* Refusals write nothing. */
static void test_refusals(void **state)
{
	(void)state;
	make_example();
	int n = commits();
	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome;
	promote_env_import_options o = PROMOTE_ENV_IMPORT_OPTIONS_INIT;

	/* An environment configured already. */
	assert_int_equal(import_env(&commit, &outcome, "qa", "dev", NULL), PROMOTE_EEXISTS);
	assert_string_equal(promote_error_last()->message,
		"promote.yaml:10:3: environment 'qa' is configured already: import under another name, or remove it "
		"from the configuration first");
	/* A folder that is there. */
	o.path = "envs/prod";
	assert_int_equal(import_env(&commit, &outcome, "prod2", "prod", &o), PROMOTE_EEXISTS);
	assert_string_equal(promote_error_last()->message,
		"'envs/prod' exists already on branch main: import into another folder (path), or remove it first");
	/* Names. */
	assert_int_equal(import_env(&commit, &outcome, "bad name", "dev", NULL), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "environment name 'bad name' is not valid"));
	assert_int_equal(import_env(&commit, &outcome, "perf", "stagin", NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "(did you mean 'staging'?)"));
	/* A glob that selects nothing. */
	static const char *const only[] = { "apps/nothing" };
	o = (promote_env_import_options)PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.only = only;
	o.only_count = 1;
	assert_int_equal(import_env(&commit, &outcome, "perf", "staging", &o), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"'apps/nothing' selects no file of 'envs/staging': name files or folders below it (globs as git matches "
		"them)");
	/* A path the configuration refuses: checked before anything is written. */
	o = (promote_env_import_options)PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.path = "../outside";
	assert_int_equal(import_env(&commit, &outcome, "perf", "staging", &o), PROMOTE_EINVALID);
	assert_non_null(strstr(promote_error_last()->message, "importing 'perf' would make the configuration invalid: "));
	/* Options out of range. */
	o = (promote_env_import_options)PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.kind = 7;
	assert_int_equal(import_env(&commit, &outcome, "perf", "staging", &o), PROMOTE_EINVALID);
	static const char *const bad_label[] = { "tier" };
	o = (promote_env_import_options)PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.labels = bad_label;
	o.label_count = 1;
	assert_int_equal(import_env(&commit, &outcome, "perf", "staging", &o), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->message,
		"label 'tier' is not KEY=VALUE; give each label as key=value (tier=pre)");
	assert_int_equal(commits(), n);
	assert_null(commit.ptr);
}

/* ---- kustomize overlays: namespaces, one-line entries, a flow mapping --------------------------------- */

static void test_flow_entries_and_namespace(void **state)
{
	(void)state;
	make_kustomize_repo("version: 1\n"
			    "environments:\n"
			    "  dev: {path: envs/dev, strategy: auto}   # where it starts\n"
			    "  prod: {path: envs/prod, kind: production}\n"
			    "\n"
			    "products:\n"
			    "  \"*\": {path: apps/*, template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}}\n");
	char *before_cfg = strdup(show("promote.yaml"));
	char *before_kz = strdup(show("envs/dev/kustomization.yaml"));
	promote_env_import_options o = PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	static const char *const only[] = { "kustomization.yaml" };
	static const char *const labels[] = { "tier=test", "team=web shop" };
	o.only = only;
	o.only_count = 1;
	o.labels = labels;
	o.label_count = 2;
	o.kind = PROMOTE_ENV_PRODUCTION;
	o.strategy = PROMOTE_STRATEGY_NEVER;
	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome;
	if (import_env(&commit, &outcome, "test", "dev", &o))
		fail_msg("import: %s", promote_error_last()->message);
	char *want = inserted(before_cfg, "kind: production}\n",
		"  test: {path: envs/test, kind: production, strategy: never, labels: {tier: test, team: web shop}}\n");
	assert_string_equal(show("promote.yaml"), want);
	free(want);
	/* dev's overlay with its namespace renamed, nothing else. */
	want = replaced(before_kz, "namespace: guestbook-simple-dev\n", "namespace: guestbook-simple-test\n");
	assert_string_equal(show("envs/test/kustomization.yaml"), want);
	free(want);
	char files[1024];
	assert_int_equal(sh(files, sizeof files, GIT "-C %s diff --name-only main~1 main", bare), 0);
	assert_string_equal(files, "envs/test/kustomization.yaml\npromote.yaml");
	promote_buf_dispose(&commit);

	/* A namespace given. */
	o = (promote_env_import_options)PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.target_namespace = "web-qa";
	if (import_env(&commit, &outcome, "qa", "dev", &o))
		fail_msg("import: %s", promote_error_last()->message);
	assert_non_null(strstr(show("envs/qa/kustomization.yaml"), "\nnamespace: web-qa\n"));
	assert_non_null(strstr(show("promote.yaml"), "  qa: {path: envs/qa, strategy: manual}\n"));
	assert_string_equal(show("envs/qa/apps/web/values.yaml"), "image:\n  tag: \"1.0\"\n");
	promote_buf_dispose(&commit);
	free(before_cfg);
	free(before_kz);
}

static void test_flow_mapping(void **state)
{
	(void)state;
	make_kustomize_repo("version: 1\nenvironments: {dev: {path: envs/dev, labels: {tier: dev}}}  # one\n");
	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome;
	if (import_env(&commit, &outcome, "qa", "dev", NULL))
		fail_msg("import: %s", promote_error_last()->message);
	assert_string_equal(show("promote.yaml"),
		"version: 1\nenvironments: {dev: {path: envs/dev, labels: {tier: dev}}, qa: {path: envs/qa, strategy: manual, "
		"labels: {tier: dev}}}  # one\n");
	promote_buf_dispose(&commit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_from_staging, before, after),
		cmocka_unit_test_setup_teardown(test_refusals, before, after),
		cmocka_unit_test_setup_teardown(test_flow_entries_and_namespace, before, after),
		cmocka_unit_test_setup_teardown(test_flow_mapping, before, after),
	};
	return cmocka_run_group_tests(tests, setup, helpers_shutdown);
}
