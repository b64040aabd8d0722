/* Updating a record by compare-and-swap, with a re-read on a lost race. */
#include "record_update.h"
#include "identity.h"

#include "core/backoff.h"
#include "core/error.h"

#include <string.h>

/* The record and its commit: both empty when there is none. */
static int read_current(promote_buf *data, git_oid *tip, bool *exists, promote__git_session *s,
	const promote__git_record_target *t)
{
	*exists = false;
	memset(tip, 0, sizeof *tip);
	int rc = promote__git_record_read(data, tip, s->repo, t->ref, t->max);
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
	if (rc == 0)
		rc = promote__git_session_publish(s, t->ref, made, parent, false);
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
			/* Someone else updated it first: learn theirs and redo ours on it. */
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
