/*
 * libpromote — strings and string lists the library hands to the caller.
 *
 * The caller never calls free() on library memory: a promote_buf is
 * released with promote_buf_dispose(), a promote_strarray with
 * promote_strarray_dispose().
 */
#ifndef PROMOTE_BUFFER_H
#define PROMOTE_BUFFER_H

#include "common.h"

PROMOTE_BEGIN_DECL

/* A NUL-terminated byte string: `size` bytes at `ptr` (the NUL not counted).
 * `reserved` is the allocation size; 0 means `ptr` is not owned. */
typedef struct promote_buf {
	char *ptr;
	size_t reserved;
	size_t size;
} promote_buf;

#define PROMOTE_BUF_INIT { NULL, 0, 0 }

/* Release the memory and reset the buffer to PROMOTE_BUF_INIT. NULL is fine. */
PROMOTE_EXTERN(void) promote_buf_dispose(promote_buf *buf);

/* A list of NUL-terminated strings. */
typedef struct promote_strarray {
	char **strings;
	size_t count;
} promote_strarray;

#define PROMOTE_STRARRAY_INIT { NULL, 0 }

/* Release every string and the array; reset it. NULL is fine. */
PROMOTE_EXTERN(void) promote_strarray_dispose(promote_strarray *array);

PROMOTE_END_DECL

#endif
