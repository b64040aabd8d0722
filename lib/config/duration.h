/*
 * Internal: durations as promote.yaml writes them — numbers with the units h,
 * m and s, largest first, each at most once ("90s", "10m", "24h", "1h30m") —
 * read (the configuration's timeouts) and written (the messages that name a
 * timeout: "timed out after 10m"), so that a message says a bound the way the
 * configuration set it.
 */
#ifndef PROMOTE_CONFIG_DURATION_H
#define PROMOTE_CONFIG_DURATION_H

#include "core/common.h"

/* "1h30m" into seconds; false when it is not a duration or overflows. */
bool promote__duration_parse(const char *text, uint64_t *seconds);

/* A duration's text, returned by value so that a call can stand inside a
 * format's arguments: promote__strdupf("... after %s", promote__duration(s).text). */
typedef struct promote__duration_text {
	char text[24];
} promote__duration_text;

/* `seconds` as the configuration writes it: "1h30m", "10m", "1m30s", "0s". */
promote__duration_text promote__duration(uint32_t seconds);

#endif
