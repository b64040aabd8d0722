/*
 * Internal: versioned option structs and vtables (STYLE.md). Their first
 * member is `uint32_t version`; a caller's version from 1 to the current
 * one is accepted (fields only ever appended), a newer one refused.
 *
 * Each such struct has one table of its sizes, version by version: entry
 * v - 1 is how long the struct was in version v (the offset of the first
 * member version v + 1 appended; sizeof for the current one). Both the
 * *_init() functions and every function that reads a caller's struct go
 * through it, so an older caller's shorter struct is never read or written
 * past its end:
 *
 *     static const size_t sizes[] = { offsetof(promote_x_options, added_in_v2), sizeof(promote_x_options) };
 *     PROMOTE__OPTIONS_SIZES_CHECK(sizes, PROMOTE_X_OPTIONS_VERSION);
 */
#ifndef PROMOTE_CORE_OPTIONS_H
#define PROMOTE_CORE_OPTIONS_H

#include "common.h"

/* The table has one entry per version (its last, sizeof the struct, is the
 * author's to write: array elements are no constant expressions). */
#define PROMOTE__OPTIONS_SIZES_CHECK(sizes, current) \
	_Static_assert(PROMOTE_ARRAY_SIZE(sizes) == (current), #sizes " needs one size per version")

/* PROMOTE_EVERSION (error set, naming `what`) unless 1 <= version <= current. */
int promote__version_check(unsigned version, unsigned current, const char *what);

/* The body of every *_init(opts, version): check, copy the prefix of
 * `defaults` that the caller's `version` of the struct has (sizes[version - 1]
 * bytes, never more: an older caller's struct is shorter), and set the
 * version. `function` names the caller for a NULL `opts`. */
int promote__options_init(void *opts, const void *defaults, const size_t *sizes, unsigned version, unsigned current,
	const char *what, const char *function);

/* Read a caller's struct: `dst` holds the defaults (the whole current
 * struct); check `src`'s version and copy the prefix that version had over
 * them. A NULL `src` leaves the defaults. */
int promote__options_copy(void *dst, const void *src, const size_t *sizes, unsigned current, const char *what);

#endif
