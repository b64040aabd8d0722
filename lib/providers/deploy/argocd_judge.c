/* What an Argo CD application says of a release's sync (argocd_judge.h). */
#include "argocd_judge.h"

#include "core/civil.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <promote/sys/deploy_backend.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of the info named `name` of operation `op` ("" when it has none). */
static const char *info(json_object *op, const char *name)
{
	json_object *infos = promote__json_at(op, "info");
	size_t n = json_object_is_type(infos, json_type_array) ? json_object_array_length(infos) : 0;
	for (size_t i = 0; i < n; i++) {
		json_object *item = json_object_array_get_idx(infos, i);
		if (strcmp(promote__json_text(item, "name"), name) == 0)
			return promote__json_text(item, "value");
	}
	return "";
}

/* Operation `op` is this release's sync at its revision. */
static bool ours(json_object *op, const promote__argocd_subject *s)
{
	return op && strcmp(info(op, PROMOTE__ARGOCD_INFO_RELEASE), s->release) == 0 &&
	       strcmp(promote__json_text(op, "sync.revision"), s->revision) == 0;
}

/* Who started an operation, for a message. */
static const char *initiator(json_object *op)
{
	json_object *automated = promote__json_at(op, "initiatedBy.automated");
	if (json_object_is_type(automated, json_type_boolean) && json_object_get_boolean(automated))
		return "Argo CD's automated sync";
	const char *user = promote__json_text(op, "initiatedBy.username");
	return *user ? user : "someone else";
}

static int say(promote__argocd_verdict *v, int sync, int health, const char *fmt, ...) PROMOTE_PRINTF(4, 5);

/* The verdict's states and its message. */
static int say(promote__argocd_verdict *v, int sync, int health, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(v->message);
	v->message = NULL;
	int rc = promote__strbuf_vformat(&v->message, 2048, "an Argo CD status message", fmt, ap);
	va_end(ap);
	v->sync = sync;
	v->health = health;
	return rc;
}

/* " (MESSAGE)" of Argo CD's own words at `path`, or "". */
static const char *because(char *buf, size_t size, json_object *o, const char *path)
{
	const char *m = promote__json_text(o, path);
	if (!*m)
		return "";
	snprintf(buf, size, ": %.200s", m);
	return buf;
}

/* Our operation has finished Succeeded at the promoted revision: how the application stands since. */
static int after_sync(promote__argocd_verdict *v, json_object *app, const promote__argocd_subject *s,
	int64_t finished)
{
	const char *name = s->application, *rev = s->revision;
	char why[256];
	int64_t reconciled = 0, became = 0;
	if (!promote__json_when(&reconciled, app, "status.reconciledAt") || reconciled < finished) {
		v->refresh = true;
		return say(v, PROMOTE_SYNC_SYNCING, PROMOTE_HEALTH_PROGRESSING, "the sync of '%s' to %.12s finished; "
			"waiting for Argo CD to compare the application again (its last comparison is older than the sync)",
			name, rev);
	}
	const char *sync = promote__json_text(app, "status.sync.status"), *at_rev = promote__json_text(app, "status.sync.revision");
	if (strcmp(sync, "Synced") != 0 || strcmp(at_rev, rev) != 0)
		return say(v, PROMOTE_SYNC_OUT_OF_SYNC, PROMOTE_HEALTH_PROGRESSING, "'%s' is %s at %.12s after the sync "
			"to %.12s; waiting for Argo CD to show it Synced at the promoted revision", name, *sync ? sync : "Unknown",
			*at_rev ? at_rev : "no revision", rev);
	const char *health = promote__json_text(app, "status.health.status");
	const char *detail = because(why, sizeof why, app, "status.health.message");
	if (strcmp(health, "Degraded") == 0)
		return say(v, PROMOTE_SYNC_SYNCED, PROMOTE_HEALTH_DEGRADED, "'%s' is Degraded after the sync to %.12s%s",
			name, rev, detail);
	if (strcmp(health, "Suspended") == 0)
		return say(v, PROMOTE_SYNC_SYNCED, PROMOTE_HEALTH_SUSPENDED, "'%s' is Suspended (counted as progressing; "
			"waiting for it to be Healthy)%s", name, detail);
	if (strcmp(health, "Healthy") != 0)
		return say(v, PROMOTE_SYNC_SYNCED, PROMOTE_HEALTH_PROGRESSING, "'%s' is %s%s", name,
			*health ? health : "of unknown health", detail);
	/* Healthy since its last transition (when Argo CD says), never from before our sync finished;
	 * measured on Argo CD's own clock, up to its last comparison. */
	int64_t since = promote__json_when(&became, app, "status.health.lastTransitionTime") && became > finished ? became : finished;
	if (reconciled - since < (int64_t)s->hold_s) {
		v->refresh = true;
		return say(v, PROMOTE_SYNC_SYNCED, PROMOTE_HEALTH_PROGRESSING, "'%s' is Healthy at %.12s; holding until "
			"Argo CD has seen it Healthy for %us (%llds so far)", name, rev, (unsigned)s->hold_s,
			(long long)(reconciled - since));
	}
	return say(v, PROMOTE_SYNC_SYNCED, PROMOTE_HEALTH_HEALTHY, "'%s' is Synced at %.12s and Healthy", name, rev);
}

