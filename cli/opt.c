/* The option parser of cli/opt.h. */
#include "opt.h"

#include "core/strutil.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FOR_EACH(o, table) for (const cli_opt *o = (table); o->type != CLI_OPT_END; o++)

static bool takes_value(const cli_opt *o)
{
	return o->type == CLI_OPT_VALUE;
}

static int list_append(cli_list *list, const char *item)
{
	const char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
	if (!grown)
		return -1;
	grown[list->count++] = item;
	list->items = grown;
	return 0;
}

static int store(const cli_opt *o, const char *value)
{
	if (o->flags & CLI_OPT_MULTIPLE)
		return list_append(o->value, value);
	*(const char **)o->value = value;
	return 0;
}

static void set_flag(const cli_opt *o)
{
	if (o->type == CLI_OPT_COUNT)
		*(int *)o->value += o->delta;
	else
		*(int *)o->value = 1;
}

static const cli_opt *find_long(const cli_opt *const *tables, size_t count, const char *name, size_t len)
{
	for (size_t t = 0; t < count; t++)
		FOR_EACH(o, tables[t])
			if (o->type != CLI_OPT_ARG && o->name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

static const cli_opt *find_short(const cli_opt *const *tables, size_t count, char alias)
{
	for (size_t t = 0; t < count; t++)
		FOR_EACH(o, tables[t])
			if (o->type != CLI_OPT_ARG && o->alias && o->alias == alias)
				return o;
	return NULL;
}

static cli_opt_status fail(cli_opt_result *res, cli_opt_status status, const cli_opt *opt, const char *arg, int next)
{
	res->status = status;
	res->opt = opt;
	res->arg = arg;
	res->next = next;
	return status;
}

/* "--name[=value]" at argv[*i]; advances *i past a separate value. */
static cli_opt_status parse_long(cli_opt_result *res, const cli_opt *const *tables, size_t count, int argc,
	char **argv, int *i)
{
	const char *arg = argv[*i], *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const cli_opt *o = find_long(tables, count, name, len);
	if (!o)
		return fail(res, CLI_OPT_UNKNOWN, NULL, arg, *i);
	if (!takes_value(o)) {
		if (eq)
			return fail(res, CLI_OPT_NO_VALUE, o, arg, *i);
		set_flag(o);
		return (o->flags & CLI_OPT_STOP) ? fail(res, CLI_OPT_STOPPED, o, arg, *i + 1) : CLI_OPT_OK;
	}
	const char *value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	if (!value)
		return fail(res, CLI_OPT_MISSING_VALUE, o, arg, *i);
	return store(o, value) ? fail(res, CLI_OPT_NOMEM, o, arg, *i) : CLI_OPT_OK;
}

/* "-abc", "-eVALUE", "-e VALUE" at argv[*i]. */
static cli_opt_status parse_short(cli_opt_result *res, const cli_opt *const *tables, size_t count, int argc,
	char **argv, int *i)
{
	const char *arg = argv[*i];
	for (const char *p = arg + 1; *p; p++) {
		const cli_opt *o = find_short(tables, count, *p);
		if (!o) {
			/* Report the one letter, as "-x", unless it is the whole argument. */
			static _Thread_local char letter[3];
			letter[0] = '-';
			letter[1] = *p;
			return fail(res, CLI_OPT_UNKNOWN, NULL, p == arg + 1 && !p[1] ? arg : letter, *i);
		}
		if (!takes_value(o)) {
			set_flag(o);
			if (o->flags & CLI_OPT_STOP)
				return fail(res, CLI_OPT_STOPPED, o, arg, *i + 1);
			continue;
		}
		const char *value = p[1] ? p + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!value)
			return fail(res, CLI_OPT_MISSING_VALUE, o, arg, *i);
		return store(o, value) ? fail(res, CLI_OPT_NOMEM, o, arg, *i) : CLI_OPT_OK;
	}
	return CLI_OPT_OK;
}

static bool given(const cli_opt *o)
{
	if (o->flags & CLI_OPT_MULTIPLE)
		return ((const cli_list *)o->value)->count > 0;
	return *(const char *const *)o->value != NULL;
}

cli_opt_status cli_opt_parse(cli_opt_result *res, const cli_opt *const *tables, size_t count, int argc,
	char **argv, int start, unsigned flags)
{
	bool literal = false;
	const cli_opt *operand = tables[0];
	while (operand->type != CLI_OPT_END && operand->type != CLI_OPT_ARG)
		operand++;
	int i;
	for (i = start; i < argc; i++) {
		const char *arg = argv[i];
		cli_opt_status status = CLI_OPT_OK;
		if (!literal && strcmp(arg, "--") == 0) {
			literal = true;
			if (flags & CLI_OPT_PARSE_UNTIL_OPERAND)
				return fail(res, CLI_OPT_OK, NULL, NULL, i + 1);
			continue;
		}
		if (!literal && arg[0] == '-' && arg[1] == '-')
			status = parse_long(res, tables, count, argc, argv, &i);
		else if (!literal && arg[0] == '-' && arg[1])
			status = parse_short(res, tables, count, argc, argv, &i);
		else if (flags & CLI_OPT_PARSE_UNTIL_OPERAND)
			return fail(res, CLI_OPT_OK, NULL, NULL, i);
		else if (operand->type != CLI_OPT_ARG)
			return fail(res, CLI_OPT_EXTRA, NULL, arg, i);
		else if (store(operand, arg))
			return fail(res, CLI_OPT_NOMEM, operand, arg, i);
		else if (!(operand->flags & CLI_OPT_MULTIPLE))
			do
				operand++;
			while (operand->type != CLI_OPT_END && operand->type != CLI_OPT_ARG);
		if (status != CLI_OPT_OK)
			return status;
	}
	if (!(flags & CLI_OPT_PARSE_UNTIL_OPERAND))
		FOR_EACH(o, tables[0])
			if ((o->flags & CLI_OPT_REQUIRED) && (o->type == CLI_OPT_VALUE || o->type == CLI_OPT_ARG) && !given(o))
				return fail(res, CLI_OPT_MISSING, o, NULL, i);
	return fail(res, CLI_OPT_OK, NULL, NULL, i);
}

/* The closest visible long option to `word` ("--jsn"), as "--json", or NULL. */
static const char *suggest(const char *word, const cli_opt *const *tables, size_t count, char *out, size_t size)
{
	const char *names[128];
	size_t n = 0;
	for (size_t t = 0; t < count; t++)
		FOR_EACH(o, tables[t])
			if (o->type != CLI_OPT_ARG && o->name && !(o->flags & CLI_OPT_HIDDEN) && n < 128)
				names[n++] = o->name;
	const char *eq = strchr(word, '=');
	char bare[64];
	snprintf(bare, sizeof bare, "%.*s", (int)(eq ? eq - word : (int)strlen(word)), word);
	const char *best = promote__suggest(bare + strspn(bare, "-"), names, n);
	if (!best)
		return NULL;
	snprintf(out, size, "--%s", best);
	return out;
}

void cli_opt_report(FILE *out, const cli_opt_result *res, const cli_opt *const *tables, size_t count)
{
	char form[96], near[72];
	if (res->opt)
		cli_opt_format(form, sizeof form, res->opt);
	switch (res->status) {
	case CLI_OPT_UNKNOWN: {
		const char *best = suggest(res->arg, tables, count, near, sizeof near);
		fprintf(out, "promote: unknown option '%s'", res->arg);
		if (best)
			fprintf(out, " (did you mean '%s'?)", best);
		fputc('\n', out);
		break;
	}
	case CLI_OPT_MISSING_VALUE:
		fprintf(out, "promote: %s needs a value (%s)\n", res->arg, form);
		break;
	case CLI_OPT_NO_VALUE:
		fprintf(out, "promote: --%s takes no value ('%s')\n", res->opt->name, res->arg);
		break;
	case CLI_OPT_EXTRA:
		fprintf(out, "promote: unexpected argument '%s'\n", res->arg);
		break;
	case CLI_OPT_MISSING:
		fprintf(out, "promote: missing %s\n", form);
		break;
	case CLI_OPT_NOMEM:
		fprintf(out, "promote: out of memory\n");
		break;
	default:
		break;
	}
}

void cli_opt_release(const cli_opt *table)
{
	FOR_EACH(o, table) {
		if (!(o->flags & CLI_OPT_MULTIPLE))
			continue;
		cli_list *list = o->value;
		free(list->items);
		list->items = NULL;
		list->count = 0;
	}
}

int cli_opt_format(char *out, size_t size, const cli_opt *o)
{
	if (o->type == CLI_OPT_ARG)
		return snprintf(out, size, "%s", o->name);
	char value[48] = "";
	if (takes_value(o))
		snprintf(value, sizeof value, " %s", o->value_name ? o->value_name : "VALUE");
	if (o->alias && o->name)
		return snprintf(out, size, "-%c, --%s%s", o->alias, o->name, value);
	if (o->alias)
		return snprintf(out, size, "-%c%s", o->alias, value);
	return snprintf(out, size, "--%s%s", o->name, value);
}

void cli_opt_print_usage(FILE *out, const cli_opt *table)
{
	FOR_EACH(o, table) {
		if (o->flags & CLI_OPT_HIDDEN)
			continue;
		bool required = o->flags & CLI_OPT_REQUIRED, multiple = o->flags & CLI_OPT_MULTIPLE;
		/* The short form when there is one ("-e PATH=VALUE", "-q"), else the long one. */
		char form[96];
		if (o->type == CLI_OPT_ARG)
			snprintf(form, sizeof form, "%s", o->name);
		else if (o->alias)
			snprintf(form, sizeof form, "-%c", o->alias);
		else
			snprintf(form, sizeof form, "--%s", o->name);
		if (takes_value(o))
			snprintf(form + strlen(form), sizeof form - strlen(form), " %s", o->value_name ? o->value_name : "VALUE");
		fprintf(out, " %s%s%s%s", required ? "" : "[", form, required ? "" : "]", multiple ? "..." : "");
	}
}

/* `text` from column `indent` (the cursor is there), wrapped before column 100. */
static void print_wrapped(FILE *out, const char *text, int indent)
{
	int column = indent;
	while (*text) {
		size_t word = strcspn(text, " ");
		if (column > indent && column + 1 + (int)word > 100) {
			fprintf(out, "\n%*s", indent, "");
			column = indent;
		} else if (column > indent) {
			fputc(' ', out);
			column++;
		}
		fwrite(text, 1, word, out);
		column += (int)word;
		text += word;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

void cli_opt_print_help(FILE *out, const cli_opt *table)
{
	FOR_EACH(o, table) {
		if (o->flags & CLI_OPT_HIDDEN)
			continue;
		char form[96];
		cli_opt_format(form, sizeof form, o);
		if (strlen(form) <= 26)
			fprintf(out, "  %-26s  ", form);
		else
			fprintf(out, "  %s\n%30s", form, "");
		print_wrapped(out, o->help ? o->help : "", 30);
	}
}
