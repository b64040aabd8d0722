/*
 * Notifications sent at most once per attempt, whatever happens: claimed in
 * the release's record, made, their result recorded (notify.h).
 */
#include "notify.h"
#include "notify_facts.h"
#include "notify_send.h"
#include "release_machine.h"
#include "release_record.h"

#include "config/loader_notify.h"
#include "model/context.h"
#include "git/session.h"
#include "core/error.h"
#include "core/json_path.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* ---- the ledger: "notifications" of the record --------------------------------- */

/* An entry's time `key` (Unix seconds), 0 when it has none. */
static int64_t time_of(json_object *e, const char *key)
{
	int64_t t = 0;
	return promote__json_when(&t, e, key) ? t : 0;
}

static unsigned attempts_of(json_object *e)
{
	json_object *v = NULL;
	int64_t n = json_object_object_get_ex(e, "attempts", &v) && json_object_is_type(v, json_type_int)
		? json_object_get_int64(v) : 0;
	return n < 0 ? 0 : n > 1000 ? 1000 : (unsigned)n;
}

/* The entry of `key` sent to `to`, or NULL. */
static json_object *entry_of(const promote_release *r, const char *key, const char *to)
{
	size_t n = r->notices ? json_object_array_length(r->notices) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(r->notices, i);
		if (json_object_is_type(e, json_type_object) && strcmp(promote__json_text(e, "key"), key) == 0 &&
			strcmp(promote__json_text(e, "to"), to) == 0)
			return e;
	}
	return NULL;
}

/* Whether an attempt of `f` by `n` is due at `now`; when it is due later, *later says when. */
static bool due(const promote_release *r, const promote__notification *n, const promote__notify_fact *f, int64_t now,
	int64_t *later)
{
	json_object *e = entry_of(r, f->key, n->name);
	*later = 0;
	if (!e)
		return f->at + PROMOTE__NOTIFY_MAX_AGE_S >= now;
	const char *state = promote__json_text(e, "state");
	int64_t when = strcmp(state, "retry") == 0 ? time_of(e, "next")
		: strcmp(state, "sending") == 0        ? time_of(e, "at") + n->timeout_s + PROMOTE__NOTIFY_CLAIM_GRACE_S
						       : -1; /* sent, or given up */
	if (when < 0 || when > now) {
		*later = when < 0 ? 0 : when;
		return false;
	}
	return true;
}

static int put(json_object *e, const char *key, json_object *value)
{
	return promote__json_put(e, key, value, true);
}

static int put_text(json_object *e, const char *key, const char *value)
{
	return promote__json_put_string(e, key, value, false);
}

/* ---- claiming an attempt, recording its result ----------------------------------- */

typedef struct attempt {
	const promote__notification *n;
	const promote__notify_fact *f;
	const char *owner;
	int64_t now;
	bool mine;            /* the claim is this process's */
	unsigned number;      /* which attempt it is */
	const char *why;      /* its failure, NULL when it was taken */
} attempt;

static int mutate_claim(promote_release *r, bool *changed, void *arg)
{
	attempt *a = arg;
	int64_t later;
	*changed = a->mine = false;
	if (!due(r, a->n, a->f, a->now, &later))
		return 0;
	json_object *e = entry_of(r, a->f->key, a->n->name);
	int rc = 0;
	if (!e) {
		if (!r->notices && !(r->notices = json_object_new_array()))
			return promote__error_oom();
		if (!(e = json_object_new_object()) || json_object_array_add(r->notices, e) != 0) {
			json_object_put(e);
			return promote__error_oom();
		}
		rc = put_text(e, "key", a->f->key);
		if (rc == 0)
			rc = put_text(e, "to", a->n->name);
		if (rc == 0)
			rc = put_text(e, "event", promote__notify_event_name(a->f->event));
	}
	a->number = attempts_of(e) + 1;
	if (rc == 0)
		rc = put_text(e, "state", "sending");
	if (rc == 0)
		rc = put(e, "attempts", json_object_new_int64(a->number));
	if (rc == 0)
		rc = put_text(e, "owner", a->owner);
	if (rc == 0)
		rc = put(e, "at", promote__json_time(a->now));
	if (rc == 0)
		rc = put(e, "next", NULL);
	if (rc == 0 && !json_object_object_get_ex(e, "error", NULL))
		rc = put_text(e, "error", "");
	*changed = a->mine = rc == 0;
	return rc;
}

/* The pause before attempt `number` + 1: PROMOTE__NOTIFY_RETRY_S, three times longer each time, bounded. */
static int64_t retry_after(unsigned number)
{
	int64_t s = PROMOTE__NOTIFY_RETRY_S;
	for (unsigned i = 1; i < number && s < PROMOTE__NOTIFY_RETRY_MAX_S; i++)
		s *= 3;
	return s < PROMOTE__NOTIFY_RETRY_MAX_S ? s : PROMOTE__NOTIFY_RETRY_MAX_S;
}

