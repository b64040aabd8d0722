/*
 * Internal: a member of a JSON document by its dotted path — what the readers of the forges' and Argo's
 * answers share, and the command's reader of webhook payloads (cli/web_hooks.c, which compiles this file
 * in: it needs nothing but json-c and civil.c).
 */
#ifndef PROMOTE_CORE_JSON_PATH_H
#define PROMOTE_CORE_JSON_PATH_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* Reading an API's answer: the member at dotted `path` of `o`
 * ("status.operationState.phase"; keys of at most 63 bytes), or NULL; the
 * string there ("" when absent or not a string); the RFC 3339 time there
 * (Unix seconds; false when absent or not one). */
json_object *promote__json_at(json_object *o, const char *path);
const char *promote__json_text(json_object *o, const char *path);
bool promote__json_when(int64_t *out, json_object *o, const char *path);

#endif
