/* Opening a context from a git repository: promote.yaml read at HEAD, no working tree needed. */
#include "helpers.h"

#include <git2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

/* A repository with one commit holding `files` (path, content pairs). */
static void make_repo(const char *path, bool bare, const char *const *files, size_t count)
{
	git_repository *repo;
	assert_int_equal(git_repository_init(&repo, path, bare), 0);
	git_treebuilder *tb;
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	for (size_t i = 0; i < count; i += 2) {
		git_oid blob;
		assert_int_equal(git_blob_create_from_buffer(&blob, repo, files[i + 1], strlen(files[i + 1])), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, files[i], &blob, GIT_FILEMODE_BLOB), 0);
	}
	git_oid tree_id, commit_id;
	assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
	git_tree *tree;
	assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
	git_signature *sig;
	assert_int_equal(git_signature_new(&sig, "Test", "test@example.com", 1700000000, 0), 0);
	assert_int_equal(git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, "initial", tree, 0), 0);
	git_signature_free(sig);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_repository_free(repo);
}

static const char *const good[] = {
	"promote.yaml", "version: 1\nenvironments: {dev: {path: envs/dev}, prod: {path: envs/prod}}\n",
	"alt.yaml", "version: 1\nenvironments: {x: {path: x}}\n",
	"broken.yaml", "version: 1\nenvironments: {dev: {path: /abs}}\n",
};

static void test_bare_repository(void **state)
{
	(void)state;
	char path[512];
	snprintf(path, sizeof path, "%s/bare.git", dir);
	make_repo(path, true, good, 6);
	promote_context *ctx;
	assert_int_equal(promote_context_open_repository(&ctx, path, NULL, NULL), 0);
	assert_int_equal(promote_env_count(ctx), 2);
	assert_string_equal(promote_context_source(ctx), "promote.yaml");
	promote_context_free(ctx);
	assert_int_equal(promote_context_open_repository(&ctx, path, "alt.yaml", NULL), 0);
	assert_string_equal(promote_env_name(promote_env_at(ctx, 0)), "x");
	promote_context_free(ctx);
	/* Errors name the file inside the repository. */
	assert_int_equal(promote_context_open_repository(&ctx, path, "broken.yaml", NULL), PROMOTE_EINVALID);
	assert_string_equal(promote_error_last()->file, "broken.yaml");
	assert_int_equal(promote_error_last()->line, 2);
	assert_int_equal(promote_context_open_repository(&ctx, path, "missing.yaml", NULL), PROMOTE_ENOTFOUND);
	assert_non_null(strstr(promote_error_last()->message, "has no 'missing.yaml' at HEAD"));
}

static void test_work_tree_reads_head_not_files(void **state)
{
	(void)state;
	char path[512], file[600];
	snprintf(path, sizeof path, "%s/work", dir);
	make_repo(path, false, good, 2);
	/* An uncommitted promote.yaml in the work tree is not what the repository holds. */
	snprintf(file, sizeof file, "%s/promote.yaml", path);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("not: valid\n", f);
	fclose(f);
	promote_context *ctx;
	assert_int_equal(promote_context_open_repository(&ctx, path, NULL, NULL), 0);
	assert_int_equal(promote_env_count(ctx), 2);
	promote_context_free(ctx);
}

static void test_not_a_repository_and_urls(void **state)
{
	(void)state;
	promote_context *ctx;
	assert_int_equal(promote_context_open_repository(&ctx, dir, NULL, NULL), PROMOTE_EGIT);
	assert_int_equal(promote_error_last()->klass, PROMOTE_ERROR_CLASS_GIT);
	/* A remote nobody answers at: a network error, and the password in the URL
	 * appears in no message. */
	char cache[300];
	snprintf(cache, sizeof cache, "%s/cache", dir);
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	opts.cache_dir = cache;
	assert_int_equal(promote_context_open_repository(&ctx, "http://user:s3cret@127.0.0.1:1/x.git", NULL, &opts),
		PROMOTE_ENET);
	assert_null(strstr(promote_error_last()->message, "s3cret"));
	assert_non_null(strstr(promote_error_last()->message, "http://***@127.0.0.1:1/x.git"));
	/* Nor in the scp-like form, nor in a file:// URL, whose password libgit2's
	 * own message repeats. */
	assert_int_not_equal(promote_context_open_repository(&ctx, "git:s3cret@127.0.0.1:x.git", NULL, &opts), 0);
	assert_null(strstr(promote_error_last()->message, "s3cret"));
	assert_int_not_equal(promote_context_open_repository(&ctx, "file://user:s3cret@/nonexistent/x.git", NULL, &opts), 0);
	assert_null(strstr(promote_error_last()->message, "s3cret"));
	assert_int_not_equal(promote_context_open_repository(&ctx, "http://user:s3c@ret@127.0.0.1:1/x.git", NULL, &opts), 0);
	assert_null(strstr(promote_error_last()->message, "ret@"));
	/* A file:// URL is the local repository itself. */
	char url[600];
	snprintf(url, sizeof url, "file://%s/bare.git", dir);
	assert_int_equal(promote_context_open_repository(&ctx, url, NULL, &opts), 0);
	promote_context_free(ctx);
	assert_int_equal(promote_context_open_repository(&ctx, NULL, NULL, NULL), PROMOTE_EINVALID);
}

/* A configuration path longer than 4 KiB is looked up whole: a file whose
 * name is only its beginning is not taken for it. */
static void test_long_config_path_is_not_cut(void **state)
{
	(void)state;
	enum { LONG = 4090 };
	char *name = malloc(LONG + 1), *longer = malloc(LONG + 8);
	assert_non_null(name);
	assert_non_null(longer);
	memset(name, 'c', LONG);
	name[LONG] = '\0';
	snprintf(longer, LONG + 8, "%s.yaml", name);
	const char *const files[] = { name, "version: 1\nenvironments: {dev: {path: envs/dev}}\n" };
	char path[512];
	snprintf(path, sizeof path, "%s/long.git", dir);
	make_repo(path, true, files, 2);
	promote_context *ctx = NULL;
	assert_int_equal(promote_context_open_repository(&ctx, path, name, NULL), 0);
	assert_int_equal(promote_env_count(ctx), 1);
	promote_context_free(ctx);
	ctx = NULL;
	assert_int_equal(promote_context_open_repository(&ctx, path, longer, NULL), PROMOTE_ENOTFOUND);
	assert_null(ctx);
	assert_non_null(strstr(promote_error_last()->message, ".yaml' at HEAD"));
	free(name);
	free(longer);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/promote-test-repo-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* The test builds repositories with libgit2 itself, so it initialises it
	 * too (libpromote does so only when it first needs it). */
	if (git_libgit2_init() < 0)
		return -1;
	return helpers_init(state);
}

static int teardown(void **state)
{
	if (remove_scratch(dir))
		return -1;
	git_libgit2_shutdown();
	return helpers_shutdown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_repository),
		cmocka_unit_test(test_work_tree_reads_head_not_files),
		cmocka_unit_test(test_not_a_repository_and_urls),
		cmocka_unit_test(test_long_config_path_is_not_cut),
	};
	return cmocka_run_group_tests_name("repository", tests, setup, teardown);
}
