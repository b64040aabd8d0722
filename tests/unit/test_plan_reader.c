/*
 * The planner over an in-memory repository: lib/plan reads trees only
 * through the session's read-only interface (git/reader.h), so a few files
 * in memory are all it needs — no libgit2 repository, nothing written.
 */
#include "helpers.h"

#include "plan/plan.h"
#include "core/buf.h"
#include "core/error.h"

/* ---- a repository in memory ------------------------------------------------- */

typedef struct mem_file {
	const char *path;
	const char *data;
} mem_file;

typedef struct mem_commit {
	const char *id;
	const char *branch;
	const mem_file *files; /* ends with a NULL path */
} mem_commit;

typedef struct mem_repo {
	const char *head;       /* the branch HEAD names, or NULL */
	const mem_commit *commits;
	size_t count;
	unsigned reads, lists;  /* how often the planner asked */
} mem_repo;

static const mem_commit *commit_by_id(const mem_repo *m, const promote__commit_id *id)
{
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->commits[i].id, id->hex) == 0)
			return &m->commits[i];
	return NULL;
}

static int mem_head_branch(char **out, void *self)
{
	const mem_repo *m = self;
	if (!m->head)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "HEAD is detached");
	*out = strdup(m->head);
	return *out ? 0 : promote__error_oom();
}

static int mem_tip(promote__commit_id *out, void *self, const char *branch)
{
	const mem_repo *m = self;
	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->commits[i].branch, branch) == 0) {
			snprintf(out->hex, sizeof out->hex, "%s", m->commits[i].id);
			return 0;
		}
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no branch '%s'", branch);
}

static int mem_read(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit, const char *path,
	size_t max)
{
	*mode = PROMOTE__MODE_FILE;
	mem_repo *m = self;
	m->reads++;
	const mem_commit *c = commit_by_id(m, commit);
	for (const mem_file *f = c ? c->files : NULL; f && f->path; f++)
		if (strcmp(f->path, path) == 0) {
			if (strlen(f->data) > max)
				return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT, "'%s' is too large", path);
			promote_buf fresh = PROMOTE_BUF_INIT;
			int rc = promote__buf_put(&fresh, f->data, strlen(f->data));
			if (rc == 0)
				*out = fresh;
			return rc;
		}
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no file '%s'", path);
}

/* Entries of folder `path`: the next component of every file below it, once each, sorted as git does
 * (the files here are listed in that order). */
static int mem_list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb,
	void *payload)
{
	mem_repo *m = self;
	m->lists++;
	const mem_commit *c = commit_by_id(m, commit);
	size_t n = strlen(path);
	char last[256] = "";
	bool found = false;
	for (const mem_file *f = c ? c->files : NULL; f && f->path; f++) {
		if (n && (strncmp(f->path, path, n) != 0 || f->path[n] != '/'))
			continue;
		const char *rest = f->path + (n ? n + 1 : 0);
		const char *slash = strchr(rest, '/');
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(slash ? (size_t)(slash - rest) : strlen(rest)), rest);
		found = true;
		if (strcmp(name, last) == 0)
			continue;
		snprintf(last, sizeof last, "%s", name);
		int rc = cb(name, slash ? PROMOTE__ENTRY_FOLDER : PROMOTE__ENTRY_FILE, payload);
		if (rc)
			return rc;
	}
	return found ? 0 : promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no folder '%s'", path);
}

/* The commits here have no history. */
static int mem_parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	(void)out;
	(void)self;
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "commit %s has no parent", commit->hex);
}

static promote__tree_reader reader_of(mem_repo *m)
{
	return (promote__tree_reader){ mem_head_branch, mem_tip, mem_read, mem_list, mem_parent, m, NULL };
}

/* ---- the planner on it ------------------------------------------------------ */

static const char config[] =
	"version: 1\n"
	"environments:\n"
	"  dev: {path: envs/dev, branch: dev}\n"
	"  qa: {path: envs/qa}\n"
	"templates:\n"
	"  helm-app:\n"
	"    files: [\"config/*.yaml\"]\n"
	"    attributes: {values.yaml: [image.tag]}\n"
	"    version: values.yaml#image.tag\n"
	"products:\n"
	"  shop: {path: apps/shop, template: helm-app}\n"
	"flows:\n"
	"  default:\n"
	"    trigger: dev\n"
	"    steps: {qa: {}}\n";

