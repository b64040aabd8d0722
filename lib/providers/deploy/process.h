/*
 * Internal: one command a deploy backend runs — argv without a shell, in its
 * own process group, in a given folder with a given environment. Its standard
 * output and error go to a temporary file (removed from its folder at once),
 * so the command never waits on the caller; the last bytes of it are read
 * when asked. Nothing blocks: a poll reaps with WNOHANG and enforces the
 * deadline — past it the whole group gets SIGTERM, and SIGKILL after a grace
 * of PROMOTE__PROCESS_GRACE_MS. When the command itself ends, whatever it
 * left running in its group is killed: a check leaves nothing behind.
 *
 * The caller must not reap children it did not start (waitpid(-1, ...)) nor
 * set SIGCHLD to SIG_IGN: either takes the exit status away (the run then
 * ends with -1).
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_PROCESS_H
#define PROMOTE_PROVIDERS_DEPLOY_PROCESS_H

#include "core/common.h"

#define PROMOTE__PROCESS_GRACE_MS 5000

typedef struct promote__process promote__process;

typedef struct promote__process_spec {
	const char *program;   /* a path: absolute, or relative to `cwd` */
	char *const *argv;     /* NULL-terminated; argv[0] is what the program sees */
	char *const *envp;     /* NULL-terminated */
	const char *cwd;
	const char *output_dir; /* where the output file is made */
	uint32_t timeout_s;    /* 0: no bound */
	const char *shown;     /* the program as configured, for messages */
	const char *input;     /* its standard input: input_size bytes (NULL: /dev/null) */
	size_t input_size;
} promote__process_spec;

/* Our environment with `count` variables set to `values` (any of ours of those names left out): a
 * NULL-terminated array of malloc'd strings into *out, freed with promote__process_environ_free() (also
 * on failure). */
int promote__process_environ(char ***out, const char *const *names, const char *const *values, size_t count);
void promote__process_environ_free(char **env);

/* The program `name` (no '/' in it) found in PATH as execvp would, into *out; PROMOTE_ENOTFOUND naming
 * `what` and `name` when it is in none of its folders. */
int promote__process_find(char **out, const char *name, const char *what);

/*
 * Start it. An error when it cannot run — PROMOTE_ENOTFOUND (no such
 * program or folder), PROMOTE_EIO (not executable, fork failed, ...) — with
 * a message naming spec->shown; nothing is left running then.
 */
int promote__process_start(promote__process **out, const promote__process_spec *spec);

/*
 * Drive it: true once it ended, with *exit_status its exit code, 128 + N
 * for a signal N, -1 when it was killed at its deadline (or its status was
 * taken by someone else's waitpid()); false while it runs.
 */
bool promote__process_poll(promote__process *p, int *exit_status);

/* It was stopped at its deadline. */
bool promote__process_timed_out(const promote__process *p);

/* Append the last `max` bytes of its output so far to `out`. */
int promote__process_output(promote_buf *out, const promote__process *p, size_t max);

/*
 * Sleep `ms` milliseconds, or less: until a command started here (by any thread of this process) ends, so a
 * release's run loop looks at a finished check at once rather than at its next timed poll. A command a wait
 * saw end wakes no later wait, reaped or not. Without pidfds (Linux before 5.3), a plain sleep.
 */
void promote__process_wait(uint32_t ms);

/* Kill its group if it still runs, reap it, release everything. NULL: nothing. */
void promote__process_free(promote__process *p);

#endif
