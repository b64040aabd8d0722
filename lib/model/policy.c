/* Policies: accessors, selection and the field-by-field merge. */
#include "context.h"
#include "checks.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

struct promote_effective_policy {
	promote_context *ctx;               /* kept alive while this lives */
	const promote_policy *source[3];    /* per promote_policy_field; NULL = built-in default */
	const promote_policy **matches;
	size_t match_count;
};

size_t promote_policy_count(const promote_context *ctx)
{
	return ctx ? ctx->cfg.policy_count : 0;
}

const promote_policy *promote_policy_at(const promote_context *ctx, size_t index)
{
	return ctx && index < ctx->cfg.policy_count ? &ctx->cfg.policies[index] : NULL;
}

int promote_policy_lookup(const promote_policy **out, const promote_context *ctx, const char *name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	const void *found = NULL;
	int rc = promote__lookup_named(&found, __func__, "policy", ctx->cfg.policies, ctx->cfg.policy_count, sizeof *ctx->cfg.policies, name);
	*out = found;
	return rc;
}

const char *promote_policy_name(const promote_policy *p) { return p ? p->name : NULL; }
int promote_policy_is_inline(const promote_policy *p) { return p && p->is_inline ? 1 : 0; }
int32_t promote_policy_priority(const promote_policy *p) { return p ? p->priority : 0; }

int promote_policy_sets(const promote_policy *p, int field)
{
	return p && field >= 0 && field <= PROMOTE_POLICY_FIELD_POST && (p->sets & PROMOTE__SETS(field)) ? 1 : 0;
}

int promote_policy_action(const promote_policy *p) { return p ? p->action : PROMOTE_ACTION_UNSET; }
size_t promote_policy_pre_count(const promote_policy *p) { return p ? p->pre_count : 0; }
const char *promote_policy_pre_at(const promote_policy *p, size_t i) { return p && i < p->pre_count ? p->pre[i] : NULL; }
size_t promote_policy_post_count(const promote_policy *p) { return p ? p->post_count : 0; }
const char *promote_policy_post_at(const promote_policy *p, size_t i) { return p && i < p->post_count ? p->post[i] : NULL; }

size_t promote_policy_match_product_count(const promote_policy *p) { return p ? p->match_product_count : 0; }

const char *promote_policy_match_product_at(const promote_policy *p, size_t i)
{
	return p && i < p->match_product_count ? p->match_products[i] : NULL;
}

size_t promote_policy_match_env_count(const promote_policy *p) { return p ? p->match_env_count : 0; }

const char *promote_policy_match_env_at(const promote_policy *p, size_t i)
{
	return p && i < p->match_env_count ? p->match_envs[i].name : NULL;
}

int promote_policy_match_kind(const promote_policy *p) { return p ? p->match_kind : -1; }
size_t promote_policy_match_label_count(const promote_policy *p) { return p ? p->match_label_count : 0; }

const char *promote_policy_match_label_key_at(const promote_policy *p, size_t i)
{
	return p && i < p->match_label_count ? p->match_labels[i].key : NULL;
}

const char *promote_policy_match_label_value_at(const promote_policy *p, size_t i)
{
	return p && i < p->match_label_count ? p->match_labels[i].value : NULL;
}

int promote_policy_matches(const promote_policy *p, const char *product, const promote_env *env)
{
	if (!p || !product || !env)
		return 0;
	if (p->is_inline)
		return 0; /* selected by its flow step, never by matching */
	bool ok = p->match_product_count == 0;
	for (size_t i = 0; i < p->match_product_count && !ok; i++)
		ok = fnmatch(p->match_products[i], product, 0) == 0;
	return ok && promote__policy_matches_env(p, env) ? 1 : 0;
}

