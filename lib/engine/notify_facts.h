/*
 * Internal: a release's events as its record shows them, which notifications
 * want them, and the JSON sent for one (engine/notify.h says how they are sent).
 */
#ifndef PROMOTE_ENGINE_NOTIFY_FACTS_H
#define PROMOTE_ENGINE_NOTIFY_FACTS_H

#include "release_model.h"
#include "config/schema.h"
#include "core/buf.h"

#define PROMOTE__NOTIFY_MAX_AGE_S 3600
#define PROMOTE__NOTIFY_KEY_MAX 256
/* Retries wait 30 s, then three times longer each time, at most an hour. */
#define PROMOTE__NOTIFY_RETRY_S 30
#define PROMOTE__NOTIFY_RETRY_MAX_S 3600
/* A claim is taken over this long after its attempt's bound. */
#define PROMOTE__NOTIFY_CLAIM_GRACE_S 60

/* One event of a release, as its record shows it. */
typedef struct promote__notify_fact {
	unsigned event;                     /* PROMOTE__NOTIFY_* */
	size_t step;                        /* a step's event: its index; else SIZE_MAX */
	int64_t at;                         /* when it happened */
	char key[PROMOTE__NOTIFY_KEY_MAX];  /* which fact: the same in every process, for every reading */
} promote__notify_fact;

/* The configuration names notifications (without, there is nothing to do). */
bool promote__notify_configured(const promote_context *ctx);

/* The events of `r`, into a new array (*count of them; free() it). */
int promote__notify_facts(promote__notify_fact **out, size_t *count, const promote_release *r);

/* Notification `n` is sent for fact `f` of `r` (its events, products and environments say so). */
bool promote__notify_wants(const promote__notification *n, const promote_release *r, const promote__notify_fact *f);

/* The JSON sent for `f` of `r` — event, delivery, release, product, version, flow, state, environment,
 * step_state, reason, commit, change, at, and a Slack-compatible "text". */
int promote__notify_payload(promote_buf *out, const promote_release *r, const promote__notify_fact *f,
	const char *delivery);

#endif
