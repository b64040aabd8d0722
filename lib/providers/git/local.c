/*
 * The built-in "local" git provider: changes inside the repository itself
 * (see local.h). Every update reads the record, changes it, and writes it
 * back by compare-and-swap on the ref (or a push, for a remote's mirror);
 * a lost race reads again and redoes the change, with a jittered backoff.
 */
#include "local.h"
#include "local_record.h"
#include "providers/change.h"

#include "git/identity.h"
#include "git/session.h"
#include "git/record_update.h"
#include "model/context.h"
#include "core/backoff.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Where the changes live: the context's repository session. */
typedef struct local {
	promote__git_session *s;
	git_repository *repo;  /* the session's */
	const char *where;     /* for URLs shown: the path, or the remote without credentials */
} local;

static int local_open(local *l, void *payload)
{
	promote_context *ctx = payload;
	memset(l, 0, sizeof *l);
	if (!promote__context_repository(ctx))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"the local git provider keeps changes in the repository, and this context has none: open it "
			"with promote_context_open_repository()");
	int rc = promote__context_session(&l->s, ctx);
	if (rc == 0) {
		l->repo = l->s->repo;
		l->where = l->s->where;
	}
	return rc;
}

/* A remote's mirror learns the latest records and branches. */
static int refresh(local *l)
{
	return promote__git_session_refresh(l->s);
}

/* Who the provider's commits (records, merges) are by: as apply's. */
static int commit_info(promote__git_commit_info *info, promote__git_identity *who, local *l, const char *message)
{
	int rc = promote__git_identity_read(who, l->repo, NULL, NULL);
	promote__git_commit_info made = { who->author_name, who->author_email, 0, message, who->committer_name,
		who->committer_email };
	*info = made;
	return rc;
}

/* The reference holding change `id`'s record, into `ref` (initialised here;
 * the caller frees it). */
static int record_ref(promote__strbuf *ref, const char *id)
{
	promote__strbuf_init(ref, PROMOTE__REFNAME_MAX, "the change's record reference name");
	size_t room = PROMOTE__REFNAME_MAX - strlen(PROMOTE__GIT_CHANGES_PREFIX), len = strlen(id);
	if (len > room)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_PROVIDER,
			"a change id of %zu bytes is longer than the %zu the local provider can record (the id is the "
			"change's branch name; use shorter product, version or environment names)", len, room);
	int rc = promote__strbuf_addf(ref, PROMOTE__GIT_CHANGES_PREFIX "%s", id);
	if (rc == 0 && (!*id || !git_reference_is_valid_name(promote__strbuf_cstr(ref))))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"'%s' is not a change id of the local provider (it is the change's branch name, such as "
			"promote/shop/1.4.0/qa)", id);
	return rc;
}

/* "refs/heads/BRANCH", into `ref` (initialised here; the caller frees it). */
static int branch_ref(promote__strbuf *ref, const char *branch)
{
	promote__strbuf_init(ref, PROMOTE__REFNAME_MAX, "the branch's reference name");
	return promote__strbuf_addf(ref, "refs/heads/%s", branch);
}

