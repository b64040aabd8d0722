/*
 * The built-in deploy backends through deploy.h, as the release engine calls
 * them: "exec" runs real processes in a scratch checkout of a real
 * repository built here; "none" deploys nothing and runs no workflow.
 */
#include "deploy_helpers.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char yaml[] =
	"version: 1\n"
	"environments:\n"
	"  dev: {path: envs/dev, clusters: [{name: c1, namespace: ns1}], deploy: {backend: exec}}\n"
	"  prod: {path: envs/prod}\n"
	"  qa: {path: envs/dev, deploy: {backend: argo}}\n"
	"  fresh: {path: envs/fresh, deploy: {backend: exec}}\n"
	"products:\n"
	"  shop: {path: apps/shop, template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}}\n";

/* checks/show.sh sources its neighbour and shows what it was given. */
static const char scripts[] =
	"printf 'echo lib loaded\\n' > checks/lib.sh && "
	"printf '#!/bin/sh\\n"
	". \"$(dirname \"$0\")/lib.sh\"\\n"
	"echo \"args: $*\"\\n"
	"echo \"release=$PROMOTE_RELEASE product=$PROMOTE_PRODUCT env=$PROMOTE_ENV version=$PROMOTE_VERSION "
	"commit=$PROMOTE_COMMIT\"\\n"
	"echo \"in=$(basename \"$PWD\")\"\\nls\\nls envs\\n"
	"cat envs/dev/apps/shop/values.yaml\\n' > checks/show.sh && "
	"printf '#!/bin/sh\\nn=$(cat \"$1\" 2>/dev/null || echo 0)\\necho $((n + 1)) > \"$1\"\\n"
	"[ \"$n\" -ge 1 ] && exit 0\\necho \"2 of 3 replicas\"\\nexit 75\\n' > checks/health.sh";

typedef struct fixture {
	char dir[64];
	char bare[128];
	char first[64];    /* the first commit: not the tip */
	char tmp[96];      /* TMPDIR: where the scratch checkouts go */
	promote_context *ctx;
} fixture;

