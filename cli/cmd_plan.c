/* promote plan PRODUCT --to ENV [--from ENV] [--version V] [--exit-code]: the diff one promotion would make. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *product, *to, *from, *version;
static int exit_code;

static const cli_opt plan_opts[] = {
	CLI_PROMOTION_OPTS(product, to, from, version),
	{ CLI_OPT_SWITCH, "exit-code", 0, &exit_code, 0, NULL,
	  "exit status 4 when there are changes, 0 when there are none (1, 2 and 3 keep their meaning)", 0 },
	{ CLI_OPT_END }
};

json_object *cli_plan_json(const promote_context *ctx, const promote_plan *plan, const char *diff)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "product", cli_json_string(promote_plan_product(plan)));
	json_object_object_add(o, "from", cli_json_string(promote_plan_from(plan)));
	json_object_object_add(o, "to", cli_json_string(promote_plan_to(plan)));
	json_object_object_add(o, "version", cli_json_string(promote_plan_version(plan)));
	json_object_object_add(o, "branch", cli_json_string(promote_plan_branch(plan)));
	json_object_object_add(o, "base", cli_json_string(promote_plan_base(plan)));
	json_object *files = json_object_new_array();
	for (size_t i = 0; i < promote_plan_change_count(plan); i++)
		json_object_array_add(files, cli_json_string(promote_plan_change_path_at(plan, i)));
	json_object_object_add(o, "changes", files);
	json_object_object_add(o, "diff", json_object_new_string(diff));
	cli_json_add_remote(o, ctx);
	return o;
}

void cli_plan_print_unchanged(const promote_plan *plan)
{
	const char *promoted = promote_plan_version(plan);
	printf("%s%s%s is already in %s: nothing to change\n", promote_plan_product(plan), promoted ? " " : "",
		promoted ? promoted : "", promote_plan_to(plan));
}

int cli_plan_print(const cli *c, const char *product_name, const char *target, const char *source,
	const char *set_version, bool with_exit_code)
{
	promote_plan_options opts = PROMOTE_PLAN_OPTIONS_INIT;
	opts.from = source;
	opts.set_version = set_version;
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_plan *plan = NULL;
	promote_buf diff = PROMOTE_BUF_INIT;
	if (promote_plan_create(&plan, ctx, product_name, target, &opts) || promote_plan_diff(&diff, plan)) {
		rc = cli_fail(c);
	} else if (c->json) {
		cli_print_json(cli_plan_json(ctx, plan, diff.ptr));
	} else {
		fputs(diff.ptr, stdout);
		if (promote_plan_change_count(plan) == 0)
			cli_plan_print_unchanged(plan);
		else
			printf("%zu file%s would change in %s on branch %s\n", promote_plan_change_count(plan),
				promote_plan_change_count(plan) == 1 ? "" : "s", target, promote_plan_branch(plan));
	}
	if (rc == 0 && with_exit_code && promote_plan_change_count(plan) > 0)
		rc = EXIT_CHANGES;
	promote_buf_dispose(&diff);
	promote_plan_free(plan);
	promote_context_free(ctx);
	return rc;
}

static int plan_run(const cli *c)
{
	return cli_plan_print(c, product, to, from, version, exit_code);
}

const cli_command cmd_plan = {
	"plan", "the diff a promotion would make; writes nothing",
	"The unified diff of every file promoting PRODUCT into ENV would change, on ENV's branch.\n"
	"With --exit-code the exit status says whether there are changes: 4 there are, 0 there are none.",
	plan_opts, plan_run, NULL, 0
};
