/* Internal: small string helpers. */
#ifndef PROMOTE_CORE_STRUTIL_H
#define PROMOTE_CORE_STRUTIL_H

#include "common.h"

/* The longest word compared: longer ones are never suggested. */
#define PROMOTE__SUGGEST_MAX 64

/* Edit distance between two strings (insert, delete, substitute, transpose);
 * SIZE_MAX when either is longer than PROMOTE__SUGGEST_MAX. */
size_t promote__edit_distance(const char *a, const char *b);

/* The candidate closest to `word` when close enough to be a likely typo
 * (distance at most a third of the longer word, at least 1), else NULL. */
const char *promote__suggest(const char *word, const char *const *candidates, size_t count);

/* " (did you mean 'x'?)" for the best candidate, or "" — a static buffer
 * of the calling thread, valid until the next call. */
const char *promote__did_you_mean(const char *word, const char *const *candidates, size_t count);

/* The whole number of seconds environment variable `name` holds, when it is
 * one from 0 to `max`; otherwise (unset, empty, not a number, out of range)
 * `fallback`. */
long promote__env_seconds(const char *name, long max, long fallback);

/* The colon of an scp-like git URL, "[user@]host:path" (git's rule: a colon
 * before any '/', not the first character; "a/b:c" is a local path), or NULL
 * when `url` is not one. */
const char *promote__scp_like_colon(const char *url);

/* Whether `name` is a Kubernetes object's name (an Argo CD application's, a
 * namespace's, a WorkflowTemplate's): lower-case letters, digits, '-' and
 * '.', at most 253 bytes, beginning and ending with a letter or a digit. */
bool promote__kubernetes_name(const char *name);

/* The last line of the `size` bytes at `text` (line ends and blanks at its end left out), at most its
 * last `max` bytes: what a message quotes of a command's output. malloc'd ("" for none); NULL when out
 * of memory. */
char *promote__last_line(const char *text, size_t size, size_t max);

/* How many bytes `a` and `b` begin with alike, of their first `n` (compared a word at a time: a folder of
 * 10,000 applications is 360 KiB). */
size_t promote__common_prefix(const unsigned char *a, const unsigned char *b, size_t n);

/* How many bytes the `n` bytes that end at `a_end` and at `b_end` end with alike. */
size_t promote__common_suffix(const unsigned char *a_end, const unsigned char *b_end, size_t n);

#endif