static int mutate_result(promote_release *r, bool *changed, void *arg)
{
	attempt *a = arg;
	json_object *e = entry_of(r, a->f->key, a->n->name);
	*changed = false;
	/* Taken over by another process meanwhile (this attempt outlived its bound): its result is that one's. */
	if (!e || strcmp(promote__json_text(e, "state"), "sending") != 0 || strcmp(promote__json_text(e, "owner"), a->owner) != 0 ||
		attempts_of(e) != a->number)
		return 0;
	bool last = a->number >= a->n->attempts;
	int rc = put_text(e, "state", !a->why ? "sent" : last ? "given up" : "retry");
	if (rc == 0)
		rc = put(e, "next", a->why && !last ? promote__json_time(a->now + retry_after(a->number)) : NULL);
	if (rc == 0)
		rc = put_text(e, "error", a->why ? a->why : "");
	*changed = rc == 0;
	return rc;
}

/* One attempt of `f` by `n`: claimed (pushed), made, its result recorded. */
static int attempt_one(promote_release *r, attempt *a)
{
	int rc = promote__release_update(r, mutate_claim, a, "Notify");
	if (rc || !a->mine)
		return rc;
	promote__strbuf delivery;
	promote__strbuf_init(&delivery, PROMOTE__NOTIFY_KEY_MAX * 2, "a notification's delivery id");
	promote_buf body = PROMOTE_BUF_INIT;
	char *why = NULL;
	rc = promote__strbuf_addf(&delivery, "%s/%s/%s", r->id, a->f->key, a->n->name);
	if (rc == 0)
		rc = promote__notify_payload(&body, r, a->f, promote__strbuf_cstr(&delivery));
	if (rc == 0) {
		const char *event = promote__notify_event_name(a->f->event);
		rc = promote__notify_send(&why, a->n, event, promote__strbuf_cstr(&delivery), &body);
		if (rc == PROMOTE_ENET)
			rc = 0;
	}
	a->now = promote__now(r->ctx);
	a->why = why;
	if (rc == 0)
		rc = promote__release_update(r, mutate_result, a, why ? "Notification failed" : "Notified");
	a->why = why ? "" : NULL; /* freed below: the caller only asks whether it failed */
	free(why);
	promote_buf_dispose(&body);
	promote__strbuf_free(&delivery);
	return rc;
}

static void sooner(int64_t *soonest, int64_t t)
{
	if (t && (!*soonest || t < *soonest))
		*soonest = t;
}

int promote__release_notify(promote_release *r, bool *failing)
{
	r->notify_due = 0;
	promote__git_session *session = NULL;
	if (!promote__notify_configured(r->ctx) || !r->has_tip)
		return 0;
	/* In a watcher's pass, what the pass recorded is pushed first: the watcher sends after it. */
	int rc = promote__context_session(&session, r->ctx);
	if (rc || session->batch)
		return rc;
	const promote__config *cfg = &r->ctx->cfg;
	bool *own = failing ? NULL : calloc(cfg->notification_count, sizeof *own);
	promote__notify_fact *facts = NULL;
	size_t count = 0;
	char *owner = NULL;
	int64_t soonest = 0;
	if (!failing && !(failing = own))
		return promote__error_oom();
	rc = promote__notify_facts(&facts, &count, r);
	if (rc == 0)
		rc = promote__claim_owner(&owner, r);
	for (size_t i = 0; rc == 0 && i < cfg->notification_count; i++) {
		const promote__notification *n = &cfg->notifications[i];
		for (size_t k = 0; rc == 0 && k < count; k++) {
			int64_t later = 0, now = promote__now(r->ctx);
			if (!promote__notify_wants(n, r, &facts[k]))
				continue;
			if (!due(r, n, &facts[k], now, &later)) {
				sooner(&soonest, later);
				continue;
			}
			/* Its receiver failed once in this call (or pass): the others wait for a later one, so that a
			 * receiver that is down costs one attempt's timeout, not one per event. */
			if (failing[i]) {
				sooner(&soonest, now + PROMOTE__NOTIFY_RETRY_S);
				continue;
			}
			attempt a = { n, &facts[k], owner, now, false, 0, NULL };
			rc = attempt_one(r, &a);
			failing[i] |= rc == 0 && a.mine && a.why;
			json_object *e = rc == 0 ? entry_of(r, facts[k].key, n->name) : NULL;
			if (e && strcmp(promote__json_text(e, "state"), "retry") == 0)
				sooner(&soonest, time_of(e, "next"));
		}
	}
	r->notify_due = soonest;
	free(own);
	free(owner);
	free(facts);
	return rc;
}
