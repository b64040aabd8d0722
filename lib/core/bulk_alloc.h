/*
 * Internal: a large buffer whose pages are made present in one call. A
 * buffer of several hundred KiB (a folder of 10,000 applications is a tree
 * of 360 KiB, read and copied at each commit of a release) comes from a
 * fresh mapping, and its first write to each page is a page fault. Where a
 * fault is dear (on this project's virtual machines, 8 to 15 µs each: 90 of
 * them per such buffer), one madvise(MADV_POPULATE_WRITE) makes them present
 * in less than half the time. Elsewhere it costs one system call; on a
 * kernel before 5.14 it does nothing.
 */
#ifndef PROMOTE_CORE_BULK_ALLOC_H
#define PROMOTE_CORE_BULK_ALLOC_H

#include "common.h"

/* From this size on, promote__bulk_alloc() populates the buffer. */
#define PROMOTE__BULK_MIN ((size_t)64 << 10)

/* malloc(size) (size 0: 1 byte), its whole pages populated for writing when it is
 * PROMOTE__BULK_MIN bytes or more; free() frees it. NULL out of memory. */
void *promote__bulk_alloc(size_t size);

#endif
