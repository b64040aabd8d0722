/* promote flow show [FLOW]: a flow's trigger, steps and waves. */
#include "cli.h"

#include <stdio.h>

static json_object *flow_to_json(const promote_flow *flow)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", cli_json_string(promote_flow_name(flow)));
	json_object_object_add(o, "trigger", cli_json_string(promote_env_name(promote_flow_trigger(flow))));
	json_object *waves = json_object_new_array();
	for (size_t w = 0; w < promote_flow_wave_count(flow); w++) {
		json_object *wave = json_object_new_array();
		for (size_t i = 0; i < promote_flow_wave_size(flow, w); i++)
			json_object_array_add(wave, cli_json_string(promote_env_name(
				promote_flow_step_env(promote_flow_wave_step_at(flow, w, i)))));
		json_object_array_add(waves, wave);
	}
	json_object_object_add(o, "waves", waves);
	json_object *steps = json_object_new_array();
	for (size_t i = 0; i < promote_flow_step_count(flow); i++) {
		const promote_flow_step *step = promote_flow_step_at(flow, i);
		json_object *s = json_object_new_object();
		json_object_object_add(s, "environment", cli_json_string(promote_env_name(promote_flow_step_env(step))));
		json_object *deps = json_object_new_array();
		for (size_t d = 0; d < promote_flow_step_dependency_count(step); d++)
			json_object_array_add(deps, cli_json_string(promote_env_name(promote_flow_step_dependency_at(step, d))));
		json_object_object_add(s, "dependsOn", deps);
		json_object_object_add(s, "wave", json_object_new_int64((int64_t)promote_flow_step_wave(step)));
		json_object_object_add(s, "policy", cli_json_string(promote_policy_name(promote_flow_step_policy(step))));
		json_object_array_add(steps, s);
	}
	json_object_object_add(o, "steps", steps);
	return o;
}

static void print_flow(const promote_flow *flow)
{
	printf("flow %s: trigger %s\n", promote_flow_name(flow), promote_env_name(promote_flow_trigger(flow)));
	for (size_t w = 0; w < promote_flow_wave_count(flow); w++) {
		printf("  wave %zu:", w + 1);
		for (size_t i = 0; i < promote_flow_wave_size(flow, w); i++) {
			const promote_flow_step *step = promote_flow_wave_step_at(flow, w, i);
			printf("%s %s (after ", i ? "," : "", promote_env_name(promote_flow_step_env(step)));
			for (size_t d = 0; d < promote_flow_step_dependency_count(step); d++)
				printf("%s%s", d ? " + " : "", promote_env_name(promote_flow_step_dependency_at(step, d)));
			printf(")");
		}
		printf("\n");
	}
}

static const char *name;

static const cli_opt show_opts[] = {
	{ CLI_OPT_ARG, "FLOW", 0, &name, 0, NULL, "the flow (default: 'default', else the only one, else all)", 0 },
	{ CLI_OPT_END }
};

static int show_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	/* One flow (named, 'default' or the only one), else all of them; JSON
	 * is {"flows": [...]} either way, one shape whatever the file holds. */
	const promote_flow *flow = NULL;
	bool one = name || promote_flow_count(ctx) <= 1 || promote_flow_lookup(&flow, ctx, NULL) == 0;
	if (one && promote_flow_lookup(&flow, ctx, name)) {
		rc = cli_fail(c);
	} else {
		promote_error_clear();
		json_object *list = c->json ? json_object_new_array() : NULL;
		for (size_t i = 0; i < (one ? 1 : promote_flow_count(ctx)); i++) {
			const promote_flow *f = one ? flow : promote_flow_at(ctx, i);
			if (list)
				json_object_array_add(list, flow_to_json(f));
			else
				print_flow(f);
		}
		if (list) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "flows", list);
			cli_print_json(o);
		}
	}
	promote_context_free(ctx);
	return rc;
}

static const cli_command show = {
	"show", "a flow's trigger and steps, in waves",
	"Steps of one wave can run side by side; each step is followed by the environments it waits for.\n"
	"Without FLOW: the flow named 'default', else the only flow, else every flow.",
	show_opts, show_run, NULL, 0
};

const cli_command cmd_flow = {
	"flow", "the configured flows", NULL, NULL, NULL, (const cli_command *const[]){ &show, NULL }, 0
};
