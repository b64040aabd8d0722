/*
 * Releases: starting one (its flow, version, steps and their effective
 * policies fixed in the record), opening one by id, and the public entry
 * points that advance it (the machine is in release_poll.c and the
 * release_*.c files beside it).
 */
#include "release_machine.h"
#include "holds.h"

#include "plan/plan.h"
#include "plan/gate.h"
#include "git/locks.h"
#include "git/session.h"
#include "providers/deploy/process.h"
#include "model/workflow.h"
#include "model/context.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/options.h"
#include "core/strbuf.h"
#include "core/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const size_t options_sizes[] = { sizeof(promote_release_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_RELEASE_OPTIONS_VERSION);

int promote_release_options_init(promote_release_options *opts, unsigned int version)
{
	static const promote_release_options defaults = PROMOTE_RELEASE_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_RELEASE_OPTIONS_VERSION,
		"promote_release_options", __func__);
}

/* The caller's options, kept by the release: its author and events (the strings are the caller's). */
static void keep_options(promote_release *r, const promote_release_options *o)
{
	r->opts = *o;
	r->opts.flow = r->opts.set_version = r->opts.to = r->opts.from = r->opts.reason = NULL;
}

/* ---- starting -------------------------------------------------------------- */

static int copy_names(char ***out, size_t *count, size_t n, const char *(*at)(const void *, size_t), const void *of)
{
	*out = calloc(n ? n : 1, sizeof **out);
	*count = 0;
	if (!*out)
		return promote__error_oom();
	for (; *count < n; (*count)++)
		if (!((*out)[*count] = strdup(at(of, *count))))
			return promote__error_oom();
	return 0;
}

static const char *pre_at(const void *eff, size_t i)
{
	return promote_effective_policy_pre_at(eff, i);
}

static const char *post_at(const void *eff, size_t i)
{
	return promote_effective_policy_post_at(eff, i);
}

static const char *dep_at(const void *step, size_t i)
{
	return promote_env_name(promote_flow_step_dependency_at(step, i));
}

static const char *one_at(const void *name, size_t i)
{
	(void)i;
	return name;
}

/* A step into `env` from `from`, as the effective policy for it in flow `policy_flow` says. */
static int fill_step(promote_release_step *s, promote_release *r, const char *env, const char *from,
	const char *policy_flow, int strategy)
{
	promote_effective_policy *eff = NULL;
	int rc = promote_policy_resolve(&eff, r->ctx, r->product, env, policy_flow);
	if (rc == 0)
		rc = promote__set_string(&s->environment, env);
	if (rc == 0)
		rc = promote__set_string(&s->from, from);
	if (rc == 0) {
		s->state = PROMOTE_STEP_PENDING;
		s->strategy = strategy;
		s->action = promote_effective_policy_action(eff);
		rc = copy_names(&s->pre, &s->pre_count, promote_effective_policy_pre_count(eff), pre_at, eff);
	}
	if (rc == 0)
		rc = copy_names(&s->post, &s->post_count, promote_effective_policy_post_count(eff), post_at, eff);
	if (rc == 0)
		rc = promote__release_step_blank(s);
	promote_effective_policy_free(eff);
	return rc;
}

/* The flow a release of `product` runs: the options', else the product's (model/workflow.h). */
static int resolve_flow(const promote_flow **out, promote_context *ctx, const char *product, const char *name)
{
	return name ? promote_flow_lookup(out, ctx, name) : promote__product_flow(out, ctx, product);
}

/* The version the trigger (or the source, for a one-step release) holds: as a plan into `to` reads it. */
static int current_version(char **out, promote_context *ctx, const char *product, const char *to, const char *from)
{
	const promote__tree_reader *reader = NULL;
	promote_plan *plan = NULL;
	promote_plan_options o = PROMOTE_PLAN_OPTIONS_INIT;
	o.from = from;
	int rc = promote__context_reader(&reader, ctx);
	if (rc == 0)
		rc = promote__plan_make(&plan, ctx, reader, product, to, &o);
	if (rc == 0 && !plan->version)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"product '%s' names no version attribute (template 'version'), so a release cannot tell which "
			"version it promotes: give it (promote_release_options.set_version)", product);
	if (rc == 0 && !(*out = strdup(plan->version)))
		rc = promote__error_oom();
	promote_plan_free(plan);
	return rc;
}

