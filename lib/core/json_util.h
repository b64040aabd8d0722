/*
 * Internal: what every json-c writer and reader of the library shares — a
 * member added or refused as out of memory, a list of strings, a member of a
 * given type, a whole document parsed as one object. The records of releases
 * (lib/engine/release_json.c) and of the local provider's changes
 * (lib/providers/git/local_record.c) are built and read with these.
 */
#ifndef PROMOTE_CORE_JSON_UTIL_H
#define PROMOTE_CORE_JSON_UTIL_H

#include "common.h"

#include "json_path.h"

#include <json-c/json.h>

/* Adds `value` (taken) under `key` of the object `o`: 0, or PROMOTE_ENOMEM
 * with `value` released when it cannot be added. A NULL `value` (its
 * constructor ran out of memory) is PROMOTE_ENOMEM too, unless `nullable`:
 * then it is written as JSON null. */
int promote__json_put(json_object *o, const char *key, json_object *value, bool nullable);

/* Appends `item` (taken) to the array `array`: 0, or PROMOTE_ENOMEM with
 * `item` released when it cannot be added — also when `item` is NULL (its
 * constructor ran out of memory). */
int promote__json_append(json_object *array, json_object *item);

/* `value` as a string member `key` of `o`; NULL is JSON null when
 * `nullable`, else "". 0 or PROMOTE_ENOMEM. */
int promote__json_put_string(json_object *o, const char *key, const char *value, bool nullable);

/* A JSON array of the `count` strings of `items`; NULL when out of memory. */
json_object *promote__json_strings(char *const *items, size_t count);

/* A time, seconds since the epoch, as UTC "2026-12-05T03:20:00Z"; NULL (JSON
 * null with promote__json_put(..., true)) for 0 or less. */
json_object *promote__json_time(int64_t t);
/* `o` as pretty JSON and a newline appended to `out`: 0 or PROMOTE_ENOMEM. */
int promote__json_to_buf(promote_buf *out, json_object *o);
/* Whether `o` has the member `key` of `type` (or, where `nullable`, JSON
 * null); its value in *out (NULL for null). */
bool promote__json_get(json_object **out, json_object *o, const char *key, json_type type, bool nullable);

/* The `size` bytes of `data` parsed as one JSON object, nested at most
 * `depth` deep: 0 and the object in *out (the caller puts it), or 0, *out
 * NULL and what is wrong in *why (json-c's description, "empty" or "not a
 * JSON object"); PROMOTE_ENOMEM when no parser could be made. */
int promote__json_parse_object(json_object **out, const char *data, size_t size, int depth, const char **why);

#endif
