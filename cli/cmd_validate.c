/* promote validate: check the configuration, report every problem; warnings do not fail it. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* "file:line:column: warning: text", as compilers print them. */
static void print_warning(const promote_error *w)
{
	char where[64] = "";
	if (w->file && w->line)
		snprintf(where, sizeof where, ":%u:%u: ", (unsigned)w->line, (unsigned)w->column);
	size_t skip = w->file ? strlen(w->file) + strlen(where) : 0;
	if (w->file && strncmp(w->message, w->file, strlen(w->file)) == 0 && strlen(w->message) >= skip)
		fprintf(stderr, "%s%swarning: %s\n", w->file, where, w->message + skip);
	else
		fprintf(stderr, "promote: warning: %s\n", w->message);
}

static const cli_opt opts[] = { { CLI_OPT_END } };

static int run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	/* What needs the repository and the registry: unknown provider names fail, globs warn. */
	promote_warnings *warnings = NULL;
	if (promote_context_check(&warnings, ctx)) {
		rc = cli_fail(c);
		promote_context_free(ctx);
		return rc;
	}
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
		json_object *list = json_object_new_array();
		for (size_t i = 0; i < promote_warnings_count(warnings); i++)
			json_object_array_add(list, cli_error_to_json(promote_warnings_at(warnings, i)));
		json_object_object_add(o, "warnings", list);
		cli_print_json(o);
	} else {
		/* Warnings even with -q, as git prints them. */
		for (size_t i = 0; i < promote_warnings_count(warnings); i++)
			print_warning(promote_warnings_at(warnings, i));
	}
	if (!c->json && c->verbosity >= 0) {
		printf("%s: valid: %zu environment%s, %zu product%s, %zu polic%s, %zu flow%s\n",
			promote_context_source(ctx), envs, envs == 1 ? "" : "s", products, products == 1 ? "" : "s",
			policies, policies == 1 ? "y" : "ies", flows, flows == 1 ? "" : "s");
	}
	promote_warnings_free(warnings);
	promote_context_free(ctx);
	return EXIT_OK;
}

const cli_command cmd_validate = {
	"validate", "check the configuration; every error with file:line:column",
	"Opens the configuration, which loads and checks it completely, and reports. Every problem is\n"
	"printed, sorted by position, then a count; the exit status is then 2. Then what needs the repository\n"
	"and the registry: an unknown git provider or deploy backend is an error too, and a template glob\n"
	"that matches no file in the trigger environment a warning (exit status 0). -q prints only warnings.",
	opts, run, NULL, 0
};
