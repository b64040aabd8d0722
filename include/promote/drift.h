/*
 * libpromote — drift: which products differ between environments.
 *
 * A drift compares environments two by two — A, the environment a product
 * comes from, and B, the one it goes to: one pair named by the caller, or
 * every edge of the default flow (each step's environment against each
 * environment it depends on, the trigger's edges first, in the flow's
 * waves) — and says of every product in A or B where B stands: equal,
 * behind or ahead of A, missing from B, or only in B. The versions are those
 * promote_status_new() reads (status.h: each environment's branch tip, the
 * product's template's version attribute; configured and discovered
 * products alike), compared as Semantic Versioning 2.0.0 orders them when
 * both are semantic versions (a leading 'v' accepted, build metadata
 * ignored), else as text with numbers in it compared as numbers
 * (doc/DRIFT.md).
 *
 * A promote_drift is a snapshot owned by the caller (promote_drift_free()),
 * keeping its context alive; its rows and strings are borrowed from it.
 */
#ifndef PROMOTE_DRIFT_H
#define PROMOTE_DRIFT_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

typedef struct promote_drift promote_drift;
typedef struct promote_drift_row promote_drift_row;

/* Where B stands against A, for one product. The values are fixed; new ones are only appended. */
typedef enum promote_drift_relation {
	PROMOTE_DRIFT_EQUAL = 0,    /* the same version (semantic versions: the same precedence) */
	PROMOTE_DRIFT_BEHIND = 1,   /* B holds an older version than A: a promotion is due */
	PROMOTE_DRIFT_AHEAD = 2,    /* B holds a newer version than A (a hotfix, or A rolled back) */
	PROMOTE_DRIFT_MISSING = 3,  /* A has the product, B does not */
	PROMOTE_DRIFT_EXTRA = 4,    /* B has the product, A does not */
	PROMOTE_DRIFT_UNKNOWN = 5   /* both have it, but a version could not be read (promote_drift_row_error()) */
} promote_drift_relation;

/* How two versions were compared. */
typedef enum promote_drift_comparison {
	PROMOTE_DRIFT_NOT_COMPARED = 0, /* a version is missing */
	PROMOTE_DRIFT_SEMVER = 1,       /* both are semantic versions */
	PROMOTE_DRIFT_TEXT = 2          /* one is not: text, numbers in it compared as numbers */
} promote_drift_comparison;

/* "equal", "behind", "ahead", "missing", "extra", "unknown"; "none",
 * "semver", "text". Static; "invalid" for a value out of range. */
PROMOTE_EXTERN(const char *) promote_drift_relation_name(int relation);
PROMOTE_EXTERN(const char *) promote_drift_comparison_name(int comparison);

/* Initialise with PROMOTE_DRIFT_OPTIONS_INIT or promote_drift_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_drift_options {
	uint32_t version;
	uint32_t reserved;
	/* Only the products whose name matches this glob ('*' '?' '[...]' as
	 * git's wildmatch); NULL: every product. */
	const char *product;
	/* The pair to compare: A (`from`) and B (`to`), both or neither;
	 * NULL, NULL: every edge of the default flow. */
	const char *from;
	const char *to;
} promote_drift_options;

#define PROMOTE_DRIFT_OPTIONS_VERSION 1
#define PROMOTE_DRIFT_OPTIONS_INIT { PROMOTE_DRIFT_OPTIONS_VERSION, 0, NULL, NULL, NULL }

PROMOTE_EXTERN(int) promote_drift_options_init(promote_drift_options *opts, unsigned int version);

/*
 * Compare the environments of the context's repository (read as
 * promote_status_new() reads it: a remote repository is fetched once).
 * PROMOTE_EINVALID when only one of from and to is given, or both name the
 * same environment; PROMOTE_ENOTFOUND for an unknown environment (with the
 * close name) or, without a pair, when there is no default flow;
 * PROMOTE_ESTATE for a context without a repository; the errors of reading
 * the repository. A version that cannot be read does not fail the call: its
 * row is PROMOTE_DRIFT_UNKNOWN and says why.
 */
PROMOTE_EXTERN(int) promote_drift_new(promote_drift **out, promote_context *ctx, const promote_drift_options *opts);
/* NULL is fine. */
PROMOTE_EXTERN(void) promote_drift_free(promote_drift *drift);

/* The pairs compared, in order: A and B of pair `index`; NULL out of range. */
PROMOTE_EXTERN(size_t) promote_drift_pair_count(const promote_drift *drift);
PROMOTE_EXTERN(const char *) promote_drift_pair_from(const promote_drift *drift, size_t index);
PROMOTE_EXTERN(const char *) promote_drift_pair_to(const promote_drift *drift, size_t index);

/* The rows: pair by pair, products sorted by name within a pair; a product
 * in neither environment of a pair has no row there. NULL out of range. */
PROMOTE_EXTERN(size_t) promote_drift_row_count(const promote_drift *drift);
PROMOTE_EXTERN(const promote_drift_row *) promote_drift_row_at(const promote_drift *drift, size_t index);
/* How many rows are not PROMOTE_DRIFT_EQUAL: 0 when the environments are in sync. */
PROMOTE_EXTERN(size_t) promote_drift_drifted_count(const promote_drift *drift);

PROMOTE_EXTERN(const char *) promote_drift_row_product(const promote_drift_row *row);
/* The environments A and B of the row's pair. */
PROMOTE_EXTERN(const char *) promote_drift_row_from(const promote_drift_row *row);
PROMOTE_EXTERN(const char *) promote_drift_row_to(const promote_drift_row *row);
/* The versions A and B hold; NULL when the product is not there or its version could not be read. */
PROMOTE_EXTERN(const char *) promote_drift_row_from_version(const promote_drift_row *row);
PROMOTE_EXTERN(const char *) promote_drift_row_to_version(const promote_drift_row *row);
/* A promote_drift_relation; -1 for NULL. */
PROMOTE_EXTERN(int) promote_drift_row_relation(const promote_drift_row *row);
/* A promote_drift_comparison; -1 for NULL. */
PROMOTE_EXTERN(int) promote_drift_row_comparison(const promote_drift_row *row);
/* Why a version could not be read (its file is no valid YAML, with file:line:column, or the product's
 * template names no version attribute, or its file does not hold it); NULL unless the relation is
 * PROMOTE_DRIFT_UNKNOWN. */
PROMOTE_EXTERN(const char *) promote_drift_row_error(const promote_drift_row *row);

/* The drift as JSON (doc/DRIFT.md, "JSON"), into a new buffer the caller disposes. */
PROMOTE_EXTERN(int) promote_drift_to_json(promote_buf *out, const promote_drift *drift);

PROMOTE_END_DECL

#endif
