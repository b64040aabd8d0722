/*
 * The queue gate: at most one release of a product is past `pending` in an
 * environment at a time, and what a newer release does to the older ones
 * there is its flow's `concurrency`:
 *
 * - queue (the default): it waits until every older release of the product
 *   that has an open step there is done with it — first come, first served
 *   by creation — "queued behind ID (position N)"; when more than
 *   `queueLimit` wait there, the oldest of them is aborted ("queue full").
 * - supersede: it aborts the older releases whose step there is still
 *   `pending`, unless one of their steps is in the middle of something (a
 *   check, a commit, a merge, a deploy): those are superseded at their own
 *   turn. An older release that finds a newer one there aborts itself.
 * - terminate: as supersede, and the older release running there is
 *   aborted too, at its next safe point — once no step of it holds a claim
 *   (between two transitions, never in the middle of a side effect); its
 *   change requests are closed with a comment (promote_release_abort()).
 *
 * Whoever goes, goes only with the environment's lease (release_lease.h),
 * taken last: the compare-and-swap that makes "one at a time" exact when two
 * processes start steps of two releases at once. Aborting another release
 * is a compare-and-swap on its record, like any abort.
 */
#include "release_admit.h"
#include "release_lease.h"
#include "release_machine.h"
#include "release_peers.h"

#include "config/loader_concurrency.h"
#include "model/context.h"
#include "model/workflow.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

typedef struct queue_state {
	promote__peers peers;  /* the product's other open releases, oldest first */
	int mode;              /* PROMOTE__CONCURRENCY_* */
	uint32_t limit;        /* queueLimit */
	char *owner;           /* this handle's claim: others' claims are told from it */
} queue_state;

/* The flow's settings: the release's flow, else the product's (a one-step release's flow is "manual"). */
static void settings(queue_state *q, const promote_release *r)
{
	const promote_flow *flow = NULL;
	q->mode = PROMOTE__CONCURRENCY_QUEUE;
	q->limit = PROMOTE__QUEUE_LIMIT_DEFAULT;
	if (promote_flow_lookup(&flow, r->ctx, r->flow) != 0 && promote__product_flow(&flow, r->ctx, r->product) != 0)
		flow = NULL;
	promote_error_clear();
	if (flow) {
		q->mode = flow->concurrency;
		q->limit = flow->queue_limit ? flow->queue_limit : PROMOTE__QUEUE_LIMIT_DEFAULT;
	}
}

static void queue_dispose(void *state)
{
	queue_state *q = state;
	if (!q)
		return;
	promote__peers_dispose(&q->peers);
	free(q->owner);
	free(q);
}

static int queue_load(void **out, promote_release *r)
{
	queue_state *q = calloc(1, sizeof *q);
	if (!q)
		return promote__error_oom();
	settings(q, r);
	int rc = promote__peers_load(&q->peers, r);
	if (rc == 0)
		rc = promote__claim_owner(&q->owner, r);
	if (rc) {
		queue_dispose(q);
		return rc;
	}
	*out = q;
	return 0;
}

/* ---- what the others are doing ------------------------------------------------------- */

/* A step state in the middle of something: a check, a commit or change request, a merge, a deploy. */
static bool busy_state(int state)
{
	return state == PROMOTE_STEP_PRE_CHECK || state == PROMOTE_STEP_PROMOTING || state == PROMOTE_STEP_AWAITING_MERGE ||
		state == PROMOTE_STEP_DEPLOYING || state == PROMOTE_STEP_POST_CHECK;
}

/* No step of `r` is in the middle of something: it may be superseded now. */
static bool quiescent(const promote_release *r)
{
	for (size_t i = 0; i < r->step_count; i++)
		if (busy_state(r->steps[i].state))
			return false;
	return true;
}

/* No step of `r` holds a live claim: it is between two transitions (its next safe point). */
static bool at_safe_point(const promote_release *r, const char *owner, int64_t now)
{
	for (size_t i = 0; i < r->step_count; i++)
		if (promote__claim_live(&r->steps[i], owner, now))
			return false;
	return true;
}

/* The peer's step into `env` is open (not final), and so is the peer. */
static bool open_in(const promote_release *p, const char *env)
{
	const promote_release_step *s = promote__release_step_in(p, env);
	return !promote__release_state_final(p->state) && s && !promote__step_final(s->state);
}

static bool pending_in(const promote_release *p, const char *env)
{
	return open_in(p, env) && promote__release_step_in(p, env)->state == PROMOTE_STEP_PENDING;
}

