/*
 * What the release commands (run, release approve|retry|status, apply) show
 * of a release while it advances and when it stops:
 *
 * - on a terminal (stdout), a live table: one line per step (environment,
 *   state, commit or change, reason), redrawn in place with cursor moves as
 *   the release's events arrive;
 * - elsewhere (a pipe, a file, a CI log; or with -v, whose log lines would
 *   break the cursor arithmetic), one plain line per event;
 * - with -q, nothing while it runs;
 * - with --json, nothing while it runs: the record is printed at the end.
 *
 * The table is the command's one view of the release: it is told every
 * event (cli_release_view_options() installs the callback) and, between
 * calls that advance the release, the release itself.
 */
#ifndef PROMOTE_CLI_RELEASE_TABLE_H
#define PROMOTE_CLI_RELEASE_TABLE_H

#include "cli.h"

#include <promote.h>

/* Decide how the release is shown for these global options, and hand the
 * event callback to `opts` (for promote_release_start() or _open()). Call
 * before cli_open(): a live table turns the transfer progress off. */
void cli_release_view_options(promote_release_options *opts, const cli *c);

/* What every release command does first: `timeout` (--timeout, may be
 * NULL) into *timeout_ms (0 when not given), the view chosen and its event
 * callback set in `opts`, the context opened. 0, or the exit status. */
int cli_release_begin(promote_context **ctx, uint32_t *timeout_ms, const char *timeout,
	promote_release_options *opts, const cli *c);

/* The release as it is now (after start, open, or a call that advanced it):
 * the live table is redrawn from it. */
void cli_release_view_update(const promote_release *release);

/* The end of the command: the last table (a live one stays as drawn; plain
 * lines are followed by the table once) and the result line, or the record
 * as JSON. Returns the exit status the release's state deserves: 0
 * succeeded, 1 failed or aborted, 3 waiting or still running. */
int cli_release_view_finish(const cli *c, const promote_release *release);

/* Advance `release` (promote_release_run() for up to `timeout_ms`, 0: the
 * release's own bound; with `poll_only`, one promote_release_poll()), then
 * cli_release_view_finish(). A timeout is no failure: the release is shown
 * as it is, still running (exit status 3). */
int cli_release_advance(const cli *c, promote_release *release, uint32_t timeout_ms, bool poll_only);

/* The end of a command that started a release: `made` is what starting it returned (< 0: the error is
 * shown), else the release is advanced (cli_release_advance()); then the release and `ctx` are freed. */
int cli_release_started(const cli *c, promote_context *ctx, promote_release *release, int made, uint32_t timeout_ms);

/* What a one-step release (apply, sync) wrote: a commit, a change, nothing
 * by the policy's word (action none, or a strategy that skips the step),
 * nothing yet (waiting for an approval), nothing because it failed first;
 * and its word in --json's "outcome". */
enum cli_outcome { CLI_UNCHANGED, CLI_COMMITTED, CLI_PROPOSED, CLI_SKIPPED, CLI_WAITING, CLI_FAILED };
extern const char *const cli_outcome_names[];
enum cli_outcome cli_step_outcome(const promote_release_step *step);

/* A one-step release failed: the step's error on stderr, as any error, and
 * how to resume it (the release is recorded as failed). */
void cli_release_print_failure(const promote_release *release);

/* What a release promotes, shown: its product, or "(sync)" for a sync's
 * (no product of its own: every product it writes). */
const char *cli_release_subject(const promote_release *release);

/* One line for one event of a release ("qa: committed 3f2a1b9c0d1e"),
 * after `prefix` and a space when not NULL (promote watch: the release id). */
void cli_release_print_event(FILE *out, const char *prefix, const promote_release_event *e);

/* The table of `release`, once, to `out` (release status, release list -v). */
void cli_release_print_table(FILE *out, const promote_release *release);

/* "shop-1.4.0-3fa9c1 waiting: prod waiting for approval ..." and what to do next. */
void cli_release_print_result(FILE *out, const promote_release *release);

/* Print the record of `release` as JSON to stdout (pretty, as every
 * command's JSON); 0, or the exit status of the failure. */
int cli_release_print_json(const cli *c, const promote_release *release);

/* The record of `release` as a JSON object (promote_release_to_json(), parsed), or NULL when it cannot be
 * made (the thread's error says why). */
json_object *cli_release_json(const promote_release *release);

/* The document `release list --json` prints: {"releases": [record, ...]}, newest first (cmd_release_list.c). */
json_object *cli_release_list_json(const promote_release_list *list);

/* The exit status for a release's state: 0, 1 or 3. */
int cli_release_exit_code(const promote_release *release);

#endif
