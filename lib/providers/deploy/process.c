/* A command run in its own process group, polled (see process.h). */
#define _GNU_SOURCE /* pipe2, mkostemp */
#include "process.h"

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/file.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct promote__process {
	pid_t pid;            /* also its group's id */
	int pid_fd;           /* readable once it ended (pidfd_open); -1: none, or not watched */
	int out_fd;           /* the output file, already unlinked */
	int64_t deadline_ms;  /* 0: none */
	int64_t term_ms;      /* when SIGTERM was sent, or 0 */
	bool killed;          /* SIGKILL sent after the grace */
	bool finished;
	int exit_status;
};

/*
 * The commands of this process that have not been reaped, each with a pidfd that becomes readable when it
 * ends: promote__process_wait() sleeps on them. An entry a wait saw end is not waited on again (its owner
 * may poll it only later: another release's check). Bounded: a command started while WATCHED_MAX are
 * watched is not, and a wait sleeps through its end, as without pidfds (Linux before 5.3).
 */
#define WATCHED_MAX 64

typedef struct watched {
	int fd;
	uint64_t serial; /* tells an entry from a later one given the same descriptor number */
	bool ended;
} watched;

static pthread_mutex_t watched_lock = PTHREAD_MUTEX_INITIALIZER;
static watched watched_list[WATCHED_MAX];
static size_t watched_count;
static uint64_t watched_serial;

static void watch(promote__process *p)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, p->pid, 0u); /* close-on-exec, as every pidfd */
	if (fd < 0)
		return;
	pthread_mutex_lock(&watched_lock);
	if (watched_count < WATCHED_MAX) {
		watched_list[watched_count++] = (watched){ fd, ++watched_serial, false };
		p->pid_fd = fd;
	}
	pthread_mutex_unlock(&watched_lock);
	if (p->pid_fd < 0)
		close(fd);
#else
	(void)p;
#endif
}

static void unwatch(promote__process *p)
{
	if (p->pid_fd < 0)
		return;
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < watched_count; i++)
		if (watched_list[i].fd == p->pid_fd) {
			watched_list[i] = watched_list[--watched_count];
			break;
		}
	close(p->pid_fd); /* under the lock: a wait copies the descriptors it sleeps on under it too */
	pthread_mutex_unlock(&watched_lock);
	p->pid_fd = -1;
}

/* The copies of the watched descriptors of commands not seen ended, into fds (their serials into serials). */
static nfds_t watched_copies(struct pollfd *fds, uint64_t *serials)
{
	nfds_t n = 0;
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < watched_count; i++) {
		if (watched_list[i].ended || (fds[n].fd = fcntl(watched_list[i].fd, F_DUPFD_CLOEXEC, 3)) < 0)
			continue;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		serials[n++] = watched_list[i].serial;
	}
	pthread_mutex_unlock(&watched_lock);
	return n;
}

/* The entry of `serial`, if it is still watched, is marked ended. */
static void mark_ended(uint64_t serial)
{
	pthread_mutex_lock(&watched_lock);
	for (size_t i = 0; i < watched_count; i++)
		if (watched_list[i].serial == serial)
			watched_list[i].ended = true;
	pthread_mutex_unlock(&watched_lock);
}

void promote__process_wait(uint32_t ms)
{
	struct pollfd fds[WATCHED_MAX];
	uint64_t serials[WATCHED_MAX];
	nfds_t n = watched_copies(fds, serials);
	if (n == 0) {
		promote__sleep_ms(ms);
		return;
	}
	int64_t end = promote__now_ms() + ms;
	for (;;) {
		int64_t left = end - promote__now_ms();
		if (left <= 0 || poll(fds, n, left > INT32_MAX ? INT32_MAX : (int)left) >= 0 || errno != EINTR)
			break;
	}
	for (nfds_t i = 0; i < n; i++) {
		if (fds[i].revents)
			mark_ended(serials[i]);
		close(fds[i].fd);
	}
}

/* What the child reports through the error pipe when it cannot run. */
typedef struct child_failure {
	int stage;  /* 0: entering the folder, 1: executing the program, 2: setting up its files */
	int err;
} child_failure;

/* In the child: only async-signal-safe calls from here to exec. */
static void child_fail(int fd, int stage)
{
	child_failure f = { stage, errno };
	ssize_t n = write(fd, &f, sizeof f);
	(void)n;
	_exit(127);
}

/* In the child: close every descriptor from `first` on but `keep`. One close_range() call (Linux 5.9) each side
 * of `keep`; where there is none, one close() per possible descriptor below `max_fd`. */
static void close_from(int first, int keep, int max_fd)
{
#ifdef SYS_close_range
	if ((keep <= first || syscall(SYS_close_range, (unsigned)first, (unsigned)keep - 1, 0u) == 0) &&
		syscall(SYS_close_range, (unsigned)(keep < first ? first : keep + 1), ~0u, 0u) == 0)
		return;
#endif
	for (int fd = first; fd < max_fd; fd++)
		if (fd != keep)
			close(fd);
}

