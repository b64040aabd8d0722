/*
 * Internal: reporting a transfer's progress through the context's event
 * callback (promote_event_cb, event.h), rate-limited here at the source:
 * libgit2 reports after every object it receives, and a caller drawing a
 * terminal line wants a few updates a second, not a million calls.
 *
 * The first and the last (done) event of each phase are always delivered;
 * the ones between at most every PROMOTE__PROGRESS_INTERVAL_MS. Once the
 * callback asks to stop, nothing more is delivered and every report
 * returns its answer, so the transfer can be abandoned where it is —
 * except the answer to a push's last event (WRITING, done), ignored: the
 * remote may have taken the push already.
 */
#ifndef PROMOTE_CORE_PROGRESS_H
#define PROMOTE_CORE_PROGRESS_H

#include "common.h"

#define PROMOTE__PROGRESS_INTERVAL_MS 100

/* Where events go: the context's callback and payload (cb NULL: nowhere). */
typedef struct promote__events {
	promote_event_cb cb;
	void *payload;
} promote__events;

struct promote_event {
	int kind;         /* a promote_transfer_kind */
	int phase;        /* a promote_transfer_phase; 0 before the first report */
	uint64_t current;
	uint64_t total;
	uint64_t bytes;
	bool done;
	const char *url;  /* redacted: no user information */
};

/* One transfer's reporter. */
typedef struct promote__progress {
	promote__events to;
	promote_event event;      /* what was last delivered */
	uint64_t delivered_ms;    /* when (a monotonic clock) */
	int stopped;              /* the callback's nonzero answer, once it gave one */
} promote__progress;

/* Start reporting a transfer of `kind` with the remote `url` (already
 * redacted; borrowed until the transfer ends) to `events` (may be NULL). */
void promote__progress_start(promote__progress *p, const promote__events *events, int kind, const char *url);

/*
 * The transfer is in `phase`, `current` of `total` (0: not known yet) done,
 * `bytes` moved. Delivered when it begins a phase, ends one
 * (current == total) or when the interval has passed; a phase already ended
 * is not reported again, nor an earlier phase than the last one (phases
 * only advance). 0 to go on, or the callback's nonzero answer (then
 * and ever after): stop the transfer.
 */
int promote__progress_report(promote__progress *p, int phase, uint64_t current, uint64_t total, uint64_t bytes);

/* After a transfer failed: the PROMOTE_EUSER error naming `what` ("the
 * clone of") and the URL when the callback stopped it, else 0. */
int promote__progress_stopped(const promote__progress *p, const char *what);

#endif
