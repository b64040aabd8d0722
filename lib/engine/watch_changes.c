/*
 * A pass's first half: for every flow, the products whose version changed
 * in its trigger environment since the commit the flow was last handled at,
 * and a release of each.
 *
 * Where a flow was last handled is a record in the repository,
 * refs/promote/watch/FLOW ({"flow", "trigger", "branch", "commit"}), moved
 * forward only once the releases of the changes up to that commit exist.
 * A flow without one is handled from the trigger's current commit on: its
 * first pass starts nothing.
 *
 * What changed is found from the trees: the trigger environment's folder at
 * the two commits first (the same tree: nothing changed); then each
 * configured product's folder, and the entries of each discovery product's
 * folder (apps/ for apps/STAR) compared by their ids — a product whose
 * folder's id did not change is not read. A changed product is released
 * when its version attribute holds another value than before.
 *
 * A release's id is PRODUCT-VERSION-xxxxxx with xxxxxx derived from the
 * flow, product, version and the trigger commit that set the version (the
 * oldest commit of the trigger branch's first-parent history, back from the
 * tip, that holds that version without a break): every watcher derives the
 * same one, whichever later commit it fetched, and the creation of the
 * record — a new ref, by compare-and-swap — succeeds for one of them only.
 */
#include "watch_model.h"
#include "release_machine.h"

#include "plan/plan.h"
#include "plan/layout_find.h"
#include "plan/version.h"
#include "git/record_update.h"
#include "git/session.h"
#include "net/redact.h"
#include "model/context.h"
#include "model/workflow.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/buf.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define RECORD_MAX (64u << 10)
/* How far back the trigger commit of a version is looked for. */
#define HISTORY_MAX 1000

/* One flow in one pass. */
typedef struct flow_pass {
	promote_watcher *w;
	promote__git_session *s;
	const promote__tree_reader *r;
	const promote_flow *flow;
	const promote_env *trigger;
	char *branch;
	char *ref;              /* refs/promote/watch/FLOW */
	bool has_last;
	git_oid last, now;
	git_tree *last_root, *now_root;
	char *env_dir;          /* the trigger's folder ("" the root) */
	bool again;             /* a failure that may pass: the flow is not moved forward */
} flow_pass;

static void hex_of(promote__commit_id *out, const git_oid *id)
{
	git_oid_tostr(out->hex, sizeof out->hex, id);
}

/* ---- the record of where a flow was handled ------------------------------------ */

static int record_read(flow_pass *f)
{
	promote_buf bytes = PROMOTE_BUF_INIT;
	git_oid tip;
	f->has_last = false;
	int rc = promote__git_record_get(&bytes, &tip, f->s, f->ref, RECORD_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	json_object *o = NULL, *commit = NULL;
	const char *why = NULL;
	if (rc == 0)
		rc = promote__json_parse_object(&o, bytes.ptr, bytes.size, 8, &why);
	if (rc == 0 && (!o || !promote__json_get(&commit, o, "commit", json_type_string, false) ||
			       git_oid_fromstr(&f->last, json_object_get_string(commit)) < 0))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_GIT,
			"the record at '%s' is not where a flow was last handled (%s); remove it to watch the flow from its "
			"trigger's current state: git update-ref -d %s", f->ref, why ? why : "no commit in it", f->ref);
	f->has_last = rc == 0;
	json_object_put(o);
	promote_buf_dispose(&bytes);
	return rc;
}

typedef struct record_args {
	const flow_pass *f;
	bool baseline;          /* a first record: only when there is none */
	bool written;
} record_args;

