/*
 * Internal: what a session of a remote needs before its first request,
 * started on a thread of its own while the caller does what needs neither.
 * libgit2's start parses the system's CA certificates (its TLS library does,
 * even for an http:// remote): 8 to 10 ms before anything of git can be
 * read. An http(s) remote's pushes also need libcurl (curl_api.h: some
 * twenty libraries to map), which the thread loads next, while the fetch
 * waits for the server. Meanwhile the caller starts git's credential helper
 * (a process: 2 ms until it runs) and takes the mirror's lock.
 *
 * Whoever needs libgit2 first starts it and the other waits (core/global.h:
 * one start, under the run-time's lock), so either order of the two threads
 * is right; with PROMOTE_THREADS=1 nothing is started ahead.
 */
#ifndef PROMOTE_GIT_START_AHEAD_H
#define PROMOTE_GIT_START_AHEAD_H

#include "core/common.h"

#include <pthread.h>

/*
 * Start libgit2, then libcurl when `http`, on a new thread: true, with
 * *thread for promote__git_start_joined(). false when PROMOTE_THREADS
 * allows one thread only, when libgit2 is started and libcurl was asked
 * for before in this process (loaded, or under way), or when no thread
 * starts: their first need starts them then.
 */
bool promote__git_start_ahead(pthread_t *thread, bool http);

/* Wait for the thread promote__git_start_ahead() started. */
void promote__git_start_joined(pthread_t thread);

#endif
