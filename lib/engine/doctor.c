/*
 * promote_context_doctor(): what a git or promote process that was killed
 * left in the repository promotions write, and that would make every later
 * run fail — lock files, found by their age (locks.h) — listed, and the
 * stale ones removed on request.
 */
#include "plan/plan.h"

#include "git/locks.h"
#include "git/session.h"

#include "core/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct doctor {
	promote__errlist *list;
	unsigned int flags;
	long stale;       /* seconds */
	size_t in_the_way; /* locks that stay */
} doctor;

static int examine(const char *path, long age_s, void *payload)
{
	doctor *d = payload;
	promote__location where = { path, 0, 0 };
	char age[32], bound[32];
	promote__git_say_age(age, sizeof age, age_s);
	promote__git_say_age(bound, sizeof bound, d->stale);
	if (age_s < d->stale) {
		d->in_the_way++;
		promote__errlist_add(d->list, PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_GIT, &where,
			"a lock file %s old: a process of git's or promote's may be writing; left as it is (it counts "
			"as stale from %s: PROMOTE_STALE_LOCK_AGE=SECONDS changes that)", age, bound);
	} else if (!(d->flags & PROMOTE_DOCTOR_FIX)) {
		d->in_the_way++;
		promote__errlist_add(d->list, PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_GIT, &where,
			"a stale lock file, %s old, left by a process that was stopped; it blocks every update of "
			"what it locks: remove it with promote_context_doctor() and PROMOTE_DOCTOR_FIX", age);
	} else if (unlink(path) != 0 && errno != ENOENT) {
		d->in_the_way++;
		promote__errlist_add(d->list, PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where,
			"a stale lock file, %s old, that cannot be removed: %s", age, strerror(errno));
	} else {
		promote__errlist_add(d->list, PROMOTE_OK, PROMOTE_ERROR_CLASS_GIT, &where,
			"a stale lock file, %s old, left by a process that was stopped: removed", age);
	}
	return 0;
}

int promote_context_doctor(promote_warnings **out, size_t *in_the_way, promote_context *ctx, unsigned int flags)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	if (in_the_way)
		*in_the_way = 0;
	if (flags & ~(unsigned int)PROMOTE_DOCTOR_FIX)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"promote_context_doctor: unknown flags 0x%x", flags & ~(unsigned int)PROMOTE_DOCTOR_FIX);
	/* Opening the session clears a mirror's locks (under its flock); a
	 * local repository's are only looked at here. */
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, ctx);
	promote_warnings *w = rc ? NULL : calloc(1, sizeof *w);
	if (rc == 0 && (!w || !(w->list = promote__errlist_new())))
		rc = promote__error_oom();
	doctor d = { w ? w->list : NULL, flags, promote__git_stale_lock_age(), 0 };
	if (rc == 0)
		rc = promote__git_locks_each(git_repository_path(session->repo), examine, &d);
	if (rc == 0)
		rc = promote__errlist_seal(w->list);
	if (rc) {
		promote_warnings_free(w);
		return rc;
	}
	if (in_the_way)
		*in_the_way = d.in_the_way;
	*out = w;
	return 0;
}
