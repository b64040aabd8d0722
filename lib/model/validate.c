/* Cross-references and flow graphs: what the loader cannot check alone. */
#include "validate.h"
#include "validate_layouts.h"
#include "names.h"
#include "checks.h"

#include "core/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct validator {
	promote__config *cfg;
	promote__errlist *errors;
	long *step_of_env; /* for the flow being checked: environment index -> step index, or -1 */
} validator;

#define ERROR_AT(v, where, ...) \
	promote__errlist_add((v)->errors, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, (where), __VA_ARGS__)

static void out_of_memory(validator *v)
{
	promote__errlist_add(v->errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
}

/* A label for messages ("step 'qa' of flow 'default'"), built whole in `sb`
 * (a long name is never cut); "?" when memory ran out, which is reported. */
static const char *label(validator *v, promote__strbuf *sb, const char *fmt, ...) PROMOTE_PRINTF(3, 4);
static const char *label(validator *v, promote__strbuf *sb, const char *fmt, ...)
{
	promote__strbuf_reset(sb);
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	if (rc == 0)
		return promote__strbuf_cstr(sb);
	out_of_memory(v);
	return "?";
}

static const promote_env *find_env(const promote__config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->env_count; i++)
		if (strcmp(cfg->envs[i].name, name) == 0)
			return &cfg->envs[i];
	return NULL;
}

/* The environment a reference names, or NULL after reporting it. */
static const promote_env *resolve_env(validator *v, const promote__ref *ref, const char *what)
{
	const promote_env *env = find_env(v->cfg, ref->name);
	if (env)
		return env;
	const char *best = promote__closest_name(ref->name, v->cfg->envs, v->cfg->env_count, sizeof *v->cfg->envs);
	if (best)
		ERROR_AT(v, &ref->where, "%s names unknown environment '%s' (did you mean '%s'?)", what, ref->name, best);
	else
		ERROR_AT(v, &ref->where, "%s names unknown environment '%s'; define it under 'environments'", what,
			ref->name);
	return NULL;
}

