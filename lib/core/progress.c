/* Transfer progress through the event callback, rate-limited at the source. */
#include "progress.h"
#include "clock.h"
#include "error.h"


void promote__progress_start(promote__progress *p, const promote__events *events, int kind, const char *url)
{
	*p = (promote__progress){ .event = { .kind = kind, .url = url } };
	if (events)
		p->to = *events;
}

int promote__progress_report(promote__progress *p, int phase, uint64_t current, uint64_t total, uint64_t bytes)
{
	if (!p->to.cb || p->stopped)
		return p->stopped;
	promote_event *e = &p->event;
	bool begins = phase != e->phase, ends = total > 0 && current >= total;
	if (phase < e->phase || (current == 0 && total == 0 && bytes == 0))
		return 0; /* phases only advance; nothing to tell yet */
	if (!begins && e->done)
		return 0; /* libgit2 repeats the last numbers */
	if (!begins && !ends && current == e->current && total == e->total && bytes == e->bytes)
		return 0; /* nothing new */
	uint64_t now = (uint64_t)promote__now_ms();
	if (!begins && !ends && now - p->delivered_ms < PROMOTE__PROGRESS_INTERVAL_MS)
		return 0;
	e->phase = phase;
	e->current = current;
	e->total = total;
	e->bytes = bytes;
	e->done = ends;
	p->delivered_ms = now;
	int answer = p->to.cb(e, p->to.payload);
	/* Past a push's last object the remote may have taken it already: too late to stop. */
	if (!(e->phase == PROMOTE_TRANSFER_WRITING && e->done))
		p->stopped = answer;
	return p->stopped;
}

int promote__progress_stopped(const promote__progress *p, const char *what)
{
	if (!p->stopped)
		return 0;
	return promote__error(PROMOTE_EUSER, PROMOTE_ERROR_CLASS_CALLBACK,
		"%s %s was stopped by the event callback (it returned %d while %s); nothing it would have changed "
		"was changed", what, p->event.url ? p->event.url : "the remote", p->stopped,
		promote_transfer_phase_name(p->event.phase));
}

/* ---- the public accessors ---------------------------------------------------- */

int promote_event_kind(const promote_event *event)
{
	return event ? event->kind : 0;
}

int promote_event_phase(const promote_event *event)
{
	return event ? event->phase : 0;
}

uint64_t promote_event_current(const promote_event *event)
{
	return event ? event->current : 0;
}

uint64_t promote_event_total(const promote_event *event)
{
	return event ? event->total : 0;
}

uint64_t promote_event_bytes(const promote_event *event)
{
	return event ? event->bytes : 0;
}

int promote_event_done(const promote_event *event)
{
	return event && event->done;
}

const char *promote_event_url(const promote_event *event)
{
	return event ? event->url : NULL;
}

const char *promote_transfer_kind_name(int kind)
{
	static const char *const names[] = { "unknown", "clone", "fetch", "push" };
	return PROMOTE__NAME_OF(names, kind);
}

const char *promote_transfer_phase_name(int phase)
{
	static const char *const names[] = { "unknown", "receiving objects", "resolving deltas", "packing objects",
		"writing objects" };
	return PROMOTE__NAME_OF(names, phase);
}
