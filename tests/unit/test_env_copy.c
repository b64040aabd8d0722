/*
 * Copying an environment's files into another's place (lib/plan/env_copy.c)
 * on real files of tests/data, byte for byte: only the namespaces, names
 * and paths that name the environment change; every other byte stays.
 * The files are read through the planner's read-only interface from
 * folders on disk, each folder standing for a commit.
 */
#include "helpers.h"

#include "plan/env_copy.h"
#include "core/buf.h"
#include "core/error.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- commits as folders on disk ------------------------------------------------------------------ */

/* Commit "0", "1", ...: the folder roots[i]. */
typedef struct disk {
	const char *roots[2];
} disk;

static const char *root_of(const disk *d, const promote__commit_id *commit)
{
	int i = commit->hex[0] - '0';
	return i >= 0 && i < 2 ? d->roots[i] : NULL;
}

static int disk_head(char **out, void *self)
{
	(void)self;
	*out = strdup("main");
	return 0;
}

static int disk_tip(promote__commit_id *out, void *self, const char *branch)
{
	(void)self;
	(void)branch;
	snprintf(out->hex, sizeof out->hex, "0");
	return 0;
}

static int disk_read(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit, const char *path,
	size_t max)
{
	const char *root = root_of(self, commit);
	char full[4096];
	snprintf(full, sizeof full, "%s/%s", root ? root : "/nonexistent", path);
	struct stat st;
	if (lstat(full, &st) != 0 || S_ISDIR(st.st_mode))
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no file '%s'", path);
	if ((size_t)st.st_size > max)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT, "'%s' is too large", path);
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = 0;
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof target);
		*mode = PROMOTE__MODE_LINK;
		rc = promote__buf_put(&fresh, target, n > 0 ? (size_t)n : 0);
	} else {
		*mode = st.st_mode & 0100 ? PROMOTE__MODE_EXECUTABLE : PROMOTE__MODE_FILE;
		FILE *f = fopen(full, "rb");
		char chunk[4096];
		size_t n;
		rc = promote__buf_puts(&fresh, "");
		while (rc == 0 && f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
			rc = promote__buf_put(&fresh, chunk, n);
		if (f)
			fclose(f);
	}
	if (rc == 0)
		*out = fresh;
	return rc;
}

static int by_git_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries in git's order: names compared with a folder's taken as "name/". */
static int disk_list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb,
	void *payload)
{
	const char *root = root_of(self, commit);
	char full[4096];
	snprintf(full, sizeof full, "%s/%s", root ? root : "/nonexistent", path);
	DIR *dir = opendir(full);
	if (!dir)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no folder '%s'", path);
	char *names[256];
	size_t count = 0;
	for (struct dirent *e; (e = readdir(dir)) && count < 256;) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		char entry[4096 + 512];
		struct stat st;
		snprintf(entry, sizeof entry, "%s/%s", full, e->d_name);
		bool folder = lstat(entry, &st) == 0 && S_ISDIR(st.st_mode);
		names[count] = malloc(strlen(e->d_name) + 2);
		sprintf(names[count++], "%s%s", e->d_name, folder ? "/" : "");
	}
	closedir(dir);
	qsort(names, count, sizeof *names, by_git_name);
	int rc = 0;
	for (size_t i = 0; i < count; i++) {
		size_t n = strlen(names[i]);
		bool folder = names[i][n - 1] == '/';
		names[i][n - folder] = '\0';
		if (rc == 0)
			rc = cb(names[i], folder ? PROMOTE__ENTRY_FOLDER : PROMOTE__ENTRY_FILE, payload);
		free(names[i]);
	}
	return rc;
}

static int disk_parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	(void)out;
	(void)self;
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "commit %s has no parent", commit->hex);
}

static disk data_disk = { { NULL, NULL } };
static promote__tree_reader data_reader = { disk_head, disk_tip, disk_read, disk_list, disk_parent, &data_disk, NULL };

