/* Release events: what the caller's callback is told after each recorded transition. */
#include "release_machine.h"

#include "core/error.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int deliver(promote_release *r, const promote_release_event *event)
{
	if (!r->opts.event_cb)
		return 0;
	int rc = r->opts.event_cb(event, r->opts.event_payload);
	if (rc == 0)
		return 0;
	return promote__error(PROMOTE_EUSER, PROMOTE_ERROR_CLASS_CALLBACK,
		"the release's event callback returned %d for '%s' of release %s: stopped there (the record is "
		"consistent; poll again to resume)", rc, promote_release_event_kind_name(event->kind), r->id);
}

int promote__release_emit(promote_release *r, int kind, const promote_release_step *step)
{
	promote_release_event e = { kind, r->id, "", "", "", "", "", r->state, 0 };
	if (step) {
		e.environment = or_empty(step->environment);
		e.reason = or_empty(step->reason);
		e.commit = or_empty(*or_empty(step->merge_commit) ? step->merge_commit : step->commit);
		e.change = or_empty(step->change);
		e.state = step->state;
	} else {
		e.reason = or_empty(r->reason);
	}
	return deliver(r, &e);
}

int promote__release_emit_check(promote_release *r, const promote_release_step *step, const promote__check *check)
{
	promote_release_event e = { PROMOTE_RELEASE_EVENT_CHECK_FINISHED, r->id, or_empty(step->environment),
		or_empty(step->reason), or_empty(step->commit), or_empty(step->change), or_empty(check->name), step->state,
		check->status };
	return deliver(r, &e);
}

int promote_release_event_kind(const promote_release_event *event)
{
	return event ? event->kind : 0;
}

const char *promote_release_event_kind_name(int kind)
{
	static const char *const names[] = { "unknown", "step started", "step waiting", "committed", "change opened",
		"change merged", "deployed", "check finished", "step finished", "release finished" };
	return PROMOTE__NAME_OF(names, kind);
}

const char *promote_release_event_release(const promote_release_event *event)
{
	return event ? or_empty(event->release) : "";
}

const char *promote_release_event_environment(const promote_release_event *event)
{
	return event ? or_empty(event->environment) : "";
}

const char *promote_release_event_reason(const promote_release_event *event)
{
	return event ? or_empty(event->reason) : "";
}

const char *promote_release_event_commit(const promote_release_event *event)
{
	return event ? or_empty(event->commit) : "";
}

const char *promote_release_event_change(const promote_release_event *event)
{
	return event ? or_empty(event->change) : "";
}

const char *promote_release_event_check(const promote_release_event *event)
{
	return event ? or_empty(event->check) : "";
}

int promote_release_event_state(const promote_release_event *event)
{
	return event ? event->state : -1;
}

int promote_release_event_exit_status(const promote_release_event *event)
{
	return event ? event->exit_status : -1;
}
