/* Public accessors for flows, their steps and waves. */
#include "context.h"
#include "core/strbuf.h"

#include <string.h>

size_t promote_flow_count(const promote_context *ctx)
{
	return ctx ? ctx->cfg.flow_count : 0;
}

const promote_flow *promote_flow_at(const promote_context *ctx, size_t index)
{
	return ctx && index < ctx->cfg.flow_count ? &ctx->cfg.flows[index] : NULL;
}

int promote_flow_lookup(const promote_flow **out, const promote_context *ctx, const char *name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	const char *wanted = name ? name : "default";
	for (size_t i = 0; i < ctx->cfg.flow_count; i++)
		if (strcmp(ctx->cfg.flows[i].name, wanted) == 0) {
			*out = &ctx->cfg.flows[i];
			return 0;
		}
	if (!name && ctx->cfg.flow_count == 1) {
		*out = &ctx->cfg.flows[0];
		return 0;
	}
	if (!name)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
			ctx->cfg.flow_count ? "no flow named 'default' and %zu flows to choose from; name the flow"
					    : "the configuration has %zu flows; add one under 'flows'",
			ctx->cfg.flow_count);
	return promote__error_unknown("flow", name, ctx->cfg.flows, ctx->cfg.flow_count, sizeof *ctx->cfg.flows);
}

const char *promote_flow_name(const promote_flow *flow) { return flow ? flow->name : NULL; }
const promote_env *promote_flow_trigger(const promote_flow *flow) { return flow ? flow->trigger : NULL; }
uint32_t promote_flow_timeout(const promote_flow *flow) { return flow ? flow->timeout_s : 0; }
int promote_flow_retries(const promote_flow *flow) { return flow ? (int)flow->retries : -1; }
size_t promote_flow_step_count(const promote_flow *flow) { return flow ? flow->step_count : 0; }

const promote_flow_step *promote_flow_step_at(const promote_flow *flow, size_t index)
{
	return flow && index < flow->step_count ? &flow->steps[index] : NULL;
}

int promote_flow_step_lookup(const promote_flow_step **out, const promote_flow *flow, const char *env)
{
	if (!out || !flow || !env)
		return promote__error_arg(__func__, !out ? "out" : !flow ? "flow" : "env");
	*out = NULL;
	for (size_t i = 0; i < flow->step_count; i++)
		if (strcmp(flow->steps[i].env->name, env) == 0) {
			*out = &flow->steps[i];
			return 0;
		}
	promote__strbuf steps;
	promote__strbuf_init(&steps, PROMOTE__MESSAGE_MAX, "the list of a flow's steps");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < flow->step_count; i++)
		rc = promote__strbuf_addf(&steps, "%s'%s'", i ? ", " : "", flow->steps[i].env->name);
	if (rc == 0)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
			"flow '%s' has no step for environment '%s'; its steps are %s", flow->name, env,
			flow->step_count ? promote__strbuf_cstr(&steps) : "none");
	promote__strbuf_free(&steps);
	return rc;
}

const promote_env *promote_flow_step_env(const promote_flow_step *step) { return step ? step->env : NULL; }
size_t promote_flow_step_dependency_count(const promote_flow_step *step) { return step ? step->dep_count : 0; }

const promote_env *promote_flow_step_dependency_at(const promote_flow_step *step, size_t index)
{
	return step && index < step->dep_count ? step->deps[index] : NULL;
}

const promote_policy *promote_flow_step_policy(const promote_flow_step *step) { return step ? step->policy : NULL; }
size_t promote_flow_step_wave(const promote_flow_step *step) { return step ? step->wave : 0; }
size_t promote_flow_wave_count(const promote_flow *flow) { return flow ? flow->wave_count : 0; }

size_t promote_flow_wave_size(const promote_flow *flow, size_t wave)
{
	return flow && wave < flow->wave_count ? flow->wave_start[wave + 1] - flow->wave_start[wave] : 0;
}

const promote_flow_step *promote_flow_wave_step_at(const promote_flow *flow, size_t wave, size_t index)
{
	if (index >= promote_flow_wave_size(flow, wave))
		return NULL;
	return flow->order[flow->wave_start[wave] + index];
}
