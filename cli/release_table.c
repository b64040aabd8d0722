/* How the release commands show a release: a live table on a terminal,
 * plain lines elsewhere (cli/release_table.h). */
#include "release_table.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum mode { LIVE, LINES, QUIET };

typedef struct row {
	char *env, *state, *ref, *reason;
} row;

static struct {
	enum mode mode;
	char *id, *title, *state;   /* the header: id, "shop 1.4.0, flow default", the release's state */
	row *rows;
	size_t count;
	size_t drawn;               /* lines of the live table on the terminal, above the cursor */
} view;

/* A copy of `s` with control characters (a reason's line break) made spaces. */
static char *copy_line(const char *s)
{
	char *out = strdup(s ? s : "");
	if (!out) {
		fputs("promote: out of memory\n", stderr);
		exit(EXIT_FAILED);
	}
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* "STATE: REASON" — or the reason alone when it starts with the state
 * ("aborted: wrong build"), or the state alone when there is no reason. */
static void print_state(FILE *out, const char *state, const char *reason)
{
	size_t n = strlen(state);
	if (!*reason)
		fputs(state, out);
	else if (strncmp(reason, state, n) == 0 && (reason[n] == ':' || reason[n] == '\0'))
		fputs(reason, out);
	else
		fprintf(out, "%s: %s", state, reason);
}

static void replace(char **field, const char *value)
{
	if (value && *field && strcmp(*field, value) == 0)
		return;
	free(*field);
	*field = copy_line(value);
}

static row *find_row(const char *env)
{
	for (size_t i = 0; i < view.count; i++)
		if (strcmp(view.rows[i].env, env) == 0)
			return &view.rows[i];
	row *grown = realloc(view.rows, (view.count + 1) * sizeof *grown);
	if (!grown) {
		fputs("promote: out of memory\n", stderr);
		exit(EXIT_FAILED);
	}
	view.rows = grown;
	row *r = &view.rows[view.count++];
	*r = (row){ copy_line(env), copy_line("pending"), copy_line(""), copy_line("") };
	return r;
}

/* The commit (12 digits) or, when the step has one, its change. */
static const char *step_ref(const promote_release_step *step)
{
	const char *change = promote_release_step_change(step);
	return *change ? change : promote_release_step_commit(step);
}

/* ---- one line of the table ---------------------------------------------- */

typedef struct widths {
	size_t env, state, ref;
} widths;

static widths measure(void)
{
	widths w = { strlen("ENVIRONMENT"), strlen("STATE"), strlen("COMMIT/CHANGE") };
	for (size_t i = 0; i < view.count; i++) {
		const row *r = &view.rows[i];
		size_t ref = *r->ref && strchr(r->ref, '/') ? strlen(r->ref) : strlen(r->ref) > 12 ? 12 : strlen(r->ref);
		w.env = strlen(r->env) > w.env ? strlen(r->env) : w.env;
		w.state = strlen(r->state) > w.state ? strlen(r->state) : w.state;
		w.ref = ref > w.ref ? ref : w.ref;
	}
	return w;
}

/* The header and the rows as lines (malloc'd, '\n'-separated, no last '\n'). */
static char *format_table(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	if (!out)
		return NULL;
	fprintf(out, "release %s", view.id ? view.id : "");
	if (view.title && *view.title)
		fprintf(out, ": %s", view.title);
	if (view.state && *view.state)
		fprintf(out, " (%s)", view.state);
	widths w = measure();
	fprintf(out, "\n  %-*s  %-*s  %-*s  %s", (int)w.env, "ENVIRONMENT", (int)w.state, "STATE", (int)w.ref,
		"COMMIT/CHANGE", "REASON");
	for (size_t i = 0; i < view.count; i++) {
		const row *r = &view.rows[i];
		/* A commit is shown as its first 12 digits; a change by its whole id. */
		int ref = strchr(r->ref, '/') ? (int)strlen(r->ref) : 12;
		fprintf(out, "\n  %-*s  %-*s  ", (int)w.env, r->env, (int)w.state, r->state);
		if (*r->reason)
			fprintf(out, "%-*.*s  %s", (int)w.ref, ref, r->ref, r->reason);
		else
			fprintf(out, "%.*s", ref, r->ref);
	}
	fclose(out);
	return text;
}

/* ---- the live table ------------------------------------------------------ */

static size_t terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col;
	return 80;
}