static const mem_file dev_files[] = {
	{ "envs/dev/apps/shop/config/flags.yaml", "beta: true\n" },
	{ "envs/dev/apps/shop/config/notes.txt", "not matched\n" },
	{ "envs/dev/apps/shop/config/same.yaml", "same: 1\n" },
	{ "envs/dev/apps/shop/values.yaml", "image:\n  repository: shop # the image\n  tag: \"2.0.0\"\n" },
	{ NULL, NULL },
};

static const mem_file main_files[] = {
	{ "envs/qa/apps/shop/config/same.yaml", "same: 1\n" },
	{ "envs/qa/apps/shop/values.yaml", "image:\n  repository: shop-qa # kept\n  tag: \"1.0.0\"\n" },
	{ NULL, NULL },
};

static const mem_commit commits[] = {
	{ "1111111111111111111111111111111111111111", "dev", dev_files },
	{ "2222222222222222222222222222222222222222", "main", main_files },
};

static void test_plan_on_a_repository_in_memory(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(config);
	mem_repo m = { "main", commits, 2, 0, 0 };
	promote__tree_reader reader = reader_of(&m);
	promote_plan *plan = NULL;
	if (promote__plan_make(&plan, ctx, &reader, "shop", "qa", NULL))
		fail_msg("%s", promote_error_last()->message);
	assert_string_equal(promote_plan_from(plan), "dev");
	assert_string_equal(promote_plan_branch(plan), "main"); /* qa has no branch: HEAD's */
	assert_string_equal(promote_plan_base(plan), commits[1].id);
	assert_string_equal(promote_plan_version(plan), "2.0.0");
	/* The tag copied (comments and the rest kept), the new matching file whole; the same bytes,
	 * and a file no glob matches, left alone. */
	assert_int_equal(promote_plan_change_count(plan), 2);
	assert_string_equal(promote_plan_change_path_at(plan, 0), "envs/qa/apps/shop/config/flags.yaml");
	assert_string_equal(promote_plan_change_path_at(plan, 1), "envs/qa/apps/shop/values.yaml");
	promote_buf diff = PROMOTE_BUF_INIT;
	assert_int_equal(promote_plan_diff(&diff, plan), 0);
	assert_non_null(strstr(diff.ptr, "--- /dev/null\n+++ b/envs/qa/apps/shop/config/flags.yaml\n"));
	assert_non_null(strstr(diff.ptr, "   repository: shop-qa # kept\n-  tag: \"1.0.0\"\n+  tag: \"2.0.0\"\n"));
	promote_buf_dispose(&diff);
	assert_true(m.reads > 0 && m.lists > 0);
	promote_plan_free(plan);
	promote_context_free(ctx);
}

static void test_errors_come_from_what_the_reader_says(void **state)
{
	(void)state;
	promote_context *ctx = open_yaml(config);
	promote_plan *plan = NULL;
	/* HEAD names no branch, and qa has none of its own. */
	mem_repo detached = { NULL, commits, 2, 0, 0 };
	promote__tree_reader reader = reader_of(&detached);
	assert_int_equal(promote__plan_make(&plan, ctx, &reader, "shop", "qa", NULL), PROMOTE_ENOTFOUND);
	assert_null(plan);
	assert_string_equal(promote_error_last()->message,
		"the repository's HEAD names no branch; give environment 'qa' a 'branch'");
	/* The source branch holds no folder for the product. */
	static const mem_file empty[] = { { "README", "x\n" }, { NULL, NULL } };
	const mem_commit bare[] = { { "3333333333333333333333333333333333333333", "dev", empty }, commits[1] };
	mem_repo m = { "main", bare, 2, 0, 0 };
	reader = reader_of(&m);
	assert_int_equal(promote__plan_make(&plan, ctx, &reader, "shop", "qa", NULL), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "no file 'envs/dev/apps/shop/values.yaml'");
	promote_context_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_on_a_repository_in_memory),
		cmocka_unit_test(test_errors_come_from_what_the_reader_says),
	};
	return cmocka_run_group_tests(tests, helpers_init, helpers_shutdown);
}
