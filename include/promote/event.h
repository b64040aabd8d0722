/*
 * libpromote — events: what a long operation reports while it runs.
 *
 * The library never prints. A context's event callback
 * (promote_context_options.event_cb, since version 4) receives the
 * progress of every transfer with a remote — the clone of a mirror, each
 * fetch, each push — and draws it as it likes (the promote command draws
 * one updating line on a terminal, as git does).
 *
 * An event is opaque and read through the accessors below, so that it can
 * carry more later without breaking anyone. It is borrowed for the
 * duration of the call only.
 */
#ifndef PROMOTE_EVENT_H
#define PROMOTE_EVENT_H

#include "common.h"

PROMOTE_BEGIN_DECL

typedef struct promote_event promote_event;

/* Which transfer an event belongs to (promote_event_kind()). More kinds may
 * be added: ignore the ones you do not know. */
typedef enum promote_transfer_kind {
	PROMOTE_TRANSFER_CLONE = 1,  /* the first fetch of a remote, into a new mirror in the cache */
	PROMOTE_TRANSFER_FETCH = 2,  /* a fetch into an existing mirror */
	PROMOTE_TRANSFER_PUSH = 3    /* a push to the remote */
} promote_transfer_kind;

/* What the transfer is doing (promote_event_phase()), in the order they come. */
typedef enum promote_transfer_phase {
	PROMOTE_TRANSFER_RECEIVING = 1,  /* clone, fetch: objects received of the pack's; bytes received */
	PROMOTE_TRANSFER_RESOLVING = 2,  /* clone, fetch: deltas resolved of the pack's */
	PROMOTE_TRANSFER_PACKING = 3,    /* push: objects packed of those to send */
	PROMOTE_TRANSFER_WRITING = 4     /* push: objects sent of the pack's; bytes sent */
} promote_transfer_phase;

/* How a transfer ended, as promote_context_transfers() counts them. */
typedef enum promote_transfer_outcome {
	PROMOTE_TRANSFER_OK = 0,       /* done */
	PROMOTE_TRANSFER_FAILED = 1,   /* an error: the network, the credentials, the server, a time-out */
	PROMOTE_TRANSFER_REFUSED = 2   /* a push the remote refused because the ref had moved (PROMOTE_ECONFLICT) */
} promote_transfer_outcome;

/*
 * Receives the events of the context's operations, on the thread that runs
 * them. Return 0 to go on; anything else stops the transfer, and the
 * function that ran it fails with PROMOTE_EUSER ("stopped by the event
 * callback"; nothing the transfer would have changed is changed: a clone
 * leaves no mirror, a fetch no new branch tips, a push stopped before its
 * last objects went no new ref on the remote). The answer to the final
 * event of a push (WRITING, done) is too late to stop it and is ignored.
 *
 * Events are rate-limited at the source: the first and the last of each
 * phase are always delivered, the ones between at most every 100 ms.
 * Within a phase the counts only grow.
 */
typedef int (*promote_event_cb)(const promote_event *event, void *payload);

/* The transfer: a promote_transfer_kind; 0 for NULL. */
PROMOTE_EXTERN(int) promote_event_kind(const promote_event *event);
/* Its phase: a promote_transfer_phase; 0 for NULL. */
PROMOTE_EXTERN(int) promote_event_phase(const promote_event *event);
/* How many of the phase's items (objects, or deltas) are done so far. */
PROMOTE_EXTERN(uint64_t) promote_event_current(const promote_event *event);
/* How many there are in all; 0 while that is not known. */
PROMOTE_EXTERN(uint64_t) promote_event_total(const promote_event *event);
/* The bytes received (RECEIVING) or sent (WRITING) so far; 0 in the other phases. */
PROMOTE_EXTERN(uint64_t) promote_event_bytes(const promote_event *event);
/* 1 for the last event of its phase (current == total), else 0. */
PROMOTE_EXTERN(int) promote_event_done(const promote_event *event);
/* The remote's URL without its user information. Borrowed for the call. */
PROMOTE_EXTERN(const char *) promote_event_url(const promote_event *event);

/* "clone", "fetch", "push"; "unknown" for another value. Static. */
PROMOTE_EXTERN(const char *) promote_transfer_kind_name(int kind);
/* "receiving objects", "resolving deltas", "packing objects", "writing
 * objects" (git's words); "unknown" for another value. Static. */
PROMOTE_EXTERN(const char *) promote_transfer_phase_name(int phase);

PROMOTE_END_DECL

#endif
