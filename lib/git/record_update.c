/* Updating a record by compare-and-swap, with a re-read on a lost race. */
#include "record_update.h"
#include "identity.h"

#include "core/backoff.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int promote__git_record_get(promote_buf *out, git_oid *tip, promote__git_session *s, const char *ref, size_t max)
{
	const promote__git_pending_record *p = promote__git_pending_of(s, ref);
	if (!p)
		return promote__git_record_read(out, tip, s->repo, ref, max);
	*tip = p->tip;
	return promote__git_record_read_at(out, s->repo, tip, ref, max);
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
		rc = promote__git_record_commit(made, s->repo, parent, next->ptr ? next->ptr : "", next->size, t->attach,
			&info);
	promote__git_pending_record *p = rc == 0 ? promote__git_pending_of(s, t->ref) : NULL;
	if (rc == 0 && t->defer && s->remote_url)
		rc = promote__git_session_publish_later(s, t->ref, made, p ? (p->has_base ? &p->base : NULL) : parent);
	else if (rc == 0 && s->remote_url && s->pending_count > (p ? 1u : 0u)) {
		/* Other refs are kept (a lease, a commit, other records of a batch): this one goes with them, in
		 * one push, so that the remote never holds it without what it says was done before it. */
		rc = promote__git_session_publish_later(s, t->ref, made, p ? (p->has_base ? &p->base : NULL) : parent);
		if (rc == 0)
			rc = promote__git_session_flush(s);
	} else if (rc == 0) {
		/* Pushed with the versions deferred before it (the push sends what the remote lacks). */
		rc = promote__git_session_publish(s, t->ref, made, p ? (p->has_base ? &p->base : NULL) : parent, false);
		if (rc == 0 && (p = promote__git_pending_of(s, t->ref)))
			promote__git_pending_drop(s, p);
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
			promote__git_pending_record *lost = promote__git_pending_of(s, t->ref);
			if (lost)
				promote__git_pending_drop(s, lost);
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
