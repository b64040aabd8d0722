/* Internal: a bump allocator. A loaded configuration lives in one arena and
 * is released at once, so the model needs no per-object free functions. */
#ifndef PROMOTE_CORE_ARENA_H
#define PROMOTE_CORE_ARENA_H

#include "common.h"

typedef struct promote__arena promote__arena;

promote__arena *promote__arena_new(void);
void promote__arena_free(promote__arena *arena);
/* Zeroed, aligned for any type; NULL when out of memory. */
void *promote__arena_alloc(promote__arena *arena, size_t size);
/* A NUL-terminated copy of `len` bytes of `s`. */
char *promote__arena_strndup(promote__arena *arena, const char *s, size_t len);
char *promote__arena_strdup(promote__arena *arena, const char *s);
/* A copy of `count` elements of `size` bytes (NULL for count 0). */
void *promote__arena_memdup(promote__arena *arena, const void *src, size_t count, size_t size);

#endif
