/* The promote command: shared state and helpers for the subcommands. */
#ifndef PROMOTE_CLI_H
#define PROMOTE_CLI_H

#include <promote.h>
#include <json-c/json.h>
#include <stdbool.h>

/* Exit codes (doc/CLI.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,     /* usage or bad input */
	EXIT_WAITING = 3    /* approval, merge or a window pending */
};

typedef struct cli {
	const char *config;   /* --config FILE */
	const char *repo;     /* --repo PATH|URL */
	const char *cache;    /* --cache DIR: mirrors of remote repositories */
	bool json;
	int verbosity;        /* -q: -1, -v: +1 each */
	int argc;             /* the subcommand's arguments */
	char **argv;
} cli;

/* Open the context the global options name; prints the errors and returns
 * an exit code on failure, 0 on success. */
int cli_open(promote_context **out, const cli *c);

/* Print the thread's error chain (one line each) to stderr, or as JSON to
 * stdout; returns the exit code the error deserves. */
int cli_fail(const cli *c);

/* The exit code for a libpromote error code. */
int cli_exit_code(int code);

/* Print `value` to stdout as pretty JSON and release it. */
void cli_print_json(json_object *value);

/* Helpers for JSON output: NULL becomes JSON null. */
json_object *cli_json_string(const char *s);

/* Subcommands: return an exit code. */
int cmd_validate(const cli *c);
int cmd_env(const cli *c);
int cmd_product(const cli *c);
int cmd_flow(const cli *c);
int cmd_policy(const cli *c);
int cmd_yaml(const cli *c);
int cmd_plan(const cli *c);
int cmd_apply(const cli *c);
int cmd_change(const cli *c);

/* Prints "promote: MESSAGE" and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
