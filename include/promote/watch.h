/*
 * libpromote — watching: releases that start and advance by themselves.
 *
 * A watcher drives every flow of a context's repository from a loop of
 * passes, the loop `promote watch` runs and any daemon can run
 * (examples/daemon.c). One pass (promote_watcher_pass()):
 *
 * 1. fetches the repository once;
 * 2. for every flow, finds the products whose version in the flow's trigger
 *    environment changed since the pass that last handled that flow, and
 *    starts a release of each through the flow (only the products whose
 *    releases run that flow: their `flows:`, else the default flow);
 * 3. polls every open release that can move (promote_release_poll()),
 *    each no sooner than it asked;
 * 4. over a remote repository, pushes what the pass recorded — the
 *    releases' records, leases, claims and commits, the flows' handled
 *    commits — in one push, atomic where the server allows (all or none).
 *    Only an effect outside git (a change request, a check, a sync) pushes
 *    earlier. A push lost to another writer lands nothing; the next pass,
 *    asked for at once (*next_pass_ms 1), makes the work again from the
 *    remote's refs, and the release events of the lost work are told again.
 *
 * Where each flow was last handled is kept in the repository itself, at
 * refs/promote/watch/FLOW, and moved only after the releases it implies
 * exist; so any watcher on any machine goes on from there, and one killed
 * between the two finds those releases existing the next time. A flow
 * never watched before is handled from the trigger's current state: its
 * first pass starts nothing. A release the watcher starts has an id derived
 * from its product, version, flow and the trigger commit that set that
 * version (recorded as the release's trigger commit); the creation of its
 * record is the compare-and-swap that lets one watcher start it and every
 * other one find it started. Changes are found by comparing the trigger
 * environment's trees at the two commits, folder by folder, without
 * reading the products that did not change.
 *
 * Releases that wait for a person are read again only when their record
 * moved (an approval or abort by another process): a pass lists the
 * records' references and compares them with what it last saw, so the
 * cost of a pass grows with the open releases that can move, not with
 * the repository.
 *
 * The configuration is the context's, read when it was opened: a changed
 * promote.yaml takes effect with a new context.
 */
#ifndef PROMOTE_WATCH_H
#define PROMOTE_WATCH_H

#include "common.h"
#include "release.h"

PROMOTE_BEGIN_DECL

typedef struct promote_watcher promote_watcher;
typedef struct promote_watch_event promote_watch_event;

/* What a pass did besides the releases' own events. More kinds may be
 * added: ignore the ones you do not know. */
typedef enum promote_watch_event_kind_t {
	/* A flow watched for the first time: handled from the trigger's commit
	 * (commit) on; its current versions are not released. */
	PROMOTE_WATCH_EVENT_FLOW_BASELINE = 1,
	/* A release started (release, flow, product, version, commit: the
	 * trigger commit that set the version). */
	PROMOTE_WATCH_EVENT_RELEASE_STARTED = 2,
	/* A release could not be started (flow, product, version, message);
	 * the flow is handled again in the next pass when the error may pass
	 * by itself (network, a lost race), else the product is left out. */
	PROMOTE_WATCH_EVENT_START_FAILED = 3,
	/* Polling a release failed (release, message); it is polled again. */
	PROMOTE_WATCH_EVENT_POLL_FAILED = 4
} promote_watch_event_kind_t;

/* Called on the thread that runs the pass. Return 0 to go on; anything
 * else stops the pass with PROMOTE_EUSER. The event is borrowed for the
 * call only. */
typedef int (*promote_watch_event_cb)(const promote_watch_event *event, void *payload);

PROMOTE_EXTERN(int) promote_watch_event_kind(const promote_watch_event *event);
/* "flow baseline", "release started", "start failed", "poll failed";
 * static, "unknown" otherwise. */
