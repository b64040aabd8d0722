/*
 * Internal: one repository session — the repository a context promotes in,
 * opened once and shared by planning, product discovery, applying and the
 * git providers. It knows where changes land (a local repository, or the
 * mirror of a remote and that remote's URL), the credentials offered to the
 * remote, and how to learn the latest branch tips (fetch) and publish a ref
 * (compare-and-swap, or push). Planning sees it only through its read-only
 * view (reader.h).
 */
#ifndef PROMOTE_GIT_SESSION_H
#define PROMOTE_GIT_SESSION_H

#include "reader.h"
#include "repo.h"
#include "remote_auth.h"
#include "core/progress.h"

#include <pthread.h>

/* Where a session's repository is. */
typedef struct promote__git_location {
	const char *repository;  /* a path, a file:// URL, or a remote URL (mirrored) */
	const char *remote_name; /* the clone's remote that `repository` is ("origin"), or NULL */
	const char *cache_dir;   /* where mirrors are kept (NULL: the default) */
	const promote__credentials *creds; /* offered to the remote (copied), may be NULL */
	const promote__events *events;     /* told the transfers' progress (copied), may be NULL */
	bool worktree;           /* a clone without remote: its checked-out branch moves as git commit moves it */
} promote__git_location;

typedef struct promote__git_session {
	git_repository *repo;  /* the local repository, or the mirror of remote_url */
	char *path;            /* its folder */
	char *remote_url;      /* the remote the mirror follows; NULL for a local repository */
	char *remote_name;     /* the clone's remote it is ("origin"), or NULL */
	char *where;           /* for messages: the path, or the remote's URL without user information */
	promote__credentials creds;  /* creds.helpers points at `helpers` */
	promote__git_helper_memo helpers;
	promote__events events;
	bool worktree;         /* see promote__git_location */
	promote__tree_reader reader;
	/* Records written in this process and not pushed yet (record_update.h). */
	struct promote__git_pending_record *pending;
	size_t pending_count;
	int atomic; /* whether the remote takes atomic pushes: 0 not known yet, 1 yes, -1 no */
	/* A batch (a watcher's pass): what the releases record is kept, and pushed once by the batch's
	 * owner with promote__git_session_flush() — except before an effect outside git. */
	bool batch;
	/* The pack of the last commit made for a remote, until it is pushed (promote__git_commit()). */
	promote__git_pack_kept kept;
	bool own_locks_settled; /* promote__git_session_settle_own() ran */
	/* The transfers with the remote, by outcome (promote_context_transfers()). */
	uint64_t fetches[3], pushes[3];
	int64_t fetched_ms; /* when the mirror was last fetched (promote__now_ms()); 0: never */
	pthread_t starter; /* starting libgit2 and libcurl ahead of the first request (start_ahead.h), when starting */
	bool starting;
} promote__git_session;

/* A record's versions written in a remote's mirror and kept in this process
 * until they are pushed together (record_update.h): `base` is what the
 * remote held (has_base false: nothing), `tip` the latest version. */
typedef struct promote__git_pending_record {
	char *ref;
	git_oid base, tip;
	bool has_base;
} promote__git_pending_record;

/*
 * Open the session on `loc`: a remote URL is mirrored in the cache (cloned
 * or fetched now), a path opened as it is. The errors of promote__git_mirror(),
 * and PROMOTE_EGIT "cannot open the git repository" (the location redacted).
 */
int promote__git_session_open(promote__git_session **out, const promote__git_location *loc);

void promote__git_session_free(promote__git_session *s);

/* Count a push to the remote that ended with `rc` (0, PROMOTE_ECONFLICT: refused, another error) and
 * return `rc`; PROMOTE_ENOTSUPPORTED (nothing sent; another way is tried) is not counted. */
int promote__git_session_pushed(promote__git_session *s, int rc);

/* The session now offers `creds` and tells `events` (copied; what it learned
 * of git's helpers stays): the owner that takes it over has its own. */
void promote__git_session_adopt(promote__git_session *s, const promote__credentials *creds,
	const promote__events *events);

