/*
 * Internal: the library's run-time state — the promote_init() reference
 * count, and the libraries that the layers above start through core without
 * core knowing them (libgit2, libcurl), after libgit2's runtime.c.
 *
 * A layer describes what it starts as a promote__subsystem and calls
 * promote__subsystem_need() before its first use of the library. The table
 * of every subsystem, in start order, is given to promote__runtime_init() by
 * lib/libpromote.c (promote_init()); the last promote__runtime_shutdown()
 * shuts down, in reverse order, those that were started. So core includes
 * neither git2.h nor curl.h.
 */
#ifndef PROMOTE_CORE_GLOBAL_H
#define PROMOTE_CORE_GLOBAL_H

#include "common.h"

/* A library started on first use. */
typedef struct promote__subsystem {
	const char *name;         /* "libgit2", for messages */
	int (*init)(void);        /* 0, or a negative code with the error set */
	void (*shutdown)(void);   /* undo init; may be NULL */
} promote__subsystem;

/* The most subsystems a table may list. */
#define PROMOTE__SUBSYSTEMS_MAX 8

/* Count one more user (the table is kept from the first one on: the same
 * table every time). The new count, or a negative code. Thread-safe. */
int promote__runtime_init(const promote__subsystem *const *table, size_t count);

/* Count one user less; the last one shuts down, in reverse table order, the
 * subsystems that were started. The remaining count, or PROMOTE_ESTATE when
 * there was no user. Thread-safe. */
int promote__runtime_shutdown(void);

/* True between promote_init() and the matching promote_shutdown(). */
bool promote__initialized(void);

/*
 * Start `s` (one entry of the table) if it is not started yet: 0, its init's
 * error (it is tried again at the next call), or PROMOTE_ESTATE when the
 * library is not initialised. Thread-safe: init runs once, under the lock.
 */
int promote__subsystem_need(const promote__subsystem *s);

/* Whether `s` is started (and not shut down since). Thread-safe: a start under way is waited for. */
bool promote__subsystem_started(const promote__subsystem *s);

#endif
