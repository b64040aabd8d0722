/* libgit2's plain socket stream with a bounded connect and a stall watchdog (see net_stream.h). */
#define _DEFAULT_SOURCE /* getaddrinfo, TCP_INFO */
#include "net_stream.h"

#include <git2.h>
#include <git2/sys/stream.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* How often the watchdog looks at the connection. */
#define WATCH_INTERVAL_MS 200

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the watch: shared by the thread that runs it and its streams' watchdogs ---- */

struct promote__git_watch_state {
	atomic_int refs;
	unsigned seconds;
	bool watchdog;              /* a thread watches each connection (else its reads and writes bound themselves) */
	atomic_llong paused_since;  /* ms; 0: not paused */
	atomic_llong resumed_at;    /* ms: the end of the last pause */
	pthread_mutex_t lock;
	promote__net_stall stall;   /* under lock: the first that ran out */
	char host[256];
};

static _Thread_local promote__git_watch *current;

static void state_unref(promote__git_watch_state *state)
{
	if (state && atomic_fetch_sub(&state->refs, 1) == 1) {
		pthread_mutex_destroy(&state->lock);
		free(state);
	}
}

static void state_stalled(promote__git_watch_state *state, promote__net_stall stall, const char *host)
{
	pthread_mutex_lock(&state->lock);
	if (!state->stall) {
		state->stall = stall;
		snprintf(state->host, sizeof state->host, "%s", host);
	}
	pthread_mutex_unlock(&state->lock);
}

void promote__git_watch_begin(promote__git_watch *watch, unsigned seconds, bool watchdog)
{
	memset(watch, 0, sizeof *watch);
	watch->seconds = seconds;
	if ((watch->state = calloc(1, sizeof *watch->state))) {
		atomic_init(&watch->state->refs, 1);
		watch->state->seconds = seconds;
		watch->state->watchdog = watchdog;
		pthread_mutex_init(&watch->state->lock, NULL);
	}
	watch->outer = current;
	current = watch;
}

void promote__git_watch_end(promote__git_watch *watch)
{
	current = watch->outer;
	if (!watch->state)
		return;
	pthread_mutex_lock(&watch->state->lock);
	watch->stall = watch->state->stall;
	memcpy(watch->host, watch->state->host, sizeof watch->host);
	pthread_mutex_unlock(&watch->state->lock);
	state_unref(watch->state);
	watch->state = NULL;
}

void promote__git_watch_pause(promote__git_watch *watch)
{
	if (watch->state)
		atomic_store(&watch->state->paused_since, now_ms());
}

void promote__git_watch_resume(promote__git_watch *watch)
{
	if (watch->state) {
		atomic_store(&watch->state->resumed_at, now_ms());
		atomic_store(&watch->state->paused_since, 0);
	}
}

/* ---- the stream ------------------------------------------------------------ */

/*
 * The first four members are those of libgit2's own socket stream
 * (git_socket_stream in its src/libgit2/streams/socket.h), in that order:
 * its ssh transport takes the socket from `s` to hand it to libssh2.
 */
typedef struct net_stream {
	git_stream parent;
	char *host;
	char *port;
	int s;
	/* ours */
	promote__git_watch_state *watch;  /* NULL: not bounded */
	pthread_t watchdog;
	bool watching;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool closing;                /* under lock */
	atomic_bool used;            /* read or written through the stream (not ssh's direct socket) */
	atomic_llong waiting_since;  /* ms: a read or write blocked since; 0: none */
	atomic_bool stalled;
} net_stream;

static void set_stall_error(const net_stream *st)
{
	git_error_set(GIT_ERROR_NET, "no data from %s for %u s", st->host, st->watch->seconds);
}

/* Milliseconds since the peer last sent data or acknowledged ours; -1 when unknown. */
static long long tcp_idle_ms(int s)
{
#ifdef TCP_INFO
	struct tcp_info info;
	socklen_t len = sizeof info;
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 || len < sizeof info)
		return -1;
	return info.tcpi_last_data_recv < info.tcpi_last_ack_recv ? info.tcpi_last_data_recv : info.tcpi_last_ack_recv;
#else
	(void)s;
	return -1;
#endif
}

