/* A release's record as JSON (release_record.h shows the shape), and back. */
#include "release_json.h"

#include "config/loader.h"
#include "core/buf.h"
#include "core/civil.h"
#include "core/error.h"
#include "core/json_util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------- */

static const char *name_of(const char *const *names, size_t count, int value)
{
	return value >= 0 && (size_t)value < count ? names[value] : "unset";
}

/* A JSON array of the `count` items of `size` bytes at `items`, each made by
 * `item`; NULL when out of memory. */
static json_object *array_json(const void *items, size_t count, size_t size, json_object *(*item)(const void *))
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < count; i++) {
		json_object *o = item((const char *)items + i * size);
		if (!o || json_object_array_add(a, o) != 0) {
			json_object_put(o);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

static json_object *check_json(const void *item)
{
	const promote__check *c = item;
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "name", c->name, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "phase", c->post ? "post" : "pre", false);
	if (rc == 0)
		rc = promote__json_put_string(o, "run_id", c->run_id, false);
	if (rc == 0)
		rc = promote__json_put(o, "done", json_object_new_boolean(c->done), false);
	if (rc == 0)
		rc = promote__json_put(o, "status", json_object_new_int(c->status), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "output", c->output, false);
	if (rc == 0)
		rc = promote__json_put(o, "started", promote__json_time(c->started), true);
	if (rc == 0)
		rc = promote__json_put(o, "finished", promote__json_time(c->finished), true);
	if (rc && o) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static json_object *approval_json(const void *item)
{
	const promote__approval *a = item;
	json_object *o = json_object_new_object();
	if (!o || promote__json_put_string(o, "by", a->by, false) || promote__json_put(o, "at", promote__json_time(a->at), true)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *step_json(const void *item)
{
	const promote_release_step *s = item;
	json_object *o = json_object_new_object(), *claim = json_object_new_object();
	int rc = o && claim ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "environment", s->environment, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "from", s->from, false);
	if (rc == 0)
		rc = promote__json_put(o, "depends_on", promote__json_strings(s->depends_on, s->depends_count), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "strategy", name_of(promote__strategy_names, 3, s->strategy), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "action", name_of(promote__action_names, 4, s->action), false);
	if (rc == 0)
		rc = promote__json_put(o, "pre", promote__json_strings(s->pre, s->pre_count), false);
	if (rc == 0)
		rc = promote__json_put(o, "post", promote__json_strings(s->post, s->post_count), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "group", s->group, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "state", promote_step_state_name(s->state), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "reason", s->reason, false);
	if (rc == 0)
		rc = promote__json_put(o, "attempts", json_object_new_int64(s->attempts), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "commit", s->commit, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "change", s->change, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "head", s->head, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "merge_commit", s->merge_commit, false);
	if (rc == 0)
		rc = promote__json_put(o, "approvals",
			array_json(s->approvals, s->approval_count, sizeof *s->approvals, approval_json), false);
	if (rc == 0)
		rc = promote__json_put(o, "checks",
			array_json(s->checks, s->check_count, sizeof *s->checks, check_json), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "deploy", s->deploy, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "gate", s->gate, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "error", s->error, false);
	if (rc == 0)
		rc = promote__json_put_string(claim, "owner", s->claim, false);
	if (rc == 0)
		rc = promote__json_put(claim, "at", promote__json_time(s->claimed), true);
	if (rc == 0) {
		rc = promote__json_put(o, "claim", claim, false);
		claim = NULL;
	}
	if (rc == 0)
		rc = promote__json_put(o, "next_attempt", promote__json_time(s->next_attempt), true);
	if (rc == 0)
		rc = promote__json_put(o, "started", promote__json_time(s->started), true);
	if (rc == 0)
		rc = promote__json_put(o, "finished", promote__json_time(s->finished), true);
	json_object_put(claim);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *product_json(const void *item)
{
	const promote__release_product *p = item;
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "name", p->name, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "kind", promote_sync_kind_name(p->kind), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "version", p->version, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "previous", p->previous, false);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A sync's part, or null: its products named by their file (`apart`, as the record holds them when they are
 * kept beside it), else in full. */
static json_object *sync_json(const promote__release_sync *sync, bool apart)
{
	if (!sync)
		return NULL;
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "source_commit", sync->source_commit, false);
	if (rc == 0)
		rc = promote__json_put(o, "update_only", json_object_new_boolean(sync->update_only), false);
	if (rc == 0)
		rc = promote__json_put(o, "filters", promote__json_strings(sync->filters, sync->filter_count), false);
	if (rc == 0 && apart)
		rc = promote__json_put_string(o, "products_file", sync->products_file, false);
	else if (rc == 0)
		rc = promote__json_put(o, "products",
			array_json(sync->products, sync->product_count, sizeof *sync->products, product_json), false);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *release_json(const promote_release *r, bool products_apart)
{
	json_object *o = json_object_new_object(), *trigger = json_object_new_object();
	int rc = o && trigger ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "schema", json_object_new_int(PROMOTE__RELEASE_SCHEMA), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "id", r->id, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "flow", r->flow, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "product", r->product, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "version", r->version, false);
	if (rc == 0)
		rc = promote__json_put_string(o, "state", promote_release_state_name(r->state), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "reason", r->reason, false);
	if (rc == 0)
		rc = promote__json_put_string(trigger, "environment", r->trigger, false);
	if (rc == 0)
		rc = promote__json_put(trigger, "set_version", json_object_new_boolean(r->set_version), false);
	if (rc == 0)
		rc = promote__json_put_string(trigger, "commit", r->trigger_commit, false);
	if (rc == 0) {
		rc = promote__json_put(o, "trigger", trigger, false);
		trigger = NULL;
	}
	if (rc == 0)
		rc = promote__json_put(o, "group", json_object_new_boolean(r->group), false);
	if (rc == 0)
		rc = promote__json_put_string(o, "forced", r->forced, false);
	if (rc == 0)
		rc = promote__json_put(o, "timeout", json_object_new_int64(r->timeout_s), false);
	if (rc == 0)
		rc = promote__json_put(o, "created", promote__json_time(r->created), true);
	if (rc == 0)
		rc = promote__json_put(o, "updated", promote__json_time(r->updated), true);
	if (rc == 0)
		rc = promote__json_put(o, "finished", promote__json_time(r->finished), true);
	if (rc == 0)
		rc = promote__json_put(o, "restarted", promote__json_time(r->restarted), true);
	if (rc == 0)
		rc = promote__json_put(o, "steps",
			array_json(r->steps, r->step_count, sizeof *r->steps, step_json), false);
	json_object *sync = rc == 0 ? sync_json(r->sync, products_apart && r->sync && *r->sync->products_file) : NULL;
	if (rc == 0 && r->sync && !sync)
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "sync", sync, true);
	if (rc == 0 && r->notices)
		rc = promote__json_put(o, "notifications", json_object_get(r->notices), false);
	json_object_put(trigger);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int to_buf(promote_buf *out, json_object *o)
{
	if (!o)
		return promote_error_last()->code ? promote_error_last()->code : promote__error_oom();
	int rc = promote__json_to_buf(out, o);
	json_object_put(o);
	return rc;
}

int promote__release_to_json(promote_buf *out, const promote_release *r)
{
	return to_buf(out, release_json(r, true));
}

int promote__release_to_json_whole(promote_buf *out, const promote_release *r)
{
	if (r->sync && !r->sync->products_read)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"the products of release '%s' were not read from its record", r->id);
	return to_buf(out, release_json(r, false));
}

int promote__release_products_to_json(promote_buf *out, const promote__release_sync *sync)
{
	json_object *o = json_object_new_object();
	int rc = o ? promote__json_put(o, "products",
		array_json(sync->products, sync->product_count, sizeof *sync->products, product_json), false)
		   : promote__error_oom();
	if (rc) {
		json_object_put(o);
		return rc;
	}
	return to_buf(out, o);
}

/* ---- reading -------------------------------------------------------------- */

/* Reading one record: where it is, for messages, and the first problem. */
typedef struct reader {
	const char *where;
	int rc;
} reader;

static int bad(reader *rd, const char *what)
{
	if (rd->rc == 0)
		rd->rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"the release record at '%s' is damaged (%s); it was not written by this version of libpromote: "
			"look at it with git show, and start the release again", rd->where, what);
	return rd->rc;
}