static void child(const promote__process_spec *spec, int in_fd, int out_fd, int err_fd, int max_fd)
{
	static const int reset[] = { SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2 };
	setpgid(0, 0);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (size_t i = 0; i < PROMOTE_ARRAY_SIZE(reset); i++)
		sigaction(reset[i], &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		child_fail(err_fd, 2);
	if (chdir(spec->cwd) < 0)
		child_fail(err_fd, 0);
	close_from(3, err_fd, max_fd);
	execve(spec->program, spec->argv, spec->envp);
	child_fail(err_fd, 1);
}

/* The highest file descriptor the child closes below. */
static int fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536)
		return (int)rl.rlim_cur;
	return 65536;
}

/* How the child failed, or 0 once it runs the program (the pipe closed on exec). */
static int read_failure(child_failure *f, int fd)
{
	size_t got = 0;
	while (got < sizeof *f) {
		ssize_t n = read(fd, (char *)f + got, sizeof *f - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got == sizeof *f ? 1 : 0;
}

static int reap(pid_t pid, int *status)
{
	pid_t r;
	while ((r = waitpid(pid, status, 0)) < 0 && errno == EINTR)
		;
	return r == pid ? 0 : -1;
}

static int failed_to_run(const promote__process_spec *spec, const child_failure *f)
{
	static const char *const stages[] = { "cannot enter the folder '%s' to run '%s': %s",
		"cannot run '%2$s': %3$s", "cannot set up the output of '%2$s': %3$s" };
	int code = f->err == ENOENT || f->err == ENOTDIR ? PROMOTE_ENOTFOUND : PROMOTE_EIO;
	int stage = f->stage >= 0 && f->stage <= 2 ? f->stage : 1;
	return promote__error(code, PROMOTE_ERROR_CLASS_DEPLOY, stages[stage], spec->cwd, spec->shown,
		strerror(f->err));
}

/* `fd` moved above the standard descriptors (a caller that closed its
 * stdout would otherwise have the child's dup2() onto it keep
 * close-on-exec); -1 when it cannot be. */
static int above_std(int fd)
{
	if (fd < 0 || fd > 2)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

int promote__process_environ(char ***out, const char *const *names, const char *const *values, size_t count)
{
	size_t have = 0, n = 0;
	while (environ && environ[have])
		have++;
	char **env = calloc(have + count + 1, sizeof *env);
	int rc = env ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < have; i++) {
		bool ours = false;
		for (size_t k = 0; k < count; k++) {
			size_t len = strlen(names[k]);
			ours |= strncmp(environ[i], names[k], len) == 0 && environ[i][len] == '=';
		}
		if (!ours && !(env[n++] = strdup(environ[i])))
			rc = promote__error_oom();
	}
	for (size_t k = 0; rc == 0 && k < count; k++)
		if (!(env[n++] = promote__strdupf("%s=%s", names[k], values[k])))
			rc = PROMOTE_ENOMEM;
	*out = env;
	return rc;
}

void promote__process_environ_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

int promote__process_find(char **out, const char *name, const char *what)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; ; ) {
		const char *colon = strchr(p, ':');
		int len = (int)(colon ? (size_t)(colon - p) : strlen(p));
		char *candidate = promote__strdupf("%.*s%s%s", len, len ? p : ".", "/", name);
		if (!candidate)
			return PROMOTE_ENOMEM;
		struct stat st;
		if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
			*out = candidate;
			return 0;
		}
		free(candidate);
		if (!colon)
			break;
		p = colon + 1;
	}
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY,
		"%s: no program '%s' in PATH; give its path, or a path in the repository such as ./checks/%s", what,
		name, name);
}

/* A file made in `dir` and removed at once: `prefix`-XXXXXX, its descriptor above the standard ones
 * (close-on-exec); -1 after saying why. */
static int unlinked_file(const promote__process_spec *spec, const char *prefix, int flags)
{
	char *path = promote__strdupf("%s/%s-XXXXXX", spec->output_dir, prefix);
	if (!path)
		return promote__error_oom(), -1;
	int fd = above_std(mkostemp(path, O_CLOEXEC | flags));
	if (fd < 0)
		promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot create '%s' for the %s of '%s': %s", path,
			prefix, spec->shown, strerror(errno));
	else
		unlink(path);
	free(path);
	return fd;
}

/* The command's standard input: a file holding spec->input, read from its start; -1 (no error) when there is
 * none, -2 after saying why it cannot be. */
static int input_file(const promote__process_spec *spec)
{
	if (!spec->input)
		return -1;
	int fd = unlinked_file(spec, "input", 0);
	if (fd < 0)
		return -2;
	if (promote__write_all(fd, spec->input, spec->input_size) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot write the input of '%s': %s", spec->shown,
			strerror(errno));
		close(fd);
		return -2;
	}
	return fd;
}

