/*
 * Internal: notifications — telling people of a release's events, as
 * `notifications:` in promote.yaml asks (doc/CONFIG.md#notifications).
 *
 * The events are read from the release's record, not from what a process
 * saw happen: "release.started" of every release, "step.waiting" of a step
 * awaiting an approval or a change's merge, "step.failed" of a failed step,
 * "release.succeeded|failed|aborted" of a finished one; each is one fact of
 * the record with a key ("step.failed/prod/1@0": the step, its attempt, the
 * release's last retry), so a process that starts late finds what is due.
 *
 * Each (event, notification) is sent at most once per attempt: the attempt
 * is first claimed in the record ("notifications": {"key", "to", "state":
 * "sending", "owner", "attempts"} written by compare-and-swap, pushed), then
 * made, then its result recorded ("sent", "retry" with the time of the next
 * attempt, "given up" after the notification's attempts). Two processes
 * never both claim one; a claim whose owner died is taken over once the
 * attempt's bound has passed (then sent again with the same delivery id:
 * receivers that must not see it twice drop a repeated X-Promote-Delivery).
 * An event older than PROMOTE__NOTIFY_MAX_AGE_S when first seen (a release
 * from before the notification was configured) is not sent.
 */
#ifndef PROMOTE_ENGINE_NOTIFY_H
#define PROMOTE_ENGINE_NOTIFY_H

#include "release_model.h"

/* Send what is due of `r` (its record read), unless the session is in a batch (a watcher's pass: it sends
 * after its push, as each claim must be pushed before its attempt). A failed attempt is recorded, not
 * returned: an error is a record that cannot be written. r->notify_due says when one is to be tried again
 * (0: none). `failing` (one flag per configured notification, or NULL for this call's own) marks those whose
 * attempt failed: their other events wait for a later call, so a receiver that is down holds a watcher's
 * pass up by one attempt's timeout, not one per event. */
int promote__release_notify(promote_release *r, bool *failing);

#endif