/* Abort release `id` (not this one's handle) with `why`; one that finished meanwhile is left as it is. */
static int abort_release(promote_context *ctx, const char *id, const char *why)
{
	promote_release *other = NULL;
	int rc = promote_release_open(&other, ctx, id, NULL);
	if (rc == 0)
		rc = promote_release_abort(other, why);
	if (rc == PROMOTE_ESTATE || rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	promote_release_free(other);
	return rc;
}

/* Abort peer `p` and count it gone from here on. */
static int abort_peer(promote_release *p, const char *why)
{
	int rc = abort_release(p->ctx, p->id, why);
	if (rc == 0)
		p->state = PROMOTE_RELEASE_ABORTED;
	return rc;
}

/* The step waits: `reason` (malloc'd, taken; NULL: out of memory). */
static int wait_because(promote__verdict *v, char *reason)
{
	v->admitted = false;
	v->reason = reason;
	return reason ? 0 : promote__error_oom();
}

/* The gate that stops p's step into `env` ("" none). */
static const char *gate_in(const promote_release *p, const char *env)
{
	const promote_release_step *s = promote__release_step_in(p, env);
	return s && s->gate ? s->gate : "";
}

/* ---- the modes ---------------------------------------------------------------------------- */

/* supersede, terminate: the older releases still pending in `env` and at rest are aborted; in terminate,
 * the one running there too at its safe point (else *wait names it). *newer: a newer release open there. */
static int supersede(queue_state *q, const promote_release *r, const char *env, int64_t now,
	const promote_release **wait, const promote_release **newer)
{
	*wait = *newer = NULL;
	char *why = promote__strdupf("superseded by %s", r->id);
	int rc = why ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < q->peers.count; i++) {
		promote_release *p = q->peers.items[i];
		if (!open_in(p, env))
			continue;
		if (promote__release_order(p, r) > 0)
			*newer = *newer ? *newer : p;
		else if (pending_in(p, env) && quiescent(p))
			rc = abort_peer(p, why);
		else if (!pending_in(p, env) && q->mode == PROMOTE__CONCURRENCY_TERMINATE) {
			if (at_safe_point(p, q->owner, now))
				rc = abort_peer(p, why);
			else
				*wait = p;
		}
	}
	free(why);
	return rc;
}

/* queue: the release waits for the one running in `env` (whatever its age: it holds the lease) and for
 * every older one pending there; *ahead the first it waits for, *position its place among the waiting. */
static const promote_release *queue_place(const queue_state *q, const promote_release *r, const char *env,
	size_t *position)
{
	const promote_release *running = NULL, *first = NULL;
	*position = 1;
	for (size_t i = 0; i < q->peers.count; i++) {
		const promote_release *p = q->peers.items[i];
		if (!open_in(p, env))
			continue;
		if (!pending_in(p, env))
			running = running ? running : p;
		else if (promote__release_order(p, r) < 0) {
			first = first ? first : p;
			(*position)++;
		}
	}
	return running ? running : first;
}

/* More than queueLimit wait in `env` (this release among them): the oldest waiting ones are aborted. */
static int trim_queue(queue_state *q, const promote_release *r, const char *env)
{
	size_t waiting = 1;
	for (size_t i = 0; i < q->peers.count; i++)
		waiting += pending_in(q->peers.items[i], env) && strcmp(gate_in(q->peers.items[i], env), "queue") == 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && waiting > q->limit && i < q->peers.count; i++) {
		promote_release *p = q->peers.items[i];
		if (!pending_in(p, env) || strcmp(gate_in(p, env), "queue") != 0 || promote__release_order(p, r) > 0)
			continue;
		rc = abort_peer(p, "queue full");
		waiting--;
	}
	return rc;
}

/* supersede, terminate: whether the step may go on to the lease (else the verdict says why not). */
static int give_way(queue_state *q, const promote_release *r, const char *env, int64_t now, promote__verdict *v)
{
	const promote_release *running = NULL, *newer = NULL;
	int rc = supersede(q, r, env, now, &running, &newer);
	if (rc == 0 && newer && quiescent(r)) {
		/* An older release that finds a newer one there gives way to it. */
		char *why = promote__strdupf("superseded by %s", newer->id);
		rc = why ? abort_release(r->ctx, r->id, why) : promote__error_oom();
		if (rc == 0)
			return wait_because(v, why);
		free(why);
	} else if (rc == 0 && newer) {
		rc = wait_because(v, promote__strdupf("superseded by %s: stops once its steps in progress are done",
			newer->id));
	} else if (rc == 0 && running) {
		v->retry_at = now + 1;
		rc = wait_because(v, promote__strdupf("stopping %s at its next safe point (position 1)", running->id));
	}
	return rc;
}

static int queue_check(void *state, const promote_release *r, const promote_release_step *s, int64_t now,
	promote__verdict *v)
{
	queue_state *q = state;
	const char *env = s->environment;
	int rc = 0;
	if (q->mode != PROMOTE__CONCURRENCY_QUEUE) {
		if ((rc = give_way(q, r, env, now, v)) || !v->admitted)
			return rc;
	} else {
		size_t position = 1;
		const promote_release *ahead = queue_place(q, r, env, &position);
		if (ahead && (rc = trim_queue(q, r, env)) == 0)
			ahead = queue_place(q, r, env, &position); /* perhaps without the ones the queue let go */
		if (rc || ahead)
			return rc ? rc : wait_because(v, promote__strdupf("queued behind %s (position %zu)", ahead->id, position));
	}
	char *holder = NULL;
	if ((rc = promote__lease_take(&holder, r, env)) == 0 && holder)
		rc = wait_because(v, promote__strdupf("queued behind %s (position 1)", holder));
	free(holder);
	return rc;
}

const promote__gate promote__gate_queue = { "queue", false, queue_load, queue_dispose, queue_check };
