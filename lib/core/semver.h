/*
 * Internal: ordering versions — as Semantic Versioning 2.0.0 says when both
 * are semantic versions, else as text (drift, doc/DRIFT.md).
 */
#ifndef PROMOTE_CORE_SEMVER_H
#define PROMOTE_CORE_SEMVER_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A semantic version, pointing into the text it was read from:
 * MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], numbers without leading zeros,
 * identifiers of [0-9A-Za-z-], numeric prerelease identifiers without
 * leading zeros; one leading 'v' or 'V' is accepted ("v1.2.3").
 */
typedef struct promote__semver {
	const char *major, *minor, *patch;     /* digits, without leading zeros */
	size_t major_len, minor_len, patch_len;
	const char *pre;                       /* the prerelease after '-', or NULL */
	size_t pre_len;
} promote__semver;

/* Whether `text` is a semantic version; when it is, its parts into *out. */
bool promote__semver_parse(promote__semver *out, const char *text);

/* <0, 0, >0 as `a` has lower, the same or higher precedence than `b` (build
 * metadata ignored: 1.0.0+a and 1.0.0+b have the same precedence). */
int promote__semver_compare(const promote__semver *a, const promote__semver *b);

/*
 * Texts that are not both semantic versions: runs of digits compared as
 * numbers ("build-9" < "build-10", "1.9" < "1.10"), everything else byte by
 * byte; texts that differ only in leading zeros compare by their bytes, so
 * that 0 means the same text.
 */
int promote__text_version_compare(const char *a, const char *b);

/* a against b: as semantic versions when both are (*semver true), else as
 * text (*semver false). <0, 0, >0. */
int promote__version_compare(const char *a, const char *b, bool *semver);

#endif