/* Up to the table's first line, then every line rewritten and the rest of
 * it erased. A line is cut before the last column, so that none wraps (the
 * cursor moves count lines), and never inside a UTF-8 sequence. */
static void redraw(void)
{
	char *text = format_table();
	if (!text)
		return;
	size_t width = terminal_width() - 1;
	if (view.drawn)
		printf("\033[%zuA", view.drawn);
	view.drawn = 0;
	for (char *line = text; line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len > width) {
			len = width;
			while (len > 0 && ((unsigned char)line[len] & 0xc0) == 0x80)
				len--;
		}
		printf("\r%.*s\033[K\n", (int)len, line);
		view.drawn++;
		line = end ? end + 1 : NULL;
	}
	fflush(stdout);
	free(text);
}

/* ---- events -------------------------------------------------------------- */

/* "qa: committed 3f2a1b9c0d1e" — one line per event. */
void cli_release_print_event(FILE *to, const char *prefix, const promote_release_event *e)
{
	int kind = promote_release_event_kind(e);
	const char *env = promote_release_event_environment(e), *reason = promote_release_event_reason(e);
	const char *commit = promote_release_event_commit(e), *change = promote_release_event_change(e);
	char *line = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&line, &size);
	if (!out)
		return;
	if (prefix)
		fprintf(out, "%s ", prefix);
	if (*env)
		fprintf(out, "%s: ", env);
	switch (kind) {
	case PROMOTE_RELEASE_EVENT_COMMITTED:
		fprintf(out, "committed %.12s", commit);
		break;
	case PROMOTE_RELEASE_EVENT_CHANGE_OPENED:
		fprintf(out, "change %s opened", change);
		break;
	case PROMOTE_RELEASE_EVENT_CHANGE_MERGED:
		fprintf(out, "change %s merged%s%.12s", change, *commit ? " as " : "", commit);
		break;
	case PROMOTE_RELEASE_EVENT_CHECK_FINISHED: {
		int status = promote_release_event_exit_status(e);
		if (status < 0)
			fprintf(out, "check %s killed at its timeout", promote_release_event_check(e));
		else
			fprintf(out, "check %s exited %d", promote_release_event_check(e), status);
		break;
	}
	case PROMOTE_RELEASE_EVENT_STEP_FINISHED:
	case PROMOTE_RELEASE_EVENT_STEP_WAITING: {
		/* Why a step waits or ended so; the other events say what happened in full. */
		char *why = copy_line(reason);
		print_state(out, promote_step_state_name(promote_release_event_state(e)), why);
		free(why);
		break;
	}
	case PROMOTE_RELEASE_EVENT_STEP_STARTED:
		fputs("started", out);
		break;
	default:
		fputs(promote_release_event_kind_name(kind), out);
		break;
	}
	fclose(out);
	char *clean = copy_line(line);
	fprintf(to, "%s\n", clean);
	fflush(to);
	free(clean);
	free(line);
}

/* The row of the event's step, as the event leaves it. */
static void apply_event(const promote_release_event *e)
{
	int kind = promote_release_event_kind(e);
	replace(&view.id, promote_release_event_release(e));
	if (kind == PROMOTE_RELEASE_EVENT_RELEASE_FINISHED) {
		replace(&view.state, promote_release_state_name(promote_release_event_state(e)));
		return;
	}
	const char *env = promote_release_event_environment(e);
	if (!*env)
		return;
	row *r = find_row(env);
	replace(&r->state, promote_step_state_name(promote_release_event_state(e)));
	replace(&r->reason, promote_release_event_reason(e));
	const char *change = promote_release_event_change(e), *commit = promote_release_event_commit(e);
	if (*change)
		replace(&r->ref, change);
	else if (*commit && !strchr(r->ref, '/'))
		replace(&r->ref, commit);
}

static int on_event(const promote_release_event *e, void *payload)
{
	(void)payload;
	if (view.mode == QUIET)
		return 0;
	if (view.mode == LINES) {
		/* The release's end is the result line the command prints last. */
		if (promote_release_event_kind(e) != PROMOTE_RELEASE_EVENT_RELEASE_FINISHED)
			cli_release_print_event(stdout, NULL, e);
		return 0;
	}
	apply_event(e);
	redraw();
	return 0;
}

