/*
 * Transfer progress on a terminal, drawn from the library's events as git
 * draws it: one line on stderr per phase, rewritten in place, finished with
 * ", done." —
 *
 *     Cloning http://git.example.com/gitops.git
 *     Receiving objects: 100% (35/35), 5.05 KiB, done.
 *     Resolving deltas: 100% (10/10), done.
 *
 * Only when stderr is a terminal and -q was not given: anything else (a
 * pipe, a file, a CI log) gets not one byte more.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	bool open;        /* a line is drawn and not finished */
	bool clear_eol;   /* the terminal understands "erase to the end of the line" */
	size_t drawn;     /* the length of the line drawn last (to pad over it without that) */
	int kind;         /* the transfer the last event was about */
	bool suppressed;  /* a live table of the command's own is on the terminal */
	char url[1024];
} line;

/* "1.21 MiB", "512 bytes": binary units, as git prints them. */
static void human_size(char *out, size_t size, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	if (bytes < 1024) {
		snprintf(out, size, "%" PRIu64 " bytes", bytes);
		return;
	}
	double value = (double)bytes / 1024;
	size_t unit = 0;
	while (value >= 1024 && unit + 1 < sizeof units / sizeof *units) {
		value /= 1024;
		unit++;
	}
	snprintf(out, size, "%.2f %s", value, units[unit]);
}

void cli_progress_finish(void)
{
	if (line.open)
		fputc('\n', stderr);
	line.open = false;
	line.drawn = 0;
}

/* "Cloning URL" when a new transfer begins. */
static void announce(const promote_event *event)
{
	const char *url = promote_event_url(event);
	int kind = promote_event_kind(event);
	if (kind == line.kind && url && strcmp(url, line.url) == 0)
		return;
	line.kind = kind;
	snprintf(line.url, sizeof line.url, "%s", url ? url : "");
	cli_progress_finish();
	const char *what = kind == PROMOTE_TRANSFER_CLONE ? "Cloning" : kind == PROMOTE_TRANSFER_PUSH ? "Pushing to"
												    : "Fetching";
	fprintf(stderr, "%s %s\n", what, url ? url : "the remote");
}

static int draw(const promote_event *event, void *payload)
{
	(void)payload;
	announce(event);
	uint64_t current = promote_event_current(event), total = promote_event_total(event);
	uint64_t bytes = promote_event_bytes(event);
	bool done = promote_event_done(event);
	char text[256], size[32];
	const char *phase = promote_transfer_phase_name(promote_event_phase(event));
	int n = snprintf(text, sizeof text, "%c%s: ", phase[0] >= 'a' && phase[0] <= 'z' ? phase[0] - 'a' + 'A' : phase[0],
		phase + 1);
	if (total)
		n += snprintf(text + n, sizeof text - (size_t)n, "%3u%% (%" PRIu64 "/%" PRIu64 ")",
			(unsigned)(current * 100 / total), current, total);
	else
		n += snprintf(text + n, sizeof text - (size_t)n, "%" PRIu64, current);
	if (bytes) {
		human_size(size, sizeof size, bytes);
		n += snprintf(text + n, sizeof text - (size_t)n, ", %s", size);
	}
	if (done)
		n += snprintf(text + n, sizeof text - (size_t)n, ", done.");
	/* Back to the start of the line, the text, then what is left of a longer one erased. */
	size_t len = (size_t)n < sizeof text ? (size_t)n : sizeof text - 1;
	int pad = line.clear_eol || len >= line.drawn ? 0 : (int)(line.drawn - len);
	fprintf(stderr, "\r%s%s%*s%s", text, line.clear_eol ? "\033[K" : "", pad, "", done ? "\n" : "");
	line.open = !done;
	line.drawn = done ? 0 : len;
	return 0;
}

void cli_progress_options(promote_context_options *opts, const cli *c)
{
	if (c->verbosity < 0 || line.suppressed || !isatty(STDERR_FILENO))
		return;
	const char *term = getenv("TERM");
	line.clear_eol = term && *term && strcmp(term, "dumb") != 0;
	opts->event_cb = draw;
	opts->event_payload = NULL;
}

void cli_progress_suppress(void)
{
	line.suppressed = true;
}
