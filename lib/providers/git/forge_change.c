/* The pull-request sequences the forge providers share (forge_change.h). */
#include "forge_change.h"
#include "forge_json.h"

#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The first environment of a request: whose repository the change belongs to. */
static const char *request_env(const promote_change_request *request)
{
	return promote_change_request_environment_count(request) ?
		promote_change_request_environment_at(request, 0) : NULL;
}

static bool is_draft(const promote__forge *f, json_object *pull)
{
	return f->kind->is_draft ? f->kind->is_draft(pull) : promote__forge_bool(pull, "draft");
}

static bool merges_anyway(const promote__forge *f, json_object *pull)
{
	return f->kind->merge_anyway && f->kind->merge_anyway(pull);
}

static const char *head_branch(const promote__forge *f, json_object *pull)
{
	return f->kind->head_branch ? f->kind->head_branch(pull) : promote__forge_string_in(pull, "head", "ref");
}

static const char *head_sha(const promote__forge *f, json_object *pull)
{
	return f->kind->head_sha ? f->kind->head_sha(pull) : promote__forge_string_in(pull, "head", "sha");
}

/* A pull request's JSON into `out`, with its id. */
static int pull_info(promote_change_info *out, promote__forge *f, json_object *pull)
{
	char *id = promote__forge_change_id(f, promote__forge_int(pull, promote__forge_number_key(f->kind)));
	int rc = !id ? promote__error_oom() : f->kind->to_info ? f->kind->to_info(out, pull, id) :
		promote__forge_pull_to_info(out, pull, id, is_draft(f, pull));
	free(id);
	return rc;
}

/* The open pull request of the request's head branch (by_head), else one with every label of
 * `request`: *pull NULL when there is none. */
static int find_open(json_object **pull, promote__forge *f, const promote_change_request *request, bool by_head)
{
	*pull = NULL;
	const char *head = promote_change_request_head(request);
	char *(*query)(const promote__forge *, const promote_change_request *) = by_head ? NULL : f->kind->labels_query;
	char *narrow = by_head && f->kind->head_query ? f->kind->head_query(f, head) : query ? query(f, request) : NULL;
	bool oom = ((by_head && f->kind->head_query) || query) && !narrow;
	char *suffix = oom ? NULL : promote__strdupf("%s?state=%s&%s%s", promote__forge_pulls(f->kind),
					 f->kind->open_state ? f->kind->open_state : "open", f->kind->page_query,
					 narrow ? narrow : "");
	json_object *list = NULL;
	int rc = suffix ? promote__forge_list(&list, f, suffix) : promote__error_oom();
	size_t n = rc == 0 ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < n && !*pull; i++) {
		json_object *candidate = json_object_array_get_idx(list, i);
		if (by_head ? strcmp(head_branch(f, candidate), head) == 0
			    : promote__forge_has_labels(candidate, request))
			*pull = json_object_get(candidate);
	}
	json_object_put(list);
	free(suffix);
	free(narrow);
	return rc;
}

/* The pull request for `request`: an open one reused, else a new one (never for an empty change). */
static int open_pull(json_object **pull, promote_change_info *out, promote__forge *f,
	const promote_change_request *request)
{
	const promote__forge_kind *kind = f->kind;
	bool diff = true;
	int rc = find_open(pull, f, request, true);
	if (rc == 0 && !*pull && promote_change_request_label_count(request))
		rc = find_open(pull, f, request, false);
	if (rc == 0 && *pull) {
		rc = promote_change_info_set_reused(out, 1);
	} else if (rc == 0 && (rc = kind->has_diff(&diff, f, request)) == 0 && !diff) {
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"branch '%s' changes nothing in '%s' of %s/%s: no %s was opened for an empty change",
			promote_change_request_head(request), promote_change_request_base(request), f->owner, f->name,
			promote__forge_what(kind));
	} else if (rc == 0) {
		rc = kind->create(pull, f, request);
		if (rc && kind->already_exists(rc)) {
			/* Opened by a run that raced this one. */
			promote_error_clear();
			rc = find_open(pull, f, request, true);
			if (rc == 0 && !*pull)
				rc = kind->create(pull, f, request);  /* the same refusal again, in the forge's words */
			else if (rc == 0)
				rc = promote_change_info_set_reused(out, 1);
		}
	}
	if (rc == 0 && promote_change_request_label_count(request) && !promote__forge_has_labels(*pull, request))
		rc = kind->set_labels(f, *pull, request);
	return rc;
}

