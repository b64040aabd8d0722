/*
 * Internal: the record of a change of the built-in "local" git provider
 * (see local.h): a JSON document kept as the history of
 * refs/promote/changes/<id>.
 */
#ifndef PROMOTE_PROVIDERS_LOCAL_RECORD_H
#define PROMOTE_PROVIDERS_LOCAL_RECORD_H

#include "providers/change.h"

#include <json-c/json.h>

/* The largest record read or written: comments beyond it are refused. */
#define PROMOTE__LOCAL_RECORD_MAX (1024 * 1024)

/* A new open record for `request`, made at `now`. NULL when out of memory. */
json_object *promote__local_record_new(const promote_change_request *request, int64_t now);

/* Parse the bytes read from `ref`; PROMOTE_EINVALID when they are not a record. */
int promote__local_record_parse(json_object **out, const char *data, size_t size, const char *ref);

/* Field access; a missing string is "". */
const char *promote__local_record_string(json_object *record, const char *key);
promote_change_state promote__local_record_state(json_object *record);
int promote__local_record_set_state(json_object *record, promote_change_state state, int64_t now);
int promote__local_record_set_string(json_object *record, const char *key, const char *value);
bool promote__local_record_has_labels(json_object *record, const promote_change_request *request);
/* Append {by, at[, body]} to the array `key` ("approvals", "comments"); an
 * approval by someone who approved already is not added (returns 1). */
int promote__local_record_append(json_object *record, const char *key, const char *by, const char *body,
	int64_t now);

/* Everything `info` says, from the record; `where` is the repository (path or redacted URL). */
int promote__local_record_to_info(promote_change_info *info, json_object *record, const char *where);

#endif
