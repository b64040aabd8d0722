/*
 * promote watch [--interval DURATION] [--once] [--wake-fifo PATH] [--listen ADDR]: start a
 * release when a trigger environment changes, advance every open release;
 * with --listen, serve the read-only web view of what it saw and take the
 * forges' webhooks, which wake it like SIGUSR1 (web_server.h, web_hooks.h).
 *
 * The loop: a pass (promote_watcher_pass()), then a sleep until the sooner
 * of the interval and the time the open releases asked to be polled again.
 * SIGUSR1, or a line written to the FIFO, ends the sleep at once. SIGTERM
 * and SIGINT stop the watcher after the transition it makes (exit 0).
 * The signal handlers only set flags and write a byte to a pipe that the
 * sleep polls, so a signal between the pass and the sleep is not lost.
 */
#include "release_table.h"
#include "web_server.h"
#include "web_snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *interval_text, *fifo_path, *listen_addr;
static int once;

static const cli_opt opts[] = {
	{ CLI_OPT_VALUE, "interval", 0, &interval_text, 0, "DURATION",
	  "the longest sleep between two passes, e.g. 30s or 5m (default: 30s)", 0 },
	{ CLI_OPT_SWITCH, "once", 0, &once, 0, NULL, "one pass, then exit (for cron and CI)", 0 },
	{ CLI_OPT_VALUE, "wake-fifo", 0, &fifo_path, 0, "PATH",
	  "a named pipe (made if missing): a line written to it starts a pass at once", 0 },
	{ CLI_OPT_VALUE, "listen", 0, &listen_addr, 0, "ADDR",
	  "serve the read-only web view on ADDR: 127.0.0.1:8080, [::1]:8080, or a port (default: none)", 0 },
	{ CLI_OPT_END }
};

#define DEFAULT_INTERVAL_MS 30000u

static volatile sig_atomic_t stopping, woken;
static int wake_pipe[2] = { -1, -1 };
static promote_watcher *watcher;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGUSR1) {
		woken = 1;
	} else {
		stopping = 1;
		promote_watcher_stop(watcher);
	}
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0) {
		/* a full pipe wakes the sleep already */
	}
	errno = saved;
}

static int install_signals(void)
{
	if (pipe(wake_pipe) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		int flags = fcntl(wake_pipe[i], F_GETFL);
		if (flags < 0 || fcntl(wake_pipe[i], F_SETFL, flags | O_NONBLOCK) != 0 ||
			fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC) != 0)
			return -1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a pass's system calls are retried by the library where it matters. */
	int signals[] = { SIGTERM, SIGINT, SIGUSR1 };
	for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
		if (sigaction(signals[i], &sa, NULL) != 0)
			return -1;
	return 0;
}

/* The FIFO, made when missing, opened for reading without blocking — and once for writing too, so that it
 * never reads as ended (readable for ever) after a writer closed it. -1 after saying why. */
