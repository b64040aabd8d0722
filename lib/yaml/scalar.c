/* Scalar types, plain safety, quoting and block bodies. */
#include "scalar.h"

#include "core/buf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool any_of(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(*words, s, n) == 0)
			return true;
	return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Digits (and '_' separators, YAML 1.1) from s[*i]; how many digits. A
 * leading '_' counts only after a base prefix (0x_1F is an int in 1.1). */
static size_t digits_from(const char *s, size_t n, size_t *i, bool (*ok)(char), bool leading_underscore)
{
	size_t count = 0;
	while (*i < n && (ok(s[*i]) || (s[*i] == '_' && (count || leading_underscore)))) {
		if (s[*i] != '_')
			count++;
		(*i)++;
	}
	return count;
}

static size_t digits(const char *s, size_t n, size_t *i, bool (*ok)(char))
{
	return digits_from(s, n, i, ok, false);
}

static bool is_octal(char c) { return c >= '0' && c <= '7'; }
static bool is_binary(char c) { return c == '0' || c == '1'; }

static bool is_int(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i + 2 < n + 1 && s[i] == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		char base = s[i + 1];
		i += 2;
		size_t d = digits_from(s, n, &i, base == 'x' ? is_hex : base == 'o' ? is_octal : is_binary, true);
		return d > 0 && i == n;
	}
	size_t d = digits(s, n, &i, is_digit);
	if (d == 0)
		return false;
	/* YAML 1.1 sexagesimal: 1:30, 190:20:30 */
	while (i < n && s[i] == ':') {
		i++;
		size_t part = digits(s, n, &i, is_digit);
		if (part == 0 || part > 2)
			return false;
	}
	return i == n;
}

static bool is_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	static const char *const special[] = { ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", NULL };
	if (any_of(s + i, n - i, special))
		return true;
	size_t whole = digits(s, n, &i, is_digit);
	/* YAML 1.1 sexagesimal float: 190:20:30.15 */
	while (whole && i < n && s[i] == ':') {
		i++;
		size_t part = digits(s, n, &i, is_digit);
		if (part == 0 || part > 2)
			return false;
	}
	size_t frac = 0;
	bool dot = i < n && s[i] == '.';
	if (dot) {
		i++;
		frac = digits(s, n, &i, is_digit);
	}
	if (whole + frac == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (digits(s, n, &i, is_digit) == 0)
			return false;
	} else if (!dot) {
		return false;
	}
	return i == n;
}

static bool is_timestamp(const char *s, size_t n)
{
	/* YYYY-M-D, optionally followed by a time: enough to recognise one. */
	size_t i = 0, d = digits(s, n, &i, is_digit);
	if (d != 4 || i >= n || s[i] != '-')
		return false;
	i++;
	d = digits(s, n, &i, is_digit);
	if (d < 1 || d > 2 || i >= n || s[i] != '-')
		return false;
	i++;
	d = digits(s, n, &i, is_digit);
	return d >= 1 && d <= 2 && (i == n || s[i] == 'T' || s[i] == 't' || s[i] == ' ');
}

promote__ytype promote__yplain_type(const char *s, size_t n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "yes",
		"Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", NULL };
	/* Most keys are words: one whose first letter starts no null or bool (numbers, timestamps, ".inf", "="
	 * and "<<" start otherwise) is a string, without the comparisons below — for every key of every file
	 * read, since duplicate keys are looked for by value. */
	if (n > 0 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) && !strchr("nNtTfFyYoO", s[0]))
		return PROMOTE__YT_STRING;
	if (any_of(s, n, nulls))
		return PROMOTE__YT_NULL;
	if (any_of(s, n, bools))
		return PROMOTE__YT_BOOL;
	if (is_int(s, n))
		return PROMOTE__YT_INT;
	if (is_float(s, n))
		return PROMOTE__YT_FLOAT;
	if (is_timestamp(s, n))
		return PROMOTE__YT_TIMESTAMP;
	/* YAML 1.1 gives '=' (value) and '<<' (merge) meanings of their own. */
	static const char *const special[] = { "=", "<<", NULL };
	if (any_of(s, n, special))
		return PROMOTE__YT_SPECIAL;
	return PROMOTE__YT_STRING;
}

