/*
 * The checks of a configuration that concern releases: workflows named by
 * policies, deploy backends to run them, products' flows, and flows that
 * route through a never environment.
 */
#include "checks.h"
#include "names.h"

#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define ERROR_AT(errors, where, ...) \
	promote__errlist_add((errors), PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, (where), __VA_ARGS__)

const promote__workflow *promote__config_workflow(const promote__config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->workflow_count; i++)
		if (strcmp(cfg->workflows[i].name, name) == 0)
			return &cfg->workflows[i];
	return NULL;
}

bool promote__policy_matches_env(const promote_policy *p, const promote_env *env)
{
	bool ok = p->match_env_count == 0;
	for (size_t i = 0; i < p->match_env_count && !ok; i++)
		ok = strcmp(p->match_envs[i].name, env->name) == 0;
	if (!ok || (p->match_kind >= 0 && p->match_kind != env->kind))
		return false;
	for (size_t i = 0; i < p->match_label_count; i++) {
		const char *value = promote_env_label(env, p->match_labels[i].key);
		if (!value || strcmp(value, p->match_labels[i].value) != 0)
			return false;
	}
	return true;
}

bool promote__env_has_backend(const promote_env *env)
{
	return env->deploy_backend.name && strcmp(env->deploy_backend.name, "none") != 0;
}

/* ---- validation ------------------------------------------------------ */

/* The workflows of one field (pre or post) of a policy. */
typedef struct field {
	const char *name;                 /* "pre", "post" */
	int bit;                          /* PROMOTE_POLICY_FIELD_* */
	const char *const *names;
	const promote__location *where;
	size_t count;
} field;

static field field_of(const promote_policy *p, bool post)
{
	return post ? (field){ "post", PROMOTE_POLICY_FIELD_POST, p->post, p->post_where, p->post_count }
		    : (field){ "pre", PROMOTE_POLICY_FIELD_PRE, p->pre, p->pre_where, p->pre_count };
}

static bool check_names(const promote__config *cfg, promote__errlist *errors, const promote_policy *p)
{
	bool ok = true;
	for (int post = 0; post < 2; post++) {
		field f = field_of(p, post);
		for (size_t i = 0; i < f.count; i++) {
			if (promote__config_workflow(cfg, f.names[i]))
				continue;
			ok = false;
			const char *best = promote__closest_name(f.names[i], cfg->workflows, cfg->workflow_count,
				sizeof *cfg->workflows);
			if (best)
				ERROR_AT(errors, &f.where[i], "policy '%s' names unknown workflow '%s' in '%s' (did you mean "
					"'%s'?); define it under 'workflows'", p->name, f.names[i], f.name, best);
			else
				ERROR_AT(errors, &f.where[i], "policy '%s' names unknown workflow '%s' in '%s'; define it under "
					"'workflows', e.g. 'workflows: {%s: {run: [./checks/%s.sh, \"{env}\"]}}'", p->name,
					f.names[i], f.name, f.names[i], f.names[i]);
		}
	}
	return ok;
}

static void no_backend(promote__errlist *errors, const promote_policy *p, const field *f, const promote_env *env)
{
	for (size_t i = 0; i < f->count; i++)
		ERROR_AT(errors, &f->where[i], "workflow '%s' of policy '%s' would run in environment '%s', which has no "
			"deploy backend to run it: give %s `deploy: {backend: exec, ...}`", f->names[i], p->name, env->name,
			env->name);
}

/* Workflows the environment's built-in backend cannot run: exec runs `run`, argocd submits a
 * `workflowTemplate` to the Argo Workflows server of its `argoWorkflows`. A backend of another name
 * is the program's own: what it runs is its business. */
static void unrunnable(const promote__config *cfg, promote__errlist *errors, const promote_policy *p, const field *f,
	const promote_env *env)
{
	const char *backend = env->deploy_backend.name;
	bool exec = strcmp(backend, "exec") == 0, argocd = strcmp(backend, "argocd") == 0;
	for (size_t i = 0; i < f->count; i++) {
		const promote__workflow *w = promote__config_workflow(cfg, f->names[i]);
		if (!w)
			continue;
		if (exec && !w->argv)
			ERROR_AT(errors, &f->where[i], "workflow '%s' of policy '%s' would run in environment '%s', whose "
				"backend exec runs a command, but it has no 'run'; give it one, e.g. 'run: [./checks/%s.sh, "
				"\"{env}\"]'", w->name, p->name, env->name, w->name);
		else if (argocd && !w->workflow_template)
			ERROR_AT(errors, &f->where[i], "workflow '%s' of policy '%s' would run in environment '%s', whose "
				"backend argocd submits an Argo Workflows WorkflowTemplate, but it has no 'workflowTemplate'; "
				"give it one, e.g. 'workflowTemplate: %s'", w->name, p->name, env->name, w->name);
		else if (argocd && !env->argocd.workflows_server)
			ERROR_AT(errors, &f->where[i], "workflow '%s' of policy '%s' would be submitted to Argo Workflows "
				"from environment '%s', which names no Argo Workflows server: give %s's deploy "
				"'argoWorkflows: {server: https://argo-workflows.example.com}'", w->name, p->name, env->name,
				env->name);
	}
}

/* A policy that beats `p` for `env` on field `bit` whatever the product. */
static bool shadowed(const promote__config *cfg, const promote_policy *p, const promote_env *env, int bit)
{
	for (size_t i = 0; i < cfg->policy_count; i++) {
		const promote_policy *q = &cfg->policies[i];
		bool stronger = q->priority > p->priority || (q->priority == p->priority && q->order < p->order);
		if (q != p && stronger && (q->sets & PROMOTE__SETS(bit)) && q->match_product_count == 0 &&
			promote__policy_matches_env(q, env))
			return true;
	}
	return false;
}

