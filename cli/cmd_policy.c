/* promote policy explain PRODUCT ENV [--flow FLOW]: the effective policy and
 * which policy supplied each field. */
#include "cli.h"

#include <stdio.h>

static const char *const field_names[] = { "action", "pre", "post" };

static json_object *source_json(const promote_policy *p)
{
	if (!p)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", cli_json_string(promote_policy_name(p)));
	json_object_object_add(o, "priority", json_object_new_int(promote_policy_priority(p)));
	json_object_object_add(o, "inline", json_object_new_boolean(promote_policy_is_inline(p)));
	return o;
}

static json_object *list_json(const promote_effective_policy *eff, int field)
{
	json_object *a = json_object_new_array();
	size_t n = field == PROMOTE_POLICY_FIELD_PRE ? promote_effective_policy_pre_count(eff)
						     : promote_effective_policy_post_count(eff);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, cli_json_string(field == PROMOTE_POLICY_FIELD_PRE
				? promote_effective_policy_pre_at(eff, i) : promote_effective_policy_post_at(eff, i)));
	return a;
}

static void print_list(const promote_effective_policy *eff, int field, char *out, size_t size)
{
	size_t n = field == PROMOTE_POLICY_FIELD_PRE ? promote_effective_policy_pre_count(eff)
						     : promote_effective_policy_post_count(eff);
	size_t used = 0;
	snprintf(out, size, "(none)");
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
			field == PROMOTE_POLICY_FIELD_PRE ? promote_effective_policy_pre_at(eff, i)
							  : promote_effective_policy_post_at(eff, i));
}

static void print_source(const promote_policy *p)
{
	if (!p)
		printf("built-in default\n");
	else if (promote_policy_is_inline(p))
		printf("step policy %s (beats all)\n", promote_policy_name(p));
	else
		printf("policy %s (priority %d)\n", promote_policy_name(p), (int)promote_policy_priority(p));
}

static const char *args[2], *flow;

static const cli_opt explain_opts[] = {
	{ CLI_OPT_ARG, "PRODUCT", 0, &args[0], 0, NULL, "the product", CLI_OPT_REQUIRED },
	{ CLI_OPT_ARG, "ENV", 0, &args[1], 0, NULL, "the environment it is promoted into", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "flow", 0, &flow, 0, "FLOW", "take the flow's step policy into account (ENV must be a step)", 0 },
	{ CLI_OPT_END }
};

static int explain_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_effective_policy *eff;
	if (promote_policy_resolve(&eff, ctx, args[0], args[1], flow)) {
		rc = cli_fail(c);
		promote_context_free(ctx);
		return rc;
	}
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "product", cli_json_string(args[0]));
		json_object_object_add(o, "environment", cli_json_string(args[1]));
		json_object_object_add(o, "flow", cli_json_string(flow));
		for (int f = PROMOTE_POLICY_FIELD_ACTION; f <= PROMOTE_POLICY_FIELD_POST; f++) {
			json_object *field = json_object_new_object();
			json_object_object_add(field, "value", f == PROMOTE_POLICY_FIELD_ACTION
				? cli_json_string(promote_action_name(promote_effective_policy_action(eff)))
				: list_json(eff, f));
			json_object_object_add(field, "source", source_json(promote_effective_policy_source(eff, f)));
			json_object_object_add(o, field_names[f], field);
		}
		json_object *matches = json_object_new_array();
		for (size_t i = 0; i < promote_effective_policy_match_count(eff); i++)
			json_object_array_add(matches, source_json(promote_effective_policy_match_at(eff, i)));
		json_object_object_add(o, "matches", matches);
		cli_print_json(o);
	} else {
		char text[512];
		printf("product %s in environment %s%s%s:\n", args[0], args[1], flow ? ", flow " : "", flow ? flow : "");
		printf("  %-7s %-24s from ", "action", promote_action_name(promote_effective_policy_action(eff)));
		print_source(promote_effective_policy_source(eff, PROMOTE_POLICY_FIELD_ACTION));
		for (int f = PROMOTE_POLICY_FIELD_PRE; f <= PROMOTE_POLICY_FIELD_POST; f++) {
			print_list(eff, f, text, sizeof text);
			printf("  %-7s %-24s from ", field_names[f], text);
			print_source(promote_effective_policy_source(eff, f));
		}
		printf("  matching policies, strongest first:");
		if (promote_effective_policy_match_count(eff) == 0)
			printf(" none");
		for (size_t i = 0; i < promote_effective_policy_match_count(eff); i++)
			printf("%s %s", i ? "," : "", promote_policy_name(promote_effective_policy_match_at(eff, i)));
		printf("\n");
	}
	promote_effective_policy_free(eff);
	promote_context_free(ctx);
	return EXIT_OK;
}

static const cli_command explain = {
	"explain", "the effective policy and which policy supplied each field",
	"Action, pre-action and post-action workflows for promoting PRODUCT into ENV, which policy\n"
	"supplied each, then every matching policy, strongest first.",
	explain_opts, explain_run, NULL, 0
};

const cli_command cmd_policy = {
	"policy", "the promotion policies", NULL, NULL, NULL, (const cli_command *const[]){ &explain, NULL }, 0
};
