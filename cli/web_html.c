/* The web view's text: a buffer, HTML escaping, URL encoding (web_html.h). */
#include "web_html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void web_buf_dispose(web_buf *buf)
{
	free(buf->ptr);
	*buf = (web_buf)WEB_BUF_INIT;
}

static bool grow(web_buf *buf, size_t more)
{
	if (buf->failed)
		return false;
	if (buf->size + more + 1 <= buf->cap)
		return true;
	size_t cap = buf->cap ? buf->cap : 4096;
	while (cap < buf->size + more + 1)
		cap *= 2;
	char *p = realloc(buf->ptr, cap);
	if (!p) {
		buf->failed = true;
		return false;
	}
	buf->ptr = p;
	buf->cap = cap;
	return true;
}

static void add_bytes(web_buf *buf, const char *bytes, size_t n)
{
	if (!grow(buf, n))
		return;
	memcpy(buf->ptr + buf->size, bytes, n);
	buf->size += n;
	buf->ptr[buf->size] = '\0';
}

void web_buf_add(web_buf *buf, const char *markup)
{
	add_bytes(buf, markup, strlen(markup));
}

void web_buf_addf(web_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !grow(buf, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
}

void web_html_text(web_buf *buf, const char *text)
{
	if (!text)
		return;
	const char *run = text;
	for (const char *p = text; *p; p++) {
		const char *ref = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;"
			: *p == '"' ? "&quot;" : *p == '\'' ? "&#39;" : NULL;
		if (!ref)
			continue;
		add_bytes(buf, run, (size_t)(p - run));
		web_buf_add(buf, ref);
		run = p + 1;
	}
	web_buf_add(buf, run);
}

void web_html_query(web_buf *buf, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	web_buf encoded = WEB_BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr("-._~", *p)) {
			add_bytes(&encoded, (const char *)p, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			add_bytes(&encoded, esc, 3);
		}
	}
	if (encoded.failed)
		buf->failed = true;
	else
		web_html_text(buf, encoded.ptr);
	web_buf_dispose(&encoded);
}
