/*
 * Git's pathspec glob rules (see wildmatch.h). A recursive matcher that
 * backtracks only at stars; two abort results keep it linear in practice:
 * once the text is used up nothing further can match (ABORT_ALL), and a
 * single '*' that reached a '/' cannot be helped by trying later positions
 * of the same star, only by an enclosing "**" (ABORT_TO_STARSTAR).
 */
#include "wildmatch.h"

#include <ctype.h>
#include <string.h>

enum { MATCH = 0, NOMATCH = 1, ABORT_ALL = -1, ABORT_TO_STARSTAR = -2 };

/* `t` in the POSIX class named by [name, name + len); -1 for an unknown name. */
static int in_class(const char *name, size_t len, unsigned char t)
{
	static const struct {
		const char *name;
		int (*test)(int);
	} classes[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank }, { "cntrl", iscntrl },
		{ "digit", isdigit }, { "graph", isgraph }, { "lower", islower }, { "print", isprint },
		{ "punct", ispunct }, { "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};
	for (size_t i = 0; i < sizeof classes / sizeof *classes; i++)
		if (strlen(classes[i].name) == len && memcmp(classes[i].name, name, len) == 0)
			return classes[i].test(t) != 0;
	return -1;
}

/* The bracket expression at `*pp` (on its '['): MATCH or NOMATCH for `t`,
 * with `*pp` moved to the closing ']', or ABORT_ALL for a malformed one. */
static int bracket(const unsigned char **pp, unsigned char t)
{
	const unsigned char *p = *pp + 1;
	bool negated = *p == '!' || *p == '^';
	if (negated)
		p++;
	bool matched = false;
	unsigned char prev = 0;
	/* The first character is a member even when it is ']'. */
	for (bool first = true; first || *p != ']'; first = false, p++) {
		unsigned char c = *p;
		if (!c)
			return ABORT_ALL;
		if (c == '\\') {
			if (!(c = *++p))
				return ABORT_ALL;
			matched |= t == c;
		} else if (c == '-' && prev && p[1] && p[1] != ']') {
			unsigned char hi = *++p;
			if (hi == '\\' && !(hi = *++p))
				return ABORT_ALL;
			matched |= t >= prev && t <= hi;
			prev = 0; /* a range does not start another */
			continue;
		} else if (c == '[' && p[1] == ':') {
			const char *name = (const char *)p + 2, *end = strstr(name, ":]");
			if (!end)
				return ABORT_ALL;
			int in = in_class(name, (size_t)(end - name), t);
			if (in < 0)
				return ABORT_ALL;
			matched |= in;
			p = (const unsigned char *)end + 1;
			prev = 0;
			continue;
		} else {
			matched |= t == c;
		}
		prev = c;
	}
	*pp = p;
	return matched != negated && t != '/' ? MATCH : NOMATCH;
}

static int match(const unsigned char *start, const unsigned char *p, const unsigned char *text)
{
	for (; *p; p++, text++) {
		unsigned char t = *text;
		if (!t && *p != '*')
			return ABORT_ALL;
		switch (*p) {
		case '\\':
			if (!*++p || t != *p)
				return NOMATCH;
			break;
		case '?':
			if (t == '/')
				return NOMATCH;
			break;
		case '[': {
			int rc = bracket(&p, t);
			if (rc != MATCH)
				return rc;
			break;
		}
		case '*': {
			const unsigned char *first = p;
			bool any_depth = false;
			while (p[1] == '*')
				p++;
			p++;
			if (p - first >= 2 && (first == start || first[-1] == '/') && (!*p || *p == '/')) {
				any_depth = true;
				/* "**" then '/': zero folders, the rest matches right here. */
				if (*p == '/' && match(start, p + 1, text) == MATCH)
					return MATCH;
			}
			if (!*p)
				return any_depth || !strchr((const char *)text, '/') ? MATCH : ABORT_TO_STARSTAR;
			for (;; t = *++text) {
				if (!t)
					return ABORT_ALL;
				int rc = match(start, p, text);
				if (rc != NOMATCH && (rc != ABORT_TO_STARSTAR || !any_depth))
					return rc;
				if (t == '/' && !any_depth)
					return ABORT_TO_STARSTAR;
			}
		}
		default:
			if (t != *p)
				return NOMATCH;
			break;
		}
	}
	return *text ? NOMATCH : MATCH;
}

bool promote__wildmatch(const char *pattern, const char *path)
{
	const unsigned char *p = (const unsigned char *)pattern;
	return match(p, p, (const unsigned char *)path) == MATCH;
}