/* Whether the connection stalled for the bound (see net_stream.h). */
static bool stalled_now(net_stream *st)
{
	long long bound = (long long)st->watch->seconds * 1000, now = now_ms();
	long long idle = tcp_idle_ms(st->s);
	if (atomic_load(&st->used)) {
		long long since = atomic_load(&st->waiting_since);
		return since && now - since >= bound && (idle < 0 || idle >= bound);
	}
	if (atomic_load(&st->watch->paused_since))
		return false;
	long long resumed = atomic_load(&st->watch->resumed_at);
	if (resumed && now - resumed < idle)
		idle = now - resumed;
	return idle >= bound;
}

static void *watchdog(void *arg)
{
	net_stream *st = arg;
	pthread_mutex_lock(&st->lock);
	while (!st->closing) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&st->wake, &st->lock, &until);
		if (!st->closing && stalled_now(st)) {
			/* Whoever waits on the socket (libgit2, TLS, libssh2) sees it end. */
			atomic_store(&st->stalled, true);
			state_stalled(st->watch, PROMOTE__NET_NO_DATA, st->host);
			shutdown(st->s, SHUT_RDWR);
			break;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

static void stop_watchdog(net_stream *st)
{
	if (!st->watching)
		return;
	pthread_mutex_lock(&st->lock);
	st->closing = true;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->watchdog, NULL);
	st->watching = false;
}

