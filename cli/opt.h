/*
 * A small command-line option parser: each command declares one table of
 * cli_opt entries, and that table drives the parsing, the usage line, the
 * --help text and the shell completions (the idea of libgit2's src/cli/opt.h).
 *
 * Options are recognised as `--name VALUE`, `--name=VALUE`, `-n VALUE`,
 * `-nVALUE`, and short switches cluster (`-vv`, `-qv`). `--` ends the
 * options; a lone `-` is an argument. Several tables are searched in order
 * (a command's own, then the global one), so a command may give a global
 * name its own meaning.
 */
#ifndef PROMOTE_CLI_OPT_H
#define PROMOTE_CLI_OPT_H

#include <stddef.h>
#include <stdio.h>

typedef enum cli_opt_type {
	CLI_OPT_END = 0,  /* ends a table */
	CLI_OPT_SWITCH,   /* --name: *(int *)value = 1 */
	CLI_OPT_COUNT,    /* --name: *(int *)value += delta (-v, -q) */
	CLI_OPT_VALUE,    /* --name VALUE: *(const char **)value, or appended to a cli_list */
	CLI_OPT_ARG       /* an operand, in table order: *(const char **)value, or a cli_list */
} cli_opt_type;

enum {
	CLI_OPT_REQUIRED = 1u << 0,  /* must be given */
	CLI_OPT_MULTIPLE = 1u << 1,  /* may repeat (an ARG: takes every operand left); value is a cli_list */
	CLI_OPT_STOP = 1u << 2,      /* parsing stops when it is seen (--help, --version) */
	CLI_OPT_HIDDEN = 1u << 3     /* not in usage, help or completions */
};

typedef struct cli_opt {
	cli_opt_type type;
	const char *name;        /* long name without "--"; an ARG's name as usage shows it */
	char alias;              /* short name, or 0 */
	void *value;
	int delta;               /* CLI_OPT_COUNT */
	const char *value_name;  /* CLI_OPT_VALUE: "ENV" in --to ENV */
	const char *help;
	unsigned flags;
} cli_opt;

/* Values of a CLI_OPT_MULTIPLE entry, in command-line order; the strings are argv's. */
typedef struct cli_list {
	const char **items;
	size_t count;
} cli_list;

typedef enum cli_opt_status {
	CLI_OPT_OK = 0,
	CLI_OPT_STOPPED,         /* a CLI_OPT_STOP entry was seen: `opt` */
	CLI_OPT_UNKNOWN,         /* `arg` is no option of these tables */
	CLI_OPT_MISSING_VALUE,   /* `opt` given without its value */
	CLI_OPT_NO_VALUE,        /* `opt` takes no value, `arg` gave one */
	CLI_OPT_EXTRA,           /* operand `arg` beyond the table's ARGs */
	CLI_OPT_MISSING,         /* the required `opt` was not given */
	CLI_OPT_NOMEM
} cli_opt_status;

typedef struct cli_opt_result {
	cli_opt_status status;
	const cli_opt *opt;
	const char *arg;
	int next;                /* index of the first argument not consumed */
} cli_opt_result;

enum {
	/* Stop at the first operand (a command name) instead of taking it. */
	CLI_OPT_PARSE_UNTIL_OPERAND = 1u << 0
};

/*
 * Parse argv[start..argc) against `tables` (`count` tables, each ended by
 * CLI_OPT_END), storing what is found. Without CLI_OPT_PARSE_UNTIL_OPERAND,
 * operands fill the ARG entries of tables[0] and required entries are
 * checked. Returns res->status.
 */
cli_opt_status cli_opt_parse(cli_opt_result *res, const cli_opt *const *tables, size_t count, int argc,
	char **argv, int start, unsigned flags);

/* Print a parse error, "promote: unknown option '--jsn' (did you mean '--json'?)",
 * to `out`; `tables` are the candidates for a suggestion. */
void cli_opt_report(FILE *out, const cli_opt_result *res, const cli_opt *const *tables, size_t count);

/* Release the lists CLI_OPT_MULTIPLE entries of `table` collected. */
void cli_opt_release(const cli_opt *table);

/* " --to ENV [--from ENV] [-e PATH=VALUE]... FILE..." for `table` (visible entries). */
void cli_opt_print_usage(FILE *out, const cli_opt *table);

/* One line per visible entry: its forms, then its help, aligned. */
void cli_opt_print_help(FILE *out, const cli_opt *table);

/* "--to ENV", "-e, --expression PATH=VALUE", "PRODUCT": an entry as help shows it. */
int cli_opt_format(char *out, size_t size, const cli_opt *opt);

#endif
