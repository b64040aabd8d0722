/*
 * Internal: a release's record — the structures behind promote_release and
 * promote_release_step, their JSON form (doc/RELEASES.md), and where they
 * are kept: refs/promote/releases/ID in the repository session, one commit
 * per transition, moved by compare-and-swap (pushed, for a remote).
 *
 * The state machine (release_machine.c) changes a record only through
 * promote__release_update(): read the latest record, apply a mutation,
 * write it by compare-and-swap; on a lost race read again and apply the
 * mutation again to the new record, so the loser continues from the
 * winner's state and never acts on a stale one.
 */
#ifndef PROMOTE_ENGINE_RELEASE_RECORD_H
#define PROMOTE_ENGINE_RELEASE_RECORD_H

#include "release_model.h"

/* A fresh id: PRODUCT-VERSION-xxxxxx, characters outside [A-Za-z0-9._-]
 * replaced, cut to PROMOTE__RELEASE_ID_MAX. */
int promote__release_make_id(char **out, const char *product, const char *version);
/* The same with the given last six digits (a watcher's id, derived from what started it). */
int promote__release_make_id_with(char **out, const char *product, const char *version, const unsigned char suffix[3]);

/* What a watcher knows of a release before it starts it (engine/watch.c). */
typedef struct promote__release_seed {
	const char *id;             /* its id, derived from what started it: the creation of its record fails
	                               (PROMOTE_EEXISTS) when someone started it already */
	const char *version;        /* the version it promotes, as read at trigger_commit */
	const char *trigger_commit; /* recorded as trigger.commit */
	const char *what;           /* the creation's commit message: names the watcher, so that two
	                               watchers' records differ and only one creation wins */
} promote__release_seed;

/* promote_release_start() of a release the watcher found: flow and options
 * as given, the id, version and trigger commit from `seed`. */
/* The beginning of every start: `opts` copied into *o and checked (`subject`
 * names the release in messages), the repository checked, an empty release
 * made that keeps the caller's author and events. */
int promote__release_begin(promote_release **out, promote_release_options *o, promote_context *ctx,
	const promote_release_options *opts, const char *subject);
/* Its end: `r`, filled (id, steps, ...), recorded as a new running release;
 * fields left NULL become "". */
int promote__release_create(promote_release *r, const char *what);

int promote__release_start_seeded(promote_release **out, promote_context *ctx, const char *product,
	const promote_release_options *opts, const promote__release_seed *seed);

/* Read the latest record of r->id into r (r->tip set); PROMOTE_ENOTFOUND. */
int promote__release_load(promote_release *r);

/* A sync release's products, kept beside its record (written with its
 * creation), read into r->sync at r->tip unless read already (a release
 * that is not a sync's: nothing to do). Only what needs them reads them:
 * the step's write in another process than the one that started it, the
 * deploys and checks, the release's whole JSON. */
int promote__release_sync_read(const promote_release *r);

/* What a transition does to the record. Return 0 with *changed set to
 * write it, 0 with *changed false to write nothing, or an error (nothing
 * written). Called again on the re-read record after a lost race. */
typedef int (*promote__release_mutation)(promote_release *r, bool *changed, void *arg);

/* Read the latest record, mutate it, write it by compare-and-swap (a new
 * record when r->has_tip is false and none exists: PROMOTE_EEXISTS if one
 * does); `what` names the transition in the record's commit message. On
 * return r holds the record as written (or as read, when nothing changed). */
int promote__release_update(promote_release *r, promote__release_mutation mutate, void *arg, const char *what);

/* The same, kept in this process (a remote's record is not pushed yet) until
 * promote__release_flush(): for transitions that no side effect follows
 * before the next flush. A process killed before the flush loses them, as
 * if killed before they were made: the next one redoes them (adopting what
 * was made). */
int promote__release_update_later(promote_release *r, promote__release_mutation mutate, void *arg, const char *what);

/* Push what promote__release_update_later() kept: due before any side effect
 * and at the end of a poll. *lost when another process had moved the record
 * first: r then holds that process's record (nothing of this one's since its
 * last push is in it) and the caller goes on from it. */
int promote__release_flush(promote_release *r, bool *lost);

/* The same, unless the session is a batch (a watcher's pass, promote__git_session.batch): then nothing is
 * pushed here — the batch's owner pushes what every release of it kept, once. For what is kept only to
 * be pushed (a commit and its record, a poll's last transitions), never before an effect outside git. */
int promote__release_flush_or_batch(promote_release *r, bool *lost);

#endif
