/* promote completion bash|zsh: the shell completion script, made from the
 * commands' option tables (hidden: the build runs it to install the scripts). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *shell;

static const cli_opt opts[] = {
	{ CLI_OPT_ARG, "SHELL", 0, &shell, 0, NULL, "bash or zsh", CLI_OPT_REQUIRED },
	{ CLI_OPT_END }
};

static bool shown(const cli_command *cmd)
{
	return !(cmd->flags & CLI_COMMAND_HIDDEN);
}

/* The visible long and short options of `table`, space-separated; with
 * `values`, only those that take a value; with `value_name`, only those
 * whose value is so named. */
static void print_options(FILE *out, const cli_opt *table, bool values, const char *value_name)
{
	for (const cli_opt *o = table; o->type != CLI_OPT_END; o++) {
		if (o->type == CLI_OPT_ARG || (o->flags & CLI_OPT_HIDDEN))
			continue;
		if (values && o->type != CLI_OPT_VALUE)
			continue;
		if (value_name && (!o->value_name || strcmp(o->value_name, value_name) != 0))
			continue;
		fprintf(out, " --%s", o->name);
		if (o->alias)
			fprintf(out, " -%c", o->alias);
	}
}

/* One case branch per command path: "env") subs="list"; opts="";; */
static void print_cases(FILE *out, const cli_command *const *list, const char *prefix)
{
	for (; *list; list++) {
		if (!shown(*list))
			continue;
		char path[128];
		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? " " : "", (*list)->name);
		fprintf(out, "\t\"%s\") subs=\"", path);
		if ((*list)->subcommands) {
			const char *sep = "";
			for (const cli_command *const *s = (*list)->subcommands; *s; s++) {
				if (shown(*s)) {
					fprintf(out, "%s%s", sep, (*s)->name);
					sep = " ";
				}
			}
			fputs("\"; opts=\"\" ;;\n", out);
			print_cases(out, (*list)->subcommands, path);
		} else {
			fputs("\"; opts=\"", out);
			print_options(out, (*list)->opts, false, NULL);
			fputs("\" ;;\n", out);
		}
	}
}

/* The options of every command that take a value (named `value_name`). */
static void print_value_options(FILE *out, const char *value_name)
{
	print_options(out, cli_global_opts, true, value_name);
	for (const cli_command *const *c = cli_commands; *c; c++)
		for (const cli_command *const *s = (*c)->subcommands ? (*c)->subcommands : c; *s; s++) {
			print_options(out, (*s)->opts, true, value_name);
			if (!(*c)->subcommands)
				break;
		}
}

/* The part both shells share: _promote_node PATH sets subs and opts. */
static void print_table(FILE *out)
{
	fputs("_promote_node() {\n\tcase $1 in\n\t\"\") subs=\"", out);
	const char *sep = "";
	for (const cli_command *const *c = cli_commands; *c; c++) {
		if (shown(*c)) {
			fprintf(out, "%s%s", sep, (*c)->name);
			sep = " ";
		}
	}
	fputs("\"; opts=\"", out);
	print_options(out, cli_top_opts, false, NULL);
	fputs("\" ;;\n", out);
	print_cases(out, cli_commands, "");
	fputs("\t*) subs=\"\"; opts=\"\" ;;\n\tesac\n\topts=\"$opts", out);
	print_options(out, cli_global_opts, false, NULL);
	fputs("\"\n}\n\n_promote_value_opts=\"", out);
	print_value_options(out, NULL);
	/* The options whose value is an environment's name. */
	fputs(" \"\n_promote_env_opts=\"", out);
	print_value_options(out, "ENV");
	fputs(" \"\n\n", out);
}

/* The command path of the words before the cursor (the words naming
 * commands, past options and their values), then what may follow. In the
 * syntax bash and zsh share, over the variables each shell's wrapper sets. */