promote__ytype promote__ytag_type(const char *tag)
{
	static const struct { const char *tag; promote__ytype type; } tags[] = {
		{ "tag:yaml.org,2002:null", PROMOTE__YT_NULL }, { "tag:yaml.org,2002:bool", PROMOTE__YT_BOOL },
		{ "tag:yaml.org,2002:int", PROMOTE__YT_INT }, { "tag:yaml.org,2002:float", PROMOTE__YT_FLOAT },
		{ "tag:yaml.org,2002:timestamp", PROMOTE__YT_TIMESTAMP },
	};
	for (size_t i = 0; tag && i < sizeof tags / sizeof *tags; i++)
		if (strcmp(tag, tags[i].tag) == 0)
			return tags[i].type;
	return PROMOTE__YT_STRING;
}

bool promote__yvalid_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
		if (c == 0 || len == 0 || i + len > n || (len == 2 && c < 0xC2) || (len == 4 && c > 0xF4))
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		if (len == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
			return false; /* overlong, or a UTF-16 surrogate */
		if (len == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90)))
			return false;
		i += len;
	}
	return true;
}

/* Characters YAML forbids unescaped (C0 controls but tab, DEL, C1 controls,
 * the BOM, and the surrogate/non-character ranges libyaml rejects). */
static bool printable_at(const unsigned char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = s[i];
	*len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
	if (*len > n - i) {
		*len = n - i; /* a truncated sequence: not printable, and never read past the end */
		return false;
	}
	if (c < 0x80)
		return c == '\t' || (c >= 0x20 && c != 0x7F);
	if (*len == 2 && c == 0xC2 && i + 1 < n && s[i + 1] < 0xA0 && s[i + 1] != 0x85)
		return false; /* C1 controls */
	if (*len == 3 && c == 0xEF && i + 2 < n && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
		return false; /* BOM */
	if (*len == 3 && c == 0xEF && i + 2 < n && s[i + 1] == 0xBF && (s[i + 2] == 0xBE || s[i + 2] == 0xBF))
		return false; /* U+FFFE, U+FFFF */
	return true;
}

static bool all_printable(const char *s, size_t n, bool allow_tab)
{
	for (size_t i = 0, len; i < n; i += len)
		if (!printable_at((const unsigned char *)s, n, i, &len) || (!allow_tab && s[i] == '\t'))
			return false;
	return true;
}

bool promote__yplain_safe(const char *s, size_t n, bool in_flow)
{
	if (n == 0 || !all_printable(s, n, false))
		return false;
	if (s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	/* Indicators that cannot start a plain scalar. */
	if (strchr("[]{},#&*!|>'\"%@`", s[0]))
		return false;
	if ((s[0] == '-' || s[0] == '?' || s[0] == ':') &&
		(n == 1 || s[1] == ' ' || (in_flow && strchr(",[]{}", s[1]))))
		return false;
	if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ':' && i + 1 < n && (s[i + 1] == ' ' || (in_flow && strchr(",[]{}", s[i + 1]))))
			return false;
		if (s[i] == '#' && s[i - 1] == ' ')
			return false;
		if (in_flow && strchr(",[]{}", s[i]))
			return false;
	}
	return true;
}

int promote__yquote_double(promote_buf *out, const char *s, size_t n)
{
	int rc = promote__buf_putc(out, '"');
	for (size_t i = 0, len; rc == 0 && i < n; i += len) {
		unsigned char c = (unsigned char)s[i];
		char esc[8] = "";
		if (c == '"' || c == '\\')
			snprintf(esc, sizeof esc, "\\%c", c);
		else if (c == '\n')
			strcpy(esc, "\\n");
		else if (c == '\t')
			strcpy(esc, "\\t");
		else if (c == '\r')
			strcpy(esc, "\\r");
		else if (c < 0x20 || c == 0x7F)
			snprintf(esc, sizeof esc, "\\x%02X", c);
		if (esc[0]) {
			len = 1;
			rc = promote__buf_puts(out, esc);
			continue;
		}
		if (!printable_at((const unsigned char *)s, n, i, &len)) {
			if (len < 2 || (len == 3 && i + 2 >= n)) {
				snprintf(esc, sizeof esc, "\\x%02X", c); /* a stray byte of broken UTF-8 */
				len = 1;
				rc = promote__buf_puts(out, esc);
				continue;
			}
			/* C1 control, BOM, U+FFFE/U+FFFF: escape the code point. */
			unsigned cp = len == 2 ? ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu)
					       : ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
			snprintf(esc, sizeof esc, "\\u%04X", cp);
			rc = promote__buf_puts(out, esc);
			continue;
		}
		rc = promote__buf_put(out, s + i, len);
	}
	return rc ? rc : promote__buf_putc(out, '"');
}

