/* The growth of a typed array (see array.h). */
#include "array.h"

#include "error.h"
#include "growth.h"

static int too_large(size_t size, size_t extra, size_t elem_size)
{
	return promote__error(PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY,
		"a list of %zu elements cannot grow by %zu more of %zu bytes: the size does not fit in memory",
		size, extra, elem_size);
}

int promote__array_grow(void *ptrp, size_t *alloc, size_t size, size_t extra, size_t elem_size)
{
	size_t cap = promote__grown_capacity(*alloc, size, extra, elem_size);
	if (cap == *alloc)
		return 0;
	if (cap == 0)
		return too_large(size, extra, elem_size);
	void *old;
	memcpy(&old, ptrp, sizeof old);
	void *grown = realloc(old, cap * elem_size);
	if (!grown)
		return promote__error_oom();
	memcpy(ptrp, &grown, sizeof grown);
	*alloc = cap;
	return 0;
}

void promote__array_shrink(void *ptrp, size_t *alloc, size_t size, size_t elem_size)
{
	void *old;
	memcpy(&old, ptrp, sizeof old);
	if (!old || size == 0 || size >= *alloc)
		return;
	void *shrunk = realloc(old, size * elem_size);
	if (!shrunk)
		return;
	memcpy(ptrp, &shrunk, sizeof shrunk);
	*alloc = size;
}
