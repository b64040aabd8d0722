/* Internal: recording the thread-local error that promote_error_last() returns. */
#ifndef PROMOTE_CORE_ERROR_H
#define PROMOTE_CORE_ERROR_H

#include "common.h"

#include <stdarg.h>

/* An input location; file NULL when there is none. Line and column 1-based. */
typedef struct promote__location {
	const char *file;
	uint32_t line;
	uint32_t column;
} promote__location;

/* Replace the thread's error with one error; returns `code` so callers can
 * `return promote__error(...)`. */
int promote__error(int code, int klass, const char *fmt, ...) PROMOTE_PRINTF(3, 4);

/* The same with an input location; the message gets "file:line:column: ". */
int promote__error_at(int code, int klass, const promote__location *where, const char *fmt, ...)
	PROMOTE_PRINTF(4, 5);

/* Out of memory: a static error that needs no allocation. */
int promote__error_oom(void);

/* A NULL or invalid argument from the caller. */
int promote__error_arg(const char *function, const char *argument);

/*
 * Collects several errors (every problem in a configuration) and then
 * publishes them as the thread's error chain, sorted by location.
 */
typedef struct promote__errlist promote__errlist;

promote__errlist *promote__errlist_new(void);
void promote__errlist_free(promote__errlist *list);
/* Add one error; keeps going on allocation failure (the list notes it). */
void promote__errlist_add(promote__errlist *list, int code, int klass, const promote__location *where,
	const char *fmt, ...) PROMOTE_PRINTF(5, 6);
void promote__errlist_vadd(promote__errlist *list, int code, int klass, const promote__location *where,
	const char *fmt, va_list ap) PROMOTE_PRINTF(5, 0);
size_t promote__errlist_count(const promote__errlist *list);
/* Publish as the thread's error chain (sorted by file, line, column) and
 * return the first error's code; 0 and nothing published when empty. */
int promote__errlist_publish(promote__errlist *list);
/* Or keep them (warnings handed to the caller): sort them the same way and
 * chain them through `next`; PROMOTE_ENOMEM if one could not be added. */
int promote__errlist_seal(promote__errlist *list);
/* The entry at `index` of a sealed list, NULL past the end. */
const promote_error *promote__errlist_at(const promote__errlist *list, size_t index);

#endif
