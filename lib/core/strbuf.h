/*
 * Internal: a string built piece by piece, with a bound.
 *
 * Every string the library builds from input of unknown length (a reference
 * name from a product and an environment, a commit message with trailers, a
 * path under a folder) goes through one of these instead of a fixed char[N]
 * and snprintf(), which cuts silently. The buffer grows as needed up to the
 * bound it was initialised with; an addition that would pass the bound fails
 * with PROMOTE_ELIMIT and a message naming what was being built, and leaves
 * the content as it was before that addition.
 *
 *     promote__strbuf ref;
 *     promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "the change branch's reference name");
 *     if ((rc = promote__strbuf_addf(&ref, "refs/heads/%s", branch)) < 0)
 *         goto done;
 *     ... promote__strbuf_cstr(&ref) ...
 *   done:
 *     promote__strbuf_free(&ref);
 */
#ifndef PROMOTE_CORE_STRBUF_H
#define PROMOTE_CORE_STRBUF_H

#include "common.h"

#include <stdarg.h>

/* Bounds for what the library builds. A reference name: git has no limit of
 * its own, but libgit2 refuses one of 1024 bytes or more (GIT_REFNAME_MAX,
 * with the NUL), so a longer one could be pushed and then not be recorded. */
#define PROMOTE__REFNAME_MAX 1023
/* A branch name the library makes: room left for the longest prefix put
 * before one ("refs/promote/changes/" for a change's record). */
#define PROMOTE__BRANCH_MAX (PROMOTE__REFNAME_MAX - 64)
/* A path inside a repository's tree. */
#define PROMOTE__PATH_MAX 4096
/* A commit message or a change request's title and body. */
#define PROMOTE__MESSAGE_MAX (1024 * 1024)

typedef struct promote__strbuf {
	char *ptr;        /* NUL-terminated; NULL until something was added */
	size_t len;       /* bytes held, without the NUL */
	size_t alloc;     /* bytes allocated */
	size_t max;       /* the most bytes it may hold, without the NUL */
	const char *what; /* what is being built, for the error message (a literal) */
} promote__strbuf;

/* An empty buffer that may hold at most `max` bytes. `what` ("a reference
 * name") names it in the error a too-long addition gets; it must outlive the
 * buffer (a string literal). Allocates nothing. */
void promote__strbuf_init(promote__strbuf *sb, size_t max, const char *what);

/* Append bytes, a string, or printf-formatted text. 0, or PROMOTE_ELIMIT
 * (the result would be longer than the bound) or PROMOTE_ENOMEM, with the
 * error set and the content unchanged. */
PROMOTE_WARN_UNUSED int promote__strbuf_add(promote__strbuf *sb, const void *data, size_t len);
PROMOTE_WARN_UNUSED int promote__strbuf_adds(promote__strbuf *sb, const char *s);
PROMOTE_WARN_UNUSED int promote__strbuf_addf(promote__strbuf *sb, const char *fmt, ...) PROMOTE_PRINTF(2, 3);
PROMOTE_WARN_UNUSED int promote__strbuf_vaddf(promote__strbuf *sb, const char *fmt, va_list ap)
	PROMOTE_PRINTF(2, 0);
/* Empty it, then addf: for a buffer reused in a loop. */
PROMOTE_WARN_UNUSED int promote__strbuf_setf(promote__strbuf *sb, const char *fmt, ...) PROMOTE_PRINTF(2, 3);

/* The content, NUL-terminated: "" when nothing was added. Borrowed; valid
 * until the next change to the buffer. */
const char *promote__strbuf_cstr(const promote__strbuf *sb);
size_t promote__strbuf_len(const promote__strbuf *sb);

/* Hand the content over: a malloc'd NUL-terminated string the caller frees
 * ("" allocated when empty), the buffer left empty (and usable). NULL only
 * when out of memory (error set). */
PROMOTE_WARN_UNUSED char *promote__strbuf_take(promote__strbuf *sb);

/* A formatted string made whole (at most `max` bytes, `what` naming it in the
 * PROMOTE_ELIMIT message) into *out, malloc'd for the caller to free; 0, or
 * the error (set) and *out NULL. What the variadic formatters below and
 * beside (labels, messages) share. */
PROMOTE_WARN_UNUSED int promote__strbuf_vformat(char **out, size_t max, const char *what, const char *fmt,
	va_list ap) PROMOTE_PRINTF(4, 0);

/* A formatted string made whole in one call, malloc'd for the caller to free:
 * for a path or a key made of strings already in memory, instead of adding
 * up their lengths by hand for malloc() and snprintf(). Bounded only by
 * memory; NULL (error set) when out of memory or the format fails. */
PROMOTE_WARN_UNUSED char *promote__strdupf(const char *fmt, ...) PROMOTE_PRINTF(1, 2);

/* Replace the malloc'd string *field with a copy of `value` (the old one
 * freed): for copying setters. PROMOTE_EINVALID, naming `function`'s
 * argument `what`, for a NULL value; PROMOTE_ENOMEM. */
int promote__string_replace(char **field, const char *value, const char *function, const char *what);

/* Empty it, keeping the allocation. */
void promote__strbuf_reset(promote__strbuf *sb);
/* Release the allocation; the buffer is empty and usable again, same bound. */
void promote__strbuf_free(promote__strbuf *sb);

#endif
