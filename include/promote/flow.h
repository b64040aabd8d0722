/*
 * libpromote — flows: a trigger environment and a graph of target steps.
 *
 * A step starts when every step it depends on has succeeded; a step that
 * names no dependency depends on the trigger. Steps that do not depend on
 * each other run side by side: the flow's waves group them (wave 0 holds the
 * steps that depend only on the trigger, wave n those whose last dependency
 * is in wave n-1).
 */
#ifndef PROMOTE_FLOW_H
#define PROMOTE_FLOW_H

#include "common.h"

PROMOTE_BEGIN_DECL

/* Flows in declaration order. */
PROMOTE_EXTERN(size_t) promote_flow_count(const promote_context *ctx);
/* NULL when index >= count. */
PROMOTE_EXTERN(const promote_flow *) promote_flow_at(const promote_context *ctx, size_t index);
/* `name` NULL: the flow named "default", else the only flow. PROMOTE_ENOTFOUND
 * (with a "did you mean") otherwise. */
PROMOTE_EXTERN(int) promote_flow_lookup(const promote_flow **out, const promote_context *ctx, const char *name);

PROMOTE_EXTERN(const char *) promote_flow_name(const promote_flow *flow);
PROMOTE_EXTERN(const promote_env *) promote_flow_trigger(const promote_flow *flow);
/* The bound of a release of this flow, in seconds (`timeout:`, default 24 h); 0 for NULL. */
PROMOTE_EXTERN(uint32_t) promote_flow_timeout(const promote_flow *flow);
/* How often a step retries a transient error (`retries:`, 0 to 20, default 3); -1 for NULL. */
PROMOTE_EXTERN(int) promote_flow_retries(const promote_flow *flow);

/* Steps in declaration order. */
PROMOTE_EXTERN(size_t) promote_flow_step_count(const promote_flow *flow);
PROMOTE_EXTERN(const promote_flow_step *) promote_flow_step_at(const promote_flow *flow, size_t index);
/* The step that promotes into environment `env`; PROMOTE_ENOTFOUND if none. */
PROMOTE_EXTERN(int) promote_flow_step_lookup(
	const promote_flow_step **out, const promote_flow *flow, const char *env);

PROMOTE_EXTERN(const promote_env *) promote_flow_step_env(const promote_flow_step *step);
/* The environments the step waits for: those named in dependsOn, or the trigger. */
PROMOTE_EXTERN(size_t) promote_flow_step_dependency_count(const promote_flow_step *step);
PROMOTE_EXTERN(const promote_env *) promote_flow_step_dependency_at(const promote_flow_step *step, size_t index);
/* The step's inline policy, or NULL. */
PROMOTE_EXTERN(const promote_policy *) promote_flow_step_policy(const promote_flow_step *step);
/* The wave the step belongs to. */
PROMOTE_EXTERN(size_t) promote_flow_step_wave(const promote_flow_step *step);

/* Topological order in waves. */
PROMOTE_EXTERN(size_t) promote_flow_wave_count(const promote_flow *flow);
PROMOTE_EXTERN(size_t) promote_flow_wave_size(const promote_flow *flow, size_t wave);
/* NULL when out of range. Within a wave, steps keep declaration order. */
PROMOTE_EXTERN(const promote_flow_step *) promote_flow_wave_step_at(
	const promote_flow *flow, size_t wave, size_t index);

PROMOTE_END_DECL

#endif
