/* A release's events as its record shows them, which notifications want them, and what is sent (notify.h). */
#include "notify_facts.h"
#include "config/loader_notify.h"

#include "model/context.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"
#include "core/wildmatch.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool promote__notify_configured(const promote_context *ctx)
{
	return ctx->cfg.notification_count > 0;
}

static void add(promote__notify_fact *facts, size_t *count, unsigned event, size_t step, int64_t at,
	const promote_release *r)
{
	promote__notify_fact *f = &facts[(*count)++];
	f->event = event;
	f->step = step;
	f->at = at;
	/* The release's last retry tells a fact of a retried release from the same one before. */
	if (step == SIZE_MAX)
		snprintf(f->key, sizeof f->key, "%s@%lld", promote__notify_event_name(event), (long long)r->restarted);
	else
		snprintf(f->key, sizeof f->key, "%s/%s/%u/%s@%lld", promote__notify_event_name(event),
			r->steps[step].environment, r->steps[step].attempts, promote_step_state_name(r->steps[step].state),
			(long long)r->restarted);
}

int promote__notify_facts(promote__notify_fact **out, size_t *count, const promote_release *r)
{
	*count = 0;
	if (!(*out = calloc(r->step_count + 2, sizeof **out)))
		return promote__error_oom();
	add(*out, count, PROMOTE__NOTIFY_RELEASE_STARTED, SIZE_MAX, r->created, r);
	for (size_t i = 0; i < r->step_count; i++) {
		const promote_release_step *s = &r->steps[i];
		if (s->state == PROMOTE_STEP_AWAITING_APPROVAL || s->state == PROMOTE_STEP_AWAITING_MERGE)
			add(*out, count, PROMOTE__NOTIFY_STEP_WAITING, i, s->started > r->restarted ? s->started : r->updated, r);
		else if (s->state == PROMOTE_STEP_FAILED)
			add(*out, count, PROMOTE__NOTIFY_STEP_FAILED, i, s->finished ? s->finished : r->updated, r);
	}
	unsigned final = r->state == PROMOTE_RELEASE_SUCCEEDED ? PROMOTE__NOTIFY_RELEASE_SUCCEEDED
		: r->state == PROMOTE_RELEASE_FAILED               ? PROMOTE__NOTIFY_RELEASE_FAILED
		: r->state == PROMOTE_RELEASE_ABORTED              ? PROMOTE__NOTIFY_RELEASE_ABORTED
								   : 0;
	if (final)
		add(*out, count, final, SIZE_MAX, r->finished ? r->finished : r->updated, r);
	return 0;
}

static bool names_env(const promote__notification *n, const char *env)
{
	for (size_t i = 0; i < n->environment_count; i++)
		if (strcmp(n->environments[i].name, env) == 0)
			return true;
	return false;
}

bool promote__notify_wants(const promote__notification *n, const promote_release *r, const promote__notify_fact *f)
{
	if (!(n->events & f->event))
		return false;
	bool product = n->product_count == 0;
	for (size_t i = 0; !product && i < n->product_count; i++)
		product = promote__wildmatch(n->products[i], promote__release_subject(r));
	if (!product)
		return false;
	if (n->environment_count == 0)
		return true;
	if (f->step != SIZE_MAX)
		return names_env(n, r->steps[f->step].environment);
	for (size_t i = 0; i < r->step_count; i++)
		if (names_env(n, r->steps[i].environment))
			return true;
	return false;
}

/* "shop 1.4.0" (a sync: "sync of dev into prod"). */
static int subject(promote__strbuf *sb, const promote_release *r)
{
	if (r->sync)
		return promote__strbuf_addf(sb, "sync of %s into %s", r->trigger,
			r->step_count ? r->steps[0].environment : "?");
	return promote__strbuf_addf(sb, "%s %s", r->product, r->version);
}

/* The one line a chat shows. */
static int text_of(promote__strbuf *sb, const promote_release *r, const promote__notify_fact *f)
{
	const promote_release_step *s = f->step != SIZE_MAX ? &r->steps[f->step] : NULL;
	int rc = subject(sb, r);
	switch (f->event) {
	case PROMOTE__NOTIFY_RELEASE_STARTED:
		rc = rc ? rc : promote__strbuf_addf(sb, ": release %s started (flow %s)", r->id, r->flow);
		break;
	case PROMOTE__NOTIFY_STEP_WAITING:
		rc = rc ? rc : promote__strbuf_addf(sb, " waits in %s: %s (release %s)", s->environment,
			*s->reason ? s->reason : promote_step_state_name(s->state), r->id);
		break;
	case PROMOTE__NOTIFY_STEP_FAILED:
		rc = rc ? rc : promote__strbuf_addf(sb, " failed in %s: %s (release %s)", s->environment,
			*s->error ? s->error : *s->reason ? s->reason : "failed", r->id);
		break;
	default:
		rc = rc ? rc : promote__strbuf_addf(sb, ": release %s %s%s%s", r->id, promote_release_state_name(r->state),
			*r->reason ? ": " : "", r->reason);
	}
	return rc;
}

int promote__notify_payload(promote_buf *out, const promote_release *r, const promote__notify_fact *f,
	const char *delivery)
{
	const promote_release_step *s = f->step != SIZE_MAX ? &r->steps[f->step] : NULL;
	promote__strbuf text;
	promote__strbuf_init(&text, PROMOTE__MESSAGE_MAX, "a notification's text");
	json_object *o = json_object_new_object();
	int rc = o ? text_of(&text, r, f) : promote__error_oom();
	const char *const keys[] = { "event", "delivery", "release", "flow", "product", "version", "state", "environment",
		"step_state", "reason", "commit", "change", "text" };
	const char *const values[] = { promote__notify_event_name(f->event), delivery, r->id, r->flow,
		r->sync ? "" : r->product, r->sync ? "" : r->version, promote_release_state_name(r->state),
		s ? s->environment : "", s ? promote_step_state_name(s->state) : "",
		s ? (*s->error ? s->error : s->reason) : r->reason, s ? (*s->merge_commit ? s->merge_commit : s->commit) : "",
		s ? s->change : "", promote__strbuf_cstr(&text) };
	for (size_t i = 0; rc == 0 && i < PROMOTE_ARRAY_SIZE(keys); i++)
		rc = promote__json_put_string(o, keys[i], values[i], false);
	if (rc == 0)
		rc = promote__json_put(o, "at", promote__json_time(f->at), true);
	if (rc == 0)
		rc = promote__json_to_buf(out, o);
	json_object_put(o);
	promote__strbuf_free(&text);
	return rc;
}
