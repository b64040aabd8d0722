/*
 * Internal: how a scalar value is written into YAML source — the types plain
 * scalars resolve to, when a value may stay plain, quoting and escaping, and
 * block scalar bodies. doc/YAML.md states the rules for users.
 */
#ifndef PROMOTE_YAML_SCALAR_H
#define PROMOTE_YAML_SCALAR_H

#include "core/common.h"

/* What a plain scalar resolves to (YAML 1.1 and 1.2 core schema together:
 * a value either version reads as non-string counts as non-string). */
typedef enum promote__ytype {
	PROMOTE__YT_STRING,
	PROMOTE__YT_NULL,
	PROMOTE__YT_BOOL,
	PROMOTE__YT_INT,
	PROMOTE__YT_FLOAT,
	PROMOTE__YT_TIMESTAMP,
	PROMOTE__YT_SPECIAL        /* '=' and '<<', which YAML 1.1 reserves */
} promote__ytype;

promote__ytype promote__yplain_type(const char *s, size_t n);

/*
 * The values a reader may take plain scalar `s` for, when it is not a string
 * (null, bool, int, float), each written as a reader that turns keys into
 * strings (Helm's) writes it: "null", "true", "false", a decimal integer
 * (1.0 and 0x1 are "1"), a float's shortest text. Up to PROMOTE__YFORMS:
 * "010" is 10 to YAML 1.2 and 8 to YAML 1.1. Returns how many (0 for a
 * string, a timestamp, .nan, or a number too long to compare by value).
 */
#define PROMOTE__YFORMS 2
#define PROMOTE__YFORM_MAX 32
size_t promote__yplain_values(const char *s, size_t n, char forms[][PROMOTE__YFORM_MAX]);

/* The type a core-schema tag ("tag:yaml.org,2002:int", ...) demands, or
 * PROMOTE__YT_STRING for !!str and tags of other schemas. */
promote__ytype promote__ytag_type(const char *tag);

/* True when `s` written plain reads back as exactly `s` (in a flow
 * collection when `in_flow`). The type is a separate question. */
bool promote__yplain_safe(const char *s, size_t n, bool in_flow);

/* True when `s` is valid UTF-8 without NUL. */
bool promote__yvalid_utf8(const char *s, size_t n);

/* Append `s` as a double-quoted scalar, escaping what must be. */
int promote__yquote_double(promote_buf *out, const char *s, size_t n);

/* Append `s` single-quoted; PROMOTE_ENOTSUPPORTED when it holds a line break
 * or a non-printable character (single quotes cannot escape them). */
int promote__yquote_single(promote_buf *out, const char *s, size_t n);

/*
 * Append the body of a block scalar holding `s`: every line indented by
 * `indent` spaces, ending in a line break (`eol` is "\n" or "\r\n").
 * `folded` writes the folded form (a line break in the value becomes an
 * empty line). *chomp receives the chomping indicator the body needs: 0
 * (clip), '-' (strip) or '+' (keep). PROMOTE_ENOTSUPPORTED when the value
 * cannot be written so: its first line starts with a space or tab (or, when
 * folded, any line does), or it holds a character YAML cannot write raw.
 */
int promote__yblock_body(promote_buf *out, const char *s, size_t n, size_t indent, bool folded, const char *eol,
	char *chomp);

#endif
