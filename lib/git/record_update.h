/*
 * Internal: updating a record kept as the history of a ref (repo.h,
 * promote__git_record_*) in a repository session — read it, let the caller
 * change it, write it back by compare-and-swap (a push, for a remote's
 * mirror); when someone else updated it first, learn theirs and let the
 * caller change that one. The local provider's change records and the
 * releases' records are both kept this way.
 */
#ifndef PROMOTE_GIT_RECORD_UPDATE_H
#define PROMOTE_GIT_RECORD_UPDATE_H

#include "session.h"
#include "core/buf.h"

/* What an update does: `current` is the record (NULL: there is none yet).
 * Set *write and fill `next` to write a new version; leave *write false to
 * write nothing. Called again on the newer record after a lost race. */
typedef int (*promote__git_record_mutation)(promote_buf *next, bool *write, const promote_buf *current, void *arg);

typedef struct promote__git_record_target {
	const char *ref;          /* a full name: refs/promote/... */
	size_t max;               /* the record's bound in bytes */
	const char *message;      /* of the commit that holds a new version */
	const char *author_name;  /* NULL: as git finds them (identity.h) */
	const char *author_email;
	/* In a remote's mirror: keep the new version in this process, pushed by
	 * the next promote__git_session_flush() (or the next update that is not
	 * deferred) with every version written before it — one push for many
	 * updates. Until then the updates of this session read it; another
	 * process sees it only once it is pushed, and a process killed before
	 * the push loses it, as if it had been killed before the update. Ignored
	 * for a local repository (written at once). */
	bool defer;
	/* Written beside the record by this update (NULL: none); the files an
	 * earlier update wrote beside it are kept as they are. */
	const promote__git_record_file *attach;
} promote__git_record_target;

/*
 * Update the record at target->ref. On success *tip (may be NULL) is the
 * ref's commit afterwards (zero when there is no record), and `now` (may be
 * NULL; a fresh buffer the caller disposes) holds the record as it now is.
 * PROMOTE_ECONFLICT after PROMOTE__DEFAULT_RETRIES lost races; PROMOTE_ELIMIT
 * for a record beyond target->max (nothing written); the mutation's errors.
 */
int promote__git_record_update(git_oid *tip, promote_buf *now, promote__git_session *s,
	const promote__git_record_target *target, promote__git_record_mutation mutate, void *arg);

/* The record at `ref` as this session sees it: a deferred version not yet
 * pushed, else the repository's (the mirror's). As promote__git_record_read(). */
int promote__git_record_get(promote_buf *out, git_oid *tip, promote__git_session *s, const char *ref, size_t max);

#endif
