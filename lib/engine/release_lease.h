/*
 * Internal: the lease of an environment for a product — which release may be
 * past `pending` there. It is a record of its own,
 * refs/promote/leases/PRODUCT/ENV, holding the id of the release that took
 * it last; a release takes it (a compare-and-swap, pushed at once for a
 * remote) in the same poll, before the transition that starts its step, so
 * that of two processes starting steps of two releases into one
 * environment at once exactly one wins. The lease is free again when the
 * release it names has no open step there: its step there finished, or the
 * release did, or its record is gone; nobody gives it back.
 */
#ifndef PROMOTE_ENGINE_RELEASE_LEASE_H
#define PROMOTE_ENGINE_RELEASE_LEASE_H

#include "release_model.h"

/* Take the lease of r's product in `env` for r. *holder NULL: taken (or held by r already, taken again
 * as r's anew); else the id of the release that holds it (malloc'd) and nothing was written. */
int promote__lease_take(char **holder, const promote_release *r, const char *env);

/* Nothing to take the lease of `subject` in `env` for (a sync with nothing to write): a lock a run
 * left on it after its update is not left for the next one — removed when that update finished, else
 * reported as any stale lock (locks.h). */
int promote__lease_settle(promote_context *ctx, const char *subject, const char *env);

/* The id of the release the lease of `product` in `env` names ("" when none: malloc'd). */
int promote__lease_read(char **holder, promote_context *ctx, const char *product, const char *env);

#endif