static int mutate_record(promote_buf *next, bool *write, const promote_buf *current, void *arg)
{
	record_args *a = arg;
	const flow_pass *f = a->f;
	*write = a->written = false;
	if (current) {
		json_object *o = NULL, *commit = NULL;
		const char *why = NULL;
		git_oid at;
		int rc = promote__json_parse_object(&o, current->ptr, current->size, 8, &why);
		bool known = rc == 0 && o && promote__json_get(&commit, o, "commit", json_type_string, false) &&
			git_oid_fromstr(&at, json_object_get_string(commit)) == 0;
		json_object_put(o);
		if (rc)
			return rc;
		/* Moved forward only: from where this pass began, or from a commit before the new one (another
		 * watcher's pass); never back, nor over another watcher's newer commit. */
		if (a->baseline || (known && (git_oid_equal(&at, &f->now) ||
						(!git_oid_equal(&at, &f->last) &&
							git_graph_descendant_of(f->s->repo, &f->now, &at) != 1))))
			return 0;
	}
	promote__commit_id hex;
	hex_of(&hex, &f->now);
	json_object *o = json_object_new_object();
	int rc = o ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put(o, "schema", json_object_new_int(1), false);
	if (rc == 0)
		rc = promote__json_put(o, "flow", json_object_new_string(promote_flow_name(f->flow)), false);
	if (rc == 0)
		rc = promote__json_put(o, "trigger", json_object_new_string(promote_env_name(f->trigger)), false);
	if (rc == 0)
		rc = promote__json_put(o, "branch", json_object_new_string(f->branch), false);
	if (rc == 0)
		rc = promote__json_put(o, "commit", json_object_new_string(hex.hex), false);
	const char *text = rc == 0 ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY) : NULL;
	if (rc == 0 && (!text || promote__buf_put(next, text, strlen(text)) < 0))
		rc = promote__error_oom();
	json_object_put(o);
	*write = a->written = rc == 0;
	return rc;
}

static int record_write(flow_pass *f, bool baseline, bool *written)
{
	promote__commit_id hex;
	hex_of(&hex, &f->now);
	char *message = promote__strdupf("Watch %s: handled %s at %.12s\n", promote_flow_name(f->flow), f->branch, hex.hex);
	/* In a batch, pushed with the releases it started (all or none, over an atomic push). */
	promote__git_record_target target = { f->ref, RECORD_MAX, message, f->w->author_name, f->w->author_email,
		f->s->batch, NULL };
	record_args a = { f, baseline, false };
	int rc = message ? promote__git_record_update(NULL, NULL, f->s, &target, mutate_record, &a) : promote__error_oom();
	*written = rc == 0 && a.written;
	free(message);
	return rc;
}

/* ---- trees --------------------------------------------------------------------- */

/* The id of what `path` ("" the root) is in `root`; *found false when there is nothing there. */
static int entry_id(git_oid *out, bool *found, git_tree *root, const char *path)
{
	*found = false;
	if (!*path) {
		*out = *git_tree_id(root);
		*found = true;
		return 0;
	}
	git_tree_entry *e = NULL;
	int git_rc = git_tree_entry_bypath(&e, root, path);
	if (git_rc == GIT_ENOTFOUND)
		return 0;
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read", path);
	*out = *git_tree_entry_id(e);
	*found = true;
	git_tree_entry_free(e);
	return 0;
}

/* Whether `path` is something else at the flow's new commit than at its last one (and is there now). */
static int changed(bool *out, const flow_pass *f, const char *path)
{
	git_oid before, after;
	bool was, is;
	int rc = entry_id(&after, &is, f->now_root, path);
	if (rc == 0)
		rc = entry_id(&before, &was, f->last_root, path);
	*out = rc == 0 && is && (!was || !git_oid_equal(&before, &after));
	return rc;
}

/* The folder `path` of `root` (NULL when there is none, or it is a file). */
static int folder(git_tree **out, git_repository *repo, git_tree *root, const char *path)
{
	git_oid id;
	bool found;
	*out = NULL;
	int rc = entry_id(&id, &found, root, path);
	if (rc || !found)
		return rc;
	int git_rc = git_tree_lookup(out, repo, &id);
	if (git_rc == GIT_ENOTFOUND || git_rc == GIT_EINVALIDSPEC) {
		git_error_clear();
		*out = NULL;
		return 0;
	}
	return git_rc < 0 ? promote__git_failed(git_rc, "cannot read", path) : 0;
}

static char *join(const char *dir, const char *name)
{
	return *dir ? promote__strdupf("%s/%s", dir, name) : strdup(name);
}

/* ---- which products changed -------------------------------------------------- */