static json_object *field(reader *rd, json_object *o, const char *key, json_type type, bool nullable)
{
	json_object *v = NULL;
	if (rd->rc)
		return NULL;
	if (!promote__json_get(&v, o, key, type, nullable)) {
		char what[96];
		snprintf(what, sizeof what, "'%s' is missing or not a %s", key, json_type_to_name(type));
		bad(rd, what);
		return NULL;
	}
	return v;
}

static void get_str(reader *rd, char **out, json_object *o, const char *key)
{
	json_object *v = field(rd, o, key, json_type_string, false);
	if (v && promote__set_string(out, json_object_get_string(v)))
		rd->rc = promote_error_last()->code;
}

static void get_bool(reader *rd, bool *out, json_object *o, const char *key)
{
	json_object *v = field(rd, o, key, json_type_boolean, false);
	if (v)
		*out = json_object_get_boolean(v);
}

static void get_int(reader *rd, int64_t *out, json_object *o, const char *key)
{
	json_object *v = field(rd, o, key, json_type_int, false);
	if (v)
		*out = json_object_get_int64(v);
}

/* Seconds since the epoch of a UTC civil time. */
static int64_t utc_seconds(int y, int mo, int d, int h, int mi, int sec)
{
	return promote__days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
}

static void get_time(reader *rd, int64_t *out, json_object *o, const char *key)
{
	json_object *v = field(rd, o, key, json_type_string, true);
	*out = 0;
	if (!v)
		return;
	int y, mo, d, h, mi, sec, end = 0;
	const char *text = json_object_get_string(v);
	if (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &end) != 6 || text[end] ||
		mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		bad(rd, "a time is not YYYY-MM-DDTHH:MM:SSZ");
	else
		*out = utc_seconds(y, mo, d, h, mi, sec);
}

