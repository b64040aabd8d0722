/*
 * Internal: the watcher behind promote_watcher (include/promote/watch.h).
 * watch.c runs a pass; watch_changes.c finds what changed in each flow's
 * trigger environment and starts its releases; watch_poll.c polls the open
 * releases; watch_events.c tells the caller.
 */
#ifndef PROMOTE_ENGINE_WATCH_MODEL_H
#define PROMOTE_ENGINE_WATCH_MODEL_H

#include "core/array.h"
#include "core/common.h"
#include "git/repo.h"

#include <promote.h>

#include <git2.h>
#include <signal.h>
#include <stdbool.h>

/* Where each flow's last handled trigger commit is kept: refs/promote/watch/FLOW. */
#define PROMOTE__WATCH_PREFIX PROMOTE__GIT_WATCH_PREFIX

/* A release as the watcher last saw it. */
typedef struct promote__watch_seen {
	char *id;
	git_oid tip;       /* its record's commit when last read */
	bool final;        /* succeeded, failed or aborted: read again only when its record moves (a retry) */
	bool waiting;      /* waits for a person: read again only when its record moves */
	int64_t due_ms;    /* monotonic: not polled before then */
	bool listed;       /* found in this pass's listing */
	bool notify;       /* read in this pass: its notifications are looked at after the pass's push */
	int64_t notify_due; /* the context's clock: a notification is to be tried again then (0: none) */
} promote__watch_seen;

typedef PROMOTE__ARRAY(promote__watch_seen) promote__watch_seen_list;
typedef PROMOTE__ARRAY(char *) promote__watch_names;

struct promote_watcher {
	promote_context *ctx;             /* kept alive (a reference) */
	promote_watcher_options opts;     /* the caller's callbacks; strings below */
	char *author_name, *author_email; /* copied */
	char *owner;                      /* "host:pid:nonce": names the watcher in the records it creates */
	promote__watch_seen_list seen;    /* sorted by id */
	volatile sig_atomic_t stop;
	/* What the last pass did. */
	promote__watch_names started;
	size_t polled, skipped, open, failed;
};

struct promote_watch_event {
	int kind;
	const char *flow, *product, *version, *release, *commit, *message;
};

/* The release options of every release the watcher starts or polls: the
 * caller's author and release events, through a callback that also stops
 * at a transition once promote_watcher_stop() was called. */
promote_release_options promote__watch_release_options(promote_watcher *w);

/* PROMOTE_EUSER from a release or a callback because the watcher was asked to stop: the pass ends, 0. */
bool promote__watch_stopping(const promote_watcher *w, int rc);

/* Tell the caller (watch_events.c); PROMOTE_EUSER (error set) when its callback asks to stop. */
int promote__watch_emit(promote_watcher *w, const promote_watch_event *e);
/* The same for a failure: the thread's error is the message (then cleared). */
int promote__watch_emit_failure(promote_watcher *w, int kind, const char *flow, const char *product,
	const char *version, const char *release);

/* List the releases' records into w->seen: new ones added, moved ones to be read again (watch_poll.c). */
int promote__watch_list_releases(promote_watcher *w);
/* The entries of w->seen whose id begins with `prefix`: [*first, *end). */
void promote__watch_seen_prefix(const promote_watcher *w, const char *prefix, size_t *first, size_t *end);

/* Start the releases of every flow's changes (watch_changes.c). */
int promote__watch_start_releases(promote_watcher *w);
/* Poll the open releases listed and started in this pass; *next_ms: the soonest one asked (0: none)
 * (watch_poll.c). */
int promote__watch_poll_releases(promote_watcher *w, uint32_t *next_ms);
void promote__watch_seen_free(promote__watch_seen_list *seen);
/* Send the notifications of the releases read in this pass, and of those whose retry is due, after the
 * pass's push; *next_ms: the soonest retry (0: none) (watch_notify.c). */
int promote__watch_notify(promote_watcher *w, uint32_t *next_ms);

#endif
