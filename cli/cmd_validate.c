/* promote validate: check the configuration, report every problem. */
#include "cli.h"

#include <stdio.h>

static const cli_opt opts[] = { { CLI_OPT_END } };

static int run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	size_t envs = promote_env_count(ctx), products = promote_product_count(ctx),
	       policies = promote_policy_count(ctx), flows = promote_flow_count(ctx);
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "file", cli_json_string(promote_context_source(ctx)));
		json_object_object_add(o, "environments", json_object_new_int64((int64_t)envs));
		json_object_object_add(o, "products", json_object_new_int64((int64_t)products));
		json_object_object_add(o, "policies", json_object_new_int64((int64_t)policies));
		json_object_object_add(o, "flows", json_object_new_int64((int64_t)flows));
		json_object_object_add(o, "errors", json_object_new_array());
		cli_print_json(o);
	} else if (c->verbosity >= 0) {
		printf("%s: valid: %zu environment%s, %zu product%s, %zu polic%s, %zu flow%s\n",
			promote_context_source(ctx), envs, envs == 1 ? "" : "s", products, products == 1 ? "" : "s",
			policies, policies == 1 ? "y" : "ies", flows, flows == 1 ? "" : "s");
	}
	promote_context_free(ctx);
	return EXIT_OK;
}

const cli_command cmd_validate = {
	"validate", "check the configuration; every error with file:line:column",
	"Opens the configuration, which loads and checks it completely, and reports. Every problem is\n"
	"printed, sorted by position, then a count; the exit status is then 2. -q prints nothing on success.",
	opts, run, NULL, 0
};