static int add_name(promote__watch_names *names, const char *name, size_t len)
{
	char *copy = strndup(name, len);
	int rc = copy ? promote__array_push(names, copy) : promote__error_oom();
	if (rc)
		free(copy);
	return rc;
}

/* The product `name` (configured by `cfg`) changed: its folder is another tree than before. */
static int product_changed(bool *out, const flow_pass *f, const promote_product *cfg, const char *name)
{
	char *dir = promote__plan_product_dir(f->w->ctx, f->trigger, cfg, name);
	int rc = dir ? changed(out, f, strcmp(dir, ".") == 0 ? "" : dir) : promote__error_oom();
	free(dir);
	return rc;
}

/* The folders a discovery product's path (DIR/PREFIX*SUFFIX/REST) matches whose tree changed. */
static int discovered(promote__watch_names *names, const flow_pass *f, const promote_product *p)
{
	const char *pattern = promote_product_path(p), *star = strchr(pattern, '*');
	const char *slash = NULL;
	for (const char *c = pattern; c < star; c++)
		if (*c == '/')
			slash = c;
	const char *prefix = slash ? slash + 1 : pattern;
	const char *rest = strchr(star, '/');
	size_t prefix_len = (size_t)(star - prefix), suffix_len = rest ? (size_t)(rest - star - 1) : strlen(star + 1);
	char *dir_path = promote__strdupf("%.*s", slash ? (int)(slash - pattern) : 0, pattern);
	char *dir = dir_path ? join(f->env_dir, dir_path) : NULL;
	int rc = dir ? 0 : promote__error_oom();
	git_tree *before = NULL, *after = NULL;
	if (rc == 0)
		rc = folder(&after, f->s->repo, f->now_root, dir);
	if (rc == 0 && after)
		rc = folder(&before, f->s->repo, f->last_root, dir);
	bool same = after && before && git_oid_equal(git_tree_id(after), git_tree_id(before));
	for (size_t i = 0; rc == 0 && after && !same && i < git_tree_entrycount(after); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(after, i);
		const char *name = git_tree_entry_name(e);
		size_t len = strlen(name);
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE || len <= prefix_len + suffix_len ||
			strncmp(name, prefix, prefix_len) != 0 || memcmp(name + len - suffix_len, star + 1, suffix_len) != 0)
			continue;
		const git_tree_entry *old = before ? git_tree_entry_byname(before, name) : NULL;
		if (old && git_oid_equal(git_tree_entry_id(old), git_tree_entry_id(e)))
			continue;
		/* A configured product of that name is that product, not a discovered one. */
		char *product = strndup(name + prefix_len, len - prefix_len - suffix_len);
		bool moved = false;
		if (!product)
			rc = promote__error_oom();
		else if (promote__product_config(f->w->ctx, product) == p &&
			(rc = product_changed(&moved, f, p, product)) == 0 && moved)
			rc = add_name(names, product, strlen(product));
		free(product);
	}
	git_tree_free(before);
	git_tree_free(after);
	free(dir);
	free(dir_path);
	return rc;
}

/* A discovery product of a list layout: every entry of its list when the list's file changed (which
 * entry's version moved, consider() tells). A configured product of that name is that product. */
