/* Holds and rollback pins: the record at refs/promote/holds, read, matched and changed by compare-and-swap. */
#include "holds.h"

#include "git/identity.h"
#include "git/record_update.h"
#include "git/session.h"
#include "model/context.h"
#include "core/civil.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = { "hold", "pin" };

static void hold_dispose(struct promote_hold *h)
{
	free(h->environment);
	free(h->product);
	free(h->reason);
	free(h->by);
	free(h->version);
	free(h->release);
	memset(h, 0, sizeof *h);
}

void promote__holds_dispose(promote__holds *holds)
{
	for (size_t i = 0; holds && i < holds->count; i++)
		hold_dispose(&holds->items[i]);
	if (holds) {
		free(holds->items);
		holds->items = NULL;
		holds->count = 0;
	}
}

/* ---- JSON ------------------------------------------------------------------------ */

static int put_opt(json_object *o, const char *key, const char *value)
{
	return promote__json_put(o, key, value ? json_object_new_string(value) : NULL, value == NULL);
}

json_object *promote__hold_json(const struct promote_hold *h)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : PROMOTE_ENOMEM;
	if (rc == 0)
		rc = put_opt(o, "kind", kind_names[h->kind == PROMOTE_HOLD_PIN]);
	if (rc == 0)
		rc = put_opt(o, "environment", h->environment);
	if (rc == 0)
		rc = put_opt(o, "product", h->product);
	if (rc == 0)
		rc = put_opt(o, "reason", h->reason);
	if (rc == 0)
		rc = put_opt(o, "by", h->by);
	if (rc == 0)
		rc = promote__json_put(o, "at", promote__json_time(h->at), true);
	if (rc == 0 && h->kind == PROMOTE_HOLD_PIN)
		rc = put_opt(o, "version", h->version);
	if (rc == 0 && h->kind == PROMOTE_HOLD_PIN)
		rc = put_opt(o, "release", h->release);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int holds_to_json(promote_buf *out, const promote__holds *holds)
{
	json_object *doc = json_object_new_object(), *list = json_object_new_array();
	int rc = doc && list ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < holds->count; i++) {
		json_object *h = promote__hold_json(&holds->items[i]);
		if (!h || json_object_array_add(list, h) != 0) {
			json_object_put(h);
			rc = promote__error_oom();
		}
	}
	if (rc == 0)
		rc = promote__json_put(doc, "version", json_object_new_int(1), false);
	if (rc == 0) {
		rc = promote__json_put(doc, "holds", list, false);
		list = NULL;
	}
	if (rc == 0)
		rc = promote__json_to_buf(out, doc);
	json_object_put(list);
	json_object_put(doc);
	return rc;
}

/* The string member `key` of `o` copied into *out (NULL for null or missing when `nullable`). */
static bool get_str(char **out, json_object *o, const char *key, bool nullable)
{
	json_object *v = NULL;
	*out = NULL;
	if (!promote__json_get(&v, o, key, json_type_string, nullable))
		return nullable && !json_object_object_get_ex(o, key, NULL);
	return !v || (*out = strdup(json_object_get_string(v))) != NULL;
}

static bool parse_hold(struct promote_hold *h, json_object *o)
{
	char *kind = NULL, *at = NULL;
	bool ok = json_object_is_type(o, json_type_object) && get_str(&kind, o, "kind", false) && kind &&
		get_str(&h->environment, o, "environment", false) && h->environment &&
		get_str(&h->product, o, "product", true) && get_str(&h->reason, o, "reason", true) &&
		get_str(&h->by, o, "by", true) && get_str(&at, o, "at", true) && (!at || promote__parse_rfc3339(&h->at, at)) &&
		get_str(&h->version, o, "version", true) &&
		get_str(&h->release, o, "release", true);
	if (ok && strcmp(kind, "pin") == 0)
		h->kind = PROMOTE_HOLD_PIN;
	else if (ok && strcmp(kind, "hold") != 0)
		ok = false;
	ok = ok && (h->kind != PROMOTE_HOLD_PIN || (h->product && h->version));
	free(kind);
	free(at);
	return ok;
}

static int holds_parse(promote__holds *out, const promote_buf *data)
{
	json_object *doc = NULL, *list = NULL;
	const char *why = NULL;
	int rc = promote__json_parse_object(&doc, data->ptr, data->size, 8, &why);
	if (rc == 0 && doc && promote__json_get(&list, doc, "holds", json_type_array, false)) {
		size_t n = json_object_array_length(list);
		out->items = n ? calloc(n, sizeof *out->items) : NULL;
		if (n && !out->items)
			rc = promote__error_oom();
		for (size_t i = 0; rc == 0 && i < n; i++, out->count++)
			if (!parse_hold(&out->items[i], json_object_array_get_idx(list, i))) {
				out->count++;
				why = "an entry of 'holds' is not a hold or a pin in the shape written by promote";
				break;
			}
	} else if (rc == 0 && !why) {
		why = "it has no list 'holds'";
	}
	json_object_put(doc);
	if (rc == 0 && (why || !list))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"the record of holds at " PROMOTE__HOLDS_REF " is not valid (%s); mend it with git or remove the ref "
			"(git update-ref -d " PROMOTE__HOLDS_REF "), then hold again what should be held", why);
	return rc;
}

