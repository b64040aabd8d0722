/* Running the git program: bounded in time and output, no shell, no prompt. */
#include "git_program.h"

#include "core/buf.h"
#include "core/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The caller's environment, with git told never to prompt. NULL when out of
 * memory; the strings are borrowed (only the array is freed). */
static char **child_environment(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **envp = calloc(n + 3, sizeof *envp);
	if (!envp)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "GIT_TERMINAL_PROMPT=", 20) != 0 && strncmp(environ[i], "GIT_ASKPASS=", 12) != 0)
			envp[k++] = environ[i];
	envp[k++] = "GIT_TERMINAL_PROMPT=0";
	envp[k++] = "GIT_ASKPASS="; /* set and empty: neither core.askPass nor SSH_ASKPASS is run */
	envp[k] = NULL;
	return envp;
}

/* Write all of `data` to `fd`, a pipe whose reader may be gone: SIGPIPE is
 * held back for this thread, and one it caused is taken, not delivered. */
static bool write_all(int fd, const char *data, size_t size)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	bool ok = true;
	while (size > 0) {
		ssize_t n = write(fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = false;
			break;
		}
		data += n;
		size -= (size_t)n;
	}
	if (!ok && errno == EPIPE) {
		struct timespec zero = { 0, 0 };
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ok;
}

/* Read `fd` until the end, the bound or the deadline into `out`. */
static bool read_all(promote_buf *out, int fd, long long deadline)
{
	char chunk[4096];
	size_t total = 0;
	for (;;) {
		int left = (int)(deadline - promote__now_ms());
		if (left <= 0)
			return false;
		struct pollfd p = { fd, POLLIN, 0 };
		int ready = poll(&p, 1, left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			return false;
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			return true;
		total += (size_t)n;
		if (total > PROMOTE__GIT_PROGRAM_MAX_OUTPUT)
			return false;
		if (out && promote__buf_put(out, chunk, (size_t)n) != 0)
			return false;
	}
}

/* Wait for `pid` until the deadline, then kill it: its exit status, or -1. Looked at again after 0.1 ms,
 * then twice as long each time up to 5 ms: a git that closed its output is usually exiting then. */
static int reap(pid_t pid, long long deadline)
{
	int status;
	long pause_ns = 100 * 1000L;
	for (;;) {
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (done < 0 && errno != EINTR)
			return -1;
		if (promote__now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return -1;
		}
		struct timespec ts = { 0, pause_ns };
		nanosleep(&ts, NULL);
		pause_ns = pause_ns * 2 < 5 * 1000000L ? pause_ns * 2 : 5 * 1000000L;
	}
}

static void close_pipe(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

static bool cloexec_pipe(int fds[2])
{
	if (pipe(fds) != 0) {
		fds[0] = fds[1] = -1;
		return false;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return true;
}

int promote__git_program_start(promote__git_program *p, const char *const *args, const char *input, size_t size)
{
	*p = (promote__git_program){ 0, -1, 0 };
	size_t n = 0;
	while (args[n])
		n++;
	const char **argv = calloc(n + 4, sizeof *argv);
	char **envp = child_environment();
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, rc = PROMOTE_EGIT;
	posix_spawn_file_actions_t actions;
	bool have_actions = posix_spawn_file_actions_init(&actions) == 0;
	if (!argv || !envp || !have_actions || !cloexec_pipe(in) || !cloexec_pipe(outp))
		goto done;
	argv[0] = "git";
	argv[1] = "-C";
	argv[2] = "/";
	memcpy(argv + 3, args, n * sizeof *argv);
	if (posix_spawn_file_actions_adddup2(&actions, in[0], 0) != 0 ||
		posix_spawn_file_actions_adddup2(&actions, outp[1], 1) != 0 ||
		posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) != 0)
		goto done;
	pid_t pid;
	/* posix_spawnp's argv and envp are not const for historical reasons only. */
	int spawned = posix_spawnp(&pid, "git", &actions, NULL, (char *const *)(void *)argv, envp);
	if (spawned != 0) {
		rc = spawned == ENOENT ? PROMOTE_ENOTFOUND : PROMOTE_EGIT;
		goto done;
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* The input is small (a few lines): the pipe takes it whole, so git
	 * reading it and us reading its answer cannot wait on each other. */
	bool written = write_all(in[1], input ? input : "", input ? size : 0);
	*p = (promote__git_program){ pid, outp[0], promote__now_ms() + PROMOTE__GIT_PROGRAM_TIMEOUT_MS };
	outp[0] = -1;
	rc = 0;
	if (!written) {
		promote__git_program_abandon(p);
		rc = PROMOTE_EGIT;
	}
done:
	close_pipe(in);
	close_pipe(outp);
	if (have_actions)
		posix_spawn_file_actions_destroy(&actions);
	free(envp);
	free(argv);
	return rc;
}

int promote__git_program_finish(promote__git_program *p, promote_buf *out)
{
	if (p->pid <= 0)
		return PROMOTE_EGIT;
	bool ok = read_all(out, p->out_fd, p->deadline);
	close(p->out_fd);
	int status = reap(p->pid, ok ? p->deadline : promote__now_ms());
	*p = (promote__git_program){ 0, -1, 0 };
	return ok && status == 0 ? 0 : PROMOTE_EGIT;
}

void promote__git_program_abandon(promote__git_program *p)
{
	if (p->pid <= 0)
		return;
	close(p->out_fd);
	reap(p->pid, promote__now_ms());
	*p = (promote__git_program){ 0, -1, 0 };
}

int promote__git_program_run(promote_buf *out, const char *const *args, const char *input, size_t size)
{
	promote__git_program p;
	int rc = promote__git_program_start(&p, args, input, size);
	return rc ? rc : promote__git_program_finish(&p, out);
}
