/*
 * libpromote — holds and rollback pins: what stops automatic steps.
 *
 * A hold stops every automatic step into an environment (product NULL), or
 * the steps of one product into it, until it is lifted: the step stays
 * pending with the reason "held by NAME: TEXT". A pin is what a rollback
 * leaves: automatic releases of that product into that environment wait
 * ("pinned at 1.3.2 by rollback ID") until the pin is lifted
 * (promote_hold_remove() with the product) or a person promotes a version
 * there explicitly (a one-step release, promote_release_options.to).
 * Holds and pins stop automatic steps only: a one-step release (flow
 * "manual", `promote apply`) is a person's explicit promotion and goes
 * through them.
 *
 * They live in the repository, at refs/promote/holds (a JSON document, one
 * commit per change, moved by compare-and-swap and pushed like a release's
 * record), so every process on every machine sees the same ones; that
 * ref's history says who held, who lifted, and when.
 */
#ifndef PROMOTE_HOLD_H
#define PROMOTE_HOLD_H

#include "common.h"
#include "release.h"

PROMOTE_BEGIN_DECL

typedef struct promote_hold promote_hold;
typedef struct promote_hold_list promote_hold_list;

/* What an entry is. The values are fixed; new kinds are only appended. */
typedef enum promote_hold_kind {
	PROMOTE_HOLD_HOLD = 0,  /* promote_hold_add(): a person's hold */
	PROMOTE_HOLD_PIN = 1    /* promote_release_rollback(): the version rolled back to */
} promote_hold_kind;

/*
 * Hold automatic steps into `env` (`product` NULL: of every product) with
 * `reason` (required), as `by` (NULL: the author git finds for commits,
 * $PROMOTE_AUTHOR_NAME first). A hold of the same environment and product
 * is replaced. PROMOTE_ENOTFOUND for an unknown environment or product;
 * PROMOTE_EINVALID for an empty reason; the errors of writing a record
 * (PROMOTE_ECONFLICT, PROMOTE_ENET, ...).
 */
PROMOTE_EXTERN(int) promote_hold_add(promote_context *ctx, const char *env, const char *product, const char *reason,
	const char *by);

/*
 * Lift the hold of `env` and `product` (NULL: the environment-wide hold);
 * with a product, its pin too. *removed (may be NULL): how many entries
 * went. PROMOTE_ENOTFOUND when there was none (nothing written).
 */
PROMOTE_EXTERN(int) promote_hold_remove(size_t *removed, promote_context *ctx, const char *env, const char *product,
	const char *by);

/* The holds and pins recorded in the context's repository, oldest first. */
PROMOTE_EXTERN(int) promote_hold_list_new(promote_hold_list **out, promote_context *ctx);
PROMOTE_EXTERN(size_t) promote_hold_list_count(const promote_hold_list *list);
/* Borrowed from the list; NULL when out of range. */
PROMOTE_EXTERN(const promote_hold *) promote_hold_list_at(const promote_hold_list *list, size_t index);
PROMOTE_EXTERN(void) promote_hold_list_free(promote_hold_list *list);

/* A promote_hold_kind. */
PROMOTE_EXTERN(int) promote_hold_kind_of(const promote_hold *hold);
PROMOTE_EXTERN(const char *) promote_hold_environment(const promote_hold *hold);
/* NULL for an environment-wide hold. */
PROMOTE_EXTERN(const char *) promote_hold_product(const promote_hold *hold);
PROMOTE_EXTERN(const char *) promote_hold_reason(const promote_hold *hold);
PROMOTE_EXTERN(const char *) promote_hold_by(const promote_hold *hold);
/* Seconds since the epoch, on the clock of the context that wrote it. */
PROMOTE_EXTERN(int64_t) promote_hold_at(const promote_hold *hold);
/* A pin: the version and the rollback release; NULL for a hold. */
PROMOTE_EXTERN(const char *) promote_hold_version(const promote_hold *hold);
PROMOTE_EXTERN(const char *) promote_hold_release(const promote_hold *hold);

/*
 * Roll `product` in `env` back: start a one-step release (flow "manual")
 * promoting `version` into `env` — NULL: the version before the current
 * one, from the release history (the newest release of the product that
 * succeeded into `env` with another version than `env` holds now) — and
 * pin it there, so that automatic releases of the product into `env` wait
 * until the pin is lifted. `opts` as for promote_release_start() (`to`,
 * `set_version`, `flow` are set here; `force` and `reason` pass through).
 * The release is only started: advance it as any other. PROMOTE_ENOTFOUND
 * when there is no version to go back to; the errors of
 * promote_release_start() and of promote_hold_add().
 */
PROMOTE_EXTERN(int) promote_release_rollback(promote_release **out, promote_context *ctx, const char *product,
	const char *env, const char *version, const promote_release_options *opts);

PROMOTE_END_DECL

#endif
