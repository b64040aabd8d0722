/*
 * Internal: libgit2's plain socket stream, bounded. libgit2 1.5 waits for a
 * connection and for data without limit (a bound came with 1.7's
 * GIT_OPT_SET_SERVER_TIMEOUT). libpromote registers its own
 * GIT_STREAM_STANDARD stream, which every libgit2 transport opens: http,
 * https (TLS runs over it) and ssh. Inside a watch (below), a connection must
 * be made within the bound, and it ends once it stalled for the bound:
 *
 * - http(s), whose reads and writes all go through the stream: a read or a
 *   write waits (poll) at most until the peer sent nothing and acknowledged
 *   nothing for the bound (time spent between reads — libgit2 indexing, a
 *   credentials prompt — is not a stall). No thread: creating one waits
 *   for any dlopen() under way in the process (glibc's TLS lock), such as
 *   libcurl's, loaded ahead on another thread while the fetch starts.
 * - ssh, whose socket libssh2 uses directly: a watchdog thread shuts the
 *   socket down once the peer sent and acknowledged nothing for the bound
 *   (TCP_INFO), save while the watch is paused (a credentials callback
 *   runs), which ends a wait blocked in libssh2.
 *
 * Outside a watch (the application's own use of libgit2), it behaves as
 * libgit2's own stream.
 */
#ifndef PROMOTE_GIT_NET_STREAM_H
#define PROMOTE_GIT_NET_STREAM_H

#include "net/bound.h"

/* Register (at libgit2's start) and unregister (at its shutdown) the stream. */
int promote__git_stream_register(void);
void promote__git_stream_unregister(void);

typedef struct promote__git_watch_state promote__git_watch_state;

/* One bounded exchange with a remote, on this thread. */
typedef struct promote__git_watch {
	unsigned seconds;            /* the bound */
	promote__net_stall stall;    /* after end: 0, or what ran out */
	char host[256];              /* after end: whose connection ran out */
	promote__git_watch_state *state;  /* shared with the streams it bounds; NULL: unbounded (no memory) */
	struct promote__git_watch *outer;
} promote__git_watch;

/* Connections libgit2 opens on this thread between begin and end are
 * bounded by `seconds`; after end, `watch->stall` says whether one ran out.
 * `watchdog`: the transport uses the socket without the stream (ssh), so a
 * thread watches each connection. */
void promote__git_watch_begin(promote__git_watch *watch, unsigned seconds, bool watchdog);
void promote__git_watch_end(promote__git_watch *watch);

/* While paused (a callback waits for someone), a silent connection is no stall. */
void promote__git_watch_pause(promote__git_watch *watch);
void promote__git_watch_resume(promote__git_watch *watch);

#endif
