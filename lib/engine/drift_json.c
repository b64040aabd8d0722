/*
 * The drift as JSON (doc/DRIFT.md, "JSON"; keys are only added):
 *
 * {"schema": 1, "in_sync": false, "drifted": 1,
 *  "pairs": [{"from": "dev", "to": "qa"}],
 *  "rows": [{"product": "shop", "from": "dev", "to": "qa", "from_version": "1.4.0", "to_version": "1.3.0",
 *            "relation": "behind", "comparison": "semver", "error": null}]}
 *
 * A version not there is null; "comparison" is null when nothing was
 * compared (a product on one side only, or a version that could not be
 * read: "error" says why).
 */
#include "drift_model.h"

#include "core/error.h"
#include "core/json_util.h"

#include <json-c/json.h>

static json_object *string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *pair_json(const struct promote_drift_pair *pair)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "from", json_object_new_string(promote_env_name(pair->from)), false);
	if (rc == 0)
		rc = promote__json_put(o, "to", json_object_new_string(promote_env_name(pair->to)), false);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *row_json(const struct promote_drift_row *row)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "product", json_object_new_string(row->product), false);
	if (rc == 0)
		rc = promote__json_put(o, "from", json_object_new_string(row->from), false);
	if (rc == 0)
		rc = promote__json_put(o, "to", json_object_new_string(row->to), false);
	if (rc == 0)
		rc = promote__json_put(o, "from_version", string_or_null(row->from_version), !row->from_version);
	if (rc == 0)
		rc = promote__json_put(o, "to_version", string_or_null(row->to_version), !row->to_version);
	if (rc == 0)
		rc = promote__json_put(o, "relation", json_object_new_string(promote_drift_relation_name(row->relation)),
			false);
	bool compared = row->comparison != PROMOTE_DRIFT_NOT_COMPARED;
	if (rc == 0)
		rc = promote__json_put(o, "comparison",
			compared ? json_object_new_string(promote_drift_comparison_name(row->comparison)) : NULL, !compared);
	if (rc == 0)
		rc = promote__json_put(o, "error", string_or_null(row->error), !row->error);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

int promote__drift_to_json(promote_buf *out, const promote_drift *d)
{
	json_object *o = json_object_new_object(), *pairs = json_object_new_array(), *rows = json_object_new_array();
	int rc = o && pairs && rows ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "schema", json_object_new_int(PROMOTE__DRIFT_SCHEMA), false);
	if (rc == 0)
		rc = promote__json_put(o, "in_sync", json_object_new_boolean(d->drifted == 0), false);
	if (rc == 0)
		rc = promote__json_put(o, "drifted", json_object_new_int64((int64_t)d->drifted), false);
	for (size_t i = 0; rc == 0 && i < d->pair_count; i++)
		rc = promote__json_append(pairs, pair_json(&d->pairs[i]));
	if (rc == 0) {
		rc = promote__json_put(o, "pairs", pairs, false);
		pairs = NULL;
	}
	for (size_t i = 0; rc == 0 && i < d->row_count; i++)
		rc = promote__json_append(rows, row_json(&d->rows[i]));
	if (rc == 0) {
		rc = promote__json_put(o, "rows", rows, false);
		rows = NULL;
	}
	promote_buf fresh = PROMOTE_BUF_INIT;
	if (rc == 0)
		rc = promote__json_to_buf(&fresh, o);
	if (rc == 0)
		*out = fresh;
	json_object_put(rows);
	json_object_put(pairs);
	json_object_put(o);
	return rc;
}
