/* The promote command: shared state and helpers for the subcommands. */
#ifndef PROMOTE_CLI_H
#define PROMOTE_CLI_H

#include "opt.h"

#include <promote.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* Exit codes (doc/CLI.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,     /* usage or bad input */
	EXIT_WAITING = 3,   /* approval, merge or a window pending */
	EXIT_CHANGES = 4    /* plan --exit-code: there are changes */
};

typedef struct cli {
	const char *config;   /* --config FILE */
	const char *repo;     /* --repo PATH|URL */
	const char *cache;    /* --cache DIR: mirrors of remote repositories */
	int json;             /* --json */
	int verbosity;        /* -q: -1, -v: +1 each */
	int help;             /* -h, --help */
} cli;

/* A command: a leaf runs with its option table filled in; a group holds
 * subcommands. The tables drive parsing, usage, help and completions. */
typedef struct cli_command {
	const char *name;
	const char *summary;          /* one line, for the list of commands */
	const char *description;      /* more for --help (paragraphs, \n-separated), or NULL */
	const cli_opt *opts;          /* a leaf's options and operands */
	int (*run)(const cli *c);     /* a leaf's action */
	const struct cli_command *const *subcommands; /* a group's, NULL-terminated */
	unsigned flags;
} cli_command;

enum {
	CLI_COMMAND_HIDDEN = 1u << 0,  /* not in help, completions or the man page check */
	/* Exit status 1 is an answer (drift: the environments differ), so every failure is EXIT_USAGE:
	 * the command maps its own, run() those around it (promote_init(), writing the output). */
	CLI_COMMAND_FAILURE_IS_2 = 1u << 1
};

/* The commands, NULL-terminated, and the options every command accepts
 * (cli/main.c); the options before any command (--version). */
extern const cli_command *const cli_commands[];
extern const cli_opt cli_global_opts[];
extern const cli_opt cli_top_opts[];

/* Open the context the global options name; prints the errors and returns
 * an exit code on failure, 0 on success. */
int cli_open(promote_context **out, const cli *c);

/* The clock of releases from $PROMOTE_NOW (cli/clock.c), when set; an exit
 * code after a message when it is not a time. */
int cli_clock_options(promote_context_options *opts);
/* The time now (Unix seconds) on that clock: PROMOTE_NOW's run on once a context was opened with it, else the
 * system's (the web view's webhooks judge a delivery's age with it, so that a recorded one can be replayed). */
int64_t cli_now(void);

/* Transfer progress (cli/progress.c): when stderr is a terminal and -q was
 * not given, `opts` gets the event callback that draws it there. */
void cli_progress_options(promote_context_options *opts, const cli *c);
/* End a progress line left open (a transfer that failed or stopped), before
 * anything else is written to the terminal. */
void cli_progress_finish(void);
/* No transfer progress from the next cli_open() on: a command that draws a
 * live table of its own on the terminal (cli/release_table.c). */
void cli_progress_suppress(void);

/* Print the thread's error chain (one line each) to stderr, or as JSON to
 * stdout; returns the exit code the error deserves. */
int cli_fail(const cli *c);
/* One promote_error as a JSON object: code, error, message, file, line, column. */
json_object *cli_error_to_json(const promote_error *e);

/* The exit code for a libpromote error code. */
int cli_exit_code(int code);

/* Whether standard output is a terminal that draws tables (TERM set, not "dumb"). */
bool cli_stdout_is_terminal(void);

/* Print `value` to stdout as pretty JSON and release it. */
void cli_print_json(json_object *value);
/* `value` as cli_print_json() prints it, without the newline; owned by `value` (valid until it changes or is
 * released). */
const char *cli_json_text(json_object *value);

/* Helpers for JSON output: NULL becomes JSON null. */
json_object *cli_json_string(const char *s);
/* "remote": the clone's remote that `ctx` reads and writes ("origin"), or
 * null when its repository is no clone's remote. */