/* tests/data, as commit "0" */
static int setup(void **state)
{
	(void)state;
	data_disk.roots[0] = getenv("PROMOTE_TEST_DATA");
	return data_disk.roots[0] ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------------------------- */

/* The bytes of tests/data/`path`. */
static char *data_file(const char *path, size_t *size)
{
	promote_buf b = PROMOTE_BUF_INIT;
	unsigned mode;
	promote__commit_id zero = { "0" };
	if (disk_read(&b, &mode, &data_disk, &zero, path, 1u << 24))
		fail_msg("cannot read %s: %s", path, promote_error_last()->message);
	*size = b.size;
	return b.ptr;
}

/* tests/data/`path` with `count` pairs (old, new) replaced, each of which must occur exactly once. */
static char *expected_of(const char *path, size_t *size, const char *const *pairs, size_t count)
{
	char *text = data_file(path, size);
	for (size_t i = 0; i < count; i++) {
		const char *from = pairs[2 * i], *to = pairs[2 * i + 1];
		char *hit = strstr(text, from);
		if (!hit || strstr(hit + 1, from))
			fail_msg("'%s' is not in %s exactly once", from, path);
		size_t before = (size_t)(hit - text), n = strlen(from), m = strlen(to);
		char *next = malloc(*size - n + m + 1);
		memcpy(next, text, before);
		memcpy(next + before, to, m);
		memcpy(next + before + m, hit + n, *size - before - n + 1);
		*size = *size - n + m;
		free(text);
		text = next;
	}
	return text;
}

static const promote__change *change_at(const promote__changes *c, const char *path)
{
	for (size_t i = 0; i < c->size; i++)
		if (strcmp(c->ptr[i].path, path) == 0)
			return &c->ptr[i];
	fail_msg("no change of %s", path);
	return NULL;
}

/* The change of `dst` holds tests/data/`src` with `pairs` replaced, byte for byte, as a new regular file. */
#define ASSERT_COPIED(changes, dst, src, ...)                                                        \
	do {                                                                                         \
		static const char *const pairs_[] = { __VA_ARGS__ };                                 \
		size_t size_;                                                                        \
		char *want_ = expected_of((src), &size_, pairs_ + 1, (sizeof pairs_ / sizeof *pairs_ - 1) / 2); \
		const promote__change *c_ = change_at((changes), (dst));                             \
		assert_false(c_->existed);                                                           \
		assert_int_equal(c_->mode, PROMOTE__MODE_FILE);                                      \
		assert_int_equal(c_->after.size, size_);                                             \
		assert_memory_equal(c_->after.ptr, want_, size_);                                    \
		free(want_);                                                                         \
	} while (0)

static promote__env_copy copy_of(const char *src_dir, const char *dst_dir, const char *from, const char *to)
{
	promote__env_copy how = { &data_reader, { "0" }, src_dir, NULL, NULL, dst_dir, from, to, NULL, NULL, NULL, 0 };
	return how;
}

static void plan_or_fail(promote__changes *out, const promote__env_copy *how)
{
	if (promote__env_copy_plan(out, how))
		fail_msg("copy %s: %s", how->src_dir, promote_error_last()->message);
}

/* A's namespace as promote__env_copy_namespace() finds it: `want`, or none (NULL). */
static void assert_namespace(const promote__env_copy *how, const char *want)
{
	char *ns = (char *)"unset";
	assert_int_equal(promote__env_copy_namespace(&ns, how), 0);
	if (want)
		assert_string_equal(ns, want);
	else
		assert_null(ns);
	free(ns);
}

/* ---- renaming ------------------------------------------------------------------------------------ */

static void test_rename_whole_tokens(void **state)
{
	(void)state;
	static const char *const cases[][4] = {
		{ "jx-staging", "staging", "production", "jx-production" },
		{ "envs/dev/apps/values-dev.yaml", "dev", "qa", "envs/qa/apps/values-qa.yaml" },
		{ "development", "dev", "qa", "development" },
		{ "devdev dev", "dev", "qa", "devdev qa" },
		{ "dev", "dev", "qa", "qa" },
		{ "stagingstaging-staging_staging.staging", "staging", "s", "stagingstaging-s_s.s" },
		{ "Dev", "dev", "qa", "Dev" },
		{ "x", "", "qa", "x" },
	};
	for (size_t i = 0; i < PROMOTE_ARRAY_SIZE(cases); i++) {
		char *got = promote__env_rename(cases[i][0], cases[i][1], cases[i][2]);
		assert_string_equal(got, cases[i][3]);
		free(got);
	}
	char *got = promote__env_rename("a-dev", NULL, "qa");
	assert_string_equal(got, "a-dev");
	free(got);
}

/* ---- real files ---------------------------------------------------------------------------------- */

/* Kargo's kustomize overlays: the namespace guestbook-simple-dev becomes guestbook-simple-qa; images and
 * the base stay. */
static void test_kargo_overlay(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = copy_of("kargo-simple/env/dev", "kargo-simple/env/qa", "dev", "qa");
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	ASSERT_COPIED(&out, "kargo-simple/env/qa/kustomization.yaml", "kargo-simple/env/dev/kustomization.yaml", "",
		"namespace: guestbook-simple-dev\n", "namespace: guestbook-simple-qa\n");
	promote__changes_dispose(&out);

	/* A namespace given: the one A sets becomes it. */
	how = copy_of("kargo-simple/env/staging", "kargo-simple/env/perf", "staging", "perf");
	how.from_namespace = "guestbook-simple-staging";
	how.to_namespace = "perf-team";
	plan_or_fail(&out, &how);
	ASSERT_COPIED(&out, "kargo-simple/env/perf/kustomization.yaml", "kargo-simple/env/staging/kustomization.yaml", "",
		"namespace: guestbook-simple-staging\n", "namespace: perf-team\n");
	promote__changes_dispose(&out);

	assert_namespace(&how, "guestbook-simple-staging");
}

/* Codefresh's environment folders: no namespace, no name with the environment's in it — copied byte for
 * byte (no final newline, trailing spaces), every file. */
static void test_plain_manifests(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = copy_of("gitops-environment-promotion/envs/prod-eu", "envs/prod-asia", "prod-eu",
		"prod-asia");
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 3);
	assert_string_equal(out.ptr[0].path, "envs/prod-asia/replicas.yml");
	assert_string_equal(out.ptr[1].path, "envs/prod-asia/settings.yml");
	assert_string_equal(out.ptr[2].path, "envs/prod-asia/version.yml");
	ASSERT_COPIED(&out, "envs/prod-asia/settings.yml", "gitops-environment-promotion/envs/prod-eu/settings.yml", "");
	ASSERT_COPIED(&out, "envs/prod-asia/replicas.yml", "gitops-environment-promotion/envs/prod-eu/replicas.yml", "");
	promote__changes_dispose(&out);

	assert_namespace(&how, NULL);

	/* --only: a glob picks files; one that selects nothing is an error naming it. */
	static const char *const only[] = { "ver*.yml", "replicas.yml" };
	how.only = only;
	how.only_count = 2;
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 2);
	assert_string_equal(out.ptr[0].path, "envs/prod-asia/replicas.yml");
	assert_string_equal(out.ptr[1].path, "envs/prod-asia/version.yml");
	promote__changes_dispose(&out);
	static const char *const wrong[] = { "version.yml", "setings.yml" };
	how.only = wrong;
	assert_int_equal(promote__env_copy_plan(&out, &how), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"'setings.yml' selects no file of 'gitops-environment-promotion/envs/prod-eu': name files or folders "
		"below it (globs as git matches them)");
	promote__changes_dispose(&out);

	/* A folder that is not there. */
	how = copy_of("gitops-environment-promotion/envs/nowhere", "envs/x", "nowhere", "x");
	assert_int_equal(promote__env_copy_plan(&out, &how), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"there is no folder 'gitops-environment-promotion/envs/nowhere' to copy at commit 0");
	assert_int_equal(out.size, 0);
}

