/* promote — the command-line front end of libpromote: parse, call the API, print. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cli state;
static int want_version;

const cli_opt cli_global_opts[] = {
	{ CLI_OPT_VALUE, "config", 0, &state.config, 0, "FILE",
	  "the configuration (default: promote.yaml here or in a folder above, up to the git work tree's root)", 0 },
	{ CLI_OPT_VALUE, "repo", 0, &state.repo, 0, "PATH|URL",
	  "read promote.yaml from HEAD of that git repository (a URL is mirrored)", 0 },
	{ CLI_OPT_VALUE, "cache", 0, &state.cache, 0, "DIR",
	  "where mirrors of remote repositories are kept (default $PROMOTE_CACHE_DIR, else $XDG_CACHE_HOME/promote)", 0 },
	{ CLI_OPT_SWITCH, "json", 0, &state.json, 0, NULL, "machine-readable output: one JSON object on stdout", 0 },
	{ CLI_OPT_COUNT, "verbose", 'v', &state.verbosity, 1, NULL, "the library's log on stderr: -v debug, -vv trace", 0 },
	{ CLI_OPT_COUNT, "quiet", 'q', &state.verbosity, -1, NULL, "print less (errors are still printed)", 0 },
	{ CLI_OPT_SWITCH, "help", 'h', &state.help, 0, NULL, "print the help of the command and exit", CLI_OPT_STOP },
	{ CLI_OPT_END }
};

/* Before the command only: after it, `--version V` is plan's and apply's. */
const cli_opt cli_top_opts[] = {
	{ CLI_OPT_SWITCH, "version", 0, &want_version, 0, NULL, "print the version and exit (before the command)",
	  CLI_OPT_STOP },
	{ CLI_OPT_END }
};

const cli_command *const cli_commands[] = {
	&cmd_validate, &cmd_env, &cmd_import, &cmd_product, &cmd_flow, &cmd_policy, &cmd_yaml, &cmd_plan, &cmd_apply,
	&cmd_run, &cmd_watch, &cmd_release, &cmd_status, &cmd_sync, &cmd_drift, &cmd_init, &cmd_hold, &cmd_unhold, &cmd_rollback, &cmd_change, &cmd_providers, &cmd_doctor, &cmd_version, &cmd_help, &cmd_completion, NULL
};

/* Run a leaf with its option table filled in. */
static int run(const cli_command *cmd)
{
	if (state.config && state.repo)
		return cli_usage_error("--config and --repo exclude each other; pass one");
	int failed = cmd->flags & CLI_COMMAND_FAILURE_IS_2 ? EXIT_USAGE : EXIT_FAILED;
	if (promote_init() < 0) {
		int rc = cli_fail(&state);
		return rc == EXIT_FAILED ? failed : rc;
	}
	int rc = cmd->run(&state);
	cli_progress_finish();
	/* Output that could not be written (a full disk, a closed pipe) is a failure. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "promote: cannot write the output: %s\n", strerror(errno));
		rc = failed;
	}
	promote_shutdown();
	return rc;
}

/* A parse error, then how the command is used; exit status 2. */
static int parse_error(const cli_opt_result *res, const cli_opt *const *tables, size_t count,
	const cli_command *const *path, size_t depth)
{
	cli_opt_report(stderr, res, tables, count);
	if (depth)
		cli_usage_command(stderr, path, depth);
	else
		fputs("see 'promote help'\n", stderr);
	return EXIT_USAGE;
}

/* How many arguments from `from` on are words (not options): what follows
 * --help names the command to explain. */
static size_t words_from(int argc, char **argv, int from)
{
	int n = from;
	while (n < argc && argv[n][0] != '-')
		n++;
	return (size_t)(n - from);
}

static int dispatch(int argc, char **argv)
{
	const cli_command *path[CLI_MAX_DEPTH];
	size_t depth = 0;
	cli_opt_result res;
	/* The global options, then the command's name; then, through groups,
	 * global options and a subcommand's name, until a leaf. */
	const cli_opt *const top[] = { cli_top_opts, cli_global_opts };
	if (cli_opt_parse(&res, top, 2, argc, argv, 1, CLI_OPT_PARSE_UNTIL_OPERAND) == CLI_OPT_STOPPED) {
		if (want_version)
			return run(&cmd_version);
		/* `promote --help plan` is `promote help plan`. */
		return cli_help_for(path, 0, (const char *const *)argv + res.next, words_from(argc, argv, res.next));
	}
	if (res.status != CLI_OPT_OK)
		return parse_error(&res, top, 2, path, 0);
	const cli_command *const *list = cli_commands;
	int next = res.next;
	for (;;) {
		if (next >= argc) {
			if (depth == 0) {
				cli_help_main(stderr);
			} else {
				fprintf(stderr, "promote: '%s' needs a command\n", path[depth - 1]->name);
				cli_usage_command(stderr, path, depth);
			}
			return EXIT_USAGE;
		}
		const cli_command *cmd = cli_command_find(list, argv[next], depth ? path[depth - 1]->name : NULL);
		if (!cmd)
			return EXIT_USAGE;
		path[depth++] = cmd;
		if (!cmd->subcommands)
			break;
		list = cmd->subcommands;
		const cli_opt *const globals[] = { cli_global_opts };
		cli_opt_parse(&res, globals, 1, argc, argv, next + 1, CLI_OPT_PARSE_UNTIL_OPERAND);
		if (res.status == CLI_OPT_STOPPED) /* `promote env --help list` too */
			return cli_help_for(path, depth, (const char *const *)argv + res.next, words_from(argc, argv, res.next));
		if (res.status != CLI_OPT_OK)
			return parse_error(&res, globals, 1, path, depth);
		next = res.next;
	}
	const cli_command *leaf = path[depth - 1];
	const cli_opt *const tables[] = { leaf->opts, cli_global_opts };
	int rc;
	cli_opt_parse(&res, tables, 2, argc, argv, next + 1, 0);
	if (res.status == CLI_OPT_STOPPED) {
		cli_help_command(stdout, path, depth);
		rc = EXIT_OK;
	} else if (res.status != CLI_OPT_OK) {
		rc = parse_error(&res, tables, 2, path, depth);
	} else {
		rc = run(leaf);
	}
	cli_opt_release(leaf->opts);
	return rc;
}

int main(int argc, char **argv)
{
	return dispatch(argc, argv);
}