/* open_change (`open`) or find_change: the pull request into `out`. */
static int answer_request(const promote__forge_kind *kind, promote_change_info *out,
	const promote_change_request *request, void *payload, bool open)
{
	promote__forge f;
	int rc = promote__forge_open(&f, kind, payload, request_env(request), NULL);
	if (rc)
		return rc;
	json_object *pull = NULL;
	rc = open ? open_pull(&pull, out, &f, request) : find_open(&pull, &f, request, false);
	if (rc == 0 && !pull)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"no open %s of %s/%s carries every label asked for", promote__forge_what(kind), f.owner, f.name);
	if (rc == 0)
		rc = pull_info(out, &f, pull);
	json_object_put(pull);
	promote__forge_close(&f);
	return rc;
}

int promote__forge_open_change(const promote__forge_kind *kind, promote_change_info *out,
	const promote_change_request *request, void *payload)
{
	return answer_request(kind, out, request, payload, true);
}

int promote__forge_find_change(const promote__forge_kind *kind, promote_change_info *out,
	const promote_change_request *request, void *payload)
{
	return answer_request(kind, out, request, payload, false);
}

int promote__forge_read_pull(json_object **pull, promote__forge *f, int64_t number)
{
	char *suffix = promote__strdupf("%s/%lld", promote__forge_pulls(f->kind), (long long)number);
	int rc = suffix ? promote__forge_call(pull, NULL, f, "GET", suffix, NULL) : promote__error_oom();
	free(suffix);
	return rc;
}

/* The approvals of GitHub's and Gitea's reviews of pull request `number`. */
static int read_reviews(unsigned *approvals, promote__forge *f, int64_t number)
{
	json_object *reviews = NULL;
	char *suffix = promote__strdupf("/pulls/%lld/reviews?%s", (long long)number, f->kind->page_query);
	int rc = suffix ? promote__forge_list(&reviews, f, suffix) : promote__error_oom();
	if (rc == 0)
		*approvals = promote__forge_approvals(reviews);
	json_object_put(reviews);
	free(suffix);
	return rc;
}

/* Everything get_change says: the pull request, its head's checks and its approvals. */
static int read_change(promote_change_info *out, json_object **pull, promote__forge *f, int64_t number)
{
	int rc = promote__forge_read_pull(pull, f, number), checks = PROMOTE_CHECKS_NONE;
	if (rc == 0)
		rc = pull_info(out, f, *pull);
	bool conflict = false, draft = rc == 0 && is_draft(f, *pull);
	char *waiting = NULL;
	if (rc == 0 && (rc = f->kind->read_checks(&checks, f, *pull)) == 0 && checks != PROMOTE_CHECKS_FAILING &&
		promote_change_info_state(out) == PROMOTE_CHANGE_OPEN && !draft) {
		/* The forge holds it (its own merge): a release waits for that merge. Else not ready yet reads as
		 * checks pending, unless it goes on to the merge anyway (merge_anyway). */
		rc = f->kind->waiting ? f->kind->waiting(&waiting, f, *pull) : 0;
		if (rc == 0 && waiting)
			rc = promote_change_info_set_waiting(out, waiting);
		else if (rc == 0 && f->kind->not_mergeable(*pull, &conflict) && !conflict && !merges_anyway(f, *pull))
			checks = PROMOTE_CHECKS_PENDING;
		/* Its checks run and the forge would take the merge now (merge_pending): a release asks it. */
		if (rc == 0 && !waiting && checks == PROMOTE_CHECKS_PENDING && f->kind->merge_pending)
			rc = f->kind->merge_pending(&out->hand_over, f, *pull);
	}
	free(waiting);
	if (rc == 0 && checks == PROMOTE_CHECKS_FAILING && f->kind->checks_why) {
		free(out->checks_why);
		if (!(out->checks_why = f->kind->checks_why(*pull)))
			rc = promote__error_oom();
	}
	if (rc == 0)
		rc = promote_change_info_set_checks(out, checks);
	unsigned approvals = 0;
	if (rc == 0)
		rc = f->kind->read_approvals ? f->kind->read_approvals(&approvals, f, number)
					     : read_reviews(&approvals, f, number);
	/* A draft is a person's turn at the forge: no approval counts until it is marked ready. */
	if (rc == 0)
		rc = promote_change_info_set_approvals(out, draft ? 0 : approvals);
	return rc;
}