/* This release's operation, as it stands. */
static int judge_ours(promote__argocd_verdict *v, json_object *app, json_object *state, bool pending,
	const promote__argocd_subject *s)
{
	const char *name = s->application, *rev = s->revision;
	const char *phase = pending ? "" : promote__json_text(state, "phase");
	char why[256];
	const char *detail = because(why, sizeof why, state, "message");
	v->running = !*phase || strcmp(phase, "Running") == 0;
	if (!*phase)
		return say(v, PROMOTE_SYNC_SYNCING, PROMOTE_HEALTH_PROGRESSING, "Argo CD has not started the sync of '%s' "
			"to %.12s yet", name, rev);
	if (strcmp(phase, "Running") == 0)
		return say(v, PROMOTE_SYNC_SYNCING, PROMOTE_HEALTH_PROGRESSING, "Argo CD is syncing '%s' to %.12s%s", name,
			rev, detail);
	if (strcmp(phase, "Terminating") == 0)
		return say(v, PROMOTE_SYNC_SYNCING, PROMOTE_HEALTH_PROGRESSING, "the sync of '%s' to %.12s is being "
			"terminated%s", name, rev, detail);
	if (strcmp(phase, "Succeeded") != 0)
		return say(v, PROMOTE_SYNC_FAILED, PROMOTE_HEALTH_UNKNOWN, "the sync of '%s' to %.12s ended %s%s", name,
			rev, phase, detail);
	const char *result = promote__json_text(state, "syncResult.revision");
	if (strcmp(result, rev) != 0)
		return say(v, PROMOTE_SYNC_FAILED, PROMOTE_HEALTH_UNKNOWN, "Argo CD synced '%s' to %.12s, not to the "
			"promoted %.12s: does the application's source follow the environment's branch?", name,
			*result ? result : "no revision", rev);
	int64_t finished = 0;
	if (!promote__json_when(&finished, state, "finishedAt"))
		return say(v, PROMOTE_SYNC_SYNCING, PROMOTE_HEALTH_PROGRESSING, "the sync of '%s' to %.12s succeeded; "
			"waiting for Argo CD to say when it finished", name, rev);
	return after_sync(v, app, s, finished);
}

int promote__argocd_judge(promote__argocd_verdict *out, json_object *app, const promote__argocd_subject *s)
{
	memset(out, 0, sizeof *out);
	json_object *requested = promote__json_at(app, "operation");           /* set while an operation is asked for or runs */
	json_object *state = promote__json_at(app, "status.operationState");
	json_object *op = promote__json_at(state, "operation");
	if (ours(requested, s) && !ours(op, s)) {
		out->kind = PROMOTE__ARGOCD_OURS;
		return judge_ours(out, app, state, true, s);
	}
	if (ours(op, s)) {
		out->kind = PROMOTE__ARGOCD_OURS;
		return judge_ours(out, app, state, false, s);
	}
	const char *phase = promote__json_text(state, "phase");
	if (requested || strcmp(phase, "Running") == 0 || strcmp(phase, "Terminating") == 0) {
		json_object *other = requested ? requested : op;
		const char *to = promote__json_text(other, "sync.revision");
		out->kind = PROMOTE__ARGOCD_BUSY;
		return say(out, PROMOTE_SYNC_OUT_OF_SYNC, PROMOTE_HEALTH_PROGRESSING, "another operation runs on '%s' (a "
			"sync%s%.12s started by %s, %s): waiting for it to end before syncing to %.12s", s->application,
			*to ? " to " : "", to, initiator(other), *phase ? phase : "requested", s->revision);
	}
	out->kind = PROMOTE__ARGOCD_NONE;
	return say(out, PROMOTE_SYNC_OUT_OF_SYNC, PROMOTE_HEALTH_UNKNOWN, "Argo CD knows no sync of '%s' to %.12s by "
		"release %s", s->application, s->revision, s->release);
}

void promote__argocd_verdict_dispose(promote__argocd_verdict *v)
{
	free(v->message);
	v->message = NULL;
}

bool promote__argocd_busy_message(const char *message)
{
	return message && strstr(message, "another operation is already in progress");
}
