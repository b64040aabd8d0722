/*
 * Internal: matching a path against a glob the way git matches pathspecs
 * and .gitignore patterns (git's wildmatch with WM_PATHNAME):
 *
 *   *        any run of characters except '/'
 *   ?        one character except '/'
 *   [...]    one character of a class: ranges (a-z), negation ([!x] or [^x]),
 *            POSIX classes ([:digit:] ...), '\' escapes; never '/'
 *   **       a whole path component of stars (between slashes, or at
 *            an end of the pattern) stands for any number of folders:
 *            alone it matches every path; leading and followed by a slash
 *            it matches at every depth ("config" at the top too); trailing
 *            after a slash it matches everything inside that folder; between
 *            two slashes it matches zero or more folders ("a/", stars, "/b"
 *            matches a/b, a/x/b, a/x/y/b); anywhere else it is a single '*'
 *   \c       the character c itself
 *
 * The whole path must match. A malformed pattern (an unclosed '[', an
 * unknown [:class:]) matches nothing.
 */
#ifndef PROMOTE_CORE_WILDMATCH_H
#define PROMOTE_CORE_WILDMATCH_H

#include <stdbool.h>

bool promote__wildmatch(const char *pattern, const char *path);

#endif