static int steps_of_flow(promote_release *r, const promote_flow *flow)
{
	r->steps = calloc(flow->step_count ? flow->step_count : 1, sizeof *r->steps);
	if (!r->steps)
		return promote__error_oom();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < flow->step_count; i++) {
		const promote_flow_step *fs = flow->order[i];
		promote_release_step *s = &r->steps[r->step_count++];
		const promote_env *env = promote_flow_step_env(fs);
		rc = fill_step(s, r, promote_env_name(env), dep_at(fs, 0), promote_flow_name(flow),
			promote_env_strategy(env));
		if (rc == 0)
			rc = copy_names(&s->depends_on, &s->depends_count, promote_flow_step_dependency_count(fs), dep_at, fs);
	}
	return rc;
}

/* The environment a one-step release into `to` copies from: the options', else what `to` depends on in the
 * default flow. */
static int source_of(const char **out, promote_context *ctx, const char *to, const char *from)
{
	const promote_flow *flow = NULL;
	const promote_flow_step *step = NULL;
	const promote_env *env = NULL;
	if (from) {
		int rc = promote_env_lookup(&env, ctx, from);
		*out = rc == 0 ? promote_env_name(env) : NULL;
		return rc;
	}
	if (promote_flow_lookup(&flow, ctx, NULL) == 0 && promote_flow_step_lookup(&step, flow, to) == 0) {
		*out = dep_at(step, 0);
		return 0;
	}
	promote_error_clear();
	return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
		"no flow step promotes into '%s'; name the source environment (promote_release_options.from)", to);
}

/* A one-step release into `to` (flow "manual"). A person asked for it: a manual environment with a
 * pull request still opens a draft that waits for approval; otherwise it is written at once. */
static int one_step(promote_release *r, const char *to, const char *from)
{
	const promote_env *env = NULL;
	const promote_flow *flow = NULL;
	const promote_flow_step *fs = NULL;
	int rc = promote_env_lookup(&env, r->ctx, to);
	if (rc)
		return rc;
	const char *policy_flow = promote_flow_lookup(&flow, r->ctx, NULL) == 0 &&
			promote_flow_step_lookup(&fs, flow, to) == 0 ? promote_flow_name(flow) : NULL;
	promote_error_clear();
	r->steps = calloc(1, sizeof *r->steps);
	if (!r->steps)
		return promote__error_oom();
	promote_release_step *s = &r->steps[r->step_count++];
	rc = fill_step(s, r, promote_env_name(env), from, policy_flow, PROMOTE_STRATEGY_AUTO);
	if (rc == 0 && promote_env_strategy(env) == PROMOTE_STRATEGY_MANUAL && s->action == PROMOTE_ACTION_PULL_REQUEST)
		s->strategy = PROMOTE_STRATEGY_MANUAL;
	if (rc == 0)
		rc = copy_names(&s->depends_on, &s->depends_count, 1, one_at, from);
	return rc;
}

/* A one-step release refuses a version the environments upstream of `to` in the default flow do not
 * hold (PROMOTE_ESTATE, naming them), unless forced (the reason is recorded) or `to` held it before
 * (a rollback). */
static int gate(promote_release *r, const char *to, bool force)
{
	if (force)
		return 0;
	const promote__tree_reader *reader = NULL;
	promote__gate g;
	memset(&g, 0, sizeof g);
	int rc = promote__context_reader(&reader, r->ctx);
	if (rc == 0)
		rc = promote__plan_gate(&g, r->ctx, reader, r->product, to, r->version, 0);
	if (rc == 0 && promote__gate_refuses(&g))
		rc = promote__gate_refusal(&g, r->product, to, r->version);
	promote__gate_dispose(&g);
	return rc;
}

static int mutate_create(promote_release *r, bool *changed, void *arg)
{
	(void)r;
	(void)arg;
	*changed = true;
	return 0;
}