PROMOTE_EXTERN(const char *) promote_watch_event_kind_name(int kind);
/* Strings borrowed for the call; "" when the event does not carry them. */
PROMOTE_EXTERN(const char *) promote_watch_event_flow(const promote_watch_event *event);
PROMOTE_EXTERN(const char *) promote_watch_event_product(const promote_watch_event *event);
PROMOTE_EXTERN(const char *) promote_watch_event_version(const promote_watch_event *event);
PROMOTE_EXTERN(const char *) promote_watch_event_release(const promote_watch_event *event);
PROMOTE_EXTERN(const char *) promote_watch_event_commit(const promote_watch_event *event);
PROMOTE_EXTERN(const char *) promote_watch_event_message(const promote_watch_event *event);

/* Initialise with PROMOTE_WATCHER_OPTIONS_INIT or promote_watcher_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_watcher_options {
	uint32_t version;
	/* 1: the releases it starts give every step its own commit or change
	 * request (as promote_release_options.no_group). */
	uint32_t no_group;
	/* The author of the releases' commits (as promote_release_options). */
	const char *author_name;
	const char *author_email;
	/* Told every transition of every release the watcher starts or polls
	 * (as promote_release_options.event_cb); nonzero stops the pass after
	 * that transition with PROMOTE_EUSER, the record consistent. */
	promote_release_event_cb release_event_cb;
	/* Told what the pass itself did (above). */
	promote_watch_event_cb watch_event_cb;
	/* Given to both callbacks. */
	void *payload;
} promote_watcher_options;

#define PROMOTE_WATCHER_OPTIONS_VERSION 1
#define PROMOTE_WATCHER_OPTIONS_INIT { PROMOTE_WATCHER_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL }

PROMOTE_EXTERN(int) promote_watcher_options_init(promote_watcher_options *opts, unsigned int version);

/* A watcher of the context's repository (which must have one:
 * PROMOTE_ESTATE otherwise). It keeps the context alive and remembers,
 * between passes, which releases it saw and when each asked to be polled
 * again. Free with promote_watcher_free(). */
PROMOTE_EXTERN(int) promote_watcher_new(promote_watcher **out, promote_context *ctx,
	const promote_watcher_options *opts);
PROMOTE_EXTERN(void) promote_watcher_free(promote_watcher *watcher);

/*
 * One pass (above). *next_pass_ms (may be NULL) says in how many
 * milliseconds the soonest open release asked to be polled again (0: none
 * asked; pass again after your interval, or when woken). The pass fails
 * only when the repository cannot be read or fetched (PROMOTE_EGIT,
 * PROMOTE_ENET, ...) or on PROMOTE_EUSER from a callback; a release that
 * cannot be started or polled is told to the watch event callback and the
 * pass goes on. After promote_watcher_stop() the pass ends at the next
 * transition and returns 0.
 */
PROMOTE_EXTERN(int) promote_watcher_pass(promote_watcher *watcher, uint32_t *next_pass_ms);

/* Ask the pass that runs (or the next one) to end after the transition it
 * makes now. Async-signal-safe: a SIGTERM handler may call it. */
PROMOTE_EXTERN(void) promote_watcher_stop(promote_watcher *watcher);
/* 1 once promote_watcher_stop() was called, else 0. */
PROMOTE_EXTERN(int) promote_watcher_stopped(const promote_watcher *watcher);

/* What the last pass did. */
/* Releases it started. */
PROMOTE_EXTERN(size_t) promote_watcher_started_count(const promote_watcher *watcher);
/* The id of the index-th of them (owned by the watcher, valid until the next pass); NULL out of range. */
PROMOTE_EXTERN(const char *) promote_watcher_started_at(const promote_watcher *watcher, size_t index);
/* Releases it read and polled. */
PROMOTE_EXTERN(size_t) promote_watcher_polled_count(const promote_watcher *watcher);
/* Open releases it did not read: their record had not moved since they
 * waited for a person, or they had asked to be polled later. */
PROMOTE_EXTERN(size_t) promote_watcher_skipped_count(const promote_watcher *watcher);
/* Releases open (not final) after the pass. */
PROMOTE_EXTERN(size_t) promote_watcher_open_count(const promote_watcher *watcher);
/* Releases it could not start or poll (told as START_FAILED, POLL_FAILED). */
PROMOTE_EXTERN(size_t) promote_watcher_failed_count(const promote_watcher *watcher);

PROMOTE_END_DECL

#endif