/* Higher priority first; equal priority: declared first wins. */
static int by_precedence(const void *a, const void *b)
{
	const promote_policy *x = *(const promote_policy *const *)a, *y = *(const promote_policy *const *)b;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

static bool product_known(const promote_context *ctx, const char *product)
{
	for (size_t i = 0; i < ctx->cfg.product_count; i++)
		if (ctx->cfg.products[i].discovery || strcmp(ctx->cfg.products[i].name, product) == 0)
			return true;
	return false;
}

int promote_policy_resolve(promote_effective_policy **out, promote_context *ctx, const char *product,
	const char *env_name, const char *flow_name)
{
	if (!out || !ctx || !product || !env_name)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : !product ? "product" : "env");
	*out = NULL;
	const promote_env *env;
	int rc = promote_env_lookup(&env, ctx, env_name);
	if (rc)
		return rc;
	if (!product_known(ctx, product))
		return promote__error_unknown("product", product, ctx->cfg.products, ctx->cfg.product_count,
			sizeof *ctx->cfg.products);
	const promote_policy *step_policy = NULL;
	if (flow_name) {
		const promote_flow *flow;
		const promote_flow_step *step;
		if ((rc = promote_flow_lookup(&flow, ctx, flow_name)) || (rc = promote_flow_step_lookup(&step, flow, env_name)))
			return rc;
		step_policy = step->policy;
	}
	promote_effective_policy *eff = calloc(1, sizeof *eff);
	if (!eff || !(eff->matches = malloc((ctx->cfg.policy_count + 1) * sizeof *eff->matches))) {
		free(eff);
		return promote__error_oom();
	}
	if (step_policy)
		eff->matches[eff->match_count++] = step_policy;
	size_t first_matching = eff->match_count;
	for (size_t i = 0; i < ctx->cfg.policy_count; i++) {
		bool matches = promote_policy_matches(&ctx->cfg.policies[i], product, env);
		promote__log(ctx, PROMOTE_LOG_TRACE, "policy", "policy '%s' %s %s in %s", ctx->cfg.policies[i].name,
			matches ? "matches" : "does not match", product, env_name);
		if (matches)
			eff->matches[eff->match_count++] = &ctx->cfg.policies[i];
	}
	qsort(eff->matches + first_matching, eff->match_count - first_matching, sizeof *eff->matches, by_precedence);
	for (int field = PROMOTE_POLICY_FIELD_ACTION; field <= PROMOTE_POLICY_FIELD_POST; field++)
		for (size_t i = 0; i < eff->match_count && !eff->source[field]; i++)
			if (eff->matches[i]->sets & PROMOTE__SETS(field))
				eff->source[field] = eff->matches[i];
	eff->ctx = ctx;
	promote__context_ref(ctx);
	promote__log(ctx, PROMOTE_LOG_DEBUG, "policy", "%s in %s: %zu matching policies", product, env_name,
		eff->match_count);
	*out = eff;
	return 0;
}

void promote_effective_policy_free(promote_effective_policy *eff)
{
	if (!eff)
		return;
	promote__context_unref(eff->ctx);
	free(eff->matches);
	free(eff);
}

int promote_effective_policy_action(const promote_effective_policy *eff)
{
	if (!eff)
		return PROMOTE_ACTION_UNSET;
	const promote_policy *p = eff->source[PROMOTE_POLICY_FIELD_ACTION];
	return p ? p->action : PROMOTE_ACTION_COMMIT;
}

size_t promote_effective_policy_pre_count(const promote_effective_policy *eff)
{
	return eff ? promote_policy_pre_count(eff->source[PROMOTE_POLICY_FIELD_PRE]) : 0;
}

const char *promote_effective_policy_pre_at(const promote_effective_policy *eff, size_t index)
{
	return eff ? promote_policy_pre_at(eff->source[PROMOTE_POLICY_FIELD_PRE], index) : NULL;
}

size_t promote_effective_policy_post_count(const promote_effective_policy *eff)
{
	return eff ? promote_policy_post_count(eff->source[PROMOTE_POLICY_FIELD_POST]) : 0;
}

const char *promote_effective_policy_post_at(const promote_effective_policy *eff, size_t index)
{
	return eff ? promote_policy_post_at(eff->source[PROMOTE_POLICY_FIELD_POST], index) : NULL;
}

const promote_policy *promote_effective_policy_source(const promote_effective_policy *eff, int field)
{
	return eff && field >= 0 && field <= PROMOTE_POLICY_FIELD_POST ? eff->source[field] : NULL;
}

size_t promote_effective_policy_match_count(const promote_effective_policy *eff)
{
	return eff ? eff->match_count : 0;
}

const promote_policy *promote_effective_policy_match_at(const promote_effective_policy *eff, size_t index)
{
	return eff && index < eff->match_count ? eff->matches[index] : NULL;
}
