/*
 * Internal: values from outside that end up in what the library writes —
 * a commit message and its trailers, a change request's title, a label, a
 * reference name. One line break in a version would forge a trailer
 * ("1.5.0\nPromote-Environment: prod"); an empty one would write `tag: ""`.
 * So such a value is one line of text: not empty, at most a bound, without
 * control characters (C0, DEL, and the C1 range encoded in UTF-8).
 *
 * The _problem functions say what is wrong, for callers that report it with
 * a location (the configuration loader); the _check functions set the error.
 */
#ifndef PROMOTE_CORE_VALUE_H
#define PROMOTE_CORE_VALUE_H

#include "common.h"

/* The longest version: a container tag is at most 128 bytes, a semantic
 * version with build metadata or a digest may be longer; a change branch
 * "promote/PRODUCT/VERSION/ENV" must still fit a reference name. */
#define PROMOTE__VERSION_MAX 1024
/* The longest name of a product or an environment. */
#define PROMOTE__NAME_MAX 128
/* The longest one-line title or label (of a change request): a merge's
 * message holds it whole, so only the bound of a message limits it. */
#define PROMOTE__TITLE_MAX (64 * 1024)

/* NULL when `value` is one line of 1 to `max` bytes without control
 * characters; else what is wrong, a literal: "is empty", "holds a line
 * break", "holds a control character", "is too long". */
const char *promote__value_problem(const char *value, size_t max);

/* 0, or PROMOTE_EINVALID with a message naming `what` ("the version"),
 * showing the value with its control characters escaped, and what is
 * allowed. */
int promote__value_check(const char *what, const char *value, size_t max);

/* `value` made printable for a message: control characters as \n, \t,
 * \xNN; a value longer than 1024 bytes (longer than any name or version)
 * is cut there, with "..." to say so. A new string (NULL when out of
 * memory). */
char *promote__value_shown(const char *value);

#endif