/* Connect `s` to `addr`, giving up after `ms` (< 0: no bound): 0, -1 (errno), 1 timed out. */
static int connect_within(int s, const struct sockaddr *addr, socklen_t len, long long ms)
{
	if (ms < 0)
		return connect(s, addr, len);
	int flags = fcntl(s, F_GETFL);
	if (flags < 0 || fcntl(s, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	int rc = connect(s, addr, len);
	if (rc != 0 && errno == EINPROGRESS) {
		struct pollfd p = { s, POLLOUT, 0 };
		int ready;
		while ((ready = poll(&p, 1, ms > 0x7fffffff ? 0x7fffffff : (int)ms)) < 0 && errno == EINTR)
			;
		if (ready == 0)
			return 1;
		int err = 0;
		socklen_t err_len = sizeof err;
		if (ready < 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0)
			return -1;
		rc = err ? -1 : 0;
		errno = err;
	}
	if (rc == 0 && fcntl(s, F_SETFL, flags) < 0)
		return -1;
	return rc;
}

static int stream_connect(git_stream *stream)
{
	net_stream *st = (net_stream *)stream;
	struct addrinfo hints, *info = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = AF_UNSPEC;
	int gai = getaddrinfo(st->host, st->port, &hints, &info);
	if (gai != 0) {
		git_error_set(GIT_ERROR_NET, "failed to resolve address for %s: %s", st->host, gai_strerror(gai));
		return -1;
	}
	long long deadline = st->watch ? now_ms() + (long long)st->watch->seconds * 1000 : 0;
	int rc = -1, err = 0;
	for (struct addrinfo *a = info; a && rc != 0; a = a->ai_next) {
		int s = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (s < 0) {
			err = errno;
			continue;
		}
		long long left = st->watch ? deadline - now_ms() : -1;
		rc = st->watch && left <= 0 ? 1 : connect_within(s, a->ai_addr, a->ai_addrlen, left);
		err = errno;
		if (rc == 0) {
			st->s = s;
		} else {
			close(s);
			if (rc == 1)
				break;
		}
	}
	freeaddrinfo(info);
	if (rc == 1) {
		state_stalled(st->watch, PROMOTE__NET_CONNECT, st->host);
		git_error_set(GIT_ERROR_NET, "no connection to %s within %u s", st->host, st->watch->seconds);
		return -1;
	}
	if (rc != 0) {
		git_error_set(GIT_ERROR_OS, "failed to connect to %s: %s", st->host, strerror(err));
		return -1;
	}
	if (st->watch && st->watch->watchdog && pthread_create(&st->watchdog, NULL, watchdog, st) == 0)
		st->watching = true;
	return 0;
}

/* Wait at most the bound for `events` on the socket: 1 when it is ready (or has an error its call
 * reports), 0 when it stalled (the peer sent and acknowledged nothing for the bound), -1 when poll()
 * failed (errno). */
static int ready_within_bound(net_stream *st, short events)
{
	long long bound = (long long)st->watch->seconds * 1000, since = now_ms();
	for (;;) {
		long long left = since + bound - now_ms();
		struct pollfd p = { st->s, events, 0 };
		int n = left > 0 ? poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left) : 0;
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
		if (n < 0)
			continue;
		/* A peer still acknowledging what was sent is no stall: wait until it has been idle for the bound. */
		long long idle = tcp_idle_ms(st->s);
		if (idle < 0 || idle >= bound)
			return 0;
		since = now_ms() - idle;
	}
}

/* One recv() into `in`, or send() of `out`. Bounded when no watchdog watches the stream: it waits for the
 * socket first, then takes what is there without blocking again. */
static ssize_t transfer(net_stream *st, void *in, const void *out, size_t len)
{
	bool sending = out != NULL;
	bool bounded = st->watch && !st->watching;
	int flags = bounded ? MSG_DONTWAIT : 0;
	for (;;) {
		int ready = bounded ? ready_within_bound(st, sending ? POLLOUT : POLLIN) : 1;
		if (ready < 0)
			return -1;
		if (ready == 0) {
			atomic_store(&st->stalled, true);
			state_stalled(st->watch, PROMOTE__NET_NO_DATA, st->host);
			return -1;
		}
		ssize_t n = sending ? send(st->s, out, len, flags | MSG_NOSIGNAL) : recv(st->s, in, len, flags);
		if (n >= 0 || (errno != EINTR && !(bounded && (errno == EAGAIN || errno == EWOULDBLOCK))))
			return n;
	}
}

/* A read or a write of the stream starts waiting on the socket. */
static void waiting(net_stream *st)
{
	atomic_store(&st->used, true);
	atomic_store(&st->waiting_since, now_ms());
}

/* It is over: `n` bytes, or -1 with errno. */
static ssize_t waited(net_stream *st, ssize_t n, const char *failed)
{
	atomic_store(&st->waiting_since, 0);
	if (atomic_load(&st->stalled)) {
		set_stall_error(st);
		return -1;
	}
	if (n < 0)
		git_error_set(GIT_ERROR_NET, "%s %s: %s", failed, st->host, strerror(errno));
	return n;
}

static ssize_t stream_read(git_stream *stream, void *data, size_t len)
{
	net_stream *st = (net_stream *)stream;
	waiting(st);
	return waited(st, transfer(st, data, NULL, len), "error receiving data from");
}

static ssize_t stream_write(git_stream *stream, const char *data, size_t len, int flags)
{
	(void)flags;
	net_stream *st = (net_stream *)stream;
	waiting(st);
	return waited(st, transfer(st, NULL, data, len), "error sending data to");
}

static int stream_close(git_stream *stream)
{
	net_stream *st = (net_stream *)stream;
	stop_watchdog(st);
	int rc = st->s >= 0 ? close(st->s) : 0;
	st->s = -1;
	return rc;
}

static void stream_free(git_stream *stream)
{
	net_stream *st = (net_stream *)stream;
	stream_close(stream);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->lock);
	state_unref(st->watch);
	free(st->host);
	free(st->port);
	free(st);
}

static int stream_new(git_stream **out, const char *host, const char *port)
{
	net_stream *st = calloc(1, sizeof *st);
	if (!st || !(st->host = strdup(host)) || !(st->port = strdup(port ? port : ""))) {
		if (st)
			free(st->host);
		free(st);
		git_error_set_oom();
		return -1;
	}
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&st->wake, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&st->lock, NULL);
	st->parent.version = GIT_STREAM_VERSION;
	st->parent.connect = stream_connect;
	st->parent.read = stream_read;
	st->parent.write = stream_write;
	st->parent.close = stream_close;
	st->parent.free = stream_free;
	st->s = -1;
	if (current && current->state) {
		st->watch = current->state;
		atomic_fetch_add(&st->watch->refs, 1);
	}
	*out = &st->parent;
	return 0;
}

int promote__git_stream_register(void)
{
	git_stream_registration reg = { GIT_STREAM_VERSION, stream_new, NULL };
	return git_stream_register(GIT_STREAM_STANDARD, &reg);
}

void promote__git_stream_unregister(void)
{
	git_stream_register(GIT_STREAM_STANDARD, NULL);
}
