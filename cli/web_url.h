/*
 * The web view's decoding of a request's path and query values (promote watch --listen; doc/WEB.md#bounds):
 * libmicrohttpd's unescaping, but a %00 is not decoded. Decoded, it would end the C string the pages and
 * routes see, so that "/releases%00anything" would be answered as /releases; kept as the three characters it
 * is, such a path is not found and such a value matches nothing (and is escaped where a page shows it).
 */
#ifndef PROMOTE_CLI_WEB_URL_H
#define PROMOTE_CLI_WEB_URL_H

#include <stddef.h>

/* Decode `s` in place: each %HH (two hex digits, either case) but %00 becomes its byte; anything else — a
 * lone %, %G1, %0, %00 — is kept as it is. The length left (never longer than before; no NUL inside). */
size_t web_url_unescape(char *s);

/* The value of a hex digit (either case), or -1. */
int web_url_hex_digit(char c);

#endif