static int index_of(const char *const *names, size_t count, const char *(*name)(int), const char *text)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(names ? names[i] : name((int)i), text) == 0)
			return (int)i;
	return -1;
}

static void get_enum(reader *rd, int *out, json_object *o, const char *key, const char *const *names, size_t count,
	const char *(*name)(int))
{
	json_object *v = field(rd, o, key, json_type_string, false);
	if (!v)
		return;
	int i = index_of(names, count, name, json_object_get_string(v));
	if (i < 0) {
		char what[96];
		snprintf(what, sizeof what, "'%s' is not a known value", key);
		bad(rd, what);
	} else
		*out = i;
}

static void get_strings(reader *rd, char ***out, size_t *count, json_object *o, const char *key)
{
	json_object *a = field(rd, o, key, json_type_array, false);
	size_t n = a ? json_object_array_length(a) : 0;
	if (!a || n == 0)
		return;
	if (!(*out = calloc(n, sizeof **out))) {
		rd->rc = promote__error_oom();
		return;
	}
	for (size_t i = 0; i < n && rd->rc == 0; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string))
			bad(rd, "a list holds something else than text");
		else if (promote__set_string(&(*out)[i], json_object_get_string(v)))
			rd->rc = promote_error_last()->code;
		else
			*count = i + 1;
	}
}

/* The array `key` of `o` read into a new array of `size`-byte items (NULL
 * when it is empty), each an object read by `item`; `what` names one in
 * messages ("a step"). *count counts the items as they are begun, so that
 * clearing frees what a damaged one left half-read. */
static void *get_objects(reader *rd, size_t *count, json_object *o, const char *key, size_t size, const char *what,
	void (*item)(reader *, void *, json_object *))
{
	json_object *a = field(rd, o, key, json_type_array, false);
	size_t n = a ? json_object_array_length(a) : 0;
	char *items = n ? calloc(n, size) : NULL;
	if (n && !items) {
		rd->rc = promote__error_oom();
		return NULL;
	}
	for (size_t i = 0; i < n && rd->rc == 0; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		*count = i + 1;
		if (!json_object_is_type(v, json_type_object)) {
			char what_is_wrong[64];
			snprintf(what_is_wrong, sizeof what_is_wrong, "%s is not an object", what);
			bad(rd, what_is_wrong);
		} else
			item(rd, items + i * size, v);
	}
	return items;
}

static void get_check(reader *rd, void *item, json_object *c)
{
	promote__check *k = item;
	char *phase = NULL;
	int64_t status = -1;
	get_str(rd, &k->name, c, "name");
	get_str(rd, &phase, c, "phase");
	get_str(rd, &k->run_id, c, "run_id");
	get_bool(rd, &k->done, c, "done");
	get_int(rd, &status, c, "status");
	get_str(rd, &k->output, c, "output");
	get_time(rd, &k->started, c, "started");
	get_time(rd, &k->finished, c, "finished");
	k->post = phase && strcmp(phase, "post") == 0;
	k->status = (int)status;
	free(phase);
}

