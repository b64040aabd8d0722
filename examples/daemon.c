/*
 * daemon — the loop of `promote watch` over the public API: the model for
 * running the release engine inside another daemon.
 *
 * Every pass starts a release of each product whose version changed in a
 * flow's trigger environment and advances every open release; between
 * passes it sleeps until the interval passed or a release asked to be
 * polled sooner. SIGTERM or SIGINT ends it after the transition it makes
 * (the records stay consistent: the next watcher goes on from them);
 * SIGUSR1 ends the sleep at once.
 *
 *   cc -o daemon daemon.c $(pkg-config --cflags --libs libpromote)
 *   ./daemon REPOSITORY [INTERVAL_SECONDS] [--once]
 *
 * Exit status: 0 when stopped (or after --once), 1 if a pass failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <promote.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

static promote_watcher *watcher;
static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	if (sig != SIGUSR1) {
		stopping = 1;
		promote_watcher_stop(watcher); /* async-signal-safe */
	}
	/* Whichever signal: the sleep below is interrupted. */
}

static int on_watch_event(const promote_watch_event *e, void *payload)
{
	(void)payload;
	printf("%s: flow %s %s %s %s %s\n", promote_watch_event_kind_name(promote_watch_event_kind(e)),
		promote_watch_event_flow(e), promote_watch_event_product(e), promote_watch_event_version(e),
		promote_watch_event_release(e), promote_watch_event_message(e));
	fflush(stdout);
	return 0;
}

static int on_release_event(const promote_release_event *e, void *payload)
{
	(void)payload;
	printf("%s %s: %s %s\n", promote_release_event_release(e), promote_release_event_environment(e),
		promote_release_event_kind_name(promote_release_event_kind(e)), promote_release_event_reason(e));
	fflush(stdout);
	return 0;
}

static void print_error(const char *what)
{
	const promote_error *err;
	fprintf(stderr, "daemon: %s failed:\n", what);
	for (err = promote_error_last(); err != NULL; err = err->next)
		fprintf(stderr, "  %s\n", err->message);
}

int main(int argc, char **argv)
{
	promote_context *ctx = NULL;
	promote_watcher_options opts = PROMOTE_WATCHER_OPTIONS_INIT;
	struct sigaction sa;
	sigset_t handled, during_pass;
	unsigned interval_s = argc > 2 && strcmp(argv[2], "--once") != 0 ? (unsigned)atoi(argv[2]) : 30;
	int once = strcmp(argv[argc - 1], "--once") == 0, status = 0;

	if (argc < 2 || interval_s == 0) {
		fprintf(stderr, "usage: daemon REPOSITORY [INTERVAL_SECONDS] [--once]\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: a signal ends the sleep */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&handled);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGUSR1);

	promote_init();
	opts.watch_event_cb = on_watch_event;
	opts.release_event_cb = on_release_event;
	if (promote_context_open_repository(&ctx, argv[1], NULL, NULL) < 0) {
		print_error("opening the repository");
		status = 1;
	} else if (promote_watcher_new(&watcher, ctx, &opts) < 0) {
		print_error("making the watcher");
		status = 1;
	}
	while (status == 0 && !stopping) {
		uint32_t next_ms = 0;
		uint32_t sleep_ms = interval_s * 1000u;
		struct timespec ts;

		if (promote_watcher_pass(watcher, &next_ms) < 0) {
			print_error("a pass");
			status = 1;
			break;
		}
		printf("pass: %zu started, %zu polled, %zu open\n", promote_watcher_started_count(watcher),
			promote_watcher_polled_count(watcher), promote_watcher_open_count(watcher));
		fflush(stdout);
		if (once || stopping)
			break;
		if (next_ms != 0 && next_ms < sleep_ms)
			sleep_ms = next_ms;
		ts.tv_sec = sleep_ms / 1000;
		ts.tv_nsec = (long)(sleep_ms % 1000) * 1000000L;
		/* The signals are held from the check to the sleep, which lets them in: none is missed between. */
		sigprocmask(SIG_BLOCK, &handled, &during_pass);
		if (!stopping)
			pselect(0, NULL, NULL, NULL, &ts, &during_pass); /* EINTR: woken or stopped */
		sigprocmask(SIG_SETMASK, &during_pass, NULL);
	}
	promote_watcher_free(watcher);
	promote_context_free(ctx);
	promote_shutdown();
	return status;
}
