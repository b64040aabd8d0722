/* Usage lines and help texts, all made from the commands' option tables,
 * and `promote help [COMMAND...]`. */
#include "cli.h"

#include "core/strutil.h"

#include <string.h>

static bool visible(const cli_command *cmd)
{
	return !(cmd->flags & CLI_COMMAND_HIDDEN);
}

static void print_path(FILE *out, const cli_command *const *path, size_t depth)
{
	fputs("promote", out);
	for (size_t i = 0; i < depth; i++)
		fprintf(out, " %s", path[i]->name);
}

/* One usage line per leaf under path[depth - 1], the first after `lead`. */
static void usage_lines(FILE *out, const cli_command **path, size_t depth, const char **lead)
{
	const cli_command *cmd = path[depth - 1];
	if (!cmd->subcommands) {
		fputs(*lead, out);
		*lead = "       ";
		print_path(out, path, depth);
		cli_opt_print_usage(out, cmd->opts);
		fputc('\n', out);
		return;
	}
	for (const cli_command *const *sub = cmd->subcommands; *sub && depth < 4; sub++) {
		if (!visible(*sub))
			continue;
		path[depth] = *sub;
		usage_lines(out, path, depth + 1, lead);
	}
}

void cli_usage_command(FILE *out, const cli_command *const *path, size_t depth)
{
	const cli_command *copy[4];
	memcpy(copy, path, depth * sizeof *path);
	const char *lead = "usage: ";
	usage_lines(out, copy, depth, &lead);
}

/* "  env list        the configured environments" for every leaf under `list`. */
static void command_list(FILE *out, const cli_command *const *list, const char *prefix)
{
	for (; *list; list++) {
		if (!visible(*list))
			continue;
		char name[128]; /* (the built-in commands' names, at most three words: never cut) */
		int len = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? " " : "", (*list)->name);
		if (len < 0 || (size_t)len >= sizeof name)
			continue;
		if ((*list)->subcommands)
			command_list(out, (*list)->subcommands, name);
		else
			fprintf(out, "  %-22s %s\n", name, (*list)->summary);
	}
}

static void print_globals_line(FILE *out)
{
	fputs("global options (before or after the command; 'promote help' explains them):\n ", out);
	cli_opt_print_usage(out, cli_global_opts);
	fputc('\n', out);
}

static const char exit_status[] =
	"exit status: 0 ok, 1 failed, 2 usage or bad input, 3 waiting (approval, merge or a window pending),\n"
	"4 there are changes (plan --exit-code)\n";

void cli_help_main(FILE *out)
{
	fputs("usage: promote", out);
	cli_opt_print_usage(out, cli_global_opts);
	fputs(" COMMAND [ARGS]\n       promote --version\n\ncommands:\n", out);
	command_list(out, cli_commands, "");
	fputs("\nglobal options (before or after the command):\n", out);
	cli_opt_print_help(out, cli_global_opts);
	cli_opt_print_help(out, cli_top_opts);
	fprintf(out, "\n%s\n'promote help COMMAND' or 'promote COMMAND --help' prints a command's options.\n",
		exit_status);
}

void cli_help_command(FILE *out, const cli_command *const *path, size_t depth)
{
	const cli_command *cmd = path[depth - 1];
	cli_usage_command(out, path, depth);
	fprintf(out, "\n%s\n", cmd->summary);
	if (cmd->description)
		fprintf(out, "\n%s\n", cmd->description);
	if (cmd->subcommands) {
		fputs("\ncommands:\n", out);
		command_list(out, cmd->subcommands, "");
		fputs("\n'promote help ", out);
		for (size_t i = 0; i < depth; i++)
			fprintf(out, "%s ", path[i]->name);
		fputs("COMMAND' prints a command's options.\n", out);
		return;
	}
	if (cmd->opts->type != CLI_OPT_END) {
		fputs("\narguments and options:\n", out);
		cli_opt_print_help(out, cmd->opts);
	}
	fputc('\n', out);
	print_globals_line(out);
}

const cli_command *cli_command_find(const cli_command *const *list, const char *name, const char *parent)
{
	const char *names[32];
	size_t count = 0;
	for (const cli_command *const *c = list; *c; c++) {
		if (strcmp((*c)->name, name) == 0)
			return *c;
		if (visible(*c) && count < 32)
			names[count++] = (*c)->name;
	}
	const char *best = promote__suggest(name, names, count);
	fprintf(stderr, "promote: unknown command '%s%s%s'", parent ? parent : "", parent ? " " : "", name);
	if (best)
		fprintf(stderr, " (did you mean '%s%s%s'?)", parent ? parent : "", parent ? " " : "", best);
	fprintf(stderr, "; see 'promote help%s%s'\n", parent ? " " : "", parent ? parent : "");
	return NULL;
}

/* promote help [COMMAND [SUBCOMMAND]] */
static cli_list words;

static const cli_opt help_opts[] = {
	{ CLI_OPT_ARG, "COMMAND", 0, &words, 0, NULL, "the command (and subcommand) to explain", CLI_OPT_MULTIPLE },
	{ CLI_OPT_END }
};

int cli_help_for(const cli_command **path, size_t depth, const char *const *names, size_t count)
{
	const cli_command *const *list = depth ? path[depth - 1]->subcommands : cli_commands;
	for (size_t i = 0; i < count; i++) {
		if (!list || depth == CLI_MAX_DEPTH)
			return cli_usage_error("'%s' has no subcommand '%s'", path[depth - 1]->name, names[i]);
		const cli_command *cmd = cli_command_find(list, names[i], depth ? path[depth - 1]->name : NULL);
		if (!cmd)
			return EXIT_USAGE;
		path[depth++] = cmd;
		list = cmd->subcommands;
	}
	if (depth == 0)
		cli_help_main(stdout);
	else
		cli_help_command(stdout, path, depth);
	return EXIT_OK;
}

static int help_run(const cli *c)
{
	(void)c;
	const cli_command *path[CLI_MAX_DEPTH];
	return cli_help_for(path, 0, words.items, words.count);
}

const cli_command cmd_help = {
	"help", "print the help of promote, or of a command", NULL, help_opts, help_run, NULL, 0
};
