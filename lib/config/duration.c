/* Durations read and written as promote.yaml writes them (see duration.h). */
#include "duration.h"

#include <stdio.h>
#include <string.h>

bool promote__duration_parse(const char *s, uint64_t *out)
{
	static const char units[] = "hms";
	static const uint64_t scale[] = { 3600, 60, 1 };
	uint64_t total = 0;
	size_t next_unit = 0; /* units go largest first, each once */
	if (!*s)
		return false;
	while (*s) {
		uint64_t n = 0;
		size_t digits = 0;
		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			if (digits >= 9)
				return false;
			n = n * 10 + (uint64_t)(*s - '0');
		}
		const char *unit = *s ? strchr(units + next_unit, *s) : NULL;
		if (!digits || !unit)
			return false;
		next_unit = (size_t)(unit - units) + 1;
		total += n * scale[unit - units];
		s++;
	}
	*out = total;
	return true;
}

promote__duration_text promote__duration(uint32_t seconds)
{
	promote__duration_text d = { "" };
	uint32_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
	size_t n = 0;
	/* At most "1193046h" + "59m" + "59s": the buffer always holds it. */
	if (h)
		n += (size_t)snprintf(d.text + n, sizeof d.text - n, "%uh", (unsigned)h);
	if (m)
		n += (size_t)snprintf(d.text + n, sizeof d.text - n, "%um", (unsigned)m);
	if (s || !seconds)
		snprintf(d.text + n, sizeof d.text - n, "%us", (unsigned)s);
	return d;
}
