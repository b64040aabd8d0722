/*
 * Internal: freeze windows — an environment's `windows:` list of weekly
 * times when automatic promotions into it are denied (`deny:`) or the only
 * ones allowed (`allow:`), each in a time zone of its own: UTC or a fixed
 * offset (+02:00). Any deny that holds the time closes the environment;
 * with allows and no deny holding it, the time must be in one of them.
 *
 * A window's text: "Fri 16:00 - Mon 08:00" (one span through the week),
 * "Mon-Fri 09:00 - 17:00" or "Sat 00:00 - 24:00" (the same span on each of
 * those days; ending at or before its start runs past midnight), or
 * "22:00 - 06:00" (every day). Days: Mon Tue Wed Thu Fri Sat Sun (any case,
 * or the whole names). Pure arithmetic on Unix seconds: no TZ, no locale.
 */
#ifndef PROMOTE_CONFIG_WINDOW_H
#define PROMOTE_CONFIG_WINDOW_H

#include "core/common.h"
#include "core/error.h"

#define PROMOTE__WEEK_MINUTES (7 * 24 * 60)

typedef struct promote__window {
	bool deny;                    /* deny: (else allow:) */
	const char *text;             /* as written: "Fri 16:00 - Mon 08:00" */
	const char *zone;             /* as written ("UTC" when not given) */
	int32_t offset_s;             /* the zone's offset from UTC */
	uint16_t start[7], end[7];    /* spans [start, end) in minutes of the local week (Mon 00:00 = 0); wrapping */
	size_t span_count;
	promote__location where;
} promote__window;

/* The spans of `text` into `w`: NULL, or what is wrong (static text). */
const char *promote__window_parse(promote__window *w, const char *text);

/* The offset of `zone` ("UTC", "Z", "+02:00", "-05:30", "UTC+01:00"): NULL, or what is wrong. */
const char *promote__window_zone(int32_t *offset_s, const char *zone);

/* Whether the time `t` (Unix seconds) is in one of w's spans. */
bool promote__window_contains(const promote__window *w, int64_t t);

/*
 * Whether the `count` windows close their environment at `t`: *why the
 * window that says so (the first deny holding t; else the first allow),
 * *opens the first time after `t`, to the minute, when they no longer do
 * (0 when not within two weeks: a deny that never ends).
 */
bool promote__windows_closed(const promote__window *ws, size_t count, int64_t t, const promote__window **why,
	int64_t *opens);

/* "Mon 08:00 UTC": `t` in w's zone, into `out` (at least 48 bytes). */
void promote__window_format(char *out, size_t size, const promote__window *w, int64_t t);

#endif
