/*
 * Internal: versioned option structs and vtables (STYLE.md). Their first
 * member is `uint32_t version`; a caller's version from 1 to the current
 * one is accepted (fields only ever appended), a newer one refused.
 */
#ifndef PROMOTE_CORE_OPTIONS_H
#define PROMOTE_CORE_OPTIONS_H

#include "common.h"

/* PROMOTE_EVERSION (error set, naming `what`) unless 1 <= version <= current. */
int promote__version_check(unsigned version, unsigned current, const char *what);

/* The body of every *_init(opts, version): check, copy `size` bytes of
 * `defaults` — the size the caller's `version` of the struct has, never more:
 * an older caller's struct is shorter — and set the version. `function` names
 * the caller for a NULL `opts`. */
int promote__options_init(void *opts, const void *defaults, size_t size, unsigned version, unsigned current,
	const char *what, const char *function);

#endif