/* Open the repository of change `id` and read its number. */
static int open_change_id(promote__forge *f, int64_t *number, const promote__forge_kind *kind, void *payload,
	const char *id)
{
	int rc = promote__forge_change_number(number, id, kind);
	return rc ? rc : promote__forge_open(f, kind, payload, NULL, id);
}

/* Open the repository of change `id` and read the change into `out` and *pull; on failure *f is closed. */
static int open_and_read(promote__forge *f, int64_t *number, json_object **pull, promote_change_info *out,
	const promote__forge_kind *kind, void *payload, const char *id)
{
	*pull = NULL;
	int rc = open_change_id(f, number, kind, payload, id);
	if (rc == 0 && (rc = read_change(out, pull, f, *number)) != 0) {
		json_object_put(*pull);
		*pull = NULL;
		promote__forge_close(f);
	}
	return rc;
}

int promote__forge_get_change(const promote__forge_kind *kind, promote_change_info *out, const char *id, void *payload)
{
	promote__forge f;
	int64_t number;
	json_object *pull;
	int rc = open_and_read(&f, &number, &pull, out, kind, payload, id);
	if (rc == 0) {
		json_object_put(pull);
		promote__forge_close(&f);
	}
	return rc;
}

/* Whether the change read into `out` (pull request `pull`) may be merged now: 0, or why not. */
static int merge_guard(const promote__forge *f, promote_change_info *out, json_object *pull, const char *id)
{
	int state = promote_change_info_state(out), checks = promote_change_info_checks(out);
	bool conflict = false;
	const char *why = state == PROMOTE_CHANGE_OPEN ? f->kind->not_mergeable(pull, &conflict) : NULL;
	const char *what = promote__forge_what(f->kind);
	bool pending = checks == PROMOTE_CHECKS_PENDING || checks == PROMOTE_CHECKS_FAILING;
	if (state == PROMOTE_CHANGE_CLOSED)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s is closed; reopen it at %s or apply the promotion again", what, id, f->kind->forge);
	if (*promote_change_info_waiting(out))
		return promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "%s %s is not merged by "
			"promote: %s", what, id, promote_change_info_waiting(out));
	/* Handed to the forge's own merge while its checks run (read_change's merge_pending). */
	if (state == PROMOTE_CHANGE_OPEN && out->hand_over)
		return 0;
	if (why && !(!conflict && !pending && merges_anyway(f, pull)))
		/* Not ready yet is EBUSY: a release tries again later; a conflict waits for a person. */
		return promote__error(conflict ? PROMOTE_ECONFLICT : PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s cannot be merged yet: %s", what, id, why);
	if (pending)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s is not merged: the checks of its head %.12s are %s", what, id, head_sha(f, pull),
			promote_checks_state_name(checks));
	return 0;
}

