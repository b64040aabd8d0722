/* Internal: calendar arithmetic on Unix seconds, without the C library's time zone (no TZ, no locale). */
#ifndef PROMOTE_CORE_CIVIL_H
#define PROMOTE_CORE_CIVIL_H

#include "common.h"

/* Days since 1970-01-01 of the proleptic Gregorian date (month 1..12, day 1..31). */
int64_t promote__days_from_civil(int64_t year, unsigned month, unsigned day);

/* The date of day `days` since 1970-01-01. */
void promote__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* The weekday of day `days` since 1970-01-01: 0 Monday .. 6 Sunday. */
unsigned promote__weekday(int64_t days);

/*
 * An RFC 3339 time, "2026-12-04T16:00:00Z" or with an offset "…+02:00"
 * ('t'/' ' for 'T' and 'z' for 'Z' accepted; seconds optional), as Unix
 * seconds in *out. false when `text` is not one (nothing else is read).
 */
bool promote__parse_rfc3339(int64_t *out, const char *text);

/* Unix seconds `t` as UTC "2026-12-04T16:00:00Z" in `out` (NUL-terminated). */
#define PROMOTE__RFC3339_SIZE 32
void promote__format_rfc3339(char out[PROMOTE__RFC3339_SIZE], int64_t t);

#endif