static int setup(void **state)
{
	static fixture f;
	if (promote_init() <= 0)
		return -1;
	snprintf(f.dir, sizeof f.dir, "/tmp/promote-test-deploy-XXXXXX");
	if (!mkdtemp(f.dir) || make_deploy_repo(f.dir, yaml, scripts, f.first, sizeof f.first))
		return -1;
	snprintf(f.bare, sizeof f.bare, "%s/gitops.git", f.dir);
	snprintf(f.tmp, sizeof f.tmp, "%s/tmp", f.dir);
	if (mkdir(f.tmp, 0700) < 0 || setenv("TMPDIR", f.tmp, 1) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	remove_scratch(f->dir);
	return promote_shutdown() >= 0 ? 0 : -1;
}

static int open_ctx(void **state)
{
	fixture *f = *state;
	f->ctx = open_repository_or_fail(f->bare);
	return 0;
}

static int free_ctx(void **state)
{
	fixture *f = *state;
	promote_context_free(f->ctx);
	f->ctx = NULL;
	return 0;
}

static size_t open_fds(void)
{
	size_t n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* No process of that id is left (a zombie waiting for an init that does
 * not reap counts as gone: it runs no more). */
static bool gone(long pid)
{
	for (int i = 0; i < 150; i++) {
		char path[64], line[256] = "";
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			return true;
		snprintf(path, sizeof path, "/proc/%ld/stat", pid);
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(line, 1, sizeof line - 1, f) : 0;
		if (f)
			fclose(f);
		line[n] = '\0';
		const char *close_paren = strrchr(line, ')');
		if (close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z')
			return true;
		pause_ms(20);
	}
	return false;
}

static promote__deploy_target dev_at_first(const fixture *f)
{
	promote__deploy_target t = { "shop-1.4.0-abc123", "shop", "dev", "1.4.0", f->first, NULL };
	return t;
}

static void test_workflow_sees_its_argv_environment_and_checkout(void **state)
{
	fixture *f = *state;
	setenv("PROMOTE_ENV", "not-this-one", 1);
	static const char *const argv[] = { "./checks/show.sh", "{env}", "{product}", "{version}", "{release}",
		"{commit}", "x{env}y", NULL };
	set_workflow(f->ctx, "smoke-test", 0, argv);
	size_t fds = open_fds();
	promote__deploy_target t = dev_at_first(f);
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "smoke-test", &t), 0);
	assert_non_null(id);
	assert_true(strncmp(id, "exec-", 5) == 0);
	int exit_status = -2;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(wait_workflow(f->ctx, "smoke-test", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_SUCCEEDED);
	assert_int_equal(exit_status, 0);
	char expected[1024];
	snprintf(expected, sizeof expected,
		"lib loaded\n"
		"args: dev shop 1.4.0 shop-1.4.0-abc123 %s xdevy\n"
		"release=shop-1.4.0-abc123 product=shop env=dev version=1.4.0 commit=%s\n"
		"in=files\n"
		"checks\nenvs\npromote.yaml\n"
		"dev\n"
		"image:\n  tag: \"1\"\n", f->first, f->first);
	assert_string_equal(out.ptr, expected);
	/* Asked again, the ended run says the same. */
	promote_buf again = PROMOTE_BUF_INIT;
	int st = -1;
	assert_int_equal(promote__workflow_poll(&st, &exit_status, &again, f->ctx, "smoke-test", id, &t), 0);
	assert_int_equal(st, PROMOTE_WORKFLOW_SUCCEEDED);
	assert_string_equal(again.ptr, expected);
	/* Nothing left behind: no descriptor, no child. */
	assert_int_equal(open_fds(), fds);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	promote_buf_dispose(&again);
	promote_buf_dispose(&out);
	free(id);
	unsetenv("PROMOTE_ENV");
}

static void test_a_check_before_the_commit_runs_on_the_tip(void **state)
{
	fixture *f = *state;
	static const char *const argv[] = { "cat", "envs/dev/apps/shop/values.yaml", NULL };
	set_workflow(f->ctx, "show", 0, argv);
	promote__deploy_target t = { "r", "shop", "dev", "2", "", NULL };
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "show", &t), 0);
	int exit_status;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(wait_workflow(f->ctx, "show", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_SUCCEEDED);
	assert_string_equal(out.ptr, "image:\n  tag: \"2\"\n");
	promote_buf_dispose(&out);
	free(id);
}

static void test_a_new_environment_is_checked_in_an_empty_folder(void **state)
{
	fixture *f = *state;
	static const char *const argv[] = { "./checks/show.sh", NULL };
	static const char *const count[] = { "sh", "-c", "echo \"$(ls) $(ls -A envs/fresh | wc -l)\"", NULL };
	set_workflow(f->ctx, "show", 0, argv);
	set_workflow(f->ctx, "count", 0, count);
	promote__deploy_target t = { "r", "shop", "fresh", "1", f->first, NULL };
	char *id = NULL;
	int exit_status;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "count", &t), 0);
	assert_int_equal(wait_workflow(f->ctx, "count", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_SUCCEEDED);
	assert_string_equal(out.ptr, "envs\npromote.yaml 0\n");
	free(id);
	/* The same with the program's folder written too. */
	assert_int_equal(promote__workflow_start(&id, f->ctx, "show", &t), 0);
	assert_int_equal(wait_workflow(f->ctx, "show", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_FAILED);
	static const char start[] = "lib loaded\nargs: \nrelease=r product=shop env=fresh";
	assert_true(strncmp(out.ptr, start, strlen(start)) == 0);
	assert_true(strstr(out.ptr, "in=files\nchecks\nenvs\npromote.yaml\nfresh\n") != NULL);
	promote_buf_dispose(&out);
	free(id);
}

static void test_exit_status_and_bounded_output(void **state)
{
	fixture *f = *state;
	static const char *const fails[] = { "sh", "-c", "echo failing >&2; exit 3", NULL };
	static const char *const chatty[] = { "sh", "-c",
		"i=0; while [ $i -lt 400 ]; do echo \"line $i of a check that talks a lot\"; i=$((i+1)); done; echo END",
		NULL };
	set_workflow(f->ctx, "fails", 0, fails);
	set_workflow(f->ctx, "chatty", 0, chatty);
	promote__deploy_target t = dev_at_first(f);
	char *id = NULL;
	int exit_status;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "fails", &t), 0);
	assert_int_equal(wait_workflow(f->ctx, "fails", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_FAILED);
	assert_int_equal(exit_status, 3);
	assert_string_equal(out.ptr, "failing\n");
	free(id);

	assert_int_equal(promote__workflow_start(&id, f->ctx, "chatty", &t), 0);
	assert_int_equal(wait_workflow(f->ctx, "chatty", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_SUCCEEDED);
	assert_int_equal(out.size, 4096);
	assert_int_equal(strlen(out.ptr), 4096);
	assert_true(strcmp(out.ptr + out.size - 41, "line 399 of a check that talks a lot\nEND\n") == 0);
	promote_buf_dispose(&out);
	free(id);
}

static long read_pid(const char *path, int line)
{
	for (int i = 0; i < 250; i++) {
		FILE *f = fopen(path, "r");
		long pid = 0;
		int got = 0;
		for (int k = 0; f && k <= line; k++)
			got = fscanf(f, "%ld", &pid);
		if (f)
			fclose(f);
		if (got == 1 && pid > 0)
			return pid;
		pause_ms(20);
	}
	fail_msg("no pid in %s", path);
	return -1;
}

static void test_a_timeout_kills_the_process_group(void **state)
{
	fixture *f = *state;
	char pids[128];
	snprintf(pids, sizeof pids, "%s/pids", f->dir);
	/* The grandchild ignores SIGTERM: it goes with the SIGKILL that follows its parent's end. */
	static const char *argv[] = { "sh", "-c",
		"(trap '' TERM; exec sleep 300) & echo $! > \"$0\"; echo $$ >> \"$0\"; sleep 300", NULL, NULL };
	argv[3] = pids;
	set_workflow(f->ctx, "hangs", 1, argv);
	promote__deploy_target t = dev_at_first(f);
	char *id = NULL;
	size_t fds = open_fds();
	time_t started = time(NULL);
	assert_int_equal(promote__workflow_start(&id, f->ctx, "hangs", &t), 0);
	long grandchild = read_pid(pids, 0), child = read_pid(pids, 1);
	int exit_status;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(wait_workflow(f->ctx, "hangs", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_FAILED);
	assert_true(time(NULL) - started < 10);
	assert_int_equal(exit_status, -1);
	assert_string_equal(out.ptr, "promote: workflow 'hangs' timed out after 1s; its process group was killed\n");
	assert_true(gone(child));
	assert_true(gone(grandchild));
	assert_int_equal(open_fds(), fds);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	promote_buf_dispose(&out);
	free(id);
}

static void test_unknown_runs_workflows_and_programs(void **state)
{
	fixture *f = *state;
	promote__deploy_target t = dev_at_first(f);
	int st, exit_status;
	static const char *const argv[] = { "true", NULL };
	set_workflow(f->ctx, "quick", 0, argv);
	/* A run another process started, before this one. */
	assert_int_equal(promote__workflow_poll(&st, &exit_status, NULL, f->ctx, "quick", "exec-1-5f00-1", &t),
		PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"workflow 'quick' has no run 'exec-1-5f00-1' in this process: the process that started it is gone; "
		"start it again");
	char *id = (char *)"x";
	assert_int_equal(promote__workflow_start(&id, f->ctx, "quikc", &t), PROMOTE_ENOTFOUND);
	assert_null(id);
	assert_string_equal(promote_error_last()->message, "no workflow named 'quikc' (did you mean 'quick'?)");

	static const char *const missing[] = { "./checks/missing.sh", NULL };
	set_workflow(f->ctx, "missing", 0, missing);
	assert_int_equal(promote__workflow_start(&id, f->ctx, "missing", &t), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message, "cannot run './checks/missing.sh': No such file or directory");
	static const char *const nowhere[] = { "no-such-program-anywhere", NULL };
	set_workflow(f->ctx, "nowhere", 0, nowhere);
	assert_int_equal(promote__workflow_start(&id, f->ctx, "nowhere", &t), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"workflow 'nowhere': no program 'no-such-program-anywhere' in PATH; give its path, or a path in the "
		"repository such as ./checks/no-such-program-anywhere");
	static const char *const outside[] = { "../escape.sh", NULL };
	set_workflow(f->ctx, "outside", 0, outside);
	assert_int_equal(promote__workflow_start(&id, f->ctx, "outside", &t), PROMOTE_EINVALID);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_freeing_the_context_ends_its_runs(void **state)
{
	fixture *f = *state;
	char pids[128];
	snprintf(pids, sizeof pids, "%s/pid2", f->dir);
	static const char *argv[] = { "sh", "-c", "echo $$ > \"$0\"; sleep 300", NULL, NULL };
	argv[3] = pids;
	set_workflow(f->ctx, "long", 0, argv);
	promote__deploy_target t = dev_at_first(f);
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "long", &t), 0);
	long pid = read_pid(pids, 0);
	promote_context_free(f->ctx);
	f->ctx = NULL;
	assert_true(gone(pid));
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	/* No scratch folder left either. */
	assert_int_equal(sh(NULL, 0, "ls -A '%s' | grep -q .", f->tmp), 256);
	free(id);
}

static void test_deploy_syncs_then_checks_health_until_healthy(void **state)
{
	fixture *f = *state;
	char counter[128];
	snprintf(counter, sizeof counter, "%s/health-count", f->dir);
	static const char *const sync[] = { "sh", "-c", "echo synced $0 at $PROMOTE_COMMIT", "{version}", NULL };
	static const char *health[] = { "./checks/health.sh", NULL, NULL };
	health[1] = counter;
	set_deploy(f->ctx, "dev", sync, health, 0);
	promote__deploy_target t = dev_at_first(f);
	int sync_state = -1, health_state = -1;
	promote_buf detail = PROMOTE_BUF_INIT;
	assert_int_equal(promote__deploy_poll(&sync_state, &health_state, &detail, f->ctx, &t), PROMOTE_ENOTFOUND);
	assert_true(promote__deploy_configured(f->ctx, "dev"));
	assert_int_equal(promote__deploy_sync(f->ctx, &t), 0);
	bool saw_progressing = false;
	for (int i = 0; i < 500; i++) {
		assert_int_equal(promote__deploy_poll(&sync_state, &health_state, &detail, f->ctx, &t), 0);
		if (health_state == PROMOTE_HEALTH_PROGRESSING) {
			saw_progressing = true;
			assert_int_equal(sync_state, PROMOTE_SYNC_SYNCED);
			assert_string_equal(detail.ptr, "progressing: 2 of 3 replicas");
		}
		if (health_state == PROMOTE_HEALTH_HEALTHY)
			break;
		assert_true(health_state == PROMOTE_HEALTH_UNKNOWN || health_state == PROMOTE_HEALTH_PROGRESSING);
		pause_ms(20);
	}
	assert_true(saw_progressing);
	assert_int_equal(sync_state, PROMOTE_SYNC_SYNCED);
	assert_int_equal(health_state, PROMOTE_HEALTH_HEALTHY);
	assert_string_equal(detail.ptr, "healthy");
	assert_int_equal(promote__deploy_timeout(f->ctx, "dev"), 600);

	/* A sync that fails says why. */
	static const char *const broken[] = { "sh", "-c", "echo cluster unreachable; exit 4", NULL };
	set_deploy(f->ctx, "dev", broken, NULL, 120);
	assert_int_equal(promote__deploy_timeout(f->ctx, "dev"), 120);
	assert_int_equal(promote__deploy_sync(f->ctx, &t), 0);
	for (int i = 0; i < 500 && sync_state != PROMOTE_SYNC_FAILED; i++) {
		assert_int_equal(promote__deploy_poll(&sync_state, &health_state, &detail, f->ctx, &t), 0);
		pause_ms(20);
	}
	assert_int_equal(sync_state, PROMOTE_SYNC_FAILED);
	assert_string_equal(detail.ptr, "deploy.sync exited 4: cluster unreachable");
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	promote_buf_dispose(&detail);
}

/* promote.yaml in a folder of the repository: paths start there, for the
 * environment's folder, the program and the working folder alike. */
static void test_a_configuration_in_a_folder(void **state)
{
	fixture *f = *state;
	char dir[128];
	snprintf(dir, sizeof dir, "%s/sub", f->dir);
	assert_int_equal(sh(NULL, 0,
		"mkdir -p %s/work/deploy/checks %s/work/deploy/envs/dev %s/work/other && cd %s/work && "
		"printf 'version: 1\\nenvironments: {dev: {path: envs/dev, deploy: {backend: exec}}}\\n' > deploy/promote.yaml && "
		"printf '#!/bin/sh\\necho \"$(basename \"$PWD\")\"; ls; ls envs; cat envs/dev/x\\n' > deploy/checks/where.sh && "
		"chmod +x deploy/checks/where.sh && echo one > deploy/envs/dev/x && echo no > other/y && echo root > top && "
		GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm one && " GIT "clone -q --bare . %s/sub.git",
		dir, dir, dir, dir, f->dir), 0);
	char bare[160];
	snprintf(bare, sizeof bare, "%s/sub.git", f->dir);
	promote_context *ctx = NULL;
	assert_int_equal(promote_context_open_repository(&ctx, bare, "deploy/promote.yaml", NULL), 0);
	static const char *const argv[] = { "./checks/where.sh", NULL };
	set_workflow(ctx, "where", 0, argv);
	promote__deploy_target t = { "r", "shop", "dev", "1", "", NULL };
	char *id = NULL;
	int exit_status;
	promote_buf out = PROMOTE_BUF_INIT;
	assert_int_equal(promote__workflow_start(&id, ctx, "where", &t), 0);
	assert_int_equal(wait_workflow(ctx, "where", id, &t, &exit_status, &out), PROMOTE_WORKFLOW_SUCCEEDED);
	assert_string_equal(out.ptr, "deploy\nchecks\nenvs\npromote.yaml\ndev\none\n");
	promote_buf_dispose(&out);
	free(id);
	promote_context_free(ctx);
}

static void test_none_deploys_nothing_and_runs_no_workflow(void **state)
{
	fixture *f = *state;
	static const char *const argv[] = { "true", NULL };
	set_workflow(f->ctx, "verify", 0, argv);
	promote__deploy_target t = { "r", "shop", "prod", "1.4.0", "", NULL };
	assert_false(promote__deploy_configured(f->ctx, "prod"));
	char *id = NULL;
	assert_int_equal(promote__workflow_start(&id, f->ctx, "verify", &t), PROMOTE_ENOTSUPPORTED);
	assert_string_equal(promote_error_last()->message,
		"environment 'prod' has no deploy backend to run workflow 'verify': give it one in promote.yaml, e.g. "
		"deploy: {backend: exec} to run the workflow's command, or take the workflow out of its policy");
	assert_int_equal(promote__deploy_sync(f->ctx, &t), 0);
	int sync_state, health_state;
	promote_buf detail = PROMOTE_BUF_INIT;
	assert_int_equal(promote__deploy_poll(&sync_state, &health_state, &detail, f->ctx, &t), 0);
	assert_int_equal(sync_state, PROMOTE_SYNC_SYNCED);
	assert_int_equal(health_state, PROMOTE_HEALTH_HEALTHY);
	promote_buf_dispose(&detail);

	/* A backend that is neither built in nor registered. */
	promote__deploy_target qa = { "r", "shop", "qa", "1.4.0", "", NULL };
	assert_true(promote__deploy_configured(f->ctx, "qa"));
	assert_int_equal(promote__deploy_sync(f->ctx, &qa), PROMOTE_ENOTFOUND);
	assert_string_equal(promote_error_last()->message,
		"environment 'qa' names deploy backend 'argo', which is neither built in ('none', 'exec', 'argocd') nor "
		"registered on this context (promote_deploy_backend_register())");
	promote__deploy_target nowhere = { "r", "shop", "stagign", "1.4.0", "", NULL };
	assert_int_equal(promote__deploy_sync(f->ctx, &nowhere), PROMOTE_ENOTFOUND);
	assert_false(promote__deploy_configured(f->ctx, "stagign"));
	assert_int_equal(promote__workflow_timeout(f->ctx, "verify"), 600);
}

#define FRESH(test) cmocka_unit_test_setup_teardown(test, open_ctx, free_ctx)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FRESH(test_workflow_sees_its_argv_environment_and_checkout),
		FRESH(test_a_check_before_the_commit_runs_on_the_tip),
		FRESH(test_a_new_environment_is_checked_in_an_empty_folder),
		FRESH(test_exit_status_and_bounded_output),
		FRESH(test_a_timeout_kills_the_process_group),
		FRESH(test_unknown_runs_workflows_and_programs),
		FRESH(test_freeing_the_context_ends_its_runs),
		FRESH(test_deploy_syncs_then_checks_health_until_healthy),
		FRESH(test_a_configuration_in_a_folder),
		FRESH(test_none_deploys_nothing_and_runs_no_workflow),
	};
	return cmocka_run_group_tests_name("deploy_exec", tests, setup, teardown);
}