/* ---- reading, matching ---------------------------------------------------------------- */

static int read_buf(promote__holds *out, const promote_buf *current)
{
	memset(out, 0, sizeof *out);
	int rc = current ? holds_parse(out, current) : 0;
	if (rc)
		promote__holds_dispose(out);
	return rc;
}

int promote__holds_read(promote__holds *out, promote_context *ctx)
{
	memset(out, 0, sizeof *out);
	promote__git_session *s = NULL;
	promote_buf data = PROMOTE_BUF_INIT;
	git_oid tip;
	int rc = promote__context_session(&s, ctx);
	if (rc == 0)
		rc = promote__git_record_get(&data, &tip, s, PROMOTE__HOLDS_REF, PROMOTE__HOLDS_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	if (rc == 0 && (rc = read_buf(out, &data)) == 0)
		out->tip = tip;
	promote_buf_dispose(&data);
	return rc;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

const struct promote_hold *promote__holds_match(const promote__holds *holds, const char *env, const char *product)
{
	const struct promote_hold *found = NULL;
	int rank = 3;
	for (size_t i = 0; i < holds->count; i++) {
		const struct promote_hold *h = &holds->items[i];
		if (strcmp(h->environment, env) != 0 || (h->product && !same(h->product, product)))
			continue;
		int r = !h->product ? 0 : h->kind == PROMOTE_HOLD_HOLD ? 1 : 2;
		if (r < rank) {
			rank = r;
			found = h;
		}
	}
	return found;
}

/* ---- changing -------------------------------------------------------------------------- */

typedef struct change_args {
	const char *env, *product;
	unsigned remove_kinds;
	const struct promote_hold *add;
	const char *by;
	int64_t now;
	size_t removed;
} change_args;

static int copy_hold(struct promote_hold *dst, const struct promote_hold *src, const char *by, int64_t now)
{
	memset(dst, 0, sizeof *dst);
	dst->kind = src->kind;
	dst->at = now;
	const char *from[] = { src->environment, src->product, src->reason, by, src->version, src->release };
	char **to[] = { &dst->environment, &dst->product, &dst->reason, &dst->by, &dst->version, &dst->release };
	for (size_t i = 0; i < sizeof from / sizeof *from; i++)
		if (from[i] && !(*to[i] = strdup(from[i])))
			return promote__error_oom();
	return 0;
}

static int mutate(promote_buf *next, bool *write, const promote_buf *current, void *arg)
{
	change_args *a = arg;
	promote__holds holds;
	int rc = read_buf(&holds, current);
	a->removed = 0;
	size_t kept = 0;
	for (size_t i = 0; rc == 0 && i < holds.count; i++) {
		struct promote_hold *h = &holds.items[i];
		bool drop = strcmp(h->environment, a->env) == 0 && same(h->product, a->product) &&
			((a->remove_kinds >> h->kind) & 1u);
		if (drop) {
			hold_dispose(h);
			a->removed++;
		} else {
			holds.items[kept++] = *h;
		}
	}
	holds.count = rc == 0 ? kept : holds.count;
	if (rc == 0 && a->add) {
		struct promote_hold *grown = realloc(holds.items, (holds.count + 1) * sizeof *grown);
		if (!grown)
			rc = promote__error_oom();
		else {
			holds.items = grown;
			rc = copy_hold(&holds.items[holds.count], a->add, a->by, a->now);
			holds.count++;
		}
	}
	if (rc == 0 && (a->add || a->removed)) {
		rc = holds_to_json(next, &holds);
		*write = rc == 0;
	}
	promote__holds_dispose(&holds);
	return rc;
}

int promote__holds_change(size_t *removed, promote_context *ctx, const char *env, const char *product,
	unsigned remove_kinds, const struct promote_hold *add, const char *by, const char *what)
{
	promote__git_session *s = NULL;
	promote__git_identity who = { NULL, NULL, NULL, NULL };
	int rc = promote__context_session(&s, ctx);
	if (rc == 0)
		rc = promote__git_identity_read(&who, s->repo, by, NULL);
	change_args a = { env, product, remove_kinds, add, who.author_name, promote__context_now(ctx), 0 };
	promote__git_record_target target = { PROMOTE__HOLDS_REF, PROMOTE__HOLDS_MAX, what, by, NULL, false, NULL };
	if (rc == 0)
		rc = promote__git_record_update(NULL, NULL, s, &target, mutate, &a);
	if (rc == 0 && removed)
		*removed = a.removed;
	promote__git_identity_dispose(&who);
	return rc;
}

int promote__holds_unpin(promote_context *ctx, const char *env, const char *product, const char *by)
{
	char *what = promote__strdupf("Unpin %s in %s: promoted explicitly", product, env);
	int rc = what ? promote__holds_change(NULL, ctx, env, product, 1u << PROMOTE_HOLD_PIN, NULL, by, what)
		: promote__error_oom();
	free(what);
	return rc;
}
