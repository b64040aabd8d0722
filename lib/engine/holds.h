/*
 * Internal: holds and rollback pins — what stops automatic steps into an
 * environment (every product, or one) until a person lifts it. They live in
 * the repository, as the record at refs/promote/holds (a JSON document, one
 * commit per change, moved by compare-and-swap and pushed like a release's
 * record), so every watcher on every machine sees the same holds; the
 * ref's history says who held and who lifted what, and when (each commit's
 * author and message).
 *
 * Readers elsewhere: `promote status` lists them (promote__holds_read,
 * promote__hold_json);
 * `promote watch` polls again a release that waits on a hold when the ref
 * moves (promote__holds_read's `tip`, or the public promote_hold_list_*).
 */
#ifndef PROMOTE_ENGINE_HOLDS_H
#define PROMOTE_ENGINE_HOLDS_H

#include "core/common.h"
#include "core/json_util.h"
#include "git/repo.h"

#include <git2.h>
#include <promote.h>

#define PROMOTE__HOLDS_REF PROMOTE__GIT_HOLDS_REF
#define PROMOTE__HOLDS_MAX (1u << 20)

struct promote_hold {
	int kind;           /* a promote_hold_kind */
	char *environment;
	char *product;      /* NULL: every product (a hold only) */
	char *reason;       /* a hold's reason; a pin's "rollback" */
	char *by;           /* who: the author identity of the change */
	int64_t at;         /* when (the context's clock) */
	char *version;      /* a pin: the version pinned */
	char *release;      /* a pin: the rollback release that made it */
};

typedef struct promote__holds {
	struct promote_hold *items;
	size_t count;
	git_oid tip;        /* the record's commit (zero when there is none) */
} promote__holds;

/* The holds as this context's repository session sees them (after its last
 * fetch); none (count 0) when there is no record. */
int promote__holds_read(promote__holds *out, promote_context *ctx);
void promote__holds_dispose(promote__holds *holds);

/* One entry as the record writes it: {"kind": "hold"|"pin", "environment", "product" (null: every
 * product), "reason", "by", "at" (RFC 3339, UTC), and a pin's "version" and "release"}; NULL when out of
 * memory. */
json_object *promote__hold_json(const struct promote_hold *h);

/* The hold or pin that stops an automatic step of `product` into `env`: an
 * environment-wide hold first, then the product's hold, then its pin; NULL
 * when none does. */
const struct promote_hold *promote__holds_match(const promote__holds *holds, const char *env, const char *product);

/*
 * Change the record by compare-and-swap: add (or replace) `add` (may be
 * NULL; its strings copied, its `by` and `at` filled here), after removing
 * every entry of `env` and `product` whose kind is in `remove_kinds` (bits
 * 1 << kind). *removed (may be NULL): how many were removed. `by` NULL: the
 * author identity git finds (identity.h). The commit's message says `what`.
 */
int promote__holds_change(size_t *removed, promote_context *ctx, const char *env, const char *product,
	unsigned remove_kinds, const struct promote_hold *add, const char *by, const char *what);

/* A person promoted `product` into `env` explicitly: lift the rollback pin there, if any. */
int promote__holds_unpin(promote_context *ctx, const char *env, const char *product, const char *by);

#endif