/* A folder glob takes everything below it; the folder's own path is renamed too. */
static void test_folder_glob_and_paths(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	static const char *const only[] = { "prod-eu/" };
	promote__env_copy how = copy_of("gitops-environment-promotion/envs", "copy", "prod-eu", "prod-us");
	how.only = only;
	how.only_count = 1;
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 3);
	assert_string_equal(out.ptr[0].path, "copy/prod-us/replicas.yml");
	assert_string_equal(out.ptr[2].path, "copy/prod-us/version.yml");
	promote__changes_dispose(&out);
}

/* Argo CD's kustomize-guestbook: the resources that name the environment ("guestbook" here) are renamed,
 * namePrefix and the keys after the list stay. */
static void test_kustomization_paths(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = copy_of("argocd-example-apps/kustomize-guestbook", "apps/kustomize-shop", "guestbook",
		"shop");
	how.from_namespace = "guestbook";
	how.to_namespace = "shop";
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	ASSERT_COPIED(&out, "apps/kustomize-shop/kustomization.yaml", "argocd-example-apps/kustomize-guestbook/kustomization.yaml",
		"", "- guestbook-ui-deployment.yaml\n- guestbook-ui-svc.yaml\n", "- shop-ui-deployment.yaml\n- shop-ui-svc.yaml\n");
	promote__changes_dispose(&out);
}

