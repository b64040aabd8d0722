/* Public accessors for products and their templates. */
#include "context.h"

#include <string.h>

size_t promote_product_count(const promote_context *ctx)
{
	return ctx ? ctx->cfg.product_count : 0;
}

const promote_product *promote_product_at(const promote_context *ctx, size_t index)
{
	return ctx && index < ctx->cfg.product_count ? &ctx->cfg.products[index] : NULL;
}

int promote_product_lookup(const promote_product **out, const promote_context *ctx, const char *name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	const void *found = NULL;
	int rc = promote__lookup_named(&found, __func__, "product", ctx->cfg.products, ctx->cfg.product_count, sizeof *ctx->cfg.products, name);
	*out = found;
	return rc;
}

const char *promote_product_name(const promote_product *p) { return p ? p->name : NULL; }
const char *promote_product_path(const promote_product *p) { return p ? p->path : NULL; }
int promote_product_is_discovery(const promote_product *p) { return p && p->discovery ? 1 : 0; }
const char *promote_product_template_name(const promote_product *p) { return p && p->tmpl ? p->tmpl->name : NULL; }

size_t promote_product_file_count(const promote_product *p) { return p && p->tmpl ? p->tmpl->file_count : 0; }

const char *promote_product_file_at(const promote_product *p, size_t index)
{
	return index < promote_product_file_count(p) ? p->tmpl->files[index].name : NULL;
}

size_t promote_product_attribute_count(const promote_product *p)
{
	return p && p->tmpl ? p->tmpl->attribute_count : 0;
}

const char *promote_product_attribute_file_at(const promote_product *p, size_t index)
{
	return index < promote_product_attribute_count(p) ? p->tmpl->attributes[index].file : NULL;
}

const char *promote_product_attribute_path_at(const promote_product *p, size_t index)
{
	return index < promote_product_attribute_count(p) ? p->tmpl->attributes[index].path : NULL;
}

const char *promote_product_version_file(const promote_product *p) { return p && p->tmpl ? p->tmpl->version_file : NULL; }
const char *promote_product_version_path(const promote_product *p) { return p && p->tmpl ? p->tmpl->version_path : NULL; }
size_t promote_product_flow_count(const promote_product *p) { return p ? p->flow_count : 0; }

const char *promote_product_flow_at(const promote_product *p, size_t index)
{
	return p && index < p->flow_count ? p->flows[index].name : NULL;
}
