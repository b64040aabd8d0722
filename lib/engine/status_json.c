/*
 * The status as JSON (doc/OPERATIONS.md, "The JSON of promote status"; keys
 * are only added):
 *
 * {"schema": 1, "environments": ["dev", "staging", "prod"],
 *  "products": [{"name": "shop", "environments": {
 *     "dev": {"present": true, "version": "1.5.0", "error": null, "release": null, "waiting": 0},
 *     "prod": {"present": true, "version": "1.4.0", "error": null, "waiting": 0,
 *              "release": {"id": "shop-1.5.0-3fa9c1", "flow": "default", "version": "1.5.0",
 *                          "state": "waiting", "reason": "...", "created": "...",
 *                          "step": {"state": "awaiting_approval", "reason": "waiting for approval of ...",
 *                                   "attempts": 1, "commit": "", "change": "promote/shop-1.5.0-3fa9c1/prod",
 *                                   "started": "..."}}}}}]}
 */
#include "status_model.h"

#include "core/error.h"
#include "core/json_util.h"

#include <json-c/json.h>

static int put_str(json_object *o, const char *key, const char *value, bool nullable)
{
	return promote__json_put(o, key, value || !nullable ? json_object_new_string(value ? value : "") : NULL,
		nullable);
}

static json_object *step_json(const promote_release_step *s)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = put_str(o, "state", promote_step_state_name(promote_release_step_state(s)), false);
	if (rc == 0)
		rc = put_str(o, "reason", promote_release_step_reason(s), false);
	if (rc == 0)
		rc = promote__json_put(o, "attempts", json_object_new_int64(promote_release_step_attempts(s)), false);
	if (rc == 0)
		rc = put_str(o, "commit", promote_release_step_commit(s), false);
	if (rc == 0)
		rc = put_str(o, "change", promote_release_step_change(s), false);
	if (rc == 0)
		rc = promote__json_put(o, "started", promote__json_time(promote_release_step_started(s)), true);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *release_json(const promote_release *r, const promote_release_step *s)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = put_str(o, "id", promote_release_id(r), false);
	if (rc == 0)
		rc = put_str(o, "flow", promote_release_flow(r), false);
	if (rc == 0)
		rc = put_str(o, "version", promote_release_version(r), false);
	if (rc == 0)
		rc = put_str(o, "state", promote_release_state_name(promote_release_state(r)), false);
	if (rc == 0)
		rc = put_str(o, "reason", promote_release_reason(r), false);
	if (rc == 0)
		rc = promote__json_put(o, "created", promote__json_time(promote_release_created(r)), true);
	if (rc == 0)
		rc = promote__json_put(o, "step", step_json(s), false);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *cell_json(const promote_status_cell *c)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "present", json_object_new_boolean(c->present), false);
	if (rc == 0)
		rc = put_str(o, "version", c->version, true);
	if (rc == 0)
		rc = put_str(o, "error", c->error, true);
	if (rc == 0)
		rc = promote__json_put(o, "release", c->release ? release_json(c->release, c->step) : NULL, !c->release);
	if (rc == 0)
		rc = promote__json_put(o, "waiting", json_object_new_int64((int64_t)c->waiting), false);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *row_json(const promote_status *st, size_t p)
{
	json_object *o = json_object_new_object(), *envs = json_object_new_object();
	int rc = o && envs ? 0 : promote__error_oom();
	if (rc == 0)
		rc = put_str(o, "name", st->products[p], false);
	for (size_t e = 0; rc == 0 && e < st->env_count; e++)
		rc = promote__json_put(envs, promote_env_name(st->envs[e]), cell_json(&st->cells[p * st->env_count + e]),
			false);
	if (rc == 0) {
		rc = promote__json_put(o, "environments", envs, false);
		envs = NULL;
	}
	json_object_put(envs);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *status_json(const promote_status *st)
{
	json_object *o = json_object_new_object(), *envs = json_object_new_array(),
		    *rows = json_object_new_array_ext((int)st->product_count);
	int rc = o && envs && rows ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "schema", json_object_new_int(PROMOTE__STATUS_SCHEMA), false);
	for (size_t e = 0; rc == 0 && e < st->env_count; e++)
		if (json_object_array_add(envs, json_object_new_string(promote_env_name(st->envs[e]))) != 0)
			rc = promote__error_oom();
	for (size_t p = 0; rc == 0 && p < st->product_count; p++) {
		json_object *row = row_json(st, p);
		if (!row || json_object_array_add(rows, row) != 0) {
			json_object_put(row);
			rc = promote__error_oom();
		}
	}
	if (rc == 0) {
		rc = promote__json_put(o, "environments", envs, false);
		envs = NULL;
	}
	if (rc == 0) {
		rc = promote__json_put(o, "products", rows, false);
		rows = NULL;
	}
	json_object_put(envs);
	json_object_put(rows);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

int promote__status_to_json(promote_buf *out, const promote_status *st)
{
	json_object *o = status_json(st);
	if (!o)
		return promote_error_last()->code ? promote_error_last()->code : promote__error_oom();
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = promote__json_to_buf(&fresh, o);
	json_object_put(o);
	if (rc == 0)
		*out = fresh;
	else
		promote_buf_dispose(&fresh);
	return rc;
}
