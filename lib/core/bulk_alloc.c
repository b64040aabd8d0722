/* Large buffers populated in one call (bulk_alloc.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "bulk_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void *promote__bulk_alloc(size_t size)
{
	void *p = malloc(size ? size : 1);
#ifdef MADV_POPULATE_WRITE
	if (p && size >= PROMOTE__BULK_MIN) {
		/* The pages wholly inside the buffer: what is around them may be another allocation's. */
		uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
		uintptr_t from = ((uintptr_t)p + page - 1) & ~(page - 1), to = ((uintptr_t)p + size) & ~(page - 1);
		if (to > from)
			(void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
	}
#endif
	return p;
}