int promote__process_start(promote__process **out, const promote__process_spec *spec)
{
	*out = NULL;
	promote__process *p = calloc(1, sizeof *p);
	int pipe_fds[2] = { -1, -1 }, in_fd = -1;
	int rc = !p ? promote__error_oom() : 0;
	if (p)
		p->out_fd = p->pid_fd = -1;
	if (rc == 0 && (p->out_fd = unlinked_file(spec, "output", O_APPEND)) < 0)
		rc = promote_error_last()->code;
	if (rc == 0 && (in_fd = input_file(spec)) == -2)
		rc = promote_error_last()->code;
	if (rc == 0 && (pipe2(pipe_fds, O_CLOEXEC) < 0 || (pipe_fds[0] = above_std(pipe_fds[0])) < 0 ||
		(pipe_fds[1] = above_std(pipe_fds[1])) < 0))
		rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot run '%s': pipe: %s", spec->shown,
			strerror(errno));
	if (rc) {
		for (int i = 0; i < 2; i++)
			if (pipe_fds[i] >= 0)
				close(pipe_fds[i]);
		if (in_fd >= 0)
			close(in_fd);
		if (p && p->out_fd >= 0)
			close(p->out_fd);
		free(p);
		return rc;
	}
	int max_fd = fd_limit();
	pid_t pid = fork();
	if (pid == 0)
		child(spec, in_fd, p->out_fd, pipe_fds[1], max_fd);
	int fork_err = errno;
	close(pipe_fds[1]);
	if (in_fd >= 0)
		close(in_fd);
	child_failure f;
	if (pid < 0)
		rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot run '%s': fork: %s", spec->shown,
			strerror(fork_err));
	else {
		setpgid(pid, pid); /* as the child does: whichever runs first */
		if (read_failure(&f, pipe_fds[0])) {
			reap(pid, NULL);
			rc = failed_to_run(spec, &f);
		}
	}
	close(pipe_fds[0]);
	if (rc) {
		close(p->out_fd);
		free(p);
		return rc;
	}
	p->pid = pid;
	p->deadline_ms = spec->timeout_s ? promote__now_ms() + (int64_t)spec->timeout_s * 1000 : 0;
	watch(p);
	*out = p;
	return 0;
}

/* The program ended (a zombie still, keeping its group's id reserved): what
 * it left in its group is killed, then it is reaped. */
static void finish(promote__process *p)
{
	unwatch(p);
	kill(-p->pid, SIGKILL);
	int status = 0;
	bool reaped = reap(p->pid, &status) == 0;
	p->finished = true;
	if (p->term_ms || !reaped)
		p->exit_status = -1;
	else
		p->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool promote__process_poll(promote__process *p, int *exit_status)
{
	if (!p->finished) {
		siginfo_t info;
		memset(&info, 0, sizeof info);
		int r = waitid(P_PID, (id_t)p->pid, &info, WEXITED | WNOHANG | WNOWAIT);
		if ((r == 0 && info.si_pid == p->pid) || (r < 0 && errno == ECHILD)) {
			finish(p);
		} else {
			int64_t now = promote__now_ms();
			if (p->deadline_ms && !p->term_ms && now >= p->deadline_ms) {
				kill(-p->pid, SIGTERM);
				p->term_ms = now;
			} else if (p->term_ms && !p->killed && now >= p->term_ms + PROMOTE__PROCESS_GRACE_MS) {
				kill(-p->pid, SIGKILL);
				p->killed = true;
			}
		}
	}
	if (p->finished)
		*exit_status = p->exit_status;
	return p->finished;
}

bool promote__process_timed_out(const promote__process *p)
{
	return p->term_ms != 0;
}

int promote__process_output(promote_buf *out, const promote__process *p, size_t max)
{
	struct stat st;
	if (fstat(p->out_fd, &st) < 0)
		return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot read a command's output: %s",
			strerror(errno));
	size_t size = (size_t)st.st_size, start = size > max ? size - max : 0;
	int rc = promote__buf_grow(out, size - start);
	while (rc == 0 && start < size) {
		ssize_t n = pread(p->out_fd, out->ptr + out->size, size - start, (off_t)start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot read a command's output: %s",
				strerror(errno));
		if (n <= 0)
			break;
		out->size += (size_t)n;
		start += (size_t)n;
	}
	if (rc == 0)
		out->ptr[out->size] = '\0';
	return rc;
}

void promote__process_free(promote__process *p)
{
	if (!p)
		return;
	if (!p->finished) {
		kill(-p->pid, SIGKILL);
		reap(p->pid, NULL);
	}
	unwatch(p);
	close(p->out_fd);
	free(p);
}
