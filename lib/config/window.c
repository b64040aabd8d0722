/* Freeze windows: their text parsed into weekly spans, and the arithmetic of when they close and open. */
#include "window.h"

#include "core/civil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const day_names[] = { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" };
static const char *const day_short[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A day's name (three letters or whole, any case) at *p: 0..6, or -1. */
static int read_day(const char **p)
{
	size_t n = 0;
	while ((*p)[n] >= 'A' && ((*p)[n] | 0x20) >= 'a' && ((*p)[n] | 0x20) <= 'z')
		n++;
	for (int d = 0; d < 7; d++)
		if ((n == 3 || n == strlen(day_names[d])) && strncasecmp(*p, day_names[d], n) == 0) {
			*p += n;
			return d;
		}
	return -1;
}

/* HH:MM at *p (00:00 to 24:00): minutes, or -1. */
static int read_time(const char **p)
{
	const char *s = *p;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	int h = s[0] - '0', i = 1;
	if (s[1] >= '0' && s[1] <= '9')
		h = h * 10 + (s[i++] - '0');
	if (s[i] != ':' || s[i + 1] < '0' || s[i + 1] > '5' || s[i + 2] < '0' || s[i + 2] > '9')
		return -1;
	int m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	if (h > 24 || (h == 24 && m))
		return -1;
	*p = s + i + 3;
	return h * 60 + m;
}

static const char *add_span(promote__window *w, int start, int end)
{
	start %= PROMOTE__WEEK_MINUTES;
	end %= PROMOTE__WEEK_MINUTES;
	if (start == end)
		return "it starts where it ends (a window must be shorter than a week)";
	w->start[w->span_count] = (uint16_t)start;
	w->end[w->span_count] = (uint16_t)end;
	w->span_count++;
	return NULL;
}

const char *promote__window_parse(promote__window *w, const char *text)
{
	static const char *const usage = "write it as 'Fri 16:00 - Mon 08:00', 'Mon-Fri 09:00 - 17:00' or '22:00 - 06:00'";
	w->span_count = 0;
	const char *p = skip_spaces(text);
	int first = -1, last = -1, end_day = -1;
	if (*p < '0' || *p > '9') {
		if ((first = last = read_day(&p)) < 0)
			return usage;
		if (*p == '-') {
			p++;
			if ((last = read_day(&p)) < 0)
				return usage;
		}
		p = skip_spaces(p);
	}
	int from = read_time(&p);
	if (from < 0)
		return usage;
	p = skip_spaces(p);
	if (*p++ != '-')
		return usage;
	p = skip_spaces(p);
	if (*p < '0' || *p > '9') {
		if (first < 0 || first != last || (end_day = read_day(&p)) < 0)
			return usage;
		p = skip_spaces(p);
	}
	int to = read_time(&p);
	if (to < 0 || *skip_spaces(p))
		return usage;
	if (end_day >= 0) /* one span through the week */
		return add_span(w, first * 1440 + from, end_day * 1440 + to);
	if (to == from)
		return "it starts where it ends (for a whole day write 00:00 - 24:00)";
	if (first < 0)
		first = 0, last = 6;
	for (int d = first;; d = (d + 1) % 7) {
		int span_end = to > from ? d * 1440 + to : (d + 1) * 1440 + to;
		const char *why = add_span(w, d * 1440 + from, span_end);
		if (why)
			return why;
		if (d == last)
			break;
	}
	return NULL;
}

const char *promote__window_zone(int32_t *offset_s, const char *zone)
{
	const char *p = zone;
	if (strcasecmp(p, "UTC") == 0 || strcasecmp(p, "Z") == 0 || strcasecmp(p, "GMT") == 0) {
		*offset_s = 0;
		return NULL;
	}
	if (strncasecmp(p, "UTC", 3) == 0)
		p += 3;
	if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int minutes = read_time(&p);
		if (minutes >= 0 && minutes <= 18 * 60 && !*p) {
			*offset_s = sign * minutes * 60;
			return NULL;
		}
	}
	if (strchr(zone, '/'))
		return "time zone names (IANA, such as Europe/Berlin) are not supported yet; give UTC or a fixed offset "
		       "such as +01:00 (which does not follow daylight saving time)";
	return "use UTC or a fixed offset such as +02:00 or -05:30";
}

/* The minute of the local week at `t`. */
static int week_minute(const promote__window *w, int64_t t)
{
	int64_t local = t + w->offset_s;
	int64_t days = (local >= 0 ? local : local - 86399) / 86400;
	int64_t minute = (local - days * 86400) / 60;
	return (int)promote__weekday(days) * 1440 + (int)minute;
}

bool promote__window_contains(const promote__window *w, int64_t t)
{
	int m = week_minute(w, t);
	for (size_t i = 0; i < w->span_count; i++) {
		int s = w->start[i], e = w->end[i];
		if (s < e ? m >= s && m < e : m >= s || m < e)
			return true;
	}
	return false;
}

static bool closed_at(const promote__window *ws, size_t count, int64_t t, const promote__window **why)
{
	const promote__window *first_allow = NULL;
	bool allowed = false;
	for (size_t i = 0; i < count; i++) {
		bool in = promote__window_contains(&ws[i], t);
		if (ws[i].deny && in) {
			*why = &ws[i];
			return true;
		}
		if (!ws[i].deny) {
			first_allow = first_allow ? first_allow : &ws[i];
			allowed |= in;
		}
	}
	*why = first_allow;
	return first_allow && !allowed;
}

bool promote__windows_closed(const promote__window *ws, size_t count, int64_t t, const promote__window **why,
	int64_t *opens)
{
	*opens = 0;
	*why = NULL;
	if (!closed_at(ws, count, t, why))
		return false;
	/* The environment can only open at a span's edge: try each edge of each window in the next two weeks,
	 * the nearest first. */
	int64_t base = t - (t % 60 + 60) % 60; /* the minute of t */
	for (int64_t ahead = 1; ahead <= 2 * PROMOTE__WEEK_MINUTES; ahead++) {
		int64_t at = base + ahead * 60;
		bool edge = false;
		for (size_t i = 0; !edge && i < count; i++) {
			int m = week_minute(&ws[i], at);
			for (size_t s = 0; !edge && s < ws[i].span_count; s++)
				edge = m == (ws[i].deny ? ws[i].end[s] : ws[i].start[s]);
		}
		const promote__window *ignored;
		if (edge && !closed_at(ws, count, at, &ignored)) {
			*opens = at;
			break;
		}
	}
	return true;
}

void promote__window_format(char *out, size_t size, const promote__window *w, int64_t t)
{
	int m = week_minute(w, t);
	snprintf(out, size, "%s %02d:%02d %s", day_short[m / 1440], m % 1440 / 60, m % 60, w->zone ? w->zone : "UTC");
}