static void get_approval(reader *rd, void *item, json_object *o)
{
	promote__approval *a = item;
	get_str(rd, &a->by, o, "by");
	get_time(rd, &a->at, o, "at");
}

static void get_step(reader *rd, void *item, json_object *o)
{
	promote_release_step *s = item;
	int64_t attempts = 0;
	get_str(rd, &s->environment, o, "environment");
	get_str(rd, &s->from, o, "from");
	get_strings(rd, &s->depends_on, &s->depends_count, o, "depends_on");
	get_enum(rd, &s->strategy, o, "strategy", promote__strategy_names, 3, NULL);
	get_enum(rd, &s->action, o, "action", promote__action_names, 4, NULL);
	get_strings(rd, &s->pre, &s->pre_count, o, "pre");
	get_strings(rd, &s->post, &s->post_count, o, "post");
	get_str(rd, &s->group, o, "group");
	get_enum(rd, &s->state, o, "state", NULL, PROMOTE__STEP_STATE_COUNT, promote_step_state_name);
	get_str(rd, &s->reason, o, "reason");
	get_int(rd, &attempts, o, "attempts");
	get_str(rd, &s->commit, o, "commit");
	get_str(rd, &s->change, o, "change");
	get_str(rd, &s->head, o, "head");
	get_str(rd, &s->merge_commit, o, "merge_commit");
	s->approvals = get_objects(rd, &s->approval_count, o, "approvals", sizeof *s->approvals, "an approval",
		get_approval);
	s->checks = get_objects(rd, &s->check_count, o, "checks", sizeof *s->checks, "a check", get_check);
	get_str(rd, &s->deploy, o, "deploy");
	if (json_object_object_get_ex(o, "gate", NULL)) /* added later: absent in older records */
		get_str(rd, &s->gate, o, "gate");
	get_str(rd, &s->error, o, "error");
	json_object *claim = field(rd, o, "claim", json_type_object, false);
	if (claim) {
		get_str(rd, &s->claim, claim, "owner");
		get_time(rd, &s->claimed, claim, "at");
	}
	get_time(rd, &s->next_attempt, o, "next_attempt");
	get_time(rd, &s->started, o, "started");
	get_time(rd, &s->finished, o, "finished");
	s->attempts = attempts < 0 ? 0 : (unsigned)attempts;
}

static void get_product(reader *rd, void *item, json_object *o)
{
	promote__release_product *p = item;
	static const char *const kinds[] = { "equal", "update", "add", "skip" };
	get_str(rd, &p->name, o, "name");
	get_enum(rd, &p->kind, o, "kind", kinds, PROMOTE_ARRAY_SIZE(kinds), NULL);
	get_str(rd, &p->version, o, "version");
	get_str(rd, &p->previous, o, "previous");
}

/* The "products" of `o` into `sync` (read). */
static void get_products(reader *rd, promote__release_sync *sync, json_object *o)
{
	sync->products = get_objects(rd, &sync->product_count, o, "products", sizeof *sync->products, "a product",
		get_product);
	sync->products_read = rd->rc == 0;
}

/* "sync": added later, absent in older records; null for a product's release. */
static void get_sync(reader *rd, promote_release *r, json_object *o)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, "sync", &v) || !v || rd->rc)
		return;
	if (!json_object_is_type(v, json_type_object)) {
		bad(rd, "'sync' is not an object");
		return;
	}
	if (!(r->sync = calloc(1, sizeof *r->sync))) {
		rd->rc = promote__error_oom();
		return;
	}
	get_str(rd, &r->sync->source_commit, v, "source_commit");
	get_bool(rd, &r->sync->update_only, v, "update_only");
	get_strings(rd, &r->sync->filters, &r->sync->filter_count, v, "filters");
	if (json_object_object_get_ex(v, "products_file", NULL)) { /* kept beside the record: read when needed */
		get_str(rd, &r->sync->products_file, v, "products_file");
		if (rd->rc == 0 && !*r->sync->products_file)
			bad(rd, "'products_file' is empty");
		return;
	}
	/* An older record: the products in its JSON. */
	if (rd->rc == 0 && promote__set_string(&r->sync->products_file, ""))
		rd->rc = promote_error_last()->code;
	get_products(rd, r->sync, v);
}

