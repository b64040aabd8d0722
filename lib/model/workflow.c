/* The lookups the release engine makes: workflows by name, a product's flow. */
#include "workflow.h"
#include "checks.h"

#include <string.h>

const promote__workflow *promote__workflow_find(const promote_context *ctx, const char *name)
{
	return ctx && name ? promote__config_workflow(&ctx->cfg, name) : NULL;
}

const promote_product *promote__product_config(const promote_context *ctx, const char *name)
{
	const promote__config *cfg = &ctx->cfg;
	const promote_product *discovery = NULL;
	for (size_t i = 0; i < cfg->product_count; i++) {
		if (strcmp(cfg->products[i].name, name) == 0)
			return &cfg->products[i];
		if (cfg->products[i].discovery)
			discovery = &cfg->products[i];
	}
	return discovery;
}

int promote__product_flow(const promote_flow **out, const promote_context *ctx, const char *product)
{
	if (!out || !ctx || !product)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : "product");
	const promote_product *p = promote__product_config(ctx, product);
	return promote_flow_lookup(out, ctx, p && p->flow_count ? p->flows[0].name : NULL);
}
