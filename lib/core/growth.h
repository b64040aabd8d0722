/*
 * Internal: how far a growable array grows — one computation shared by
 * array.c and by error.c (which cannot use array.h: the array reports its
 * failures through error.c).
 */
#ifndef PROMOTE_CORE_GROWTH_H
#define PROMOTE_CORE_GROWTH_H

#include <stddef.h>
#include <stdint.h>

/* The capacity, in elements of `elem_size` bytes, that holds `size + extra`
 * elements: `alloc` doubled (from 8) until it does, so that appending one
 * at a time costs amortised constant time. `alloc` itself when it already
 * holds them; 0 when the count or its size in bytes would overflow size_t. */
static inline size_t promote__grown_capacity(size_t alloc, size_t size, size_t extra, size_t elem_size)
{
	if (extra <= alloc - size)
		return alloc;
	if (extra > SIZE_MAX - size)
		return 0;
	size_t need = size + extra, cap = alloc ? alloc : 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return 0;
		cap *= 2;
	}
	return cap > SIZE_MAX / elem_size ? 0 : cap;
}

#endif
