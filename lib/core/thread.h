/* Internal: worker threads the library starts and joins within one call — save libgit2's start (and
 * libcurl's loading) ahead of a remote's first request, joined when its session ends (git/start_ahead.h). */
#ifndef PROMOTE_CORE_THREAD_H
#define PROMOTE_CORE_THREAD_H

#include "common.h"

#include <pthread.h>

/*
 * Start `fn(arg)` on a new thread with every signal blocked: signals stay the caller's threads' to take
 * (a CLI's SIGINT handler, a daemon's SIGTERM). false when the system gives no thread: the caller does the
 * work itself. The thread's library error is its own (thread-local): a worker reports failure in its
 * result, and the caller says why.
 */
bool promote__thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/* How many threads the work of one call may use: PROMOTE_THREADS when set to a number (1: only the
 * caller's), else the processors online; at most `most`, at least 1. */
size_t promote__thread_budget(size_t most);

#endif
