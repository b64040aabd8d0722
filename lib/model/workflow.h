/*
 * Internal: what the release engine looks up in the configuration beyond
 * the public accessors — workflows by name, and the flow a product's
 * releases run.
 */
#ifndef PROMOTE_MODEL_WORKFLOW_H
#define PROMOTE_MODEL_WORKFLOW_H

#include "context.h"

/* The workflow named `name` (under `workflows:`), or NULL. Its timeout_s
 * is 0 when not given (the default, 10 minutes: promote__workflow_timeout()). */
const promote__workflow *promote__workflow_find(const promote_context *ctx, const char *name);

/* The configuration of product `name`: the product of that name, else the
 * discovery product "*" (which stands for any other name), else NULL. */
const promote_product *promote__product_config(const promote_context *ctx, const char *name);

/* The flow a release of product `product` runs when no flow is named: the
 * first of the product's `flows:` (a product without one of its own uses
 * the discovery product "*"'s), else "default", else the only flow.
 * PROMOTE_ENOTFOUND (with the reason in promote_error_last()) when there is
 * none. */
int promote__product_flow(const promote_flow **out, const promote_context *ctx, const char *product);

#endif
