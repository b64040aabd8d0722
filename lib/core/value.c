/* One-line values that reach commit messages, trailers and reference names (see value.h). */
#include "value.h"

#include "error.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The byte length of the control character at `p`, or 0: C0, DEL, or a C1
 * code point (U+0080..U+009F, written C2 80..C2 9F in UTF-8). */
static size_t control_at(const unsigned char *p)
{
	if (*p < 0x20 || *p == 0x7f)
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
		return 2;
	return 0;
}

/* The most bytes of a value a message shows (a name or a version is shorter). */
#define SHOWN_MAX 1024

const char *promote__value_problem(const char *value, size_t max)
{
	if (!value || !*value)
		return "is empty";
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (control_at(p))
			return *p == '\n' || *p == '\r' ? "holds a line break" : "holds a control character";
	return strlen(value) > max ? "is too long" : NULL;
}

char *promote__value_shown(const char *value)
{
	promote__strbuf sb;
	promote__strbuf_init(&sb, 4 * SHOWN_MAX + 8, "a value shown in a message");
	int rc = promote__strbuf_adds(&sb, "");
	const unsigned char *start = (const unsigned char *)value, *p = start;
	while (rc == 0 && *p && (size_t)(p - start) < SHOWN_MAX) {
		size_t n = control_at(p);
		if (n == 0)
			rc = promote__strbuf_add(&sb, p, 1);
		else if (*p == '\n' || *p == '\r' || *p == '\t')
			rc = promote__strbuf_addf(&sb, "\\%c", *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't');
		else
			rc = promote__strbuf_addf(&sb, "\\x%02x", p[n - 1]);
		p += n ? n : 1;
	}
	if (rc == 0 && *p)
		rc = promote__strbuf_adds(&sb, "...");
	char *out = rc == 0 ? promote__strbuf_take(&sb) : NULL;
	promote__strbuf_free(&sb);
	return out;
}

int promote__value_check(const char *what, const char *value, size_t max)
{
	const char *why = promote__value_problem(value, max);
	if (!why)
		return 0;
	char *shown = promote__value_shown(value ? value : "");
	int rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
		"%s '%s' %s; give one line of 1 to %zu bytes without control characters", what,
		shown ? shown : "?", why, max);
	free(shown);
	return rc;
}