/* ---- the commands' side -------------------------------------------------- */

void cli_release_view_options(promote_release_options *opts, const cli *c)
{
	view.mode = c->json || c->verbosity < 0 ? QUIET : c->verbosity == 0 && cli_stdout_is_terminal() ? LIVE : LINES;
	if (view.mode == LIVE)
		cli_progress_suppress();
	if (view.mode != QUIET) {
		opts->event_cb = on_event;
		opts->event_payload = NULL;
	}
}

/* The rows and header from the release itself, in the flow's order. */
static void take(const promote_release *release)
{
	replace(&view.id, promote_release_id(release));
	free(view.title);
	view.title = NULL;
	char *title = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&title, &size);
	if (out) {
		fprintf(out, "%s %s, flow %s", cli_release_subject(release), promote_release_version(release),
			promote_release_flow(release));
		fclose(out);
		view.title = title;
	}
	replace(&view.state, promote_release_state_name(promote_release_state(release)));
	size_t n = promote_release_step_count(release);
	row *rows = calloc(n ? n : 1, sizeof *rows);
	if (!rows) {
		fputs("promote: out of memory\n", stderr);
		exit(EXIT_FAILED);
	}
	for (size_t i = 0; i < n; i++) {
		const promote_release_step *s = promote_release_step_at(release, i);
		rows[i] = (row){ copy_line(promote_release_step_environment(s)),
			copy_line(promote_step_state_name(promote_release_step_state(s))), copy_line(step_ref(s)),
			copy_line(promote_release_step_reason(s)) };
	}
	for (size_t i = 0; i < view.count; i++) {
		free(view.rows[i].env);
		free(view.rows[i].state);
		free(view.rows[i].ref);
		free(view.rows[i].reason);
	}
	free(view.rows);
	view.rows = rows;
	view.count = n;
}

void cli_release_view_update(const promote_release *release)
{
	if (view.mode != LIVE)
		return;
	take(release);
	redraw();
}

/* The last line of a check's output, cleaned for one line of the table. */
static char *last_line(const char *output)
{
	size_t len = strlen(output);
	while (len && output[len - 1] == '\n')
		len--;
	size_t start = len;
	while (start && output[start - 1] != '\n')
		start--;
	char *line = copy_line(output + start);
	line[len - start] = '\0';
	return line;
}

void cli_release_print_table(FILE *out, const promote_release *release)
{
	take(release);
	char *text = format_table();
	if (text)
		fprintf(out, "%s\n", text);
	free(text);
	/* Each check a step ran: its exit status and the last line it printed. */
	for (size_t i = 0; i < promote_release_step_count(release); i++) {
		const promote_release_step *s = promote_release_step_at(release, i);
		for (size_t k = 0; k < promote_release_step_check_count(s); k++) {
			int status = promote_release_step_check_status_at(s, k);
			fprintf(out, "    %s: %s-check %s ", promote_release_step_environment(s),
				promote_release_step_check_phase_at(s, k), promote_release_step_check_name_at(s, k));
			if (status < 0)
				fputs("running (or killed at its timeout)", out);
			else
				fprintf(out, "exited %d", status);
			char *said = last_line(promote_release_step_check_output_at(s, k));
			fprintf(out, "%s%s\n", *said ? ": " : "", said);
			free(said);
		}
	}
}

int cli_release_exit_code(const promote_release *release)
{
	switch (promote_release_state(release)) {
	case PROMOTE_RELEASE_SUCCEEDED: return EXIT_OK;
	case PROMOTE_RELEASE_FAILED:
	case PROMOTE_RELEASE_ABORTED: return EXIT_FAILED;
	default: return EXIT_WAITING;
	}
}

/* "release ID STATE: REASON" */
static void print_result_line(FILE *out, const promote_release *release)
{
	char *why = copy_line(promote_release_reason(release));
	fprintf(out, "release %s ", promote_release_id(release));
	print_state(out, promote_release_state_name(promote_release_state(release)), why);
	fputc('\n', out);
	free(why);
}

