/* The growth of a typed array (see array.h). */
#include "array.h"

#include "error.h"

static int too_large(size_t size, size_t extra, size_t elem_size)
{
	return promote__error(PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY,
		"a list of %zu elements cannot grow by %zu more of %zu bytes: the size does not fit in memory",
		size, extra, elem_size);
}

int promote__array_grow(void *ptrp, size_t *alloc, size_t size, size_t extra, size_t elem_size)
{
	if (extra <= *alloc - size)
		return 0;
	if (extra > SIZE_MAX - size)
		return too_large(size, extra, elem_size);
	size_t need = size + extra;
	size_t cap = *alloc ? *alloc : 8;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return too_large(size, extra, elem_size);
		cap *= 2;
	}
	if (cap > SIZE_MAX / elem_size)
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
