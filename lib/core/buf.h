/* Internal: growing a promote_buf (always NUL-terminated once written). */
#ifndef PROMOTE_CORE_BUF_H
#define PROMOTE_CORE_BUF_H

#include "common.h"

/* Append `len` bytes; PROMOTE_ENOMEM (error set) on failure. */
int promote__buf_put(promote_buf *buf, const char *data, size_t len);
int promote__buf_puts(promote_buf *buf, const char *s);
int promote__buf_putc(promote_buf *buf, char c);
/* Make room for `extra` more bytes. */
int promote__buf_grow(promote_buf *buf, size_t extra);
/* Empty it, keeping the allocation. */
void promote__buf_clear(promote_buf *buf);

/* `text` with every placeholder names[i] ("{env}") replaced by values[i];
 * anything else kept as it is. A new string, or NULL (error set) when out of
 * memory. */
char *promote__expand(const char *text, const char *const *names, const char *const *values, size_t count);

#endif