static void get_release(reader *rd, promote_release *r, json_object *o)
{
	int64_t schema = 0, timeout = 0;
	get_int(rd, &schema, o, "schema");
	if (rd->rc == 0 && schema != PROMOTE__RELEASE_SCHEMA) {
		rd->rc = promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_RELEASE,
			"the release record at '%s' has schema %lld, and this libpromote reads schema %d: use a newer libpromote",
			rd->where, (long long)schema, PROMOTE__RELEASE_SCHEMA);
		return;
	}
	get_str(rd, &r->id, o, "id");
	get_str(rd, &r->flow, o, "flow");
	get_str(rd, &r->product, o, "product");
	get_str(rd, &r->version, o, "version");
	get_enum(rd, &r->state, o, "state", NULL, PROMOTE__RELEASE_STATE_COUNT, promote_release_state_name);
	get_str(rd, &r->reason, o, "reason");
	json_object *trigger = field(rd, o, "trigger", json_type_object, false);
	if (trigger) {
		get_str(rd, &r->trigger, trigger, "environment");
		get_bool(rd, &r->set_version, trigger, "set_version");
		get_str(rd, &r->trigger_commit, trigger, "commit");
	}
	get_bool(rd, &r->group, o, "group");
	get_str(rd, &r->forced, o, "forced");
	get_int(rd, &timeout, o, "timeout");
	get_time(rd, &r->created, o, "created");
	get_time(rd, &r->updated, o, "updated");
	get_time(rd, &r->finished, o, "finished");
	r->restarted = 0;
	if (json_object_object_get_ex(o, "restarted", NULL)) /* added later: absent in older records */
		get_time(rd, &r->restarted, o, "restarted");
	r->timeout_s = timeout < 0 || timeout > UINT32_MAX ? 0 : (uint32_t)timeout;
	r->steps = get_objects(rd, &r->step_count, o, "steps", sizeof *r->steps, "a step", get_step);
	get_sync(rd, r, o);
	/* Added later, and only once a notification was sent: its entries are read where they are used (notify.c). */
	json_object *notices = NULL;
	if (rd->rc == 0 && json_object_object_get_ex(o, "notifications", &notices)) {
		if (!json_object_is_type(notices, json_type_array))
			bad(rd, "'notifications' is not an array");
		else
			r->notices = json_object_get(notices);
	}
}

/* A sync release's products, once read, stay with it: they never change while it lives. */
typedef struct kept_products {
	char *id;
	promote__release_product *products;
	size_t count;
} kept_products;

static kept_products keep_products(promote_release *r)
{
	kept_products k = { NULL, NULL, 0 };
	promote__release_sync *sync = r->sync;
	if (sync && sync->products_read && sync->products_file && *sync->products_file && r->id) {
		k = (kept_products){ r->id, sync->products, sync->product_count };
		r->id = NULL;
		sync->products = NULL;
		sync->product_count = 0;
	}
	return k;
}

static void give_back_products(promote_release *r, kept_products *k)
{
	promote__release_sync *sync = r->sync;
	if (k->id && sync && *sync->products_file && !sync->products_read && r->id && strcmp(r->id, k->id) == 0) {
		sync->products = k->products;
		sync->product_count = k->count;
		sync->products_read = true;
	} else
		promote__release_products_free(k->products, k->count);
	free(k->id);
}

int promote__release_products_parse(promote__release_sync *sync, const char *data, size_t size, const char *where)
{
	reader rd = { where, 0 };
	json_object *o = NULL;
	const char *why = NULL;
	int rc = promote__json_parse_object(&o, data, size, 8, &why);
	if (rc)
		return rc;
	promote__release_products_free(sync->products, sync->product_count);
	sync->products = NULL;
	sync->product_count = 0;
	sync->products_read = false;
	if (!o)
		bad(&rd, why ? why : "not a JSON object");
	else
		get_products(&rd, sync, o);
	json_object_put(o);
	if (rd.rc) {
		promote__release_products_free(sync->products, sync->product_count);
		sync->products = NULL;
		sync->product_count = 0;
		sync->products_read = false;
	}
	return rd.rc;
}

int promote__release_parse(promote_release *r, const char *data, size_t size, const char *where)
{
	reader rd = { where, 0 };
	kept_products kept = keep_products(r);
	promote__release_clear(r);
	json_object *o = NULL;
	const char *why = NULL;
	int rc = promote__json_parse_object(&o, data, size, 32, &why);
	if (rc)
		return rc;
	if (!o)
		bad(&rd, "not a JSON object");
	else
		get_release(&rd, r, o);
	json_object_put(o);
	if (rd.rc)
		promote__release_clear(r);
	give_back_products(r, &kept);
	return rd.rc;
}
