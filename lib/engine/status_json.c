/*
 * The status as JSON (doc/OPERATIONS.md, "The JSON of promote status"; keys
 * are only added):
 *
 * {"schema": 1, "environments": ["dev", "staging", "prod"],
 *  "holds": [{"kind": "hold", "environment": "prod", "product": null, "reason": "incident 42", "by": "alice",
 *             "at": "..."}],
 *  "products": [{"name": "shop", "environments": {
 *     "dev": {"present": true, "version": "1.5.0", "error": null, "release": null, "waiting": 0,
 *             "hold": null, "pin": null},
 *     "prod": {"present": true, "version": "1.4.0", "error": null, "waiting": 0,
 *              "release": {"id": "shop-1.5.0-3fa9c1", "flow": "default", "version": "1.5.0",
 *                          "state": "waiting", "reason": "...", "created": "...",
 *                          "step": {"state": "pending", "reason": "held by alice: incident 42",
 *                                   "attempts": 0, "commit": "", "change": "", "started": null,
 *                                   "gate": "hold"}},
 *              "hold": {the hold above}, "pin": null}}}]}
 *
 * A hold or pin is written as the record of holds writes it (promote__hold_json()).
 */
#include "status_model.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/json_util.h"
#include "holds.h"

#include <json-c/json.h>

static json_object *step_json(const promote_release_step *s)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "state", promote_step_state_name(promote_release_step_state(s)), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "reason", promote_release_step_reason(s), false);
	if (rc == 0)
		rc = promote__json_put(o, "attempts", json_object_new_int64(promote_release_step_attempts(s)), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "commit", promote_release_step_commit(s), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "change", promote_release_step_change(s), false);
	if (rc == 0)
		rc = promote__json_put(o, "started", promote__json_time(promote_release_step_started(s)), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "gate", promote_release_step_gate(s), false);
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
		rc = promote__json_put_string(o, "id", promote_release_id(r), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "flow", promote_release_flow(r), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "version", promote_release_version(r), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "state", promote_release_state_name(promote_release_state(r)), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "reason", promote_release_reason(r), false);
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
		rc = promote__json_put_string(o, "version", c->version, true);
	if (rc == 0)
		rc = promote__json_put_string(o, "error", c->error, true);
	if (rc == 0)
		rc = promote__json_put(o, "release", c->release ? release_json(c->release, c->step) : NULL, !c->release);
	if (rc == 0)
		rc = promote__json_put(o, "waiting", json_object_new_int64((int64_t)c->waiting), false);
	if (rc == 0)
		rc = promote__json_put(o, "hold", c->hold ? promote__hold_json(c->hold) : NULL, !c->hold);
	if (rc == 0)
		rc = promote__json_put(o, "pin", c->pin ? promote__hold_json(c->pin) : NULL, !c->pin);
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
		rc = promote__json_put_string(o, "name", st->products[p], false);
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

/* The document before its products: schema, environments and holds, as one pretty object without its
 * closing brace. */
static int put_head(promote_buf *out, const promote_status *st)
{
	json_object *o = json_object_new_object(), *envs = json_object_new_array(), *holds = json_object_new_array();
	int rc = o && envs && holds ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "schema", json_object_new_int(PROMOTE__STATUS_SCHEMA), false);
	for (size_t e = 0; rc == 0 && e < st->env_count; e++)
		rc = promote__json_append(envs, json_object_new_string(promote_env_name(st->envs[e])));
	if (rc == 0) {
		rc = promote__json_put(o, "environments", envs, false);
		envs = NULL;
	}
	for (size_t i = 0; rc == 0 && i < st->shown_count; i++)
		rc = promote__json_append(holds, promote__hold_json(st->shown[i]));
	if (rc == 0) {
		rc = promote__json_put(o, "holds", holds, false);
		holds = NULL;
	}
	promote_buf head = PROMOTE_BUF_INIT;
	if (rc == 0)
		rc = promote__json_to_buf(&head, o);
	/* "{ ... ]\n}\n": everything but the closing "\n}\n". */
	if (rc == 0)
		rc = promote__buf_put(out, head.ptr, head.size - 3);
	promote_buf_dispose(&head);
	json_object_put(holds);
	json_object_put(envs);
	json_object_put(o);
	return rc;
}

/* One product's object, pretty, indented as an item of "products" (four spaces). */
static int put_row(promote_buf *out, const promote_status *st, size_t p)
{
	json_object *row = row_json(st, p);
	if (!row)
		return promote_error_last()->code ? promote_error_last()->code : promote__error_oom();
	promote_buf text = PROMOTE_BUF_INIT;
	int rc = promote__json_to_buf(&text, row);
	json_object_put(row);
	if (rc == 0)
		rc = promote__buf_puts(out, p ? ",\n    " : "\n    ");
	for (size_t i = 0; rc == 0 && i + 1 < text.size; i++) /* (its last newline left out) */
		rc = text.ptr[i] == '\n' ? promote__buf_puts(out, "\n    ") : promote__buf_putc(out, text.ptr[i]);
	promote_buf_dispose(&text);
	return rc;
}

/*
 * Written row by row, so that a table of 10,000 products never needs all
 * its JSON objects at once; the bytes are what json-c prints for the whole
 * document (JSON_C_TO_STRING_PRETTY | _SPACED | _NOSLASHESCAPE).
 */
int promote__status_to_json(promote_buf *out, const promote_status *st)
{
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = put_head(&fresh, st);
	if (rc == 0)
		rc = promote__buf_puts(&fresh, ",\n  \"products\": [");
	for (size_t p = 0; rc == 0 && p < st->product_count; p++)
		rc = put_row(&fresh, st, p);
	if (rc == 0)
		rc = promote__buf_puts(&fresh, "\n  ]\n}\n");
	if (rc == 0)
		*out = fresh;
	else
		promote_buf_dispose(&fresh);
	return rc;
}