/* The record of change `id`: *record NULL (and 0) when there is none. */
static int read_record(json_object **record, git_oid *tip, local *l, const char *ref)
{
	*record = NULL;
	promote_buf bytes = PROMOTE_BUF_INIT;
	int rc = promote__git_record_read(&bytes, tip, l->repo, ref, PROMOTE__LOCAL_RECORD_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	if (rc == 0)
		rc = promote__local_record_parse(record, bytes.ptr, bytes.size, ref);
	promote_buf_dispose(&bytes);
	return rc;
}

/* What an update does to the record (NULL: there is none yet). Returns 0 with
 * *replace set to write a new record, 0 with *changed to write this one
 * changed, 0 with neither to write nothing, or an error. */
typedef int (*mutation)(json_object *record, json_object **replace, bool *changed, void *arg);

/* A mutation of the JSON record, as the record updater sees it: bytes in,
 * bytes out; `result` keeps the last record seen or made. */
typedef struct json_update {
	mutation mutate;
	void *arg;
	const char *ref;
	json_object *result;
} json_update;

static int mutate_json(promote_buf *next, bool *write, const promote_buf *current, void *arg)
{
	json_update *u = arg;
	json_object *record = NULL, *replacement = NULL;
	bool changed = false;
	json_object_put(u->result);
	u->result = NULL;
	int rc = current ? promote__local_record_parse(&record, current->ptr, current->size, u->ref) : 0;
	if (rc == 0)
		rc = u->mutate(record, &replacement, &changed, u->arg);
	json_object *result = replacement ? replacement : record;
	if (rc == 0 && (replacement || changed)) {
		size_t size = 0;
		const char *text = json_object_to_json_string_length(result,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &size);
		rc = text ? promote__buf_put(next, text, size) : promote__error_oom();
		*write = rc == 0;
	}
	if (replacement)
		json_object_put(record);
	u->result = result;
	return rc;
}

static int update(promote_change_info *out, local *l, const char *id, mutation mutate, void *arg,
	const char *what)
{
	promote__strbuf ref, message;
	int rc = record_ref(&ref, id);
	promote__strbuf_init(&message, PROMOTE__MESSAGE_MAX, "the record's commit message");
	if (rc == 0)
		rc = promote__strbuf_addf(&message, "%s %s\n", what, id);
	json_update u = { mutate, arg, promote__strbuf_cstr(&ref), NULL };
	promote__git_record_target target = { promote__strbuf_cstr(&ref), PROMOTE__LOCAL_RECORD_MAX,
		promote__strbuf_cstr(&message), NULL, NULL, false, NULL };
	if (rc == 0)
		rc = promote__git_record_update(NULL, NULL, l->s, &target, mutate_json, &u);
	if (rc == 0 && out)
		rc = promote__local_record_to_info(out, u.result, l->where);
	json_object_put(u.result);
	promote__strbuf_free(&message);
	promote__strbuf_free(&ref);
	return rc;
}

static int no_change(const char *id)
{
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
		"there is no change '%s' in this repository (applying a promotion whose policy asks for a pull "
		"request opens one)", id);
}

static int branch_tip(git_oid *out, local *l, const char *branch, const char *role)
{
	promote__strbuf ref;
	int rc = branch_ref(&ref, branch);
	int git_rc = rc == 0 ? git_reference_name_to_id(out, l->repo, promote__strbuf_cstr(&ref)) : 0;
	promote__strbuf_free(&ref);
	if (git_rc == GIT_ENOTFOUND)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"the %s branch '%s' does not exist; push it first", role, branch);
	return git_rc < 0 ? promote__git_failed(git_rc, "cannot read branch", branch) : rc;
}

/* ---- open, find, get ------------------------------------------------------ */

typedef struct open_args {
	const promote_change_request *request;
	promote_change_info *out;
} open_args;

static int mutate_open(json_object *record, json_object **replace, bool *changed, void *arg)
{
	open_args *a = arg;
	(void)changed;
	if (record && promote__local_record_state(record) == PROMOTE_CHANGE_OPEN) {
		a->out->reused = true; /* never a second change for the same branch */
		return 0;
	}
	/* New, or opened again after it was merged or closed: a fresh record (its
	 * history stays in the ref's log). */
	*replace = promote__local_record_new(a->request, (int64_t)time(NULL));
	return *replace ? 0 : promote__error_oom();
}

static int local_open_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	local l;
	int rc = local_open(&l, payload);
	git_oid tip;
	if (rc == 0)
		rc = branch_tip(&tip, &l, request->head, "change's");
	if (rc == 0)
		rc = branch_tip(&tip, &l, request->base, "base");
	open_args args = { request, out };
	if (rc == 0)
		rc = update(out, &l, request->head, mutate_open, &args, "Open change");
	return rc;
}

/* Open the repository, fetch a remote's mirror, read change `id`'s record
 * (PROMOTE_ENOTFOUND when there is none). */
static int load(local *l, json_object **record, void *payload, const char *id)
{
	promote__strbuf ref;
	git_oid tip;
	*record = NULL;
	int rc = record_ref(&ref, id);
	if (rc == 0)
		rc = local_open(l, payload);
	if (rc == 0)
		rc = refresh(l);
	if (rc == 0)
		rc = read_record(record, &tip, l, promote__strbuf_cstr(&ref));
	promote__strbuf_free(&ref);
	return rc == 0 && !*record ? no_change(id) : rc;
}

static int local_get_change(promote_change_info *out, const char *id, void *payload)
{
	local l;
	json_object *record = NULL;
	int rc = load(&l, &record, payload, id);
	if (rc == 0)
		rc = promote__local_record_to_info(out, record, l.where);
	json_object_put(record);
	return rc;
}

