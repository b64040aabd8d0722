/*
 * The web view's text (promote watch --listen): a growing buffer, and the one function that puts a value into
 * HTML. Every value a page shows — names, versions, reasons, check output — goes through web_html_text() (or
 * web_html_query() for a link's query value, which escapes after encoding); only the pages' own markup is
 * added raw.
 */
#ifndef PROMOTE_CLI_WEB_HTML_H
#define PROMOTE_CLI_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>

typedef struct web_buf {
	char *ptr;     /* NUL-terminated; NULL until something is added */
	size_t size;
	size_t cap;
	bool failed;   /* out of memory: what follows is dropped, the page is refused */
} web_buf;

#define WEB_BUF_INIT { NULL, 0, 0, false }

void web_buf_dispose(web_buf *buf);

/* The page's own markup, as is. */
void web_buf_add(web_buf *buf, const char *markup);
void web_buf_addf(web_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `text` (NULL: nothing) with & < > " ' as character references: safe between tags and inside a quoted
 * attribute value. */
void web_html_text(web_buf *buf, const char *text);

/* `text` percent-encoded (all but unreserved characters, RFC 3986) then escaped: a path segment or a query
 * value inside href="...". */
void web_html_query(web_buf *buf, const char *text);

#endif