static int check_start(const char *product, const promote_release_options *o)
{
	int rc = 0;
	if (o->set_version)
		rc = promote__value_check("the version", o->set_version, PROMOTE__VERSION_MAX);
	if (rc == 0 && o->from && !o->to)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"promote_release_options.from names the source of a one-step release: give `to` as well");
	if (rc == 0 && o->force && (!o->reason || !*o->reason))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"a forced release of %s needs a reason (promote_release_options.reason): it is recorded", product);
	if (rc == 0 && o->reason)
		rc = promote__value_check("the reason", o->reason, PROMOTE__TITLE_MAX);
	return rc;
}

int promote__release_begin(promote_release **out, promote_release_options *o, promote_context *ctx,
	const promote_release_options *opts, const char *subject)
{
	*out = NULL;
	promote_release_options defaults = PROMOTE_RELEASE_OPTIONS_INIT;
	*o = defaults;
	int rc = promote__options_copy(o, opts, options_sizes, PROMOTE_RELEASE_OPTIONS_VERSION, "promote_release_options");
	if (rc == 0)
		rc = check_start(subject, o);
	if (rc == 0 && !promote__context_repository(ctx))
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository, and a release is recorded in one: open the context from a "
			"repository (promote_context_open_repository())", promote_context_source(ctx));
	if (rc == 0 && (rc = promote__release_alloc(out, ctx)) == 0)
		keep_options(*out, o);
	return rc;
}

int promote__release_create(promote_release *r, const char *what)
{
	r->state = PROMOTE_RELEASE_RUNNING;
	r->created = r->updated = promote__now(r->ctx);
	char **fields[] = { &r->reason, &r->trigger_commit, &r->forced };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < PROMOTE_ARRAY_SIZE(fields); i++)
		if (!*fields[i])
			rc = promote__set_string(fields[i], "");
	/* A release killed while its record was being created left a lock that no one will ask for again. */
	promote__git_session *session = NULL;
	if (rc == 0 && (rc = promote__context_session(&session, r->ctx)) == 0)
		rc = promote__git_clear_abandoned_creations(session->repo, "refs/promote/releases");
	/* Before the record exists, nothing can have been committed for it: the branches' tips now bound the
	 * searches for its commits. */
	if (rc == 0)
		rc = promote__effect_bases_take(r);
	return rc ? rc : promote__release_update(r, mutate_create, NULL, what);
}

static int start(promote_release **out, promote_context *ctx, const char *product,
	const promote_release_options *opts, const promote__release_seed *seed)
{
	*out = NULL;
	promote_release_options o;
	promote_release *r = NULL;
	int rc = promote__release_begin(&r, &o, ctx, opts, product);
	if (rc)
		return rc;
	const promote_flow *flow = NULL;
	const char *from = NULL;
	if (o.to)
		rc = source_of(&from, ctx, o.to, o.from);
	else if (rc == 0)
		rc = resolve_flow(&flow, ctx, product, o.flow);
	if (rc == 0 && (rc = promote__set_string(&r->product, product)) == 0)
		rc = promote__set_string(&r->flow, o.to ? "manual" : promote_flow_name(flow));
	if (rc == 0)
		rc = promote__set_string(&r->trigger, o.to ? from : promote_env_name(promote_flow_trigger(flow)));
	/* A version given is written into the trigger first: one in another repository is refused before any record. */
	if (rc == 0 && o.set_version && !o.to)
		rc = promote__plan_check_target(ctx, promote_flow_trigger(flow));
	/* The version: given, or what the trigger (the source) holds now. */
	char *version = NULL;
	if (rc == 0 && (o.set_version || seed))
		rc = (version = strdup(seed ? seed->version : o.set_version)) ? 0 : promote__error_oom();
	else if (rc == 0 && o.to)
		rc = current_version(&version, ctx, product, o.to, from);
	else if (rc == 0 && flow->step_count)
		rc = current_version(&version, ctx, product, promote_env_name(promote_flow_step_env(flow->order[0])),
			r->trigger);
	else if (rc == 0)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, "flow '%s' has no steps to release %s "
			"through", promote_flow_name(flow), product);
	if (rc == 0)
		rc = promote__set_string(&r->version, version);
	free(version);
	if (rc == 0)
		rc = o.to ? one_step(r, o.to, from) : steps_of_flow(r, flow);
	if (rc == 0 && o.to)
		rc = gate(r, o.to, o.force != 0);
	char *id = NULL;
	if (rc == 0 && (rc = seed ? ((id = strdup(seed->id)) ? 0 : promote__error_oom())
				  : promote__release_make_id(&id, product, r->version)) == 0)
		rc = promote__set_string(&r->id, id);
	free(id);
	if (rc == 0) {
		r->set_version = o.set_version && !o.to;
		r->group = !o.no_group;
		r->timeout_s = flow && flow->timeout_s ? flow->timeout_s : PROMOTE__RELEASE_TIMEOUT_DEFAULT;
		if ((rc = promote__set_string(&r->trigger_commit, seed ? seed->trigger_commit : "")) == 0)
			rc = promote__set_string(&r->forced, o.force ? o.reason : "");
	}
	/* A person promoting into `to` explicitly lifts a rollback's pin there (holds.h). */
	if (rc == 0 && o.to)
		rc = promote__holds_unpin(ctx, o.to, product, o.author_name);
	if (rc == 0)
		rc = promote__release_create(r, seed ? seed->what : "Start release");
	if (rc) {
		promote_release_free(r);
		return rc;
	}
	r->just_started = true;
	*out = r;
	return 0;
}