int promote__forge_merge_change(const promote__forge_kind *kind, promote_change_info *out, const char *id,
	void *payload)
{
	promote__forge f;
	int64_t number;
	json_object *pull;
	int rc = open_and_read(&f, &number, &pull, out, kind, payload, id);
	if (rc)
		return rc;
	char *merge_sha = NULL;
	/* Merged already (a run that died after the merge): nothing to do. */
	f.hand_over = out->hand_over;
	if (promote_change_info_state(out) != PROMOTE_CHANGE_MERGED &&
		(rc = merge_guard(&f, out, pull, id)) == 0 && (rc = kind->merge(&merge_sha, &f, pull, number, id)) == 0) {
		rc = promote_change_info_set_state(out, PROMOTE_CHANGE_MERGED);
		if (rc == 0)
			rc = promote_change_info_set_merge_commit(out, merge_sha);
	}
	free(merge_sha);
	json_object_put(pull);
	promote__forge_close(&f);
	return rc;
}

/* METHOD /repos/OWNER/NAME`format`(the number of change `id`) with the body {key: value, text_key: text}
 * (`text_key` NULL: only the first), after `before` (NULL: none); the pull request read again into `out`
 * when it is not NULL. */
static int send_to(const promote__forge_kind *kind, promote_change_info *out, void *payload, const char *id,
	int (*before)(promote__forge *f, int64_t number), const char *method, const char *format, const char *key,
	const char *value, const char *text_key, const char *text)
{
	promote__forge f;
	int64_t number;
	int rc = open_change_id(&f, &number, kind, payload, id);
	if (rc)
		return rc;
	json_object *request = json_object_new_object(), *answer = NULL, *pull = NULL;
	char *suffix = promote__strdupf(format, (long long)number);
	rc = request && suffix ? promote__json_put_string(request, key, value, false) : promote__error_oom();
	if (rc == 0 && before)
		rc = before(&f, number);
	if (rc == 0 && text_key)
		rc = promote__json_put_string(request, text_key, text, false);
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, &f, method, suffix, request);
	if (rc == 0 && out)
		rc = read_change(out, &pull, &f, number);
	json_object_put(pull);
	json_object_put(answer);
	json_object_put(request);
	free(suffix);
	promote__forge_close(&f);
	return rc;
}

int promote__forge_comment_change(const promote__forge_kind *kind, const char *id, const char *body, void *payload)
{
	static const promote__forge_send by_default = { "POST", "/issues/%lld/comments", "body", NULL };
	const promote__forge_send *how = kind->comment ? kind->comment : &by_default;
	return send_to(kind, NULL, payload, id, NULL, how->method, how->path, how->key, how->value ? how->value : body,
		NULL, NULL);
}

int promote__forge_close_change(const promote__forge_kind *kind, const char *id, void *payload)
{
	static const promote__forge_send by_default = { "PATCH", "/pulls/%lld", "state", "closed" };
	const promote__forge_send *how = kind->close ? kind->close : &by_default;
	return send_to(kind, NULL, payload, id, NULL, how->method, how->path, how->key, how->value, NULL, NULL);
}

/* The kind's own approval of change `id` (kind->approve), then the change read into `out`. */
static int approve_by_kind(const promote__forge_kind *kind, promote_change_info *out, const char *id, const char *by,
	void *payload)
{
	promote__forge f;
	int64_t number;
	json_object *pull = NULL;
	int rc = open_change_id(&f, &number, kind, payload, id);
	if (rc)
		return rc;
	rc = kind->approve(&f, number, promote__change_actor(by));
	if (rc == 0)
		rc = read_change(out, &pull, &f, number);
	json_object_put(pull);
	promote__forge_close(&f);
	return rc;
}

int promote__forge_approve_change(const promote__forge_kind *kind, promote_change_info *out, const char *id,
	const char *by, void *payload)
{
	if (kind->approve)
		return approve_by_kind(kind, out, id, by, payload);
	/* The forge records the token's owner as the reviewer; `by` is said in the review's text. */
	char *text = promote__strdupf("Approved with libpromote by %s", promote__change_actor(by));
	int rc = text ? send_to(kind, out, payload, id, kind->approving, "POST", "/pulls/%lld/reviews", "event",
				kind->approve_event, "body", text) : promote__error_oom();
	free(text);
	return rc;
}
