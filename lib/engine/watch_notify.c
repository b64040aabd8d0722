/*
 * A pass's last part: the notifications of the releases it read (and of those
 * whose retry is due), sent once the pass's batch is pushed — a claim must
 * be in the remote before its attempt (engine/notify.h).
 */
#include "watch_model.h"
#include "notify.h"
#include "notify_facts.h"
#include "release_machine.h"
#include "release_record.h"

#include "model/context.h"
#include "core/error.h"

#include <stdlib.h>

#include <stdint.h>

static int notify_one(promote_watcher *w, promote__watch_seen *s, const promote_release_options *ropts,
	bool *failing)
{
	promote_release *r = NULL;
	int rc = promote__release_alloc(&r, w->ctx);
	if (rc == 0) {
		r->opts = *ropts;
		rc = promote__set_string(&r->id, s->id);
	}
	if (rc == 0)
		rc = promote__release_load(r);
	if (rc == 0)
		rc = promote__release_notify(r, failing);
	if (rc == 0) {
		s->tip = r->tip;
		s->notify = false;
		s->notify_due = r->notify_due;
	} else if (rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM) {
		/* Told, and tried again in the next pass (s->notify stays). */
		rc = promote__watch_emit_failure(w, PROMOTE_WATCH_EVENT_POLL_FAILED, r ? r->flow : NULL,
			r ? r->product : NULL, r ? r->version : NULL, s->id);
	}
	promote__release_free(r);
	return rc;
}

int promote__watch_notify(promote_watcher *w, uint32_t *next_ms)
{
	*next_ms = 0;
	if (!promote__notify_configured(w->ctx))
		return 0;
	promote_release_options ropts = promote__watch_release_options(w);
	int64_t soonest = 0;
	/* The receivers that failed in this pass: tried again in a later one. */
	bool *failing = calloc(w->ctx->cfg.notification_count, sizeof *failing);
	int rc = failing ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < w->seen.size && !w->stop; i++) {
		promote__watch_seen *s = &w->seen.ptr[i];
		if (s->notify || (s->notify_due && s->notify_due <= promote__now(w->ctx)))
			rc = notify_one(w, s, &ropts, failing);
		if (s->notify_due && (!soonest || s->notify_due < soonest))
			soonest = s->notify_due;
	}
	free(failing);
	if (rc == 0 && soonest) {
		int64_t left = (soonest - promote__now(w->ctx)) * 1000;
		*next_ms = left < 1000 ? 1000 : left > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)left;
	}
	return rc;
}
