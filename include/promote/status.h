/*
 * libpromote — status: every product × environment at a glance.
 *
 * One table, read from the repository alone (what `promote status` prints
 * and a web view serves): a row per product, a cell per environment, each
 * cell holding the version the environment has (its template's version
 * attribute on the environment's branch), the open release moving the
 * product there — its state, and the state and reason of its step into that
 * environment — and the hold and rollback pin that stop automatic steps
 * there (hold.h).
 *
 * The rows are every configured product and every product a discovery
 * product ("*") finds in any environment, sorted by name; the columns are the
 * context's environments in configuration order. Versions are read at the
 * tips of the environments' branches; the open releases (running or
 * waiting) are read once from refs/promote/releases/ and the holds once
 * from refs/promote/holds, each indexed by product, so the cost grows with
 * the products shown and the releases recorded, not with their product.
 *
 * A promote_status is a snapshot, owned by the caller (promote_status_free())
 * and keeping its context alive. Cells, and the releases, steps and holds
 * they point to, are borrowed from it and valid until it is freed.
 */
#ifndef PROMOTE_STATUS_H
#define PROMOTE_STATUS_H

#include "common.h"
#include "buffer.h"
#include "release.h"
#include "hold.h"

PROMOTE_BEGIN_DECL

typedef struct promote_status promote_status;
typedef struct promote_status_cell promote_status_cell;

/* Initialise with PROMOTE_STATUS_OPTIONS_INIT or promote_status_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_status_options {
	uint32_t version;
	uint32_t reserved;
	/* Only the products whose name matches this glob ("shop", "app-0*",
	 * "*-api"; '*' '?' '[...]' as git's wildmatch); NULL: every product. */
	const char *product;
	/* Only this environment (PROMOTE_ENOTFOUND when there is none); NULL: every one. */
	const char *environment;
} promote_status_options;

#define PROMOTE_STATUS_OPTIONS_VERSION 1
#define PROMOTE_STATUS_OPTIONS_INIT { PROMOTE_STATUS_OPTIONS_VERSION, 0, NULL, NULL }

PROMOTE_EXTERN(int) promote_status_options_init(promote_status_options *opts, unsigned int version);

/*
 * Read the status of the context's repository: the versions at the
 * environments' branches as the repository session has them (a remote
 * repository is fetched once, when the session opens), the open releases,
 * and the holds and pins. PROMOTE_ESTATE for a context without a
 * repository, PROMOTE_ENOTFOUND for an unknown environment, the errors of
 * reading the repository, a release record or the record of holds. A
 * version file that cannot be read as YAML does not fail the call: its cell
 * says why (promote_status_cell_error()).
 */
PROMOTE_EXTERN(int) promote_status_new(promote_status **out, promote_context *ctx, const promote_status_options *opts);
/* NULL is fine. */
PROMOTE_EXTERN(void) promote_status_free(promote_status *status);

/* The columns: environment names, owned by the status. NULL out of range. */
PROMOTE_EXTERN(size_t) promote_status_environment_count(const promote_status *status);
PROMOTE_EXTERN(const char *) promote_status_environment_at(const promote_status *status, size_t index);

/* The rows: product names, sorted, owned by the status. NULL out of range. */
PROMOTE_EXTERN(size_t) promote_status_product_count(const promote_status *status);
PROMOTE_EXTERN(const char *) promote_status_product_at(const promote_status *status, size_t index);

/* The cell of row `product` and column `environment`; NULL out of range. */
PROMOTE_EXTERN(const promote_status_cell *) promote_status_cell_at(const promote_status *status, size_t product,
	size_t environment);

/* 1 when the product's folder is on the environment's branch, else 0. */
PROMOTE_EXTERN(int) promote_status_cell_present(const promote_status_cell *cell);
/* The version the environment holds; NULL when the product is not there, its
 * template names no version attribute, or its file does not hold it. */
PROMOTE_EXTERN(const char *) promote_status_cell_version(const promote_status_cell *cell);
/* Why the version could not be read (a version file that is no valid YAML,
 * with file:line:column); NULL when nothing went wrong. */
PROMOTE_EXTERN(const char *) promote_status_cell_error(const promote_status_cell *cell);

/*
 * The open release (running or waiting) moving the product in this
 * environment: one with a step into it that has not succeeded; NULL when
 * none. When several are, the one whose step is furthest along (past
 * pending), else the oldest. Read it with the promote_release_* accessors
 * (it cannot be advanced: open it by id for that); borrowed from the status.
 */
PROMOTE_EXTERN(const promote_release *) promote_status_cell_release(const promote_status_cell *cell);
/* That release's step into this environment (promote_release_step_state(),
 * _reason(), ...); NULL when there is no release. */
PROMOTE_EXTERN(const promote_release_step *) promote_status_cell_step(const promote_status_cell *cell);
/* How many other open releases have a step into this environment that has
 * not succeeded (they wait behind the one above). */
PROMOTE_EXTERN(size_t) promote_status_cell_waiting(const promote_status_cell *cell);

/*
 * The hold that stops automatic steps of the product into this environment:
 * the environment's own (every product; promote_hold_product() NULL) first,
 * else the product's — as a step's reason says "held by NAME: TEXT". NULL
 * when none. Read it with the promote_hold_* accessors; borrowed from the
 * status.
 */
PROMOTE_EXTERN(const promote_hold *) promote_status_cell_hold(const promote_status_cell *cell);
/* The rollback pin of the product in this environment (promote_hold_version():
 * the version pinned, promote_hold_release(): the rollback); NULL when none.
 * Borrowed from the status. */
PROMOTE_EXTERN(const promote_hold *) promote_status_cell_pin(const promote_status_cell *cell);

/* Every hold and pin on the columns — of every product (also when no row is
 * shown), or of a product that has a row — in the order they were recorded
 * (oldest first). Borrowed from the status; NULL out of range. */
PROMOTE_EXTERN(size_t) promote_status_hold_count(const promote_status *status);
PROMOTE_EXTERN(const promote_hold *) promote_status_hold_at(const promote_status *status, size_t index);

/* The status as JSON (doc/OPERATIONS.md, "The JSON of promote status"), into a new buffer the caller disposes. */
PROMOTE_EXTERN(int) promote_status_to_json(promote_buf *out, const promote_status *status);

PROMOTE_END_DECL

#endif
