/* Scalar types, plain safety, quoting and block bodies. */
#include "scalar.h"

#include "core/buf.h"

#include <stdio.h>
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
