/* promote release list [--product P] [--state S] [--limit N]: the releases recorded in the repository. */
#include "cli.h"
#include "release_table.h"

#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

static const char *product, *state, *limit;

static const cli_opt list_opts[] = {
	{ CLI_OPT_VALUE, "product", 0, &product, 0, "P", "only the releases of product P", 0 },
	{ CLI_OPT_VALUE, "state", 0, &state, 0, "S", "only releases in state S: running, waiting, succeeded, failed, aborted", 0 },
	{ CLI_OPT_VALUE, "limit", 0, &limit, 0, "N", "at most N, the newest (default: all)", 0 },
	{ CLI_OPT_END }
};

static int parse_state(int32_t *out)
{
	const char *names[8];
	size_t count = 0;
	for (int s = PROMOTE_RELEASE_RUNNING; s <= PROMOTE_RELEASE_ABORTED; s++) {
		names[count++] = promote_release_state_name(s);
		if (strcmp(state, promote_release_state_name(s)) == 0) {
			*out = s;
			return 0;
		}
	}
	const char *near = promote__suggest(state, names, count);
	return cli_usage_error("--state %s is no release state%s%s%s; use one of: running, waiting, succeeded, failed, "
			       "aborted", state, near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
}

static int parse_limit(uint32_t *out)
{
	char *end;
	unsigned long n = strtoul(limit, &end, 10);
	if (!*limit || *end || limit[0] == '-' || n > UINT32_MAX)
		return cli_usage_error("--limit takes a number of releases, not '%s'", limit);
	*out = (uint32_t)n;
	return 0;
}

json_object *cli_release_list_json(const promote_release_list *list)
{
	json_object *o = json_object_new_object(), *items = json_object_new_array();
	for (size_t i = 0; i < promote_release_list_count(list); i++) {
		json_object *record = cli_release_json(promote_release_list_at(list, i));
		if (record)
			json_object_array_add(items, record);
	}
	json_object_object_add(o, "releases", items);
	return o;
}

static void print_list(const cli *c, const promote_release_list *list)
{
	size_t n = promote_release_list_count(list);
	if (c->json) {
		cli_print_json(cli_release_list_json(list));
		return;
	}
	size_t wid = strlen("ID"), wprod = strlen("PRODUCT"), wver = strlen("VERSION"), wflow = strlen("FLOW");
	for (size_t i = 0; i < n; i++) {
		const promote_release *r = promote_release_list_at(list, i);
		size_t l;
		if ((l = strlen(promote_release_id(r))) > wid) wid = l;
		if ((l = strlen(cli_release_subject(r))) > wprod) wprod = l;
		if ((l = strlen(promote_release_version(r))) > wver) wver = l;
		if ((l = strlen(promote_release_flow(r))) > wflow) wflow = l;
	}
	if (n == 0) {
		if (c->verbosity >= 0)
			puts("no releases");
		return;
	}
	printf("%-*s  %-*s  %-*s  %-*s  %-9s  %-16s  %s\n", (int)wid, "ID", (int)wprod, "PRODUCT", (int)wver, "VERSION",
		(int)wflow, "FLOW", "STATE", "CREATED (UTC)", "STEPS");
	for (size_t i = 0; i < n; i++) {
		const promote_release *r = promote_release_list_at(list, i);
		char created[32];
		cli_format_time(created, sizeof created, promote_release_created(r));
		printf("%-*s  %-*s  %-*s  %-*s  %-9s  %-16s  ", (int)wid, promote_release_id(r), (int)wprod,
			cli_release_subject(r), (int)wver, promote_release_version(r), (int)wflow, promote_release_flow(r),
			promote_release_state_name(promote_release_state(r)), created);
		/* "qa succeeded, staging succeeded, prod awaiting_approval" */
		for (size_t k = 0; k < promote_release_step_count(r); k++) {
			const promote_release_step *s = promote_release_step_at(r, k);
			printf("%s%s %s", k ? ", " : "", promote_release_step_environment(s),
				promote_step_state_name(promote_release_step_state(s)));
		}
		putchar('\n');
	}
}

static int list_run(const cli *c)
{
	promote_release_list_options lopts = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	lopts.product = product;
	if ((state && parse_state(&lopts.state)) || (limit && parse_limit(&lopts.limit)))
		return EXIT_USAGE;
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_release_list *list = NULL;
	if (promote_release_list_new(&list, ctx, &lopts) < 0)
		rc = cli_fail(c);
	else
		print_list(c, list);
	promote_release_list_free(list);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_release_list = {
	"list", "the releases recorded in the repository, newest first", NULL, list_opts, list_run, NULL, 0
};
