/*
 * Internal: running the git program itself, for what only it knows (the
 * credential helpers the user configured). argv, never a shell; run in "/"
 * (git -C /) so that no repository of the caller's working folder is
 * involved; stdin from the caller, stdout kept up to a bound, stderr
 * discarded; killed when it takes longer than its time. git never prompts:
 * GIT_TERMINAL_PROMPT=0 and an empty GIT_ASKPASS in its environment.
 */
#ifndef PROMOTE_GIT_PROGRAM_H
#define PROMOTE_GIT_PROGRAM_H

#include "core/common.h"

#include <sys/types.h>

/* What git printed on stdout is at most this many bytes. */
#define PROMOTE__GIT_PROGRAM_MAX_OUTPUT (64 * 1024)
/* How long git may take, in milliseconds. */
#define PROMOTE__GIT_PROGRAM_TIMEOUT_MS 30000

/* A git program started and not yet waited for. */
typedef struct promote__git_program {
	pid_t pid;         /* 0: none (a zeroed one is none) */
	int out_fd;        /* its stdout */
	long long deadline; /* when it is killed, in promote__now_ms()'s time */
} promote__git_program;

/*
 * Start `git -C / ARGS...` as promote__git_program_run() runs it, without
 * waiting for it: *p is then waited for by promote__git_program_finish() or
 * killed by promote__git_program_abandon(), one of them, once. 0, or the
 * codes of promote__git_program_run() (p->pid is 0 then).
 */
int promote__git_program_start(promote__git_program *p, const char *const *args, const char *input, size_t size);

/* Wait for *p (its time still counted from its start) and read its stdout into `out`, as
 * promote__git_program_run() does. */
int promote__git_program_finish(promote__git_program *p, promote_buf *out);

/* Kill *p, if it still runs, and wait for it. Nothing when there is none. */
void promote__git_program_abandon(promote__git_program *p);

/*
 * Run `git -C / ARGS...` (`args` NULL-terminated) with `input` (size bytes,
 * may be NULL) on its stdin; its stdout into `out` (may be NULL: discarded).
 * 0 when git exited with status 0; PROMOTE_ENOTFOUND when there is no git
 * program; PROMOTE_EGIT when it failed, printed too much or took too long.
 * Sets no error message (the callers decide what a failure means); `out`
 * holds what was read even on failure and is the caller's to dispose (and
 * wipe, if it may hold a secret).
 */
int promote__git_program_run(promote_buf *out, const char *const *args, const char *input, size_t size);

#endif