int promote__yquote_single(promote_buf *out, const char *s, size_t n)
{
	if (!all_printable(s, n, true))
		return PROMOTE_ENOTSUPPORTED;
	int rc = promote__buf_putc(out, '\'');
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = s[i] == '\'' ? promote__buf_put(out, "''", 2) : promote__buf_putc(out, s[i]);
	return rc ? rc : promote__buf_putc(out, '\'');
}

int promote__yblock_body(promote_buf *out, const char *s, size_t n, size_t indent, bool folded, const char *eol,
	char *chomp)
{
	/* Trailing line breaks decide the chomping; the rest is the content. */
	size_t end = n, trailing = 0;
	while (end > 0 && s[end - 1] == '\n') {
		end--;
		trailing++;
	}
	/* With no content, only keep chomping holds line breaks: each is one empty line. */
	*chomp = trailing == 0 ? '-' : trailing == 1 && end > 0 ? 0 : '+';
	for (size_t i = 0, line = 0; i <= end; i++)
		if (i == end || s[i] == '\n') {
			if (!all_printable(s + line, i - line, true))
				return PROMOTE_ENOTSUPPORTED;
			line = i + 1;
		}
	for (size_t i = 0; i < end; i++)
		if (s[i] == '\r')
			return PROMOTE_ENOTSUPPORTED;
	/* A first line starting with a space would change the detected indentation,
	 * and in folded form any such line would be kept unfolded. */
	for (size_t i = 0; i < end; i++)
		if ((i == 0 || s[i - 1] == '\n') && (s[i] == ' ' || s[i] == '\t') && (i == 0 || folded))
			return PROMOTE_ENOTSUPPORTED;
	int rc = 0;
	size_t i = 0;
	/* Leading empty lines are kept as they are, in both forms. */
	for (; rc == 0 && i < end && s[i] == '\n'; i++)
		rc = promote__buf_puts(out, eol);
	while (rc == 0 && i < end) {
		size_t line_end = i;
		while (line_end < end && s[line_end] != '\n')
			line_end++;
		for (size_t k = 0; rc == 0 && k < indent; k++)
			rc = promote__buf_putc(out, ' ');
		if (rc == 0)
			rc = promote__buf_put(out, s + i, line_end - i);
		if (rc == 0)
			rc = promote__buf_puts(out, eol);
		/* k line breaks before the next line: literal needs k - 1 empty lines,
		 * folded needs k (its first break would otherwise fold into a space). */
		size_t breaks = 0;
		for (i = line_end; i < end && s[i] == '\n'; i++)
			breaks++;
		size_t empty = breaks == 0 ? 0 : folded ? breaks : breaks - 1;
		for (size_t k = 0; rc == 0 && k < empty; k++)
			rc = promote__buf_puts(out, eol);
	}
	for (size_t k = end > 0 ? 1 : 0; rc == 0 && k < trailing; k++)
		rc = promote__buf_puts(out, eol);
	return rc;
}

/* ---- the values a plain scalar stands for (duplicate keys) ---------------- */

/* Digits of `s` (without '_') in `base`, added to *value; false on overflow or
 * a digit outside the base. */
static bool accumulate(const char *s, size_t n, unsigned base, unsigned long long *value)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		unsigned d = is_digit(s[i]) ? (unsigned)(s[i] - '0') : (unsigned)((s[i] | 0x20) - 'a' + 10);
		if (d >= base || *value > (ULLONG_MAX - d) / base)
			return false;
		*value = *value * base + d;
	}
	return true;
}

