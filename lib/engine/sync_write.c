/*
 * Writing a sync (sync.h): its one commit or change request, through the
 * same compare-and-swap and retries as every promotion (apply.c), its
 * message, its diff and its JSON.
 */
#include "sync_model.h"
#include "apply.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"
#include "git/diff.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* At most this many products are named in a commit message, one per line. */
#define NAMED_MAX 200

/* "Sync staging with dev: 2 products updated, 1 added", one line per
 * product that changes, and trailers that find the commit again. */
static int message(promote_buf *out, void *self, const char *release)
{
	const promote_sync *s = self;
	size_t updated = 0, added = 0, named = 0;
	for (size_t i = 0; i < s->count; i++) {
		updated += s->items[i].kind == PROMOTE_SYNC_UPDATE && s->items[i].plan->changes.size > 0;
		added += s->items[i].kind == PROMOTE_SYNC_ADD;
	}
	const char *to = promote_env_name(s->to), *from = promote_env_name(s->from);
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "the commit message");
	int rc = promote__strbuf_addf(&text, "Sync %s with %s: %zu product%s updated, %zu added\n\n", to, from, updated,
		updated == 1 ? "" : "s", added);
	for (size_t i = 0; rc == 0 && i < s->count; i++) {
		const promote__sync_item *item = &s->items[i];
		bool changes = (item->kind == PROMOTE_SYNC_UPDATE || item->kind == PROMOTE_SYNC_ADD) &&
			item->plan->changes.size > 0;
		if (!changes || named++ >= NAMED_MAX)
			continue;
		const char *version = item->plan->version ? item->plan->version : "(no version)";
		if (item->kind == PROMOTE_SYNC_ADD)
			rc = promote__strbuf_addf(&text, "%s %s (added)\n", item->name, version);
		else
			rc = promote__strbuf_addf(&text, "%s %s -> %s\n", item->name,
				item->previous ? item->previous : "(none)", version);
	}
	if (rc == 0 && named > NAMED_MAX)
		rc = promote__strbuf_addf(&text, "... and %zu more\n", named - NAMED_MAX);
	if (rc == 0)
		rc = promote__strbuf_addf(&text, "\n");
	if (rc == 0 && release)
		rc = promote__strbuf_addf(&text, "Promote-Release: %s\nPromote-Environment: %s\n", release, to);
	if (rc == 0)
		rc = promote__strbuf_addf(&text, "Promote-Sync-From: %s\nPromote-Sync-To: %s\n", from, to);
	if (rc == 0)
		rc = promote__buf_put(out, promote__strbuf_cstr(&text), promote__strbuf_len(&text));
	promote__strbuf_free(&text);
	return rc;
}

static int replan(void *self, const promote__tree_reader *reader)
{
	return promote__sync_replan(self, reader);
}

/* The change branch and labels of a sync's change request: promote/sync/FROM/TO, or the release's
 * promote/RELEASE/TO with its label promote/release=RELEASE. */
typedef struct change_names {
	char *branch;
	char *labels[4];
	size_t label_count;
} change_names;

static void change_names_dispose(change_names *n)
{
	free(n->branch);
	for (size_t i = 0; i < n->label_count; i++)
		free(n->labels[i]);
}

static int change_names_of(change_names *n, const promote_sync *s, const char *release)
{
	const char *from = promote_env_name(s->from), *to = promote_env_name(s->to);
	memset(n, 0, sizeof *n);
	n->branch = release ? promote__strdupf("promote/%s/%s", release, to) : promote__strdupf("promote/sync/%s/%s", from, to);
	n->labels[n->label_count++] = strdup("promote/sync");
	n->labels[n->label_count++] = promote__strdupf("promote/environment=%s", to);
	n->labels[n->label_count++] = promote__strdupf("promote/sync-from=%s", from);
	if (release)
		n->labels[n->label_count++] = promote__strdupf("promote/release=%s", release);
	bool ok = n->branch != NULL;
	for (size_t i = 0; i < n->label_count; i++)
		ok = ok && n->labels[i];
	return ok ? 0 : promote__error_oom();
}