static int local_find_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	local l;
	int rc = local_open(&l, payload);
	if (rc == 0)
		rc = refresh(&l);
	git_reference_iterator *it = NULL;
	if (rc == 0 && git_reference_iterator_glob_new(&it, l.repo, PROMOTE__GIT_CHANGES_PREFIX "*") < 0)
		rc = promote__git_failed(-1, "cannot list the changes of", l.where);
	bool found = false;
	const char *name;
	/* Refs come sorted by name: the same change is found every time. */
	while (rc == 0 && !found && git_reference_next_name(&name, it) == 0) {
		json_object *record = NULL;
		git_oid tip;
		if ((rc = read_record(&record, &tip, &l, name)) == 0 && record &&
			promote__local_record_state(record) == PROMOTE_CHANGE_OPEN &&
			promote__local_record_has_labels(record, request)) {
			found = true;
			rc = promote__local_record_to_info(out, record, l.where);
		}
		json_object_put(record);
	}
	git_reference_iterator_free(it);
	if (rc == 0 && !found)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"no open change carries every label asked for");
	return rc;
}

/* ---- approve, comment, close ---------------------------------------------- */

typedef struct entry_args {
	const char *id;
	const char *by;
	const char *body;  /* NULL: an approval */
} entry_args;

static int mutate_entry(json_object *record, json_object **replace, bool *changed, void *arg)
{
	entry_args *a = arg;
	(void)replace;
	if (!record)
		return no_change(a->id);
	if (!a->body && promote__local_record_state(record) != PROMOTE_CHANGE_OPEN)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"change '%s' is %s; only an open change can be approved", a->id,
			promote__local_record_string(record, "state"));
	int64_t now = (int64_t)time(NULL);
	int rc = promote__local_record_append(record, a->body ? "comments" : "approvals", a->by, a->body, now);
	if (rc < 0)
		return rc;
	*changed = rc == 0; /* 1: approved by the same person already */
	json_object *draft = NULL;
	if (!a->body && json_object_object_get_ex(record, "draft", &draft) && json_object_get_boolean(draft)) {
		/* Approved: no longer a draft. */
		if (json_object_object_add(record, "draft", json_object_new_boolean(0)) != 0)
			return promote__error_oom();
		*changed = true;
	}
	return 0;
}

static int local_approve_change(promote_change_info *out, const char *id, const char *by, void *payload)
{
	local l;
	int rc = local_open(&l, payload);
	entry_args args = { id, promote__change_actor(by), NULL };
	if (rc == 0)
		rc = update(out, &l, id, mutate_entry, &args, "Approve change");
	return rc;
}

static int local_comment_change(const char *id, const char *body, void *payload)
{
	local l;
	int rc = local_open(&l, payload);
	entry_args args = { id, promote__change_actor(NULL), body };
	if (rc == 0)
		rc = update(NULL, &l, id, mutate_entry, &args, "Comment on change");
	return rc;
}

typedef struct state_args {
	const char *id;
	const char *merge_commit;  /* NULL: closing */
} state_args;

static int mutate_state(json_object *record, json_object **replace, bool *changed, void *arg)
{
	state_args *a = arg;
	(void)replace;
	if (!record)
		return no_change(a->id);
	promote_change_state state = promote__local_record_state(record);
	promote_change_state wanted = a->merge_commit ? PROMOTE_CHANGE_MERGED : PROMOTE_CHANGE_CLOSED;
	if (state == wanted)
		return 0; /* done already */
	if (state != PROMOTE_CHANGE_OPEN)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER, "change '%s' is %s already; it "
			"cannot be %s", a->id, promote__local_record_string(record, "state"),
			promote_change_state_name(wanted));
	int rc = promote__local_record_set_state(record, wanted, (int64_t)time(NULL));
	if (rc == 0 && a->merge_commit)
		rc = promote__local_record_set_string(record, "mergeCommit", a->merge_commit);
	*changed = rc == 0;
	return rc;
}

static int local_close_change(const char *id, void *payload)
{
	local l;
	int rc = local_open(&l, payload);
	state_args args = { id, NULL };
	if (rc == 0)
		rc = update(NULL, &l, id, mutate_state, &args, "Close change");
	return rc;
}

/* ---- merge ---------------------------------------------------------------- */

/* Can `record` be merged? 1 when it is merged already. */
static int mergeable(json_object *record, const char *id)
{
	promote_change_state state = promote__local_record_state(record);
	if (state == PROMOTE_CHANGE_MERGED)
		return 1;
	if (state == PROMOTE_CHANGE_CLOSED)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"change '%s' is closed; apply the promotion again to reopen it, then merge it", id);
	json_object *draft = NULL;
	if (json_object_object_get_ex(record, "draft", &draft) && json_object_get_boolean(draft))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"change '%s' is a draft awaiting approval; approve it first (promote_change_approve())", id);
	return 0;
}

