/* Holds and pins through the public API (include/promote/hold.h): add, remove, list, roll back and pin. */
#include "holds.h"
#include "release_model.h"

#include "model/context.h"
#include "plan/gate.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

struct promote_hold_list {
	promote__holds holds;
};

/* `env` is configured, and `product` (may be NULL) is, or a discovery product may name it. */
static int check_names(promote_context *ctx, const char *env, const char *product)
{
	const promote_env *e = NULL;
	const promote_product *p = NULL;
	int rc = promote_env_lookup(&e, ctx, env);
	if (rc == 0 && product && promote_product_lookup(&p, ctx, product) != 0) {
		bool discovery = false;
		for (size_t i = 0; i < promote_product_count(ctx); i++)
			discovery |= promote_product_is_discovery(promote_product_at(ctx, i)) != 0;
		if (discovery)
			promote_error_clear();
		else
			rc = PROMOTE_ENOTFOUND; /* the lookup's message, with its "did you mean" */
	}
	return rc;
}

int promote_hold_add(promote_context *ctx, const char *env, const char *product, const char *reason, const char *by)
{
	if (!ctx || !env)
		return promote__error_arg(__func__, !ctx ? "ctx" : "env");
	if (!reason || !*reason)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"a hold of %s needs a reason (it is shown on every step it stops)", env);
	int rc = check_names(ctx, env, product);
	if (rc)
		return rc;
	struct promote_hold add = { PROMOTE_HOLD_HOLD, (char *)env, (char *)product, (char *)reason, NULL, 0, NULL, NULL };
	char *what = promote__strdupf("Hold %s%s%s: %s", env, product ? " for " : "", product ? product : "", reason);
	rc = what ? promote__holds_change(NULL, ctx, env, product, 1u << PROMOTE_HOLD_HOLD, &add, by, what)
		: promote__error_oom();
	free(what);
	return rc;
}

int promote_hold_remove(size_t *removed, promote_context *ctx, const char *env, const char *product, const char *by)
{
	if (!ctx || !env)
		return promote__error_arg(__func__, !ctx ? "ctx" : "env");
	int rc = check_names(ctx, env, product);
	char *what = rc ? NULL : promote__strdupf("Unhold %s%s%s", env, product ? " for " : "", product ? product : "");
	size_t n = 0;
	unsigned kinds = 1u << PROMOTE_HOLD_HOLD | (product ? 1u << PROMOTE_HOLD_PIN : 0);
	if (rc == 0 && !what)
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote__holds_change(&n, ctx, env, product, kinds, NULL, by, what);
	free(what);
	if (rc == 0 && n == 0)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_RELEASE, "%s%s%s is not held%s", env,
			product ? " for " : "", product ? product : "",
			product ? "" : " as a whole (a hold or pin of one product is lifted with that product)");
	if (removed)
		*removed = n;
	return rc;
}

int promote_hold_list_new(promote_hold_list **out, promote_context *ctx)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote_hold_list *list = calloc(1, sizeof *list);
	if (!list)
		return promote__error_oom();
	int rc = promote__holds_read(&list->holds, ctx);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	return 0;
}

size_t promote_hold_list_count(const promote_hold_list *list)
{
	return list ? list->holds.count : 0;
}

const promote_hold *promote_hold_list_at(const promote_hold_list *list, size_t index)
{
	return list && index < list->holds.count ? &list->holds.items[index] : NULL;
}

void promote_hold_list_free(promote_hold_list *list)
{
	if (!list)
		return;
	promote__holds_dispose(&list->holds);
	free(list);
}

int promote_hold_kind_of(const promote_hold *hold)
{
	return hold ? hold->kind : -1;
}

const char *promote_hold_environment(const promote_hold *hold)
{
	return hold ? hold->environment : NULL;
}

const char *promote_hold_product(const promote_hold *hold)
{
	return hold ? hold->product : NULL;
}

