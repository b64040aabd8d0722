/* promote_buf and promote_strarray: memory handed to callers. */
#include "common.h"

#include <stdlib.h>

void promote_buf_dispose(promote_buf *buf)
{
	if (!buf)
		return;
	if (buf->reserved)
		free(buf->ptr);
	buf->ptr = NULL;
	buf->reserved = 0;
	buf->size = 0;
}

void promote_strarray_dispose(promote_strarray *array)
{
	if (!array)
		return;
	for (size_t i = 0; i < array->count; i++)
		free(array->strings[i]);
	free(array->strings);
	array->strings = NULL;
	array->count = 0;
}
