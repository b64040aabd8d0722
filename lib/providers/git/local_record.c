/* The local provider's change record: JSON, read and written with json-c. */
#include "local_record.h"

#include "git/repo.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <string.h>

/* Adds `value` (taken) under `key`; a NULL value (out of memory) is an error. */
static int put(json_object *record, const char *key, json_object *value)
{
	return promote__json_put(record, key, value, false);
}

static json_object *string_array(const promote__strset *set)
{
	return promote__json_strings(set->items.ptr, set->items.size);
}

json_object *promote__local_record_new(const promote_change_request *request, int64_t now)
{
	json_object *r = json_object_new_object();
	if (!r)
		return NULL;
	int rc = put(r, "version", json_object_new_int(1));
	if (rc == 0)
		rc = put(r, "id", json_object_new_string(request->head));
	if (rc == 0)
		rc = put(r, "head", json_object_new_string(request->head));
	if (rc == 0)
		rc = put(r, "base", json_object_new_string(request->base));
	if (rc == 0)
		rc = put(r, "title", json_object_new_string(request->title ? request->title : request->head));
	if (rc == 0)
		rc = put(r, "body", json_object_new_string(request->body ? request->body : ""));
	if (rc == 0)
		rc = put(r, "labels", string_array(&request->labels));
	if (rc == 0)
		rc = put(r, "environments", string_array(&request->environments));
	if (rc == 0)
		rc = put(r, "draft", json_object_new_boolean(request->draft));
	if (rc == 0)
		rc = put(r, "approvals", json_object_new_array());
	if (rc == 0)
		rc = put(r, "comments", json_object_new_array());
	if (rc == 0)
		rc = put(r, "created", json_object_new_int64(now));
	if (rc == 0)
		rc = promote__local_record_set_state(r, PROMOTE_CHANGE_OPEN, now);
	if (rc) {
		json_object_put(r);
		return NULL;
	}
	return r;
}

static bool has(json_object *record, const char *key, json_type type)
{
	json_object *v = NULL;
	return promote__json_get(&v, record, key, type, false);
}

int promote__local_record_parse(json_object **out, const char *data, size_t size, const char *ref)
{
	*out = NULL;
	json_object *r = NULL;
	const char *why = NULL;
	int rc = promote__json_parse_object(&r, data, size, 16, &why);
	if (rc)
		return rc;
	/* `why` already says what is wrong when the bytes are not a JSON object */
	if (!why && (!has(r, "id", json_type_string) || !has(r, "head", json_type_string) ||
		     !has(r, "base", json_type_string) || !has(r, "state", json_type_string)))
		why = "'id', 'head', 'base' or 'state' is missing";
	if (!why && (!has(r, "approvals", json_type_array) || !has(r, "comments", json_type_array) ||
		     !has(r, "labels", json_type_array)))
		why = "'approvals', 'comments' or 'labels' is not a list";
	if (!why) {
		const char *state = promote__local_record_string(r, "state");
		why = "its state is none of open, merged, closed";
		for (int s = PROMOTE_CHANGE_OPEN; s <= PROMOTE_CHANGE_CLOSED; s++)
			if (strcmp(state, promote_change_state_name(s)) == 0)
				why = NULL;
	}
	if (why) {
		json_object_put(r);
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"the change record at '%s' cannot be read (%s); it was not written by promote: remove the "
			"ref or restore it", ref, why);
	}
	*out = r;
	return 0;
}

const char *promote__local_record_string(json_object *record, const char *key)
{
	json_object *v = NULL;
	return promote__json_get(&v, record, key, json_type_string, false) ? json_object_get_string(v) : "";
}

promote_change_state promote__local_record_state(json_object *record)
{
	const char *s = promote__local_record_string(record, "state");
	for (int state = PROMOTE_CHANGE_OPEN; state <= PROMOTE_CHANGE_CLOSED; state++)
		if (strcmp(s, promote_change_state_name(state)) == 0)
			return (promote_change_state)state;
	return PROMOTE_CHANGE_OPEN;
}

int promote__local_record_set_state(json_object *record, promote_change_state state, int64_t now)
{
	int rc = put(record, "state", json_object_new_string(promote_change_state_name(state)));
	return rc ? rc : put(record, "updated", json_object_new_int64(now));
}

int promote__local_record_set_string(json_object *record, const char *key, const char *value)
{
	return put(record, key, json_object_new_string(value));
}

bool promote__local_record_has_labels(json_object *record, const promote_change_request *request)
{
	json_object *labels = NULL;
	json_object_object_get_ex(record, "labels", &labels);
	for (size_t i = 0; i < request->labels.items.size; i++) {
		bool found = false;
		for (size_t k = 0; !found && k < json_object_array_length(labels); k++) {
			const char *s = json_object_get_string(json_object_array_get_idx(labels, k));
			found = s && strcmp(s, request->labels.items.ptr[i]) == 0;
		}
		if (!found)
			return false;
	}
	return true;
}

int promote__local_record_append(json_object *record, const char *key, const char *by, const char *body,
	int64_t now)
{
	json_object *list = NULL;
	json_object_object_get_ex(record, key, &list);
	if (!body) /* an approval: one per person */
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			json_object *who = NULL;
			if (json_object_object_get_ex(json_object_array_get_idx(list, i), "by", &who) &&
				strcmp(json_object_get_string(who), by) == 0)
				return 1;
		}
	json_object *entry = json_object_new_object();
	int rc = entry ? put(entry, "by", json_object_new_string(by)) : promote__error_oom();
	if (rc == 0)
		rc = put(entry, "at", json_object_new_int64(now));
	if (rc == 0 && body)
		rc = put(entry, "body", json_object_new_string(body));
	if (rc == 0 && json_object_array_add(list, entry) != 0)
		rc = promote__error_oom();
	if (rc) {
		json_object_put(entry);
		return rc;
	}
	return put(record, "updated", json_object_new_int64(now));
}

int promote__local_record_to_info(promote_change_info *info, json_object *record, const char *where)
{
	const char *id = promote__local_record_string(record, "id");
	promote__strbuf url;
	promote__strbuf_init(&url, PROMOTE__MESSAGE_MAX, "the change's address");
	json_object *approvals = NULL, *draft = NULL;
	json_object_object_get_ex(record, "approvals", &approvals);
	json_object_object_get_ex(record, "draft", &draft);
	int rc = promote_change_info_set_id(info, id);
	if (rc == 0)
		rc = promote__strbuf_addf(&url, "%s#" PROMOTE__GIT_CHANGES_PREFIX "%s", where, id);
	if (rc == 0)
		rc = promote_change_info_set_url(info, promote__strbuf_cstr(&url));
	promote__strbuf_free(&url);
	if (rc == 0)
		rc = promote_change_info_set_head(info, promote__local_record_string(record, "head"));
	if (rc == 0)
		rc = promote_change_info_set_base(info, promote__local_record_string(record, "base"));
	if (rc == 0)
		rc = promote_change_info_set_title(info, promote__local_record_string(record, "title"));
	if (rc == 0)
		rc = promote_change_info_set_merge_commit(info, promote__local_record_string(record, "mergeCommit"));
	if (rc == 0) {
		info->state = promote__local_record_state(record);
		info->checks = PROMOTE_CHECKS_NONE; /* nothing runs checks on a local change */
		info->draft = draft && json_object_get_boolean(draft);
		info->approvals = (unsigned)json_object_array_length(approvals);
	}
	return rc;
}