const char *promote_hold_reason(const promote_hold *hold)
{
	return hold ? hold->reason : NULL;
}

const char *promote_hold_by(const promote_hold *hold)
{
	return hold ? hold->by : NULL;
}

int64_t promote_hold_at(const promote_hold *hold)
{
	return hold ? hold->at : 0;
}

const char *promote_hold_version(const promote_hold *hold)
{
	return hold ? hold->version : NULL;
}

const char *promote_hold_release(const promote_hold *hold)
{
	return hold ? hold->release : NULL;
}

/* ---- rollback ----------------------------------------------------------------------- */

/* Whether `env` holds `product` at `version` now (at its branch's tip). */
static int holds_now(bool *now, promote_context *ctx, const char *product, const char *env, const char *version)
{
	const promote__tree_reader *reader = NULL;
	promote__gate gate;
	memset(&gate, 0, sizeof gate);
	int rc = promote__context_reader(&reader, ctx);
	if (rc == 0)
		rc = promote__plan_gate(&gate, ctx, reader, product, env, version, 1);
	*now = rc == 0 && gate.current;
	promote__gate_dispose(&gate);
	return rc;
}

/* The version before the current one in `env`: the newest release of `product` that succeeded into `env`
 * with a version `env` does not hold now. */
static int previous_version(char **out, promote_context *ctx, const char *product, const char *env)
{
	promote_release_list_options lo = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	lo.product = product;
	promote_release_list *list = NULL;
	int rc = promote_release_list_new(&list, ctx, &lo);
	const char *found = NULL;
	for (size_t i = 0; rc == 0 && !found && i < promote_release_list_count(list); i++) {
		const promote_release *r = promote_release_list_at(list, i);
		const promote_release_step *s = promote_release_step_lookup(r, env);
		bool current = false;
		if (!s || promote_release_step_state(s) != PROMOTE_STEP_SUCCEEDED)
			continue;
		if ((rc = holds_now(&current, ctx, product, env, r->version)) == 0 && !current)
			found = r->version;
	}
	if (rc == 0 && !found)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_RELEASE,
			"no release of %s into %s succeeded with another version than %s holds now: there is no version to "
			"roll back to; name one", product, env, env);
	if (rc == 0 && !(*out = strdup(found)))
		rc = promote__error_oom();
	promote_release_list_free(list);
	return rc;
}

int promote_release_rollback(promote_release **out, promote_context *ctx, const char *product, const char *env,
	const char *version, const promote_release_options *opts)
{
	if (!out || !ctx || !product || !env)
		return promote__error_arg(__func__, !out ? "out" : !ctx ? "ctx" : !product ? "product" : "env");
	*out = NULL;
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	if (opts && opts->version != PROMOTE_RELEASE_OPTIONS_VERSION)
		return promote__error(PROMOTE_EVERSION, PROMOTE_ERROR_CLASS_INVALID,
			"%s: promote_release_options version %u is not known to libpromote", __func__, opts->version);
	if (opts)
		o = *opts;
	char *previous = NULL;
	int rc = check_names(ctx, env, product);
	if (rc == 0 && !version && (rc = previous_version(&previous, ctx, product, env)) == 0)
		version = previous;
	o.to = env;
	o.set_version = version;
	o.flow = NULL;
	promote_release *r = NULL;
	if (rc == 0)
		rc = promote_release_start(&r, ctx, product, &o);
	struct promote_hold pin = { PROMOTE_HOLD_PIN, (char *)env, (char *)product, "rollback", NULL, 0, (char *)version,
		r ? r->id : NULL };
	char *what = rc ? NULL : promote__strdupf("Pin %s at %s in %s: rollback %s", product, version, env, r->id);
	if (rc == 0 && !what)
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote__holds_change(NULL, ctx, env, product, 1u << PROMOTE_HOLD_PIN, &pin, o.author_name, what);
	free(what);
	free(previous);
	if (rc) {
		promote_release_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
