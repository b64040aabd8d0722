/*
 * Version precedence (semver.h): Semantic Versioning 2.0.0, section 11, and
 * a text order with numbers in it for everything else. Numbers are compared
 * as digit strings (longer is larger, then byte order), so no identifier is
 * too large to compare.
 */
#include "semver.h"

#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A numeric part at *p (no leading zero unless it is "0"); *p moves past it. */
static bool number(const char **p, const char **start, size_t *len)
{
	const char *s = *p;
	while (is_digit(**p))
		(*p)++;
	*start = s;
	*len = (size_t)(*p - s);
	return *len > 0 && !(*len > 1 && s[0] == '0');
}

/* Dot-separated identifiers at *p, each non-empty; *p moves past them. Numeric ones without leading zeros when
 * `strict_numbers` (prerelease), any when not (build metadata). */
static bool identifiers(const char **p, bool strict_numbers)
{
	for (;;) {
		const char *s = *p;
		bool numeric = true;
		while (is_ident_char(**p)) {
			numeric = numeric && is_digit(**p);
			(*p)++;
		}
		size_t len = (size_t)(*p - s);
		if (len == 0 || (strict_numbers && numeric && len > 1 && s[0] == '0'))
			return false;
		if (**p != '.')
			return true;
		(*p)++;
	}
}

bool promote__semver_parse(promote__semver *out, const char *text)
{
	promote__semver v;
	memset(&v, 0, sizeof v);
	const char *p = text;
	if (!p)
		return false;
	if (*p == 'v' || *p == 'V')
		p++;
	if (!number(&p, &v.major, &v.major_len) || *p++ != '.' || !number(&p, &v.minor, &v.minor_len) ||
		*p++ != '.' || !number(&p, &v.patch, &v.patch_len))
		return false;
	if (*p == '-') {
		v.pre = ++p;
		if (!identifiers(&p, true))
			return false;
		v.pre_len = (size_t)(p - v.pre);
	}
	if (*p == '+') {
		p++;
		if (!identifiers(&p, false))
			return false;
	}
	if (*p)
		return false;
	if (out)
		*out = v;
	return true;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Two digit strings without leading zeros. */
static int compare_numbers(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return sign(memcmp(a, b, alen));
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* One prerelease identifier against another: numeric ones as numbers, lower than alphanumeric ones, which
 * compare in ASCII order (a shorter one that is a prefix of the other is lower). */
static int compare_identifier(const char *a, size_t alen, const char *b, size_t blen)
{
	bool an = all_digits(a, alen), bn = all_digits(b, blen);
	if (an && bn)
		return compare_numbers(a, alen, b, blen);
	if (an != bn)
		return an ? -1 : 1;
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return sign(c);
	return alen == blen ? 0 : alen < blen ? -1 : 1;
}

static int compare_prerelease(const char *a, size_t alen, const char *b, size_t blen)
{
	/* No prerelease ranks above any prerelease of the same version. */
	if (!alen || !blen)
		return alen == blen ? 0 : alen ? -1 : 1;
	const char *ae = a + alen, *be = b + blen;
	while (a < ae && b < be) {
		const char *ad = memchr(a, '.', (size_t)(ae - a)), *bd = memchr(b, '.', (size_t)(be - b));
		if (!ad)
			ad = ae;
		if (!bd)
			bd = be;
		int c = compare_identifier(a, (size_t)(ad - a), b, (size_t)(bd - b));
		if (c)
			return c;
		a = ad < ae ? ad + 1 : ae;
		b = bd < be ? bd + 1 : be;
	}
	/* Equal so far: more identifiers rank higher. */
	return a < ae ? 1 : b < be ? -1 : 0;
}

int promote__semver_compare(const promote__semver *a, const promote__semver *b)
{
	int c = compare_numbers(a->major, a->major_len, b->major, b->major_len);
	if (!c)
		c = compare_numbers(a->minor, a->minor_len, b->minor, b->minor_len);
	if (!c)
		c = compare_numbers(a->patch, a->patch_len, b->patch, b->patch_len);
	if (!c)
		c = compare_prerelease(a->pre, a->pre ? a->pre_len : 0, b->pre, b->pre ? b->pre_len : 0);
	return c;
}

int promote__text_version_compare(const char *a, const char *b)
{
	const char *p = a, *q = b;
	while (*p && *q) {
		if (is_digit(*p) && is_digit(*q)) {
			while (*p == '0' && is_digit(p[1]))
				p++;
			while (*q == '0' && is_digit(q[1]))
				q++;
			const char *ps = p, *qs = q;
			while (is_digit(*p))
				p++;
			while (is_digit(*q))
				q++;
			int c = compare_numbers(ps, (size_t)(p - ps), qs, (size_t)(q - qs));
			if (c)
				return c;
			continue;
		}
		if (*p != *q)
			return (unsigned char)*p < (unsigned char)*q ? -1 : 1;
		p++;
		q++;
	}
	if (*p || *q)
		return *p ? 1 : -1;
	return sign(strcmp(a, b));
}

int promote__version_compare(const char *a, const char *b, bool *semver)
{
	promote__semver sa, sb;
	bool both = promote__semver_parse(&sa, a) && promote__semver_parse(&sb, b);
	if (semver)
		*semver = both;
	return both ? promote__semver_compare(&sa, &sb) : promote__text_version_compare(a, b);
}
