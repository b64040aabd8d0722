/*
 * libpromote — library initialisation and run-time version.
 */
#ifndef PROMOTE_GLOBAL_H
#define PROMOTE_GLOBAL_H

#include "common.h"

PROMOTE_BEGIN_DECL

/*
 * Initialise the library. Reference counted and thread-safe: every call
 * needs a matching promote_shutdown(). libgit2 (and, with the network
 * layer, libcurl) is initialised on first use, not here, and released by
 * the last promote_shutdown().
 * Returns the number of initialisations now in force (>= 1), or a negative
 * error code.
 */
PROMOTE_EXTERN(int) promote_init(void);

/* Undo one promote_init(). Returns the initialisations still in force
 * (0 when the library was released), or a negative error code. */
PROMOTE_EXTERN(int) promote_shutdown(void);

/* The run-time version; any pointer may be NULL. Returns 0. */
PROMOTE_EXTERN(int) promote_version(int *major, int *minor, int *rev);

/* The run-time version as "MAJOR.MINOR.PATCH"; static, never NULL. */
PROMOTE_EXTERN(const char *) promote_version_string(void);

PROMOTE_END_DECL

#endif
