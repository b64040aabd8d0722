/*
 * Internal: typed reading of YAML nodes for the configuration loader. Every
 * problem is added to an error list with its file:line:column and what to
 * do; readers return false/NULL and the caller goes on, so one run reports
 * every problem.
 */
#ifndef PROMOTE_CONFIG_READER_H
#define PROMOTE_CONFIG_READER_H

#include "schema.h"
#include "yaml/tree.h"

typedef struct promote__reader {
	promote__arena *arena;
	promote__errlist *errors;
	const char *file;
	promote__arena *scratch;  /* what lives only while loading: labels for messages */
} promote__reader;

promote__location promote__reader_where(const promote__reader *r, const promote__ynode *node);

/* Add a configuration error at `node`. */
void promote__reader_error(promote__reader *r, const promote__ynode *node, const char *fmt, ...)
	PROMOTE_PRINTF(3, 4);

/* The value of `key` in mapping `map` (aliases resolved), or NULL. */
const promote__ynode *promote__map_get(const promote__ynode *map, const char *key);

/* Report keys of `map` not in `allowed` (with a "did you mean"); `what`
 * names the mapping in messages ("environment 'dev'"). */
void promote__check_keys(promote__reader *r, const promote__ynode *map, const char *const *allowed,
	size_t allowed_count, const char *what);

/* Report every mapping in the tree that repeats a key. */
void promote__check_duplicate_keys(promote__reader *r, const promote__ynode *node);

/* The node, resolved, when it is of `type`; else an error naming `what`. */
const promote__ynode *promote__expect(promote__reader *r, const promote__ynode *node,
	promote__ynode_type type, const char *what);

/* A non-null scalar as an arena string; NULL (and an error) otherwise. */
const char *promote__read_string(promote__reader *r, const promote__ynode *node, const char *what);

/* An http(s) URL (a string starting "https://" or "http://"); NULL and an error saying to give
 * `hint` ("the API's base, such as https://api.github.com") otherwise. */
const char *promote__read_http_url(promote__reader *r, const promote__ynode *node, const char *what,
	const char *hint);

/* A decimal integer that fits in int32_t. */
bool promote__read_int32(promote__reader *r, const promote__ynode *node, const char *what, int32_t *out);

/* A whole number from `min` to `max`: an error naming the bounds otherwise. */
bool promote__read_bounded(promote__reader *r, const promote__ynode *node, const char *what, int32_t min,
	int32_t max, int32_t *out);

/* A duration: numbers with the units h, m and s, largest first, each at most
 * once ("90s", "10m", "24h", "1h30m"; duration.h), from 1 second to `max_s` seconds. */
bool promote__read_duration(promote__reader *r, const promote__ynode *node, const char *what, uint32_t max_s,
	uint32_t *out);

/* One of `names` (exact spelling); returns its index, or -1 with an error
 * listing the accepted values. */
int promote__read_enum(promote__reader *r, const promote__ynode *node, const char *what,
	const char *const *names, size_t count);

/* true or false (exactly so spelled); `fallback` with an error otherwise. */
bool promote__read_bool(promote__reader *r, const promote__ynode *node, const char *what, bool fallback);

/* A sequence of strings (a single string is accepted as a list of one). */
bool promote__read_string_list(promote__reader *r, const promote__ynode *node, const char *what,
	const char ***out, size_t *count);

/* The same, keeping each item's location. */
bool promote__read_ref_list(promote__reader *r, const promote__ynode *node, const char *what,
	promote__ref **out, size_t *count);

/* A mapping of scalar keys to scalar values (labels). */
bool promote__read_string_map(promote__reader *r, const promote__ynode *node, const char *what,
	promote__pair **out, size_t *count);

/* What a relative path may hold besides plain components. */
enum {
	PROMOTE__PATH_GLOB = 1,  /* the wildcards * ? [ ] */
	PROMOTE__PATH_DOT = 2    /* "." alone: the folder itself */
};

/* A path relative to the repository or an environment: not absolute, no
 * ".." component, no empty or "." component; `flags` allow more. */
const char *promote__read_relative_path(promote__reader *r, const promote__ynode *node, const char *what,
	unsigned flags);

/* Check the path `s` as above, reporting at `where`; true when it is fine. */
bool promote__check_relative_path(promote__reader *r, const promote__location *where, const char *what,
	const char *s, unsigned flags);

/* A list of such paths (a single string is a list of one), each with its
 * location; bad items are reported and left out. */
bool promote__read_path_list(promote__reader *r, const promote__ynode *node, const char *what, unsigned flags,
	promote__ref **out, size_t *count);

#endif