int promote__sync_write(promote_buf *commit, int *outcome, promote_sync *s, const promote_apply_options *opts,
	bool later)
{
	*outcome = PROMOTE_APPLY_UNCHANGED;
	if (s->action == PROMOTE_ACTION_NONE) {
		*outcome = s->count ? PROMOTE_APPLY_SKIPPED : PROMOTE_APPLY_UNCHANGED;
		return 0;
	}
	if (s->written_count == 0) /* every product is in place already */
		return promote__apply_settle(s->ctx, s->items[0].plan->to_branch);
	change_names names;
	int rc = change_names_of(&names, s, opts ? opts->release : NULL);
	promote__apply_group group = { message, replan, names.branch, (const char *const *)names.labels,
		names.label_count, s };
	if (rc == 0)
		rc = promote__group_apply(commit, outcome, s->written, s->written_count, opts, later, &group);
	if (rc == 0 && *outcome == PROMOTE_APPLY_PROPOSED) {
		free(s->change_id);
		if (!(s->change_id = strdup(s->written[0]->change_id)))
			rc = promote__error_oom();
	}
	change_names_dispose(&names);
	return rc;
}

int promote_sync_apply(promote_buf *commit, int *outcome, promote_sync *s, const promote_apply_options *opts)
{
	if (!outcome || !s)
		return promote__error_arg(__func__, !outcome ? "outcome" : "sync");
	return promote__sync_write(commit, outcome, s, opts, false);
}

int promote_sync_diff(promote_buf *out, const promote_sync *s)
{
	if (!out || !s)
		return promote__error_arg(__func__, !out ? "out" : "sync");
	promote_buf diff = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&diff, "");
	for (size_t i = 0; rc == 0 && i < s->merged_count; i++) {
		const promote__sync_change *c = &s->merged[i];
		const char *before = c->existed ? c->before->ptr ? c->before->ptr : "" : NULL;
		rc = promote__git_diff_modes(&diff, c->path, before, c->before->size, c->before_mode, c->after->ptr,
			c->after->size, c->mode);
	}
	if (rc) {
		promote_buf_dispose(&diff);
		return rc;
	}
	*out = diff;
	return 0;
}

static json_object *product_json(const promote__sync_item *item)
{
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "name", item->name, true);
	if (rc == 0)
		rc = promote__json_put_string(o, "kind", promote_sync_kind_name(item->kind), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "version", item->plan->version, true);
	if (rc == 0)
		rc = promote__json_put_string(o, "previous", item->previous, true);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int promote_sync_to_json(promote_buf *out, const promote_sync *s)
{
	if (!out || !s)
		return promote__error_arg(__func__, !out ? "out" : "sync");
	static const char *const actions[] = { "none", "commit", "pull-request", "none" };
	json_object *o = json_object_new_object(), *products = json_object_new_array(), *changes = json_object_new_array();
	int rc = o && products && changes ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(o, "from", promote_sync_from(s), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "to", promote_sync_to(s), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "branch", promote_sync_branch(s), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "base", promote_sync_base(s), true);
	if (rc == 0)
		rc = promote__json_put_string(o, "action", actions[s->action], true);
	for (size_t i = 0; rc == 0 && i < s->count; i++) {
		json_object *p = product_json(&s->items[i]);
		if (!p || json_object_array_add(products, p)) {
			json_object_put(p);
			rc = promote__error_oom();
		}
	}
	for (size_t i = 0; rc == 0 && i < s->merged_count; i++) {
		json_object *p = json_object_new_string(s->merged[i].path);
		if (!p || json_object_array_add(changes, p)) {
			json_object_put(p);
			rc = promote__error_oom();
		}
	}
	if (rc == 0) {
		rc = promote__json_put(o, "products", products, false);
		products = NULL;
	}
	if (rc == 0) {
		rc = promote__json_put(o, "changes", changes, false);
		changes = NULL;
	}
	promote_buf text = PROMOTE_BUF_INIT;
	if (rc == 0)
		rc = promote__json_to_buf(&text, o);
	json_object_put(products);
	json_object_put(changes);
	json_object_put(o);
	if (rc) {
		promote_buf_dispose(&text);
		return rc;
	}
	*out = text;
	return 0;
}
