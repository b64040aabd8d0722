/* promote product list [--env ENV]: the products an environment's branch holds. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cmd_product(const cli *c)
{
	const char *env = NULL;
	if (c->argc < 1 || strcmp(c->argv[0], "list") != 0)
		return cli_usage_error("usage: promote product list [--env ENV]");
	for (int i = 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "--env") == 0 && i + 1 < c->argc)
			env = c->argv[++i];
		else
			return cli_usage_error("usage: promote product list [--env ENV]");
	}
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_strarray names = PROMOTE_STRARRAY_INIT;
	if (promote_product_discover(&names, ctx, env)) {
		rc = cli_fail(c);
	} else if (c->json) {
		json_object *list = json_object_new_array();
		for (size_t i = 0; i < names.count; i++)
			json_object_array_add(list, json_object_new_string(names.strings[i]));
		cli_print_json(list);
	} else {
		for (size_t i = 0; i < names.count; i++)
			puts(names.strings[i]);
	}
	promote_strarray_dispose(&names);
	promote_context_free(ctx);
	return rc;
}