static const char walk[] =
	"# _promote_candidates WORD...: after WORD... (the words before the cursor),\n"
	"# _promote_value=1 when a value is expected, else the subcommands and the\n"
	"# options that may follow; _promote_leaf=1 after a command that takes operands.\n"
	"# An option's value may be the next word or follow a '=' (--to=qa); bash\n"
	"# splits the latter into three words (--to = qa), which count as one here.\n"
	"_promote_candidates() {\n"
	"\tlocal path=\"\" w skip=0 subs opts prev=\"\"\n"
	"\t_promote_node \"\"\n"
	"\t_promote_where=\"\"\n"
	"\tfor w in \"$@\"; do\n"
	"\t\tif [ $skip = 1 ]; then\n"
	"\t\t\tif [ \"$w\" = \"=\" ]; then continue; fi\n"
	"\t\t\tskip=0\n"
	"\t\t\tcase $prev in --config | --repo | --cache) _promote_where=\"$_promote_where $prev=$w\" ;; esac\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\tprev=$w\n"
	"\t\tcase \"$_promote_value_opts\" in *\" $w \"*) skip=1; continue ;; esac\n"
	"\t\tcase $w in --config=* | --repo=* | --cache=*) _promote_where=\"$_promote_where $w\" ;; esac\n"
	"\t\tcase $w in -*) continue ;; esac\n"
	"\t\tcase \" $subs \" in *\" $w \"*) path=\"${path:+$path }$w\"; _promote_node \"$path\" ;; esac\n"
	"\tdone\n"
	"\t_promote_envs=0\n"
	"\tif [ $skip = 1 ]; then case \"$_promote_env_opts\" in *\" $prev \"*) _promote_envs=1 ;; esac; fi\n"
	"\t_promote_value=$skip; _promote_subs=$subs; _promote_opts=$opts; _promote_leaf=0; _promote_prefix=\"\"\n"
	"\tif [ -n \"$path\" ] && [ -z \"$subs\" ]; then _promote_leaf=1; fi\n"
	"}\n\n"
	"# _promote_split_value CUR: for CUR of the form --opt=VALUE where --opt takes a\n"
	"# value, what to complete is VALUE, each candidate after _promote_prefix=--opt=.\n"
	"_promote_split_value() {\n"
	"\tcase $1 in --*=*) ;; *) return 1 ;; esac\n"
	"\tcase \"$_promote_value_opts\" in *\" ${1%%=*} \"*) ;; *) return 1 ;; esac\n"
	"\t_promote_prefix=${1%%=*}=; _promote_value=1; _promote_envs=0\n"
	"\tcase \"$_promote_env_opts\" in *\" ${1%%=*} \"*) _promote_envs=1 ;; esac\n"
	"}\n\n"
	"# The configured environments' names, as 'promote env list --json' gives them\n"
	"# (for the configuration the command line names, else the one found here).\n"
	"_promote_env_names() {\n"
	"\tcommand promote $_promote_where env list --json 2>/dev/null |\n"
	"\t\tsed -n 's/^      \"name\":\"\\(.*\\)\",\\{0,1\\}$/\\1/p'\n"
	"}\n\n";

static void print_bash(FILE *out)
{
	fputs("# bash completion for promote (made by 'promote completion bash').\n\n", out);
	print_table(out);
	fputs(walk, out);
	fputs("_promote() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
	      "\t_promote_candidates \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"\n"
	      "\t# Right after --to= bash's current word is the '=': the value is empty.\n"
	      "\tif [ \"$cur\" = \"=\" ] && [ \"$_promote_value\" = 1 ]; then cur=\"\"; fi\n"
	      "\tif _promote_split_value \"$cur\"; then cur=${cur#*=}; fi\n"
	      "\tif [ \"$_promote_envs\" = 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -P \"$_promote_prefix\" -W \"$(_promote_env_names)\" -- \"$cur\"))\n"
	      "\telif [ \"$_promote_value\" = 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -P \"$_promote_prefix\" -f -- \"$cur\"))\n"
	      "\telif [ \"${cur#-}\" != \"$cur\" ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_promote_opts\" -- \"$cur\"))\n"
	      "\telif [ \"$_promote_leaf\" = 1 ]; then\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_promote_subs\" -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -F _promote promote\n",
		out);
}

static void print_zsh(FILE *out)
{
	fputs("#compdef promote\n# zsh completion for promote (made by 'promote completion zsh').\n\n", out);
	print_table(out);
	fputs(walk, out);
	fputs("_promote() {\n"
	      "\tsetopt localoptions shwordsplit\n"
	      "\t_promote_candidates \"${(@)words[2,CURRENT-1]}\"\n"
	      "\tif _promote_split_value \"$PREFIX\"; then compset -P '*='; fi\n"
	      "\tif [ \"$_promote_envs\" = 1 ]; then\n"
	      "\t\tcompadd -- $(_promote_env_names)\n"
	      "\telif [ \"$_promote_value\" = 1 ] || { [ \"$_promote_leaf\" = 1 ] && [[ $PREFIX != -* ]]; }; then\n"
	      "\t\t_files\n"
	      "\telif [[ $PREFIX == -* ]]; then\n"
	      "\t\tcompadd -- ${=_promote_opts}\n"
	      "\telse\n"
	      "\t\tcompadd -- ${=_promote_subs}\n"
	      "\tfi\n"
	      "}\n\n"
	      "_promote \"$@\"\n",
		out);
}

static int run(const cli *c)
{
	(void)c;
	if (strcmp(shell, "bash") == 0)
		print_bash(stdout);
	else if (strcmp(shell, "zsh") == 0)
		print_zsh(stdout);
	else
		return cli_usage_error("no completion for shell '%s'; pass bash or zsh", shell);
	return EXIT_OK;
}

const cli_command cmd_completion = {
	"completion", "print the bash or zsh completion script", NULL, opts, run, NULL, CLI_COMMAND_HIDDEN
};