static void resolve_repositories(validator *v)
{
	promote__config *cfg = v->cfg;
	for (size_t i = 0; i < cfg->env_count; i++) {
		promote_env *env = &cfg->envs[i];
		env->repository = cfg->repository_count ? &cfg->repositories[0] : NULL;
		if (!env->repository_ref.name)
			continue;
		env->repository = NULL;
		for (size_t j = 0; j < cfg->repository_count && !env->repository; j++)
			if (strcmp(cfg->repositories[j].name, env->repository_ref.name) == 0)
				env->repository = &cfg->repositories[j];
		if (env->repository)
			continue;
		const char *best = promote__closest_name(env->repository_ref.name, cfg->repositories,
			cfg->repository_count, sizeof *cfg->repositories);
		ERROR_AT(v, &env->repository_ref.where,
			"environment '%s' names unknown repository '%s'%s%s%s; define it under 'repositories'", env->name,
			env->repository_ref.name, best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
	}
}

static void resolve_templates(validator *v)
{
	promote__config *cfg = v->cfg;
	for (size_t i = 0; i < cfg->product_count; i++) {
		promote_product *p = &cfg->products[i];
		if (!p->template_ref.name)
			continue;
		for (size_t j = 0; j < cfg->template_count && !p->tmpl; j++)
			if (strcmp(cfg->templates[j].name, p->template_ref.name) == 0)
				p->tmpl = &cfg->templates[j];
		if (p->tmpl)
			continue;
		const char *best = promote__closest_name(p->template_ref.name, cfg->templates, cfg->template_count,
			sizeof *cfg->templates);
		ERROR_AT(v, &p->template_ref.where,
			"product '%s' uses unknown template '%s'%s%s%s; define it under 'templates' or write the "
			"template inline", p->name, p->template_ref.name, best ? " (did you mean '" : "",
			best ? best : "", best ? "'?)" : "");
	}
}

static void resolve_policies(validator *v)
{
	for (size_t i = 0; i < v->cfg->policy_count; i++) {
		promote_policy *p = &v->cfg->policies[i];
		promote__strbuf what;
		promote__strbuf_init(&what, PROMOTE__MESSAGE_MAX, "a label for a message");
		for (size_t j = 0; j < p->match_env_count; j++)
			resolve_env(v, &p->match_envs[j], label(v, &what, "policy '%s'", p->name));
		promote__strbuf_free(&what);
	}
}

static void resolve_notifications(validator *v)
{
	promote__strbuf what;
	promote__strbuf_init(&what, PROMOTE__MESSAGE_MAX, "a label for a message");
	for (size_t i = 0; i < v->cfg->notification_count; i++) {
		const promote__notification *n = &v->cfg->notifications[i];
		for (size_t j = 0; j < n->environment_count; j++)
			resolve_env(v, &n->environments[j], label(v, &what, "'environments' of notification '%s'", n->name));
	}
	promote__strbuf_free(&what);
}

/* ---- flows ----------------------------------------------------------- */

static long step_index(const validator *v, const promote_env *env)
{
	return env ? v->step_of_env[env - v->cfg->envs] : -1;
}

/*
 * Resolve trigger, steps and dependencies. Returns false on any problem;
 * *graph_ok says whether every step resolved, so cycles can still be looked for.
 */
static bool resolve_flow(validator *v, promote_flow *flow, bool *graph_ok)
{
	promote__strbuf what;
	promote__strbuf_init(&what, PROMOTE__MESSAGE_MAX, "a label for a message");
	bool ok = true;
	if (flow->trigger_ref.name && !(flow->trigger = resolve_env(v, &flow->trigger_ref,
						label(v, &what, "the trigger of flow '%s'", flow->name))))
		ok = false;
	if (!flow->trigger_ref.name || flow->step_count == 0)
		ok = false;
	for (size_t i = 0; i < flow->step_count; i++) {
		promote_flow_step *step = &flow->steps[i];
		if (!(step->env = resolve_env(v, &step->env_ref, label(v, &what, "a step of flow '%s'", flow->name)))) {
			ok = false;
			*graph_ok = false;
			continue;
		}
		if (v->step_of_env[step->env - v->cfg->envs] < 0)
			v->step_of_env[step->env - v->cfg->envs] = (long)i;
		if (step->env == flow->trigger) {
			ERROR_AT(v, &step->env_ref.where,
				"flow '%s' has its trigger '%s' as a step; a flow promotes out of its trigger, remove "
				"the step", flow->name, step->env->name);
			ok = false;
			*graph_ok = false;
		}
	}
	for (size_t i = 0; i < flow->step_count; i++) {
		promote_flow_step *step = &flow->steps[i];
		size_t n = step->depends_count ? step->depends_count : 1;
		step->deps = promote__arena_alloc(v->cfg->arena, n * sizeof *step->deps);
		if (!step->deps) {
			promote__strbuf_free(&what);
			return false;
		}
		if (step->depends_count == 0) {
			if (flow->trigger)
				step->deps[step->dep_count++] = flow->trigger;
			continue;
		}
		for (size_t j = 0; j < step->depends_count; j++) {
			const promote__ref *ref = &step->depends_refs[j];
			const promote_env *dep = resolve_env(v, ref,
				label(v, &what, "step '%s' of flow '%s'", step->env_ref.name, flow->name));
			if (!dep) {
				ok = false;
				continue;
			}
			if (dep == step->env && step->env) {
				ERROR_AT(v, &ref->where, "step '%s' of flow '%s' depends on itself; remove '%s' from its "
					"dependsOn", step->env->name, flow->name, dep->name);
				ok = false;
				continue;
			}
			if (dep != flow->trigger && step_index(v, dep) < 0) {
				ERROR_AT(v, &ref->where,
					"step '%s' of flow '%s' depends on '%s', which is neither the trigger nor a step of "
					"the flow; add '%s' under steps or depend on an existing step",
					step->env_ref.name, flow->name, dep->name, dep->name);
				ok = false;
				continue;
			}
			bool seen = false;
			for (size_t k = 0; k < step->dep_count && !seen; k++)
				seen = step->deps[k] == dep;
			if (!seen)
				step->deps[step->dep_count++] = dep;
		}
	}
	promote__strbuf_free(&what);
	return ok;
}

/*
 * Depth-first walk over the steps (iterative: flows can be large). Reports a
 * cycle at every back edge it meets, so each tangle of steps is named at
 * least once (not every cycle through it); in a graph without cycles, gives each step its wave: 0 when it
 * waits only for the trigger, else one more than its latest dependency.
 */
static bool walk_graph(validator *v, promote_flow *flow)
{
	size_t n = flow->step_count;
	enum { WHITE, GREY, BLACK };
	unsigned char *color = calloc(n, 1);
	size_t *stack = malloc(n * sizeof *stack);      /* steps on the current path */
	size_t *next_dep = calloc(n, sizeof *next_dep); /* which dependency to visit next */
	bool complete = color && stack && next_dep;
	bool cycle = false;
	for (size_t root = 0; complete && root < n; root++) {
		if (color[root] != WHITE)
			continue;
		size_t depth = 0;
		stack[depth++] = root;
		color[root] = GREY;
		while (depth) {
			size_t s = stack[depth - 1];
			promote_flow_step *step = &flow->steps[s];
			if (next_dep[s] == step->dep_count) {
				color[s] = BLACK;
				step->wave = 0;
				for (size_t j = 0; j < step->dep_count; j++) {
					long d = step_index(v, step->deps[j]);
					if (d >= 0 && flow->steps[d].wave + 1 > step->wave)
						step->wave = flow->steps[d].wave + 1;
				}
				depth--;
				continue;
			}
			long d = step_index(v, step->deps[next_dep[s]++]);
			if (d < 0 || color[d] == BLACK)
				continue;
			if (color[d] == WHITE) {
				color[d] = GREY;
				stack[depth++] = (size_t)d;
				continue;
			}
			/* A back edge s -> d: the cycle is d ... s on the path, then d again, named whole. */
			promote__strbuf text;
			promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the steps of a cycle");
			size_t from = depth;
			while (from > 0 && stack[from - 1] != (size_t)d)
				from--;
			int rc = 0;
			for (size_t k = from - 1; rc == 0 && k < depth; k++)
				rc = promote__strbuf_addf(&text, "%s → ", flow->steps[stack[k]].env->name);
			if (rc == 0)
				rc = promote__strbuf_adds(&text, flow->steps[d].env->name);
			if (rc)
				out_of_memory(v);
			const promote__ref *where = &step->env_ref;
			for (size_t k = 0; k < step->depends_count; k++)
				if (strcmp(step->depends_refs[k].name, flow->steps[d].env->name) == 0)
					where = &step->depends_refs[k];
			ERROR_AT(v, &where->where,
				"flow '%s' has a cycle: %s; a step cannot wait for itself, remove one of these "
				"dependencies", flow->name, rc == 0 ? promote__strbuf_cstr(&text) : "?");
			promote__strbuf_free(&text);
			cycle = true; /* keep walking: every other cycle is reported too */
		}
	}
	free(color);
	free(stack);
	free(next_dep);
	if (!complete)
		out_of_memory(v);
	return complete && !cycle;
}

/* Steps sorted by wave, declaration order within a wave (a counting sort). */
static void order_waves(validator *v, promote_flow *flow)
{
	size_t n = flow->step_count;
	for (size_t i = 0; i < n; i++)
		if (flow->steps[i].wave + 1 > flow->wave_count)
			flow->wave_count = flow->steps[i].wave + 1;
	flow->order = promote__arena_alloc(v->cfg->arena, n * sizeof *flow->order);
	flow->wave_start = promote__arena_alloc(v->cfg->arena, (flow->wave_count + 1) * sizeof *flow->wave_start);
	if (!flow->order || !flow->wave_start) {
		out_of_memory(v);
		return;
	}
	for (size_t i = 0; i < n; i++)
		flow->wave_start[flow->steps[i].wave + 1]++;
	for (size_t w = 0; w < flow->wave_count; w++)
		flow->wave_start[w + 1] += flow->wave_start[w];
	size_t *fill = calloc(flow->wave_count, sizeof *fill);
	if (!fill) {
		out_of_memory(v);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t w = flow->steps[i].wave;
		flow->order[flow->wave_start[w] + fill[w]++] = &flow->steps[i];
	}
	free(fill);
}

static void validate_flows(validator *v)
{
	size_t envs = v->cfg->env_count;
	v->step_of_env = malloc((envs ? envs : 1) * sizeof *v->step_of_env);
	if (!v->step_of_env) {
		out_of_memory(v);
		return;
	}
	for (size_t i = 0; i < v->cfg->flow_count; i++) {
		promote_flow *flow = &v->cfg->flows[i];
		for (size_t e = 0; e < envs; e++)
			v->step_of_env[e] = -1;
		bool graph_ok = true;
		bool resolved = resolve_flow(v, flow, &graph_ok);
		bool acyclic = graph_ok && walk_graph(v, flow);
		if (resolved && acyclic)
			order_waves(v, flow);
	}
	free(v->step_of_env);
	v->step_of_env = NULL;
}

void promote__model_validate(promote__config *cfg, promote__errlist *errors)
{
	validator v = { cfg, errors, NULL };
	resolve_repositories(&v);
	resolve_templates(&v);
	promote__model_validate_layouts(cfg, errors);
	resolve_policies(&v);
	resolve_notifications(&v);
	validate_flows(&v);
	promote__model_validate_workflows(cfg, errors);
}
