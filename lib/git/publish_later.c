/*
 * Refs written in a remote's mirror and kept in this process until they are
 * pushed together (session.h): the versions of records, the lease of an
 * environment, a branch's commit. Over smart HTTP they go in one atomic
 * request — the remote takes all of them or none — so that a commit and the
 * record that says it was made land together or not at all. Where the
 * remote has no atomic push they go one by one, in an order that keeps
 * every state the remote passes through true: leases first (the right to
 * act), then branches (what was done), then records (what is said of it).
 */
#include "session.h"
#include "mirror.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

promote__git_pending_record *promote__git_pending_of(promote__git_session *s, const char *ref)
{
	for (size_t i = 0; i < s->pending_count; i++)
		if (strcmp(s->pending[i].ref, ref) == 0)
			return &s->pending[i];
	return NULL;
}

void promote__git_pending_drop(promote__git_session *s, promote__git_pending_record *p)
{
	free(p->ref);
	*p = s->pending[--s->pending_count];
}

int promote__git_session_publish_later(promote__git_session *s, const char *ref, const git_oid *target,
	const git_oid *expected)
{
	promote__git_pending_record *p = promote__git_pending_of(s, ref);
	if (p) {
		p->tip = *target;
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
	p->has_base = expected != NULL;
	if (expected)
		p->base = *expected;
	p->tip = *target;
	s->pending_count++;
	return 0;
}

/* Where a ref goes in a push made one ref at a time. */
static int rank(const char *ref)
{
	return strncmp(ref, PROMOTE__GIT_LEASES_PREFIX, strlen(PROMOTE__GIT_LEASES_PREFIX)) == 0 ? 0
		: strncmp(ref, "refs/heads/", 11) == 0 ? 1 : 2;
}

static int push_atomic(promote__git_session *s)
{
	promote__git_ref_update *updates = calloc(s->pending_count, sizeof *updates);
	if (!updates)
		return promote__error_oom();
	bool branch = false; /* a branch's push shows its progress; records are bookkeeping */
	for (size_t i = 0; i < s->pending_count; i++) {
		const promote__git_pending_record *p = &s->pending[i];
		branch |= rank(p->ref) == 1;
		updates[i].ref = p->ref;
		updates[i].target = p->tip;
		if (p->has_base)
			updates[i].expected = p->base;
	}
	int rc = promote__git_session_pushed(s, promote__git_push_atomic(s->repo, s->path, s->remote_url, &s->creds,
		branch ? &s->events : NULL, updates, s->pending_count, &s->atomic, &s->kept));
	for (size_t i = 0; rc != PROMOTE_ENOTSUPPORTED && i < s->pending_count; i++)
		if (git_oid_equal(&updates[i].target, &s->kept.commit)) /* pushed, or to be made again */
			promote__git_pack_kept_dispose(&s->kept);
	free(updates);
	return rc;
}

static int push_each(promote__git_session *s)
{
	int rc = 0;
	for (int r = 0; rc == 0 && r < 3; r++)
		for (size_t i = 0; rc == 0 && i < s->pending_count; i++) {
			const promote__git_pending_record *p = &s->pending[i];
			if (rank(p->ref) == r)
				rc = promote__git_session_publish(s, p->ref, &p->tip, p->has_base ? &p->base : NULL, false);
		}
	return rc;
}

int promote__git_session_flush(promote__git_session *s)
{
	if (!s->pending_count)
		return 0;
	int rc = s->pending_count > 1 && s->atomic >= 0 ? push_atomic(s) : PROMOTE_ENOTSUPPORTED;
	if (rc == PROMOTE_ENOTSUPPORTED) {
		promote_error_clear();
		rc = push_each(s);
	}
	while (s->pending_count)
		promote__git_pending_drop(s, &s->pending[s->pending_count - 1]);
	if (rc == PROMOTE_ECONFLICT) {
		/* Someone else's versions are the refs now: learn them (the caller goes on from there). */
		int fetched = promote__git_session_refresh(s);
		if (fetched)
			return fetched;
		rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
			"another process updated the record first; its version was read again");
	}
	return rc;
}