/* The workflows a top-level policy names meet every environment it selects
 * (unless a stronger policy replaces them there for every product). */
static void check_backends(const promote__config *cfg, promote__errlist *errors, const promote_policy *p)
{
	for (int post = 0; post < 2; post++) {
		field f = field_of(p, post);
		for (size_t e = 0; f.count && e < cfg->env_count; e++) {
			const promote_env *env = &cfg->envs[e];
			if (!promote__policy_matches_env(p, env) || shadowed(cfg, p, env, f.bit))
				continue;
			if (!promote__env_has_backend(env))
				no_backend(errors, p, &f, env);
			else
				unrunnable(cfg, errors, p, &f, env);
		}
	}
}

static void check_product_flows(const promote__config *cfg, promote__errlist *errors)
{
	for (size_t i = 0; i < cfg->product_count; i++) {
		const promote_product *p = &cfg->products[i];
		for (size_t j = 0; j < p->flow_count; j++) {
			const promote__ref *ref = &p->flows[j];
			bool found = false;
			for (size_t k = 0; k < cfg->flow_count && !found; k++)
				found = strcmp(cfg->flows[k].name, ref->name) == 0;
			if (found)
				continue;
			const char *best = promote__closest_name(ref->name, cfg->flows, cfg->flow_count, sizeof *cfg->flows);
			ERROR_AT(errors, &ref->where, "product '%s' names unknown flow '%s' in 'flows'%s%s%s; define it under "
				"'flows'", p->name, ref->name, best ? " (did you mean '" : "", best ? best : "",
				best ? "'?)" : "");
		}
	}
}

void promote__model_validate_workflows(promote__config *cfg, promote__errlist *errors)
{
	for (size_t i = 0; i < cfg->policy_count; i++)
		if (check_names(cfg, errors, &cfg->policies[i]))
			check_backends(cfg, errors, &cfg->policies[i]);
	for (size_t i = 0; i < cfg->flow_count; i++) {
		const promote_flow *flow = &cfg->flows[i];
		for (size_t s = 0; s < flow->step_count; s++) {
			const promote_flow_step *step = &flow->steps[s];
			if (!step->policy || !check_names(cfg, errors, step->policy) || !step->env)
				continue;
			for (int post = 0; post < 2; post++) {
				field f = field_of(step->policy, post);
				if (promote__env_has_backend(step->env))
					unrunnable(cfg, errors, step->policy, &f, step->env);
				else
					no_backend(errors, step->policy, &f, step->env);
			}
		}
	}
	check_product_flows(cfg, errors);
}

/* ---- warnings -------------------------------------------------------- */

/* Mark every step that waits, directly or not, for the environment of step `from`. */
static void mark_dependents(const promote_flow *flow, size_t from, bool *blocked)
{
	blocked[from] = true;
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t s = 0; s < flow->step_count; s++) {
			for (size_t d = 0; !blocked[s] && d < flow->steps[s].dep_count; d++)
				for (size_t t = 0; t < flow->step_count; t++)
					if (blocked[t] && flow->steps[t].env == flow->steps[s].deps[d]) {
						blocked[s] = grew = true;
						break;
					}
		}
	}
	blocked[from] = false;
}

static void warn_never(const promote_flow *flow, size_t s, const bool *blocked, promote__errlist *warnings)
{
	promote__strbuf list;
	promote__strbuf_init(&list, PROMOTE__MESSAGE_MAX, "the steps after a never environment");
	int rc = 0;
	size_t count = 0;
	for (size_t t = 0; rc == 0 && t < flow->step_count; t++)
		if (blocked[t])
			rc = promote__strbuf_addf(&list, "%s%s", count++ ? ", " : "", flow->steps[t].env->name);
	const promote_flow_step *step = &flow->steps[s];
	if (rc)
		promote__errlist_add(warnings, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
	else
		promote__errlist_add(warnings, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, &step->env_ref.where,
			"flow '%s' routes through environment '%s', whose strategy is never: a release always skips it, so "
			"the step%s after it (%s) can never run; make '%s' manual (promoted on approval) or let the "
			"step%s depend on another environment", flow->name, step->env->name, count == 1 ? "" : "s",
			promote__strbuf_cstr(&list), step->env->name, count == 1 ? "" : "s");
	promote__strbuf_free(&list);
}

void promote__model_warnings(const promote__config *cfg, promote__errlist *warnings)
{
	for (size_t i = 0; i < cfg->flow_count; i++) {
		const promote_flow *flow = &cfg->flows[i];
		bool *blocked = flow->step_count ? calloc(flow->step_count, sizeof *blocked) : NULL;
		if (flow->step_count && !blocked) {
			promote__errlist_add(warnings, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
			return;
		}
		for (size_t s = 0; s < flow->step_count; s++) {
			if (!flow->steps[s].env || flow->steps[s].env->strategy != PROMOTE_STRATEGY_NEVER)
				continue;
			memset(blocked, 0, flow->step_count * sizeof *blocked);
			mark_dependents(flow, s, blocked);
			bool any = false;
			for (size_t t = 0; t < flow->step_count && !any; t++)
				any = blocked[t];
			if (any)
				warn_never(flow, s, blocked, warnings);
		}
		free(blocked);
	}
}
