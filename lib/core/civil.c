/*
 * Calendar arithmetic on Unix seconds. The releases' clock is in UTC and
 * freeze windows name their own zone, so nothing here asks the C library's
 * notion of local time (TZ) — a library must not change a process's TZ,
 * and timegm() is not in C11 or POSIX.
 */
#include "civil.h"

#include <stdio.h>
#include <string.h>

/* Days from civil and back: the era arithmetic of the proleptic Gregorian
 * calendar (400-year eras of 146097 days, years starting in March so that
 * the leap day is the last of the year). */
int64_t promote__days_from_civil(int64_t year, unsigned month, unsigned day)
{
	year -= month <= 2;
	int64_t era = (year >= 0 ? year : year - 399) / 400;
	int64_t yoe = year - era * 400;                                     /* 0 .. 399 */
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* 0 .. 365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* 0 .. 146096 */
	return era * 146097 + doe - 719468;
}

void promote__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

unsigned promote__weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 counting from Monday = 0). */
	int64_t w = (days + 3) % 7;
	return (unsigned)(w < 0 ? w + 7 : w);
}

/* `n` digits at *p as a number; false when one is not a digit. */
static bool digits(unsigned *out, const char **p, int n)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		v = v * 10 + (unsigned)(**p - '0');
	}
	*out = v;
	return true;
}

static const unsigned month_days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

bool promote__parse_rfc3339(int64_t *out, const char *text)
{
	const char *p = text;
	unsigned y, mo, d, h, mi, s = 0;
	if (!p || !digits(&y, &p, 4) || *p++ != '-' || !digits(&mo, &p, 2) || *p++ != '-' || !digits(&d, &p, 2))
		return false;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	p++;
	if (!digits(&h, &p, 2) || *p++ != ':' || !digits(&mi, &p, 2))
		return false;
	if (*p == ':' && (p++, !digits(&s, &p, 2)))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] || h > 23 || mi > 59 || s > 60)
		return false;
	int64_t days = promote__days_from_civil(y, mo, d);
	int64_t year_check;
	unsigned mo_check, d_check;
	promote__civil_from_days(days, &year_check, &mo_check, &d_check);
	if (mo_check != mo) /* 29 February of a year that has none */
		return false;
	int64_t offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		unsigned oh, om;
		if (!digits(&oh, &p, 2) || *p++ != ':' || !digits(&om, &p, 2) || oh > 23 || om > 59)
			return false;
		offset = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		return false;
	}
	if (*p)
		return false;
	*out = days * 86400 + h * 3600 + mi * 60 + s - offset;
	return true;
}


void promote__format_rfc3339(char out[PROMOTE__RFC3339_SIZE], int64_t t)
{
	int64_t days = (t >= 0 ? t : t - 86399) / 86400, s = t - days * 86400, year = 0;
	unsigned month = 0, day = 0;
	promote__civil_from_days(days, &year, &month, &day);
	snprintf(out, PROMOTE__RFC3339_SIZE, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)year, month, day,
		(int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}