void cli_release_print_result(FILE *out, const promote_release *release)
{
	const char *id = promote_release_id(release);
	int state = promote_release_state(release);
	print_result_line(out, release);
	if (state == PROMOTE_RELEASE_FAILED)
		fprintf(out, "resume it from the failed steps with: promote release retry %s\n", id);
	else if (state == PROMOTE_RELEASE_RUNNING)
		fprintf(out, "advance it with: promote release status %s\n", id);
	for (size_t i = 0; i < promote_release_step_count(release); i++) {
		const promote_release_step *s = promote_release_step_at(release, i);
		if (promote_release_step_state(s) == PROMOTE_STEP_AWAITING_APPROVAL)
			fprintf(out, "approve it with: promote release approve %s --env %s\n", id,
				promote_release_step_environment(s));
	}
}

json_object *cli_release_json(const promote_release *release)
{
	promote_buf json = PROMOTE_BUF_INIT;
	json_object *o = promote_release_to_json(&json, release) == 0 ? json_tokener_parse(json.ptr) : NULL;
	promote_buf_dispose(&json);
	return o;
}

int cli_release_print_json(const cli *c, const promote_release *release)
{
	json_object *o = cli_release_json(release);
	if (!o)
		return cli_fail(c);
	cli_print_json(o);
	return 0;
}

int cli_release_view_finish(const cli *c, const promote_release *release)
{
	if (c->json) {
		int rc = cli_release_print_json(c, release);
		return rc ? rc : cli_release_exit_code(release);
	}
	if (view.mode == LIVE)
		cli_release_view_update(release);
	else if (view.mode == LINES)
		cli_release_print_table(stdout, release);
	/* -q: the result line only, without the hints. */
	if (view.mode == QUIET)
		print_result_line(stdout, release);
	else
		cli_release_print_result(stdout, release);
	return cli_release_exit_code(release);
}

int cli_release_begin(promote_context **ctx, uint32_t *timeout_ms, const char *timeout,
	promote_release_options *opts, const cli *c)
{
	*timeout_ms = 0;
	if (timeout && cli_parse_duration(timeout_ms, timeout, "--timeout"))
		return EXIT_USAGE;
	cli_release_view_options(opts, c);
	return cli_open(ctx, c);
}

int cli_release_started(const cli *c, promote_context *ctx, promote_release *release, int made, uint32_t timeout_ms)
{
	int rc = made < 0 ? cli_fail(c) : cli_release_advance(c, release, timeout_ms, false);
	promote_release_free(release);
	promote_context_free(ctx);
	return rc;
}

int cli_release_advance(const cli *c, promote_release *release, uint32_t timeout_ms, bool poll_only)
{
	cli_release_view_update(release);
	int err = poll_only ? promote_release_poll(release, NULL) : promote_release_run(release, timeout_ms);
	if (err < 0 && err != PROMOTE_ETIMEOUT) {
		int rc = cli_fail(c);
		if (!c->json)
			fprintf(stderr, "promote: release %s stays as it was recorded; resume it with: promote release status %s "
				"--timeout 10m\n", promote_release_id(release), promote_release_id(release));
		return rc;
	}
	return cli_release_view_finish(c, release);
}

const char *cli_release_subject(const promote_release *release)
{
	const char *product = promote_release_product(release);
	return *product ? product : "(sync)";
}

const char *const cli_outcome_names[] = { "unchanged", "committed", "proposed", "skipped", "waiting", "failed" };

enum cli_outcome cli_step_outcome(const promote_release_step *step)
{
	int state = promote_release_step_state(step);
	if (*promote_release_step_change(step))
		return CLI_PROPOSED;
	if (*promote_release_step_commit(step))
		return CLI_COMMITTED;
	if (promote_release_step_action(step) == PROMOTE_ACTION_NONE || state == PROMOTE_STEP_SKIPPED)
		return CLI_SKIPPED;
	if (state == PROMOTE_STEP_SUCCEEDED)
		return CLI_UNCHANGED;
	return state == PROMOTE_STEP_FAILED || state == PROMOTE_STEP_ABORTED ? CLI_FAILED : CLI_WAITING;
}

void cli_release_print_failure(const promote_release *release)
{
	const char *id = promote_release_id(release);
	const char *error = promote_release_step_error(promote_release_step_at(release, 0));
	fprintf(stderr, "promote: %s\n", error);
	cli_print_hints(error);
	fprintf(stderr, "promote: release %s %s; once that is mended, resume it with: promote release retry %s\n", id,
		promote_release_state_name(promote_release_state(release)), id);
}