static size_t add_int(char forms[][PROMOTE__YFORM_MAX], size_t count, bool negative, unsigned long long value)
{
	snprintf(forms[count], PROMOTE__YFORM_MAX, "%s%llu", negative && value ? "-" : "", value);
	for (size_t i = 0; i < count; i++)
		if (strcmp(forms[i], forms[count]) == 0)
			return count;
	return count + 1;
}

/* An int: its value as YAML 1.2 reads it and, when different, as YAML 1.1
 * does ("010" is ten, or eight; "1:30" is ninety to 1.1 only). */
static size_t int_values(const char *s, size_t n, char forms[][PROMOTE__YFORM_MAX])
{
	bool negative = n && s[0] == '-';
	if (n && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	unsigned long long v = 0, sixty = 0;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b'))
		return accumulate(s + 2, n - 2, s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2, &v) ? add_int(forms, 0, negative, v)
											     : 0;
	const char *colon = memchr(s, ':', n);
	if (colon) {
		for (const char *part = s, *end = s + n; part < end;) {
			const char *stop = memchr(part, ':', (size_t)(end - part));
			stop = stop ? stop : end;
			unsigned long long p = 0;
			if (!accumulate(part, (size_t)(stop - part), 10, &p) || sixty > (ULLONG_MAX - p) / 60)
				return 0;
			sixty = sixty * 60 + p;
			part = stop + 1;
		}
		return add_int(forms, 0, negative, sixty);
	}
	if (!accumulate(s, n, 10, &v))
		return 0;
	size_t count = add_int(forms, 0, negative, v);
	unsigned long long octal = 0;
	if (n > 1 && s[0] == '0' && accumulate(s, n, 8, &octal))
		count = add_int(forms, count, negative, octal);
	return count;
}

/* A float: an integral value is written as the int it equals (1.0 and 1 are
 * one key to a reader that turns keys into strings, and to Python); others
 * as the shortest text that reads back as the same double. */
static size_t float_values(const char *s, size_t n, char forms[][PROMOTE__YFORM_MAX])
{
	char text[PROMOTE__YFORM_MAX];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (s[i] == ':' || len + 1 >= sizeof text)
			return 0; /* sexagesimal floats, and very long numbers, compare as text */
		text[len++] = s[i];
	}
	text[len] = '\0';
	const char *body = text + (text[0] == '-' || text[0] == '+');
	if (body[0] == '.' && (body[1] | 0x20) == 'n')
		return 0; /* .nan never equals another key */
	if (body[0] == '.' && (body[1] | 0x20) == 'i')
		return snprintf(forms[0], PROMOTE__YFORM_MAX, "%sinf", text[0] == '-' ? "-" : ""), 1;
	double d = strtod(text, NULL);
	if (d > -9.2e18 && d < 9.2e18 && d == (double)(long long)d)
		return add_int(forms, 0, d < 0, (unsigned long long)(d < 0 ? -(long long)d : (long long)d));
	for (int precision = 1; precision <= 17; precision++) {
		snprintf(forms[0], PROMOTE__YFORM_MAX, "%.*g", precision, d);
		if (strtod(forms[0], NULL) == d)
			break;
	}
	return 1;
}

size_t promote__yplain_values(const char *s, size_t n, char forms[][PROMOTE__YFORM_MAX])
{
	static const char *const truths[] = { "true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES", "on", "On",
		"ON", NULL };
	switch (promote__yplain_type(s, n)) {
	case PROMOTE__YT_NULL:
		return snprintf(forms[0], PROMOTE__YFORM_MAX, "null"), 1;
	case PROMOTE__YT_BOOL:
		return snprintf(forms[0], PROMOTE__YFORM_MAX, "%s", any_of(s, n, truths) ? "true" : "false"), 1;
	case PROMOTE__YT_INT:
		return int_values(s, n, forms);
	case PROMOTE__YT_FLOAT:
		return float_values(s, n, forms);
	default:
		return 0;
	}
}
