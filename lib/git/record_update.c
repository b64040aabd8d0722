/* Updating a record by compare-and-swap, with a re-read on a lost race. */
#include "record_update.h"
#include "identity.h"

#include "core/backoff.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- versions kept in this process until they are pushed ----------------------- */

static promote__git_pending_record *pending_of(promote__git_session *s, const char *ref)
{
	for (size_t i = 0; i < s->pending_count; i++)
		if (strcmp(s->pending[i].ref, ref) == 0)
			return &s->pending[i];
	return NULL;
}

static void pending_drop(promote__git_session *s, promote__git_pending_record *p)
{
	free(p->ref);
	*p = s->pending[--s->pending_count];
}

/* `made` is the record's latest version, on `parent` (NULL: the first), not pushed yet. */
static int pending_keep(promote__git_session *s, const char *ref, const git_oid *parent, const git_oid *made)
{
	promote__git_pending_record *p = pending_of(s, ref);
	if (p) {
		p->tip = *made;
		return 0;
	}
	promote__git_pending_record *grown = realloc(s->pending, (s->pending_count + 1) * sizeof *grown);
	if (!grown)
		return promote__error_oom();
	s->pending = grown;
	p = &s->pending[s->pending_count];
	memset(p, 0, sizeof *p);
	if (!(p->ref = strdup(ref)))
		return promote__error_oom();
	p->has_base = parent != NULL;
	if (parent)
		p->base = *parent;
	p->tip = *made;
	s->pending_count++;
	return 0;
}

int promote__git_record_get(promote_buf *out, git_oid *tip, promote__git_session *s, const char *ref, size_t max)
{
	const promote__git_pending_record *p = pending_of(s, ref);
	if (!p)
		return promote__git_record_read(out, tip, s->repo, ref, max);
	*tip = p->tip;
	return promote__git_record_read_at(out, s->repo, tip, ref, max);
}

int promote__git_record_flush(promote__git_session *s)
{
	int rc = 0;
	while (s->pending_count) {
		promote__git_pending_record *p = &s->pending[s->pending_count - 1];
		if (rc == 0)
			rc = promote__git_session_publish(s, p->ref, &p->tip, p->has_base ? &p->base : NULL, false);
		pending_drop(s, p);
	}
	if (rc == PROMOTE_ECONFLICT) {
		/* Someone else's versions are the record now: learn them (the caller goes on from there). */
		int fetched = promote__git_session_refresh(s);
		if (fetched)
			return fetched;
		rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
			"another process updated the record first; its version was read again");
	}
	return rc;
}

/* ---- one update ------------------------------------------------------------------ */

/* The record and its commit: both empty when there is none. */
static int read_current(promote_buf *data, git_oid *tip, bool *exists, promote__git_session *s,
	const promote__git_record_target *t)
{
	*exists = false;
	memset(tip, 0, sizeof *tip);
	int rc = promote__git_record_get(data, tip, s, t->ref, t->max);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		return 0;
	}
	*exists = rc == 0;
	return rc;
}

static int write_next(git_oid *made, promote__git_session *s, const promote__git_record_target *t,
	const git_oid *parent, const promote_buf *next)
{
	if (next->size > t->max)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT,
			"the record at '%s' would hold more than %zu bytes; nothing was written", t->ref, t->max);
	promote__git_identity who;
	int rc = promote__git_identity_read(&who, s->repo, t->author_name, t->author_email);
	promote__git_commit_info info = { who.author_name, who.author_email, 0, t->message, who.committer_name,
		who.committer_email };
	if (rc == 0)
		rc = promote__git_record_commit(made, s->repo, parent, next->ptr ? next->ptr : "", next->size, &info);
	promote__git_pending_record *p = rc == 0 ? pending_of(s, t->ref) : NULL;
	if (rc == 0 && t->defer && s->remote_url)
		rc = pending_keep(s, t->ref, p ? (p->has_base ? &p->base : NULL) : parent, made);
	else if (rc == 0) {
		/* Pushed with the versions deferred before it (the push sends what the remote lacks). */
		rc = promote__git_session_publish(s, t->ref, made, p ? (p->has_base ? &p->base : NULL) : parent, false);
		if (rc == 0 && (p = pending_of(s, t->ref)))
			pending_drop(s, p);
	}
	promote__git_identity_dispose(&who);
	return rc;
}

int promote__git_record_update(git_oid *tip, promote_buf *now, promote__git_session *s,
	const promote__git_record_target *t, promote__git_record_mutation mutate, void *arg)
{
	uint64_t seed = promote__backoff_seed(t);
	int rc = 0;
	for (unsigned attempt = 0;; attempt++) {
		promote_buf current = PROMOTE_BUF_INIT, next = PROMOTE_BUF_INIT;
		git_oid at, made;
		bool exists = false, write = false;
		rc = read_current(&current, &at, &exists, s, t);
		if (rc == 0)
			rc = mutate(&next, &write, exists ? &current : NULL, arg);
		if (rc == 0 && write)
			rc = write_next(&made, s, t, exists ? &at : NULL, &next);
		else if (rc == 0 && exists)
			/* Recorded already — perhaps by a run killed before it removed its lock. */
			rc = promote__git_session_settle(s, t->ref);
		if (rc == PROMOTE_ECONFLICT && attempt < PROMOTE__DEFAULT_RETRIES) {
			/* Someone else updated it first: learn theirs and redo ours on it (what this
			 * process deferred is lost with the race: its caller goes on from theirs). */
			promote__git_pending_record *lost = pending_of(s, t->ref);
			if (lost)
				pending_drop(s, lost);
			promote_buf_dispose(&current);
			promote_buf_dispose(&next);
			promote_error_clear();
			promote__backoff(attempt, &seed);
			if ((rc = promote__git_session_refresh(s)))
				return rc;
			continue;
		}
		if (rc == 0 && tip)
			*tip = write ? made : at;
		if (rc == 0 && now) {
			*now = write ? next : current;
			if (write)
				next = (promote_buf)PROMOTE_BUF_INIT;
			else
				current = (promote_buf)PROMOTE_BUF_INIT;
		}
		promote_buf_dispose(&current);
		promote_buf_dispose(&next);
		return rc;
	}
}