static int listed(promote__watch_names *names, const flow_pass *f, const promote_product *p)
{
	promote__commit_id now;
	hex_of(&now, &f->now);
	promote__layout_names found = PROMOTE__ARRAY_INIT;
	int rc = promote__layout_entries(&found, f->w->ctx, f->r, &now, f->trigger, p);
	for (size_t i = 0; i < found.size; i++) {
		if (rc == 0 && promote__product_config(f->w->ctx, found.ptr[i]) == p)
			rc = add_name(names, found.ptr[i], strlen(found.ptr[i]));
		free(found.ptr[i]);
	}
	promote__array_free(&found);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The products whose folder in the trigger environment changed, sorted, each once. */
static int changed_products(promote__watch_names *names, const flow_pass *f)
{
	bool any = false;
	int rc = changed(&any, f, f->env_dir);
	for (size_t i = 0; rc == 0 && any && i < promote_product_count(f->w->ctx); i++) {
		const promote_product *p = promote_product_at(f->w->ctx, i);
		bool moved = false;
		if (promote__layout_is_list(p))
			rc = listed(names, f, p);
		else if (promote_product_is_discovery(p))
			rc = discovered(names, f, p);
		else if ((rc = product_changed(&moved, f, p, promote_product_name(p))) == 0 && moved)
			rc = add_name(names, promote_product_name(p), strlen(promote_product_name(p)));
	}
	if (rc == 0 && names->size > 1) {
		qsort(names->ptr, names->size, sizeof *names->ptr, by_name);
		size_t kept = 1;
		for (size_t i = 1; i < names->size; i++) {
			if (strcmp(names->ptr[i], names->ptr[kept - 1]) == 0)
				free(names->ptr[i]);
			else
				names->ptr[kept++] = names->ptr[i];
		}
		names->size = kept;
	}
	return rc;
}

/* Whether the releases of `product` run this flow: one of its `flows:` (a discovered product's: "*"'s), or
 * the default flow when it names none. */
static bool runs_flow(const flow_pass *f, const char *product)
{
	const promote_product *cfg = promote__product_config(f->w->ctx, product);
	if (cfg && cfg->flow_count) {
		for (size_t i = 0; i < cfg->flow_count; i++)
			if (strcmp(cfg->flows[i].name, promote_flow_name(f->flow)) == 0)
				return true;
		return false;
	}
	const promote_flow *fallback = NULL;
	bool found = promote_flow_lookup(&fallback, f->w->ctx, NULL) == 0;
	if (!found)
		promote_error_clear();
	return found && fallback == f->flow;
}

/* ---- one product ----------------------------------------------------------------- */

/* The oldest commit of the trigger's first-parent history back from its tip that holds `version`
 * without a break (the commit that set it). */
static int trigger_commit(promote__commit_id *out, const promote__version_source *src, const promote__commit_id *tip,
	const promote_buf *tip_bytes, const char *version)
{
	promote__commit_id at = *tip, parent;
	promote_buf newer = PROMOTE_BUF_INIT, older = PROMOTE_BUF_INIT;
	int rc = promote__buf_put(&newer, tip_bytes->ptr, tip_bytes->size) < 0 ? promote__error_oom() : 0;
	for (size_t n = 0; rc == 0 && n < HISTORY_MAX; n++) {
		if ((rc = src->r->parent(&parent, src->r->self, &at)) == PROMOTE_ENOTFOUND) {
			promote_error_clear();
			rc = 0;
			break;
		}
		bool present = false;
		if (rc == 0)
			rc = promote__version_read(&older, &present, src, &parent);
		if (rc || !present)
			break;
		if (older.size != newer.size || memcmp(older.ptr, newer.ptr, older.size) != 0) {
			char *held = NULL;
			if (promote__version_parse(&held, src, &older) != 0)
				promote_error_clear(); /* a file broken then held no version */
			bool same = held && strcmp(held, version) == 0;
			free(held);
			if (!same)
				break;
		}
		at = parent;
		promote_buf swap = newer;
		newer = older;
		older = swap;
	}
	*out = at;
	promote_buf_dispose(&newer);
	promote_buf_dispose(&older);
	return rc;
}

/* The id a watcher gives the release of `product` at `version` through the flow, set at `commit`. */
static int release_id(char **out, const flow_pass *f, const char *product, const char *version,
	const promote__commit_id *commit)
{
	char *key = promote__strdupf("watch%c%s%c%s%c%s%c%s", 0, promote_flow_name(f->flow), 0, product, 0, version, 0,
		commit->hex);
	if (!key)
		return promote__error_oom();
	size_t len = 5 + 1 + strlen(promote_flow_name(f->flow)) + 1 + strlen(product) + 1 + strlen(version) + 1 +
		strlen(commit->hex);
	git_oid hash;
	int git_rc = git_odb_hash(&hash, key, len, GIT_OBJECT_BLOB);
	free(key);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot hash", "a release id");
	return promote__release_make_id_with(out, product, version, hash.id);
}

/* Whether release `r` was started after `commit` (by hand, `promote run`): the trigger commit it started
 * from holds `commit` (the same version set again later is not held by an earlier release's); a release
 * that names no trigger commit, by its creation (`since`: the commit's time). */
static bool started_after(const flow_pass *f, const promote_release *r, const promote__commit_id *commit, int64_t since)
{
	git_oid started, set;
	if (!r->trigger_commit || !*r->trigger_commit)
		return since && r->created >= since;
	if (git_oid_fromstr(&started, r->trigger_commit) < 0 || git_oid_fromstr(&set, commit->hex) < 0)
		return false;
	bool after = git_graph_descendant_of(f->s->repo, &started, &set) == 1;
	git_error_clear();
	return after;
}

/* Whether the release `id` is of `product` at `version` through the flow, set off by `commit` (its trigger
 * commit) or started after it (`promote run` by hand). */
static int same_release(bool *out, const flow_pass *f, const char *id, const char *product, const char *version,
	const promote__commit_id *commit, int64_t since)
{
	promote_release *r = NULL;
	int rc = promote__release_alloc(&r, f->w->ctx);
	if (rc == 0 && (rc = promote__set_string(&r->id, id)) == 0 && (rc = promote__release_load(r)) == 0)
		*out = strcmp(r->product, product) == 0 && strcmp(r->version, version) == 0 &&
			strcmp(r->flow, promote_flow_name(f->flow)) == 0 &&
			(strcmp(r->trigger_commit, commit->hex) == 0 || started_after(f, r, commit, since));
	else if (rc != PROMOTE_ENOMEM) {
		promote_error_clear(); /* a record that cannot be read is no release of this */
		rc = 0;
	}
	promote__release_free(r);
	return rc;
}

/* A release of `product` at `version` through the flow exists already: one set off by `commit`, or one started
 * after it. Only the releases whose id begins with PRODUCT-VERSION- are read: of the pass's listing, and those
 * this pass started. */
static int released(bool *out, const flow_pass *f, const char *product, const char *version,
	const promote__commit_id *commit)
{
	*out = false;
	char *id = NULL;
	static const unsigned char zero[3] = { 0, 0, 0 };
	int rc = promote__release_make_id_with(&id, product, version, zero);
	if (rc)
		return rc;
	id[strlen(id) - 6] = '\0'; /* PRODUCT-VERSION- */
	git_oid at;
	git_commit *c = NULL;
	int64_t since = 0;
	if (git_oid_fromstr(&at, commit->hex) == 0 && git_commit_lookup(&c, f->s->repo, &at) == 0)
		since = git_commit_time(c);
	git_error_clear();
	git_commit_free(c);
	const promote_watcher *w = f->w;
	size_t first, end;
	promote__watch_seen_prefix(w, id, &first, &end);
	for (size_t i = first; rc == 0 && !*out && i < end; i++)
		rc = same_release(out, f, w->seen.ptr[i].id, product, version, commit, since);
	for (size_t i = 0; rc == 0 && !*out && i < w->started.size; i++)
		if (strncmp(w->started.ptr[i], id, strlen(id)) == 0)
			rc = same_release(out, f, w->started.ptr[i], product, version, commit, since);
	free(id);
	return rc;
}

static int start_failed(flow_pass *f, const char *product, const char *version)
{
	if (promote__release_transient(promote_error_last()->code))
		f->again = true;
	return promote__watch_emit_failure(f->w, PROMOTE_WATCH_EVENT_START_FAILED, promote_flow_name(f->flow), product,
		version, NULL);
}

static int start(flow_pass *f, const char *product, const char *version, const promote__commit_id *commit)
{
	char *id = NULL, *what = promote__strdupf("Start release (watch %s)", f->w->owner);
	int rc = what ? release_id(&id, f, product, version, commit) : promote__error_oom();
	promote_release_options o = promote__watch_release_options(f->w);
	o.flow = promote_flow_name(f->flow);
	promote__release_seed seed = { id, version, commit->hex, what };
	promote_release *r = NULL;
	if (rc == 0)
		rc = promote__release_start_seeded(&r, f->w->ctx, product, &o, &seed);
	if (rc == PROMOTE_EEXISTS) {
		promote_error_clear(); /* another watcher started it first, or this one before a crash */
		rc = 0;
	} else if (rc == 0) {
		char *kept = strdup(id);
		rc = kept ? promote__array_push(&f->w->started, kept) : promote__error_oom();
		if (rc)
			free(kept);
		promote_watch_event e = { PROMOTE_WATCH_EVENT_RELEASE_STARTED, promote_flow_name(f->flow), product, version,
			id, commit->hex, "" };
		if (rc == 0)
			rc = promote__watch_emit(f->w, &e);
	} else if (rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM) {
		rc = start_failed(f, product, version);
	}
	promote_release_free(r);
	free(id);
	free(what);
	return rc;
}

/* Release `product` when its version in the trigger environment is another than at the last handled commit. */
static int consider(flow_pass *f, const char *product)
{
	if (!runs_flow(f, product))
		return 0;
	const promote_product *cfg = promote__product_config(f->w->ctx, product);
	promote__version_source src = { f->r, NULL, NULL };
	promote__commit_id now, last;
	hex_of(&now, &f->now);
	hex_of(&last, &f->last);
	promote_buf after = PROMOTE_BUF_INIT, before = PROMOTE_BUF_INIT;
	bool is = false, was = false;
	char *version = NULL, *old = NULL;
	int rc = cfg ? promote__version_source_init(&src, f->w->ctx, f->r, f->trigger, cfg, product)
		     : promote_product_lookup(&cfg, f->w->ctx, product);
	if (rc == 0)
		rc = promote__version_read(&after, &is, &src, &now);
	if (rc == 0 && is)
		rc = promote__version_read(&before, &was, &src, &last);
	bool same_bytes = was && before.size == after.size && memcmp(before.ptr, after.ptr, after.size) == 0;
	if (rc == 0 && is && !same_bytes)
		rc = promote__version_parse(&version, &src, &after);
	if (rc == 0 && version && was)
		rc = promote__version_parse(&old, &src, &before);
	if (rc == 0 && version && (!old || strcmp(old, version) != 0)) {
		promote__commit_id commit;
		bool exists = false;
		rc = trigger_commit(&commit, &src, &now, &after, version);
		if (rc == 0)
			rc = released(&exists, f, product, version, &commit);
		if (rc == 0 && !exists)
			rc = start(f, product, version, &commit);
	}
	if (rc && rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM)
		rc = start_failed(f, product, version);
	free(version);
	free(old);
	promote_buf_dispose(&after);
	promote_buf_dispose(&before);
	promote__version_source_dispose(&src);
	return rc;
}

/* ---- one flow -------------------------------------------------------------------- */

static void flow_dispose(flow_pass *f)
{
	free(f->branch);
	free(f->ref);
	free(f->env_dir);
	git_tree_free(f->last_root);
	git_tree_free(f->now_root);
}

static int baseline(flow_pass *f)
{
	bool written = false;
	int rc = record_write(f, true, &written);
	if (rc == 0 && written) {
		promote__commit_id hex;
		hex_of(&hex, &f->now);
		promote_watch_event e = { PROMOTE_WATCH_EVENT_FLOW_BASELINE, promote_flow_name(f->flow), "", "", "", hex.hex,
			"" };
		rc = promote__watch_emit(f->w, &e);
	}
	return rc;
}

/* A watcher follows the context's repository (its fetches, its record of the last commit handled): a
 * trigger that lives in another one is refused, not looked for at the wrong place. */
static int refuse_elsewhere(promote_context *ctx, const promote_flow *flow, const promote_env *trigger)
{
	const char *elsewhere = NULL;
	int rc = promote__context_env_elsewhere(&elsewhere, ctx, trigger);
	char *shown = rc == 0 && elsewhere ? promote__redact_url(elsewhere) : NULL;
	if (rc == 0 && elsewhere)
		rc = promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_CONFIG,
			"flow '%s' cannot be watched: its trigger '%s' lives in repository '%s' (%s), and a watcher follows "
			"the context's repository only; start its releases with promote_release_start() (the version read there)",
			promote_flow_name(flow), promote_env_name(trigger),
			promote_repository_name(promote_env_repository(trigger)), shown ? shown : "?");
	free(shown);
	return rc;
}

