/*
 * Internal: what the configuration's section loaders share — labels that
 * name a thing in messages ("environment 'dev'", "'path' of environment
 * 'dev'"), entry names and the checks of names.
 */
#ifndef PROMOTE_CONFIG_LABELS_H
#define PROMOTE_CONFIG_LABELS_H

#include "reader.h"

/* The allowed keys of a mapping, for promote__check_keys(): KEYS("a", "b"). */
#define KEYS(...) ((const char *const[]){ __VA_ARGS__ }), (sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* A label built whole — a long name is never cut — and kept in the reader's
 * scratch arena, freed when loading ends; "?" when memory ran out (noted in
 * the reader's errors). */
const char *promote__labelf(promote__reader *r, const char *fmt, ...) PROMOTE_PRINTF(2, 3);

/* "NOUN 'NAME'" */
const char *promote__label_named(promote__reader *r, const char *noun, const char *name);

/* "'FIELD' of OWNER" */
const char *promote__label_field(promote__reader *r, const char *field, const char *owner);

/* The name of entry `i` of mapping `map` (its key) in the arena; NULL after
 * reporting an empty one (or for a key that is not a scalar, reported by
 * promote__check_duplicate_keys). */
const char *promote__entry_name(promote__reader *r, const promote__ynode *map, size_t i);

/* The name of an environment, a product or a workflow: it becomes part of
 * branch names, trailers, labels and (a product's) folder paths. Reported at
 * its key `key` when it is not valid. */
void promote__check_config_name(promote__reader *r, const promote__ynode *key, const char *noun, const char *name);

/* `count` zeroed elements of `size` bytes in the reader's arena; NULL for none. */
void *promote__reader_array(promote__reader *r, size_t count, size_t size);

#endif
