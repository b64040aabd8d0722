/*
 * git's credential helpers asked ahead (credential_helper.h): whether a
 * helper is configured for a URL is asked of git when a session opens, and
 * the answer is taken when a server first wants credentials. These run the
 * real git program with a configuration of the test's own (its "store"
 * helper reading a credentials file), none of the user's.
 */
#include "helpers.h"

#include "git/credential_helper.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/promote-credential-helper-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	char path[256], store[256];
	snprintf(store, sizeof store, "%s/credentials", dir);
	snprintf(path, sizeof path, "%s/gitconfig", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	/* a helper for one host only, as a user configures one per forge */
	fprintf(f, "[credential \"http://forge.example\"]\n\thelper = store --file=%s\n", store);
	fclose(f);
	setenv("GIT_CONFIG_GLOBAL", path, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	if (!(f = fopen(store, "w")))
		return -1;
	fputs("http://alice:s3cret@forge.example\n", f);
	fclose(f);
	chmod(store, 0600);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Is `pid` a child of ours still (running, or exited and not waited for)? */
static bool still_a_child(pid_t pid)
{
	siginfo_t info = { 0 };
	return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* Asked ahead, the answer is the one asked in place: the helper's credentials for its host. */
static void test_answer_asked_ahead_is_used(void **state)
{
	(void)state;
	promote__git_helper_memo memo = { 0 };
	promote__git_helper_ask_ahead(&memo, "http://forge.example/team/gitops.git");
	pid_t asking = memo.asking.pid;
	assert_true(asking > 0);
	promote__git_credential cred = PROMOTE__GIT_CREDENTIAL_INIT;
	assert_int_equal(promote__git_credential_fill(&cred, "http://forge.example/team/gitops.git", NULL, &memo), 0);
	assert_string_equal(cred.username, "alice");
	assert_string_equal(cred.password, "s3cret");
	assert_int_equal(memo.asking.pid, 0);
	assert_false(still_a_child(asking));
	assert_true(memo.configured);
	promote__git_credential_done(&cred, 0);
	promote__git_helper_memo_dispose(&memo);
}

/* No helper for another host: nothing filled, whether asked ahead or not. */
static void test_other_host_has_no_helper(void **state)
{
	(void)state;
	for (int ahead = 0; ahead < 2; ahead++) {
		promote__git_helper_memo memo = { 0 };
		if (ahead)
			promote__git_helper_ask_ahead(&memo, "http://other.example/gitops.git");
		promote__git_credential cred = PROMOTE__GIT_CREDENTIAL_INIT;
		assert_int_equal(promote__git_credential_fill(&cred, "http://other.example/gitops.git", NULL, &memo),
			PROMOTE_ENOTFOUND);
		assert_null(cred.username);
		assert_false(memo.configured);
		promote__git_helper_memo_dispose(&memo);
	}
}

/* Asked ahead about one URL and filled for another: the other is asked about, the first answer dropped. */
static void test_answer_for_another_url_is_not_taken(void **state)
{
	(void)state;
	promote__git_helper_memo memo = { 0 };
	promote__git_helper_ask_ahead(&memo, "http://other.example/gitops.git");
	pid_t asking = memo.asking.pid;
	promote__git_credential cred = PROMOTE__GIT_CREDENTIAL_INIT;
	assert_int_equal(promote__git_credential_fill(&cred, "http://forge.example/team/gitops.git", NULL, &memo), 0);
	assert_string_equal(cred.password, "s3cret");
	assert_false(still_a_child(asking));
	promote__git_credential_done(&cred, 0);
	promote__git_helper_memo_dispose(&memo);
}

/* A session that never needed credentials waits for the git it started: no process is left behind. */
static void test_unused_answer_leaves_no_process(void **state)
{
	(void)state;
	promote__git_helper_memo memo = { 0 };
	promote__git_helper_ask_ahead(&memo, "http://forge.example/team/gitops.git");
	pid_t asking = memo.asking.pid;
	assert_true(asking > 0);
	/* asked once per memo */
	promote__git_helper_ask_ahead(&memo, "http://forge.example/team/gitops.git");
	assert_int_equal(memo.asking.pid, asking);
	promote__git_helper_memo_dispose(&memo);
	assert_false(still_a_child(asking));
	assert_int_equal(errno, ECHILD);
}

/* Without a git program nothing is started, and a fill finds nothing. */
static void test_without_git_nothing_is_asked(void **state)
{
	(void)state;
	char *path = strdup(getenv("PATH"));
	setenv("PATH", dir, 1);
	promote__git_helper_memo memo = { 0 };
	promote__git_helper_ask_ahead(&memo, "http://forge.example/team/gitops.git");
	assert_int_equal(memo.asking.pid, 0);
	assert_null(memo.url);
	promote__git_credential cred = PROMOTE__GIT_CREDENTIAL_INIT;
	assert_int_equal(promote__git_credential_fill(&cred, "http://forge.example/team/gitops.git", NULL, &memo),
		PROMOTE_ENOTFOUND);
	setenv("PATH", path, 1);
	free(path);
	promote__git_helper_memo_dispose(&memo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_asked_ahead_is_used),
		cmocka_unit_test(test_other_host_has_no_helper),
		cmocka_unit_test(test_answer_for_another_url_is_not_taken),
		cmocka_unit_test(test_unused_answer_leaves_no_process),
		cmocka_unit_test(test_without_git_nothing_is_asked),
	};
	return cmocka_run_group_tests_name("credential_helper", tests, setup, teardown);
}
