/* promote product list [--env ENV]: the products an environment's branch holds. */
#include "cli.h"

#include <stdio.h>

static const char *env;

static const cli_opt list_opts[] = {
	{ CLI_OPT_VALUE, "env", 0, &env, 0, "ENV", "the environment (default: the default flow's trigger)", 0 },
	{ CLI_OPT_END }
};

static int list_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	if (promote_product_discover(&names, ctx, env)) {
		rc = cli_fail(c);
	} else if (c->json) {
		json_object *list = json_object_new_array(), *o = json_object_new_object();
		for (size_t i = 0; i < names.count; i++)
			json_object_array_add(list, json_object_new_string(names.strings[i]));
		json_object_object_add(o, "environment", cli_json_string(env));
		json_object_object_add(o, "products", list);
		cli_print_json(o);
	} else {
		for (size_t i = 0; i < names.count; i++)
			puts(names.strings[i]);
	}
	promote_strarray_dispose(&names);
	promote_context_free(ctx);
	return rc;
}

static const cli_command list = {
	"list", "the products ENV's branch holds (configured and discovered)",
	"Each configured product that is on the environment's branch, each folder a discovery product (\"*\")\n"
	"finds, named by what its * stands for, and each entry of the list a discovery product of a list layout\n"
	"names (doc/CONFIG.md#layouts); sorted, one per line. Needs a repository.",
	list_opts, list_run, NULL, 0
};

const cli_command cmd_product = {
	"product", "the products an environment holds", NULL, NULL, NULL, (const cli_command *const[]){ &list, NULL }, 0
};
