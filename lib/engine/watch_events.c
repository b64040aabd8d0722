/* What a watcher's pass tells its caller (include/promote/watch.h), and how a stop reaches a release's transition. */
#include "watch_model.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- stopping at a transition --------------------------------------------------- */

bool promote__watch_stopping(const promote_watcher *w, int rc)
{
	if (rc != PROMOTE_EUSER || !w->stop)
		return false;
	promote_error_clear();
	return true;
}

/* Every release's events reach the caller's callback through here: after the transition is recorded, a stop
 * asked for meanwhile ends the call that advances the release (PROMOTE_EUSER, the record consistent). */
static int on_release_event(const promote_release_event *event, void *payload)
{
	promote_watcher *w = payload;
	int rc = w->opts.release_event_cb ? w->opts.release_event_cb(event, w->opts.payload) : 0;
	return rc ? rc : w->stop ? 1 : 0;
}

promote_release_options promote__watch_release_options(promote_watcher *w)
{
	promote_release_options o = PROMOTE_RELEASE_OPTIONS_INIT;
	o.no_group = w->opts.no_group;
	o.author_name = w->author_name;
	o.author_email = w->author_email;
	o.event_cb = on_release_event;
	o.event_payload = w;
	return o;
}

/* ---- the watcher's own events ----------------------------------------------------- */

int promote__watch_emit(promote_watcher *w, const promote_watch_event *e)
{
	if (!w->opts.watch_event_cb)
		return 0;
	int rc = w->opts.watch_event_cb(e, w->opts.payload);
	if (rc == 0)
		return 0;
	return promote__error(PROMOTE_EUSER, PROMOTE_ERROR_CLASS_CALLBACK,
		"the watcher's event callback returned %d for '%s': the pass stopped there (what it recorded is "
		"consistent; the next pass goes on)", rc, promote_watch_event_kind_name(e->kind));
}

int promote__watch_emit_failure(promote_watcher *w, int kind, const char *flow, const char *product,
	const char *version, const char *release)
{
	const promote_error *err = promote_error_last();
	char *message = strdup(err && err->message ? err->message : "unknown error");
	promote_error_clear();
	if (!message)
		return promote__error_oom();
	w->failed++;
	promote_watch_event e = { kind, flow, product, version, release, "", message };
	int rc = promote__watch_emit(w, &e);
	free(message);
	return rc;
}

int promote_watch_event_kind(const promote_watch_event *e)
{
	return e ? e->kind : 0;
}

const char *promote_watch_event_kind_name(int kind)
{
	static const char *const names[] = { "unknown", "flow baseline", "release started", "start failed",
		"poll failed" };
	return PROMOTE__NAME_OF(names, kind);
}

const char *promote_watch_event_flow(const promote_watch_event *e) { return e ? or_empty(e->flow) : ""; }
const char *promote_watch_event_product(const promote_watch_event *e) { return e ? or_empty(e->product) : ""; }
const char *promote_watch_event_version(const promote_watch_event *e) { return e ? or_empty(e->version) : ""; }
const char *promote_watch_event_release(const promote_watch_event *e) { return e ? or_empty(e->release) : ""; }
const char *promote_watch_event_commit(const promote_watch_event *e) { return e ? or_empty(e->commit) : ""; }
const char *promote_watch_event_message(const promote_watch_event *e) { return e ? or_empty(e->message) : ""; }
