/*
 * Internal: a typed growable array.
 *
 *     typedef PROMOTE__ARRAY(char *) strings;
 *     strings names = PROMOTE__ARRAY_INIT;
 *     if ((rc = promote__array_push(&names, copy)) < 0)
 *         ...
 *     for (size_t i = 0; i < names.size; i++)
 *         ... names.ptr[i] ...
 *     promote__array_free(&names);   // the elements are the caller's to free first
 *
 * The capacity doubles (from 8), every size computation checked for
 * overflow; a failure is PROMOTE_ENOMEM with the error set, and leaves the
 * array as it was. The macros evaluate their array argument more than once:
 * pass a plain `&variable` or `&s->field`.
 */
#ifndef PROMOTE_CORE_ARRAY_H
#define PROMOTE_CORE_ARRAY_H

#include "common.h"

#include <stdlib.h>
#include <string.h>

/* The type of an array of `type`: give it a name with typedef, since two
 * anonymous struct types are never compatible. */
#define PROMOTE__ARRAY(type) struct { type *ptr; size_t size; size_t alloc; }
#define PROMOTE__ARRAY_INIT { NULL, 0, 0 }

/* Make room for `extra` more elements of `elem_size` bytes beyond `size`.
 * `ptrp` is the address of the array's `ptr` member (of any object pointer
 * type, which all share void *'s representation on the platforms we build
 * for). 0, or PROMOTE_ENOMEM with the error set and nothing changed. */
PROMOTE_WARN_UNUSED int promote__array_grow(void *ptrp, size_t *alloc, size_t size, size_t extra,
	size_t elem_size);

/* The memory beyond `size` elements given back (a list kept long once complete: thousands of them
 * grown from 8 each). Nothing changes when the allocator cannot: no error. */
void promote__array_shrink(void *ptrp, size_t *alloc, size_t size, size_t elem_size);

#define promote__array_trim(a) promote__array_shrink(&(a)->ptr, &(a)->alloc, (a)->size, sizeof(*(a)->ptr))

/* Room for `n` more elements without another allocation: 0 or PROMOTE_ENOMEM. */
#define promote__array_reserve(a, n) \
	promote__array_grow(&(a)->ptr, &(a)->alloc, (a)->size, (n), sizeof(*(a)->ptr))

/* Append `value`: 0 or PROMOTE_ENOMEM (error set; the array unchanged). */
#define promote__array_push(a, value) \
	(promote__array_reserve((a), 1) < 0 ? PROMOTE_ENOMEM : ((a)->ptr[(a)->size++] = (value), 0))

/* Append one zeroed element and return its address, or NULL (error set). */
#define promote__array_alloc(a) \
	(promote__array_reserve((a), 1) < 0 ? NULL \
		: memset(&(a)->ptr[(a)->size++], 0, sizeof(*(a)->ptr)))

/* The address of element `i`, or NULL past the end. */
#define promote__array_get(a, i) ((size_t)(i) < (a)->size ? &(a)->ptr[(i)] : NULL)

/* The last element's address, or NULL when empty. */
#define promote__array_last(a) ((a)->size ? &(a)->ptr[(a)->size - 1] : NULL)

/* Release the storage (not what the elements point to); empty and usable again. */
#define promote__array_free(a) \
	do { \
		free((a)->ptr); \
		(a)->ptr = NULL; \
		(a)->size = (a)->alloc = 0; \
	} while (0)

#endif
