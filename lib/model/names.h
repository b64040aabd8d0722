/*
 * Internal: configuration objects found by name. Every schema struct's first
 * member is its name, so one function serves environments, products,
 * policies, flows and repositories.
 */
#ifndef PROMOTE_MODEL_NAMES_H
#define PROMOTE_MODEL_NAMES_H

#include "core/common.h"

/*
 * PROMOTE_ENOTFOUND for `name`, suggesting the closest of `count` objects at
 * `items`, `stride` bytes apart, whose first member is their name (true of
 * every schema struct).
 */
int promote__error_unknown(const char *noun, const char *name, const void *items, size_t count, size_t stride);

/*
 * Find the object named `name` among such objects: 0 and *out set, or
 * PROMOTE_ENOTFOUND (with a suggestion) and *out NULL. `function` names the
 * public entry point for argument errors.
 */
int promote__lookup_named(const void **out, const char *function, const char *noun, const void *items,
	size_t count, size_t stride, const char *name);

/* The closest name to `word` among such objects, or NULL. */
const char *promote__closest_name(const char *word, const void *items, size_t count, size_t stride);

#endif
