/* A bounded, growing string (see strbuf.h). */
#include "strbuf.h"

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void promote__strbuf_init(promote__strbuf *sb, size_t max, const char *what)
{
	sb->ptr = NULL;
	sb->len = 0;
	sb->alloc = 0;
	/* The NUL and the doubling below must not overflow. */
	sb->max = max < SIZE_MAX / 4 ? max : SIZE_MAX / 4;
	sb->what = what ? what : "a string";
}

static int too_long(const promote__strbuf *sb)
{
	return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_INVALID,
		"%s would be longer than %zu bytes; use shorter names or values", sb->what, sb->max);
}

/* Room for `extra` more bytes and the NUL, within the bound. */
static int reserve(promote__strbuf *sb, size_t extra)
{
	if (extra > sb->max - sb->len)
		return too_long(sb);
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	size_t cap = sb->alloc ? sb->alloc : 32;
	while (cap < need)
		cap *= 2;
	if (cap > sb->max + 1)
		cap = sb->max + 1;
	char *p = realloc(sb->ptr, cap);
	if (!p)
		return promote__error_oom();
	sb->ptr = p;
	sb->alloc = cap;
	return 0;
}

int promote__strbuf_add(promote__strbuf *sb, const void *data, size_t len)
{
	int rc = reserve(sb, len);
	if (rc < 0)
		return rc;
	if (len)
		memcpy(sb->ptr + sb->len, data, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
	return 0;
}

int promote__strbuf_adds(promote__strbuf *sb, const char *s)
{
	return promote__strbuf_add(sb, s, strlen(s));
}

int promote__strbuf_vaddf(promote__strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	int rc = 0;
	if (n < 0) {
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"%s could not be formatted (an invalid format or character)", sb->what);
		goto done;
	}
	if ((rc = reserve(sb, (size_t)n)) < 0)
		goto done;
	vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, again);
	sb->len += (size_t)n;
done:
	va_end(again);
	return rc;
}

int promote__strbuf_addf(promote__strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

int promote__strbuf_setf(promote__strbuf *sb, const char *fmt, ...)
{
	promote__strbuf_reset(sb);
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

const char *promote__strbuf_cstr(const promote__strbuf *sb)
{
	return sb->ptr ? sb->ptr : "";
}

size_t promote__strbuf_len(const promote__strbuf *sb)
{
	return sb->len;
}

char *promote__strbuf_take(promote__strbuf *sb)
{
	char *out = sb->ptr;
	if (!out) {
		out = strdup("");
		if (!out) {
			promote__error_oom();
			return NULL;
		}
	}
	sb->ptr = NULL;
	sb->len = 0;
	sb->alloc = 0;
	return out;
}

int promote__strbuf_vformat(char **out, size_t max, const char *what, const char *fmt, va_list ap)
{
	promote__strbuf sb;
	promote__strbuf_init(&sb, max, what);
	int rc = promote__strbuf_vaddf(&sb, fmt, ap);
	*out = rc == 0 ? promote__strbuf_take(&sb) : NULL;
	promote__strbuf_free(&sb);
	return rc == 0 && !*out ? PROMOTE_ENOMEM : rc;
}

char *promote__strdupf(const char *fmt, ...)
{
	char *out = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (promote__strbuf_vformat(&out, SIZE_MAX, "a formatted string", fmt, ap) != 0)
		out = NULL; /* the error is set */
	va_end(ap);
	return out;
}

void promote__strbuf_reset(promote__strbuf *sb)
{
	sb->len = 0;
	if (sb->ptr)
		sb->ptr[0] = '\0';
}

void promote__strbuf_free(promote__strbuf *sb)
{
	free(sb->ptr);
	sb->ptr = NULL;
	sb->len = 0;
	sb->alloc = 0;
}

int promote__string_replace(char **field, const char *value, const char *function, const char *what)
{
	if (!value)
		return promote__error_arg(function, what);
	char *copy = strdup(value);
	if (!copy)
		return promote__error_oom();
	free(*field);
	*field = copy;
	return 0;
}