/* Move the base branch to the merge of the change; the record follows. */
static int merge_branches(char *merged_hex, local *l, json_object *record, const char *id)
{
	const char *head = promote__local_record_string(record, "head"), *base = promote__local_record_string(record, "base");
	promote__strbuf message, base_ref;
	promote__strbuf_init(&message, PROMOTE__MESSAGE_MAX, "the merge's commit message");
	const char *title = promote__local_record_string(record, "title");
	int rc = branch_ref(&base_ref, base);
	/* One line, as promote_change_request_set_title() takes it: a record changed by hand forges no trailer. */
	if (rc == 0 && *title)
		rc = promote__value_check("the change's title in its record", title, PROMOTE__TITLE_MAX);
	if (rc == 0)
		rc = promote__strbuf_addf(&message, "Merge change %s: %s\n\nPromote-Change: %s\n", id, title, id);
	promote__git_identity who = { NULL, NULL, NULL, NULL };
	promote__git_commit_info info;
	if (rc == 0)
		rc = commit_info(&info, &who, l, promote__strbuf_cstr(&message));
	uint64_t seed = promote__backoff_seed(l);
	for (unsigned attempt = 0; rc == 0; attempt++) {
		git_oid head_tip, base_tip, merged;
		bool made;
		if ((rc = branch_tip(&head_tip, l, head, "change's")) || (rc = branch_tip(&base_tip, l, base, "base")) ||
			(rc = promote__git_merge(&merged, &made, l->repo, &base_tip, &head_tip, &info)))
			break;
		git_oid_tostr(merged_hex, GIT_OID_HEXSZ + 1, &merged);
		if (git_oid_equal(&merged, &base_tip)) {
			/* In the base already: a merge that stopped before its record (its lock on the base too). */
			rc = promote__git_session_settle(l->s, promote__strbuf_cstr(&base_ref));
			break;
		}
		rc = promote__git_session_publish(l->s, promote__strbuf_cstr(&base_ref), &merged, &base_tip, false);
		if (rc != PROMOTE_ECONFLICT || attempt >= PROMOTE__DEFAULT_RETRIES)
			break;
		/* The base moved meanwhile: merge again on its new tip. */
		promote_error_clear();
		promote__backoff(attempt, &seed);
		rc = refresh(l);
	}
	promote__git_identity_dispose(&who);
	promote__strbuf_free(&base_ref);
	promote__strbuf_free(&message);
	return rc;
}

static int local_merge_change(promote_change_info *out, const char *id, void *payload)
{
	local l;
	char merged[GIT_OID_HEXSZ + 1] = "";
	json_object *record = NULL;
	int rc = load(&l, &record, payload, id);
	if (rc == 0 && (rc = mergeable(record, id)) == 1) {
		/* Merged already: the locks a killed or broken run that merged left on its record and on the
		 * base branch are not left behind for the next run. */
		promote__strbuf ref, base_ref;
		int base_rc = branch_ref(&base_ref, promote__local_record_string(record, "base"));
		if ((rc = record_ref(&ref, id)) == 0 && (rc = base_rc) == 0 &&
			(rc = promote__git_session_settle(l.s, promote__strbuf_cstr(&ref))) == 0)
			rc = promote__git_session_settle(l.s, promote__strbuf_cstr(&base_ref));
		promote__strbuf_free(&ref);
		if (rc == 0)
			rc = promote__local_record_to_info(out, record, l.where);
		promote__strbuf_free(&base_ref);
	} else if (rc == 0 && (rc = merge_branches(merged, &l, record, id)) == 0) {
		state_args args = { id, merged };
		rc = update(out, &l, id, mutate_state, &args, "Merge change");
	}
	json_object_put(record);
	return rc;
}

const promote_git_provider *promote__local_provider(void)
{
	static const promote_git_provider vtable = {
		.version = PROMOTE_GIT_PROVIDER_VERSION,
		.open_change = local_open_change,
		.get_change = local_get_change,
		.find_change = local_find_change,
		.merge_change = local_merge_change,
		.comment_change = local_comment_change,
		.close_change = local_close_change,
		.approve_change = local_approve_change,
	};
	return &vtable;
}