/* Where a commit to be published keeps its pack for the push (promote__git_commit()'s `keep`): the
 * session's, for a remote's mirror; NULL for a local repository (nothing is pushed). */
promote__git_pack_kept *promote__git_session_pack_keeper(promote__git_session *s);

/* The read-only view of the session's repository; valid while it lives. */
const promote__tree_reader *promote__git_session_reader(promote__git_session *s);

/* A read-only view of the session's repository on a repository object of its own, for another thread
 * (libgit2's objects are not shared between threads): it reads what is on disk, not the branches the
 * session moved and has not written yet. Closed with promote__git_session_reader_close(). */
int promote__git_session_reader_open(promote__tree_reader **out, promote__git_session *s);
void promote__git_session_reader_close(promote__tree_reader *reader);

/* Learn the remote's latest branches and records (a fetch into the mirror);
 * nothing for a local repository. */
int promote__git_session_refresh(promote__git_session *s);

/* The same, unless the mirror was fetched less than `fresh_ms` ago. */
int promote__git_session_refresh_unless_fresh(promote__git_session *s, uint32_t fresh_ms);

/*
 * Point `ref` (a full name) at `target` where changes land: pushed to the
 * remote (`force`: replaced whatever it holds), or, locally, moved by
 * compare-and-swap from `expected` (NULL: must not exist yet) — in a
 * `worktree` session the checked-out branch with its index and work tree
 * (promote__git_commit_checked_out()).
 * PROMOTE_ECONFLICT when it moved meanwhile: refresh, plan again, retry.
 * `target` NULL removes `ref` (locally only while it still points at
 * `expected`): what undoes a ref published for a step that then failed.
 */
int promote__git_session_publish(promote__git_session *s, const char *ref, const git_oid *target,
	const git_oid *expected, bool force);

/*
 * `ref` (a full name) is already where a promotion wants it: a lock file a
 * killed process left on it after the update is removed, so that it blocks
 * no later update (locks.h; a mirror's are cleared when it is opened).
 * PROMOTE_EBUSY, said as promote__git_lock_wait() says it, for a lock that
 * holds something else.
 */
int promote__git_session_settle(promote__git_session *s, const char *ref);

/*
 * Once per session, before it writes promote's own references (a release's
 * poll): in a repository promote does not own, the lock files under
 * refs/promote/ and refs/heads/promote/ that hold what their reference holds
 * (updates that finished, by a process that could not remove the lock) are
 * removed, so that a run that finds its work done leaves none of them for
 * the next (locks.h). A mirror's went when it was opened.
 */
int promote__git_session_settle_own(promote__git_session *s);

/*
 * In a remote's mirror: `ref` will point at `target`, pushed by the next
 * promote__git_session_flush() with every ref kept before it, from
 * `expected` (NULL: no such ref) — the value the remote held when the first
 * of them was kept. Until then this process reads it only through
 * promote__git_pending_of(); another process sees it only once it is pushed,
 * and a process killed before the push loses it.
 */
int promote__git_session_publish_later(promote__git_session *s, const char *ref, const git_oid *target,
	const git_oid *expected);

/* The tip of `branch` as this session sees it: a commit kept for the next flush, else the repository's
 * (the mirror's). As promote__git_branch_tip(). */
int promote__git_session_branch_tip(git_oid *out, promote__git_session *s, const char *branch);

/* The ref kept for the next flush, or NULL; a kept ref dropped unpushed. */
struct promote__git_pending_record *promote__git_pending_of(promote__git_session *s, const char *ref);
void promote__git_pending_drop(promote__git_session *s, struct promote__git_pending_record *p);

/*
 * Push every ref kept (publish_later.c): in one atomic request where the
 * remote takes one, else one by one. Whatever happens, none is kept
 * afterwards. PROMOTE_ECONFLICT when one of them moved on the remote
 * meanwhile (over an atomic push: none was pushed): the mirror is fetched,
 * so that the caller reads the winner's and goes on from it; the errors of
 * a push.
 */
int promote__git_session_flush(promote__git_session *s);

#endif