static int watch_flow(promote_watcher *w, promote__git_session *s, const promote_flow *flow)
{
	flow_pass f = { w, s, promote__git_session_reader(s), flow, promote_flow_trigger(flow), NULL, NULL, false,
		{ { 0 } }, { { 0 } }, NULL, NULL, NULL, false };
	promote__commit_id tip;
	int rc = refuse_elsewhere(w->ctx, flow, f.trigger);
	if (rc == 0)
		rc = promote__plan_branch_of(&f.branch, f.r, f.trigger);
	if (rc == 0 && (rc = f.r->tip(&tip, f.r->self, f.branch)) == PROMOTE_ENOTFOUND) {
		promote_error_clear(); /* no trigger branch (yet): nothing to release */
		flow_dispose(&f);
		return 0;
	}
	if (rc == 0 && git_oid_fromstr(&f.now, tip.hex) < 0)
		rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "'%s' is no commit id", tip.hex);
	if (rc == 0 && !(f.ref = promote__strdupf(PROMOTE__WATCH_PREFIX "%s", promote_flow_name(flow))))
		rc = promote__error_oom();
	if (rc == 0 && !git_reference_is_valid_name(f.ref))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"flow '%s' cannot be watched: its name makes no git reference name ('%s'); rename it",
			promote_flow_name(flow), f.ref);
	if (rc == 0)
		rc = record_read(&f);
	/* The last handled commit is gone (the branch was rewritten and the commit pruned): start afresh. */
	git_commit *last = NULL;
	if (rc == 0 && f.has_last && git_commit_lookup(&last, s->repo, &f.last) < 0) {
		git_error_clear();
		f.has_last = false;
	}
	git_commit_free(last);
	if (rc == 0 && !f.has_last)
		rc = baseline(&f);
	if (rc || !f.has_last || git_oid_equal(&f.last, &f.now)) {
		flow_dispose(&f);
		return rc;
	}
	char *env_dir = promote__plan_env_dir(w->ctx, f.trigger);
	if (!env_dir)
		rc = promote__error_oom();
	else if (!(f.env_dir = strdup(strcmp(env_dir, ".") == 0 ? "" : env_dir)))
		rc = promote__error_oom();
	free(env_dir);
	if (rc == 0)
		rc = promote__git_tree_of(&f.last_root, s->repo, &f.last);
	if (rc == 0)
		rc = promote__git_tree_of(&f.now_root, s->repo, &f.now);
	promote__watch_names names = PROMOTE__ARRAY_INIT;
	if (rc == 0)
		rc = changed_products(&names, &f);
	for (size_t i = 0; rc == 0 && i < names.size && !w->stop; i++)
		rc = consider(&f, names.ptr[i]);
	for (size_t i = 0; i < names.size; i++)
		free(names.ptr[i]);
	promote__array_free(&names);
	/* Every release of the changes up to the new commit exists: the flow is handled up to it. */
	bool written = false;
	if (rc == 0 && !w->stop && !f.again) {
		promote__fault_point("(watch: releases started)");
		rc = record_write(&f, false, &written);
	}
	flow_dispose(&f);
	return rc;
}

int promote__watch_start_releases(promote_watcher *w)
{
	promote__git_session *s = NULL;
	int rc = promote__context_session(&s, w->ctx);
	for (size_t i = 0; rc == 0 && i < promote_flow_count(w->ctx) && !w->stop; i++) {
		rc = watch_flow(w, s, promote_flow_at(w->ctx, i));
		if (rc && rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM && rc != PROMOTE_ENET && rc != PROMOTE_EAUTH)
			/* One flow that cannot be handled now does not keep the others from it. */
			rc = promote__watch_emit_failure(w, PROMOTE_WATCH_EVENT_START_FAILED, promote_flow_name(
				promote_flow_at(w->ctx, i)), NULL, NULL, NULL);
	}
	return rc;
}