/* Jenkins X helmfiles: helmfiles/jx-staging → helmfiles/jx-production, namespace jx-staging → jx-production;
 * the chart repository named "dev" and the versions stay. */
static void test_jx_helmfile(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = copy_of("jx-updatebot/pkg/cmd/sync/test_data/update-only/source/helmfiles/jx-staging",
		"helmfiles/jx-production", "staging", "production");
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	ASSERT_COPIED(&out, "helmfiles/jx-production/helmfile.yaml",
		"jx-updatebot/pkg/cmd/sync/test_data/update-only/source/helmfiles/jx-staging/helmfile.yaml", "",
		"namespace: jx-staging\n", "namespace: jx-production\n");
	promote__changes_dispose(&out);

	assert_namespace(&how, "jx-staging");
}

/* jx3's helmfile of two documents (---): the namespace of the second is rewritten, the first document's
 * values files stay. */
static void test_multi_document_helmfile(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = copy_of("jx3-kind/helmfiles/jx", "helmfiles/jx-qa", "dev", "qa");
	how.from_namespace = "jx";
	how.to_namespace = "jx-qa";
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	ASSERT_COPIED(&out, "helmfiles/jx-qa/helmfile.yaml", "jx3-kind/helmfiles/jx/helmfile.yaml", "",
		"---\nnamespace: jx\n", "---\nnamespace: jx-qa\n");
	promote__changes_dispose(&out);

	assert_namespace(&how, "jx");
}

/* Argo CD Applications: the destination namespace named after the environment is renamed; the source's
 * path, repository and version stay. */
static void test_argo_application(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	static const char *const only[] = { "app1.yaml" };
	promote__env_copy how = copy_of("jx-updatebot/pkg/cmd/argo/sync/test_data/simple/target", "apps/production",
		"staging", "production");
	how.only = only;
	how.only_count = 1;
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	ASSERT_COPIED(&out, "apps/production/app1.yaml", "jx-updatebot/pkg/cmd/argo/sync/test_data/simple/target/app1.yaml",
		"", "    namespace: staging\n", "    namespace: production\n");
	promote__changes_dispose(&out);
}

/* A target commit: a file B has already with the same bytes is left out, one that differs comes with its
 * bytes before. */
static void test_against_target(void **state)
{
	(void)state;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__commit_id dst = { "0" };
	/* Into its own place: nothing changes. */
	promote__env_copy how = copy_of("kargo-simple/env/dev", "kargo-simple/env/dev", "dev", "dev");
	how.dst = &dst;
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 0);
	/* dev's files over staging's: the namespace renamed makes them equal but for nothing else — the same
	 * bytes, left out. */
	how = copy_of("kargo-simple/env/dev", "kargo-simple/env/staging", "dev", "staging");
	how.dst = &dst;
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 0);
	/* Renamed to another name: staging's file is there and differs. */
	how.to_name = "stage";
	plan_or_fail(&out, &how);
	assert_int_equal(out.size, 1);
	assert_true(out.ptr[0].existed);
	assert_int_equal(out.ptr[0].before_mode, PROMOTE__MODE_FILE);
	size_t size;
	char *before = data_file("kargo-simple/env/staging/kustomization.yaml", &size);
	assert_int_equal(out.ptr[0].before.size, size);
	assert_memory_equal(out.ptr[0].before.ptr, before, size);
	free(before);
	promote__changes_dispose(&out);
}

/* A folder of our own (commit "1"): a manifest of three documents, a Helm template that is not YAML, a
 * script, a link. */
