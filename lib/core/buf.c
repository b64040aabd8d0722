/* promote_buf and promote_strarray: memory handed to callers. */
#include "buf.h"

#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int promote__buf_grow(promote_buf *buf, size_t extra)
{
	if (extra > SIZE_MAX / 2 - buf->size)
		return promote__error_oom();
	size_t need = buf->size + extra + 1;
	if (buf->reserved >= need)
		return 0;
	/* A first write takes what it needs (a copy of a file is often all a buffer ever holds); growing
	 * doubles. */
	size_t cap = buf->reserved ? buf->reserved : need > 64 ? need : 64;
	while (cap < need)
		cap *= 2;
	/* A borrowed pointer (reserved 0) is copied, never reallocated. */
	char *p = buf->reserved ? realloc(buf->ptr, cap) : malloc(cap);
	if (!p)
		return promote__error_oom();
	if (!buf->reserved && buf->ptr && buf->size)
		memcpy(p, buf->ptr, buf->size);
	buf->ptr = p;
	buf->reserved = cap;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int promote__buf_put(promote_buf *buf, const char *data, size_t len)
{
	int rc = promote__buf_grow(buf, len);
	if (rc)
		return rc;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int promote__buf_puts(promote_buf *buf, const char *s)
{
	return promote__buf_put(buf, s, strlen(s));
}

int promote__buf_putc(promote_buf *buf, char c)
{
	return promote__buf_put(buf, &c, 1);
}

void promote__buf_clear(promote_buf *buf)
{
	buf->size = 0;
	if (buf->ptr && buf->reserved)
		buf->ptr[0] = '\0';
}

char *promote__expand(const char *text, const char *const *names, const char *const *values, size_t count)
{
	promote_buf out = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&out, "");
	for (const char *p = text; rc == 0 && *p;) {
		size_t i = 0;
		while (i < count && strncmp(p, names[i], strlen(names[i])) != 0)
			i++;
		if (i < count) {
			rc = promote__buf_puts(&out, values[i]);
			p += strlen(names[i]);
		} else {
			rc = promote__buf_putc(&out, *p++);
		}
	}
	if (rc) {
		promote_buf_dispose(&out);
		return NULL;
	}
	return out.ptr;
}