static int open_fifo(const char *path, int *keep_open)
{
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT && mkfifo(path, 0600) != 0 && errno != EEXIST) {
		fprintf(stderr, "promote: cannot make the FIFO %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) != 0 || !S_ISFIFO(st.st_mode)) {
		fprintf(stderr, "promote: %s is not a FIFO (named pipe): give a path that is one, or none (it is made)\n",
			path);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	*keep_open = fd >= 0 ? open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0 || *keep_open < 0) {
		fprintf(stderr, "promote: cannot open the FIFO %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void drain(int fd)
{
	char buf[512];
	while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
		;
}

/* Sleep up to `ms`, or until a signal or a line on the FIFO. */
static void sleep_until_woken(uint32_t ms, int fifo)
{
	struct pollfd fds[2] = { { wake_pipe[0], POLLIN, 0 }, { fifo, POLLIN, 0 } };
	nfds_t n = fifo >= 0 ? 2 : 1;
	if (!stopping && !woken)
		(void)poll(fds, n, ms > INT32_MAX ? INT32_MAX : (int)ms);
	/* Woken by a signal (poll interrupted, its byte in the pipe) or a line: both are read, so that one wake
	 * starts one pass. */
	drain(wake_pipe[0]);
	drain(fifo);
}

/* ---- what is printed ------------------------------------------------------------- */

typedef struct view {
	const cli *c;
} view;

static void print_json_line(json_object *o)
{
	if (!o)
		return;
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static void put(json_object *o, const char *key, const char *value)
{
	if (value && *value)
		json_object_object_add(o, key, json_object_new_string(value));
}

static int on_release_event(const promote_release_event *e, void *payload)
{
	const view *v = payload;
	if (v->c->verbosity < 0)
		return 0;
	if (!v->c->json) {
		cli_release_print_event(stdout, promote_release_event_release(e), e);
		return 0;
	}
	json_object *o = json_object_new_object();
	if (!o)
		return 0;
	put(o, "event", promote_release_event_kind_name(promote_release_event_kind(e)));
	put(o, "release", promote_release_event_release(e));
	put(o, "environment", promote_release_event_environment(e));
	int kind = promote_release_event_kind(e);
	put(o, "state", kind == PROMOTE_RELEASE_EVENT_RELEASE_FINISHED
			? promote_release_state_name(promote_release_event_state(e))
			: promote_step_state_name(promote_release_event_state(e)));
	put(o, "reason", promote_release_event_reason(e));
	put(o, "commit", promote_release_event_commit(e));
	put(o, "change", promote_release_event_change(e));
	put(o, "check", promote_release_event_check(e));
	if (kind == PROMOTE_RELEASE_EVENT_CHECK_FINISHED)
		json_object_object_add(o, "exit_status", json_object_new_int(promote_release_event_exit_status(e)));
	print_json_line(o);
	return 0;
}

static int on_watch_event(const promote_watch_event *e, void *payload)
{
	const view *v = payload;
	int kind = promote_watch_event_kind(e);
	bool failure = kind == PROMOTE_WATCH_EVENT_START_FAILED || kind == PROMOTE_WATCH_EVENT_POLL_FAILED;
	if (v->c->json) {
		json_object *o = json_object_new_object();
		if (!o)
			return 0;
		put(o, "event", promote_watch_event_kind_name(kind));
		put(o, "flow", promote_watch_event_flow(e));
		put(o, "product", promote_watch_event_product(e));
		put(o, "version", promote_watch_event_version(e));
		put(o, "release", promote_watch_event_release(e));
		put(o, "commit", promote_watch_event_commit(e));
		put(o, "message", promote_watch_event_message(e));
		print_json_line(o);
		return 0;
	}
	if (v->c->verbosity < 0 && !failure)
		return 0;
	const char *flow = promote_watch_event_flow(e), *product = promote_watch_event_product(e);
	const char *version = promote_watch_event_version(e), *release = promote_watch_event_release(e);
	switch (kind) {
	case PROMOTE_WATCH_EVENT_FLOW_BASELINE:
		printf("flow %s: watched from its trigger's commit %.12s on (the versions there now are not released)\n",
			flow, promote_watch_event_commit(e));
		break;
	case PROMOTE_WATCH_EVENT_RELEASE_STARTED:
		printf("%s started: %s %s through flow %s (trigger commit %.12s)\n", release, product, version, flow,
			promote_watch_event_commit(e));
		break;
	case PROMOTE_WATCH_EVENT_START_FAILED:
		if (*product)
			fprintf(stderr, "promote: cannot start a release of %s%s%s (flow %s): %s\n", product, *version ? " " : "",
				version, flow, promote_watch_event_message(e));
		else
			fprintf(stderr, "promote: cannot watch flow %s: %s\n", flow, promote_watch_event_message(e));
		break;
	case PROMOTE_WATCH_EVENT_POLL_FAILED:
		fprintf(stderr, "promote: cannot advance release %s (polled again): %s\n", release,
			promote_watch_event_message(e));
		break;
	default:
		break;
	}
	fflush(stdout);
	return 0;
}

/* -v: what the pass did, in one line. */
static void print_pass(const cli *c, uint32_t next_ms)
{
	if (c->verbosity < 1 || c->json)
		return;
	printf("pass: %zu started, %zu polled, %zu not read (waiting or not due), %zu open, %zu failed",
		promote_watcher_started_count(watcher), promote_watcher_polled_count(watcher),
		promote_watcher_skipped_count(watcher), promote_watcher_open_count(watcher),
		promote_watcher_failed_count(watcher));
	if (next_ms)
		printf("; a release asks to be polled in %u ms", (unsigned)next_ms);
	putchar('\n');
	fflush(stdout);
}

/* "web view at http://127.0.0.1:8080/" (--json: {"event": "listening", "url": ...}). */
static void print_listening(const cli *c, const char *url)
{
	if (c->json) {
		json_object *o = json_object_new_object();
		put(o, "event", "listening");
		put(o, "url", url);
		print_json_line(o);
	} else if (c->verbosity >= 0) {
		printf("web view at %s\n", url);
		fflush(stdout);
	}
}

/* ---- the loop ---------------------------------------------------------------------- */

static int watch(const cli *c, promote_context *ctx, uint32_t interval_ms, int fifo)
{
	view v = { c };
	promote_watcher_options wopts = PROMOTE_WATCHER_OPTIONS_INIT;
	wopts.release_event_cb = on_release_event;
	wopts.watch_event_cb = on_watch_event;
	wopts.payload = &v;
	if (promote_watcher_new(&watcher, ctx, &wopts) < 0)
		return cli_fail(c);
	if (stopping)
		promote_watcher_stop(watcher);
	int rc = EXIT_OK;
	web_pass pass = { 0, 0, 0 };
	/* The forge's pages of the steps' commits and changes, for the web view's links. */
	web_links links;
	const promote_repository *repo = promote_repository_at(ctx, 0);
	web_links_init(&links, repo ? promote_repository_provider(repo) : NULL,
		repo && promote_repository_url(repo) ? promote_repository_url(repo) : c->repo);
	/* Served at once, not only after the first pass (which may run checks for minutes). */
	if (listen_addr)
		web_snapshot_refresh(ctx, &pass, &links);
	while (!stopping) {
		uint32_t next = 0;
		woken = 0;
		struct timespec began, ended;
		clock_gettime(CLOCK_MONOTONIC, &began);
		int passed = promote_watcher_pass(watcher, &next);
		clock_gettime(CLOCK_MONOTONIC, &ended);
		pass.seconds = (double)(ended.tv_sec - began.tv_sec) + (double)(ended.tv_nsec - began.tv_nsec) / 1e9;
		pass.passes++;
		pass.failures += passed < 0;
		if (passed < 0) {
			int failed = cli_fail(c);
			/* --once reports it; a long-running watcher tries again after its interval (the network may
			 * come back, the mirror's lock go). */
			if (once) {
				rc = failed;
				break;
			}
			next = 0;
		} else {
			print_pass(c, next);
		}
		/* The web view shows what this pass left (web_snapshot.h: why a snapshot). */
		if (listen_addr)
			web_snapshot_refresh(ctx, &pass, &links);
		if (once || stopping)
			break;
		sleep_until_woken(next && next < interval_ms ? next : interval_ms, fifo);
	}
	promote_watcher_free(watcher);
	watcher = NULL;
	return rc;
}

static int run(const cli *c)
{
	uint32_t interval_ms = DEFAULT_INTERVAL_MS;
	if (interval_text && cli_parse_duration(&interval_ms, interval_text, "--interval"))
		return EXIT_USAGE;
	if (interval_ms == 0)
		return cli_usage_error("--interval must be longer than 0 s (it is the longest sleep between passes)");
	if (listen_addr && once)
		return cli_usage_error("--listen serves while the watcher runs: give --once or --listen, not both");
	web_listen where;
	if (listen_addr && web_listen_parse(&where, listen_addr))
		return EXIT_USAGE;
	if (install_signals() != 0) {
		fprintf(stderr, "promote: cannot set up the signals that stop and wake the watcher: %s\n", strerror(errno));
		return EXIT_FAILED;
	}
	int keep_open = -1, fifo = -1;
	if (fifo_path && !once && (fifo = open_fifo(fifo_path, &keep_open)) < 0)
		return EXIT_USAGE;
	/* Progress of transfers would interleave with the lines; the lines say what happened. */
	cli_progress_suppress();
	promote_context *ctx = NULL;
	web_server *server = NULL;
	char url[128];
	int rc = cli_open(&ctx, c);
	if (rc == 0 && listen_addr && (rc = web_server_start(&server, &where, listen_addr, ctx, url, sizeof url)) == 0)
		print_listening(c, url);
	if (rc == 0)
		rc = watch(c, ctx, interval_ms, fifo);
	web_server_stop(server);
	promote_context_free(ctx);
	if (fifo >= 0)
		close(fifo);
	if (keep_open >= 0)
		close(keep_open);
	return rc;
}

const cli_command cmd_watch = {
	"watch", "start releases when a trigger environment changes; advance every open release",
	"Runs passes until stopped: each fetches the repository once, starts a release of every product whose\n"
	"version changed in a flow's trigger environment since the last pass (the first pass of a flow never\n"
	"watched starts nothing: where each flow was handled is kept in the repository, at\n"
	"refs/promote/watch/FLOW, for every watcher), and polls every open release that can move. Between passes\n"
	"it sleeps until the interval passed or a release asked to be polled; SIGUSR1 or a line written to\n"
	"--wake-fifo starts a pass at once. SIGTERM or SIGINT stops it after the transition it makes (exit\n"
	"status 0). Prints one line per release started and per release event (--json: one JSON object per line).\n"
	"--listen serves a read-only web view of the state each pass leaves, and the same as JSON, and takes\n"
	"forges' webhooks (POST /hooks/github, /hooks/gitlab, /hooks/gitea, verified with\n"
	"PROMOTE_WEBHOOK_SECRET), which start a pass at once (doc/WEB.md).\n"
	"Several watchers may share a repository: each release is started once, each side effect made once.",
	opts, run, NULL, 0
};