void cli_json_add_remote(json_object *o, const promote_context *ctx);

/* `when` (seconds since the epoch) as "2026-12-05 03:20" (UTC); "-" for 0. */
void cli_format_time(char *out, size_t size, int64_t when);

/* "90", "90s", "10m", "1h30m", "2d" as milliseconds into *ms (at most
 * UINT32_MAX); 0, or EXIT_USAGE after saying what is wrong with `option`. */
int cli_parse_duration(uint32_t *ms, const char *text, const char *option);

/* The operands and options plan and apply share (their variables). */
#define CLI_PROMOTION_OPTS(product, to, from, version) \
	{ CLI_OPT_ARG, "PRODUCT", 0, &product, 0, NULL, "the product to promote", CLI_OPT_REQUIRED }, \
	{ CLI_OPT_VALUE, "to", 0, &to, 0, "ENV", "the environment to promote into", CLI_OPT_REQUIRED }, \
	{ CLI_OPT_VALUE, "from", 0, &from, 0, "ENV", "the source environment (default: the step before ENV in the flow)", 0 }, \
	{ CLI_OPT_VALUE, "version", 0, &version, 0, "V", "the version to promote (default: the source's)", 0 }

/* "promote: hint: ..." on stderr for each thing `message` (a library's
 * message kept elsewhere than the thread's error: a release step's) says in
 * the library's words (cli_fail() does it for the thread's error). */
void cli_print_hints(const char *message);

/* cli/cmd_plan.c: what `promote plan` prints (apply --dry-run prints it too);
 * with_exit_code: 4 when there are changes. */
int cli_plan_print(const cli *c, const char *product, const char *to, const char *from, const char *version,
	bool with_exit_code);
/* The plan as `plan --json` prints it; `diff` its promote_plan_diff(). */
json_object *cli_plan_json(const promote_context *ctx, const promote_plan *plan, const char *diff);
/* "shop 1.4.0 is already in qa: nothing to change" */
void cli_plan_print_unchanged(const promote_plan *plan);

/* cli/cmd_sync.c: sync `target` with `source` (NULL: its flow's) and print
 * it — what `promote sync` and a several-product `promote apply` do. */
int cli_sync_run(const cli *c, const char *source, const char *target, const promote_sync_options *opts, bool dry);

/* The commands (cli/cmd_*.c). */
extern const cli_command cmd_validate, cmd_env, cmd_product, cmd_flow, cmd_policy, cmd_yaml, cmd_plan,
	cmd_apply, cmd_run, cmd_watch, cmd_release, cmd_release_list, cmd_status, cmd_sync, cmd_change, cmd_doctor, cmd_version, cmd_help, cmd_completion,
	cmd_hold, cmd_unhold, cmd_rollback, cmd_import, cmd_drift, cmd_init, cmd_providers;

/* How deep commands nest: a group, its subcommand, ... */
#define CLI_MAX_DEPTH 4

/* Help (cli/help.c): `path` is the command and its parents, outermost first. */
void cli_help_main(FILE *out);
void cli_help_command(FILE *out, const cli_command *const *path, size_t depth);
/* "usage: promote yaml set ..." for a leaf, or the subcommands of a group. */
void cli_usage_command(FILE *out, const cli_command *const *path, size_t depth);
/* The help of the command that `names` name below the `depth` commands of
 * `path` (room for CLI_MAX_DEPTH): `promote help env list`, and
 * `promote --help env list`. EXIT_OK, or EXIT_USAGE after "unknown command"
 * for a name that is none. */
int cli_help_for(const cli_command **path, size_t depth, const char *const *names, size_t count);
/* The visible command of `list` named `name`, else NULL after printing
 * "unknown command" with a suggestion (`parent` names the group, or NULL). */
const cli_command *cli_command_find(const cli_command *const *list, const char *name, const char *parent);

/* Prints "promote: MESSAGE" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