int promote_release_start(promote_release **out, promote_context *ctx, const char *product,
	const promote_release_options *opts)
{
	if (!out || !ctx || !product)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : "product");
	return start(out, ctx, product, opts, NULL);
}

int promote__release_start_seeded(promote_release **out, promote_context *ctx, const char *product,
	const promote_release_options *opts, const promote__release_seed *seed)
{
	return start(out, ctx, product, opts, seed);
}

int promote_release_open(promote_release **out, promote_context *ctx, const char *id,
	const promote_release_options *opts)
{
	if (!out || !ctx || !id)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : "id");
	*out = NULL;
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_RELEASE_OPTIONS_VERSION, "promote_release_options");
	promote_release *r = NULL;
	if (rc == 0 && (rc = promote__release_alloc(&r, ctx)) == 0) {
		keep_options(r, &o);
		if ((rc = promote__set_string(&r->id, id)) == 0)
			rc = promote__release_load(r);
	}
	if (rc) {
		promote_release_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- advancing ---------------------------------------------------------------- */

static int check_handle(const promote_release *r, const char *function)
{
	if (!r)
		return promote__error_arg(function, "release");
	if (r->listed)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"release %s comes from a list and is read-only: open it by id (promote_release_open()) to "
			"advance it", r->id);
	return 0;
}

int promote_release_poll(promote_release *release, uint32_t *next_poll_ms)
{
	if (next_poll_ms)
		*next_poll_ms = 0;
	int rc = check_handle(release, __func__);
	return rc ? rc : promote__release_poll(release, next_poll_ms);
}

int promote_release_run(promote_release *release, uint32_t timeout_ms)
{
	int rc = check_handle(release, __func__);
	if (rc)
		return rc;
	/* 0: the release's own bound, which a poll enforces (the release fails then); a little past it. */
	int64_t left_s = promote__release_deadline(release) - promote__now(release->ctx) + 5;
	int64_t deadline = promote__now_ms() + (timeout_ms ? (int64_t)timeout_ms : (left_s > 0 ? left_s : 5) * 1000);
	for (;;) {
		uint32_t next = 0;
		if ((rc = promote__release_poll(release, &next)))
			return rc;
		if (next == 0)
			return 0; /* final, or waiting for a person */
		int64_t now = promote__now_ms();
		/* A long wait that ends past the deadline is not slept through; nor, without a timeout of the
		 * caller's, a long wait on gates only (a freeze window, a hold's neighbour, soak): the release is
		 * left running for a later poll (promote watch). */
		bool long_wait = next > 60000 && (now + next > deadline || (!timeout_ms && promote__release_gated(release)));
		if (now >= deadline || long_wait)
			return promote__error(PROMOTE_ETIMEOUT, PROMOTE_ERROR_CLASS_RELEASE,
				"release %s is still %s when the wait ran out (%s); it goes on from where it is: run or "
				"poll it again", release->id, promote_release_state_name(release->state),
				release->reason && *release->reason ? release->reason : "running");
		/* Woken sooner by the end of a check or deploy command this process runs: it is looked at at once. */
		promote__process_wait((uint32_t)(deadline - now < next ? deadline - now : next));
	}
}