static void test_documents_templates_links(void **state)
{
	(void)state;
	char dir[] = "/tmp/promote-test-env-copy-XXXXXX";
	assert_non_null(mkdtemp(dir));
	static const char manifests[] =
		"# the shop in dev\n"
		"apiVersion: v1\n"
		"kind: Namespace\n"
		"metadata: {name: shop-dev}\n"
		"---\n"
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata:\n"
		"  name: web-dev   # renamed\n"
		"  namespace: 'shop-dev'\n"
		"  labels: {env: dev}\n"
		"spec:\n"
		"  template: {spec: {containers: [{name: web, image: \"shop:dev\"}]}}\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: ConfigMap\n"
		"metadata:\n"
		"  name: settings\n"
		"  namespace: kube-system\n"
		"data: {mode: dev}\n";
	static const char template_[] = "metadata:\n  namespace: {{ .Release.Namespace }}-dev\n";
	setenv("M", manifests, 1);
	setenv("T", template_, 1);
	assert_int_equal(sh(NULL, 0,
		"mkdir -p %s/envs/dev/chart/templates && cd %s/envs/dev && printf '%%s' \"$M\" > manifests-dev.yaml && "
		"printf '%%s' \"$T\" > chart/templates/deploy.yaml && printf '#!/bin/sh\\necho dev\\n' > run.sh && "
		"chmod +x run.sh && ln -s ../dev/run.sh link",
		dir, dir), 0);
	data_disk.roots[1] = dir;
	promote__changes out = PROMOTE__ARRAY_INIT;
	promote__env_copy how = { &data_reader, { "1" }, "envs/dev", NULL, NULL, "envs/qa", "dev", "qa", "shop-dev", "shop",
		NULL, 0 };
	int rc = promote__env_copy_plan(&out, &how);
	char *ns = NULL;
	int ns_rc = promote__env_copy_namespace(&ns, &how);
	data_disk.roots[1] = NULL;
	remove_scratch(dir);
	assert_int_equal(rc, 0);
	assert_int_equal(ns_rc, 0);
	assert_string_equal(ns, "shop-dev"); /* no kustomization: the first manifest's, a Namespace */
	free(ns);
	assert_int_equal(out.size, 4);
	assert_string_equal(out.ptr[0].path, "envs/qa/chart/templates/deploy.yaml");
	assert_string_equal(out.ptr[0].after.ptr, template_);
	assert_string_equal(out.ptr[1].path, "envs/qa/link");
	assert_int_equal(out.ptr[1].mode, PROMOTE__MODE_LINK);
	assert_string_equal(out.ptr[1].after.ptr, "../dev/run.sh");
	assert_string_equal(out.ptr[2].path, "envs/qa/manifests-qa.yaml");
	assert_string_equal(out.ptr[2].after.ptr,
		"# the shop in dev\n"
		"apiVersion: v1\n"
		"kind: Namespace\n"
		"metadata: {name: shop}\n"
		"---\n"
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata:\n"
		"  name: web-qa   # renamed\n"
		"  namespace: 'shop'\n"
		"  labels: {env: dev}\n"
		"spec:\n"
		"  template: {spec: {containers: [{name: web, image: \"shop:dev\"}]}}\n"
		"---\n"
		"apiVersion: v1\n"
		"kind: ConfigMap\n"
		"metadata:\n"
		"  name: settings\n"
		"  namespace: kube-system\n"
		"data: {mode: dev}\n");
	assert_string_equal(out.ptr[3].path, "envs/qa/run.sh");
	assert_int_equal(out.ptr[3].mode, PROMOTE__MODE_EXECUTABLE);
	assert_string_equal(out.ptr[3].after.ptr, "#!/bin/sh\necho dev\n");
	promote__changes_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rename_whole_tokens),
		cmocka_unit_test(test_kargo_overlay),
		cmocka_unit_test(test_plain_manifests),
		cmocka_unit_test(test_folder_glob_and_paths),
		cmocka_unit_test(test_kustomization_paths),
		cmocka_unit_test(test_jx_helmfile),
		cmocka_unit_test(test_multi_document_helmfile),
		cmocka_unit_test(test_argo_application),
		cmocka_unit_test(test_against_target),
		cmocka_unit_test(test_documents_templates_links),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
