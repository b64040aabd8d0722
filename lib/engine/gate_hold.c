/*
 * The hold gate: an automatic step into an environment that is held (as a
 * whole, or for the release's product), or where a rollback pinned the
 * product, stays pending — "held by alice: incident 42", "pinned at 1.3.2
 * by rollback shop-1.3.2-1a2b3c" — until a person lifts it (unhold). A
 * one-step release (flow "manual": apply, rollback) is a person's explicit
 * promotion and goes through. The holds are read once per poll, from the
 * repository session (fetched at the poll's start).
 */
#include "release_admit.h"
#include "holds.h"

#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static int load(void **state, promote_release *r)
{
	promote__holds *holds = calloc(1, sizeof *holds);
	if (!holds)
		return promote__error_oom();
	int rc = promote__holds_read(holds, r->ctx);
	if (rc) {
		free(holds);
		return rc;
	}
	*state = holds;
	return 0;
}

static void dispose(void *state)
{
	promote__holds_dispose(state);
	free(state);
}

static int check(void *state, const promote_release *r, const promote_release_step *s, int64_t now,
	promote__verdict *v)
{
	(void)now;
	if (strcmp(r->flow, "manual") == 0)
		return 0;
	const struct promote_hold *h = promote__holds_match(state, s->environment, r->product);
	if (!h)
		return 0;
	v->admitted = false;
	v->reason = h->kind == PROMOTE_HOLD_PIN
		? promote__strdupf("pinned at %s by rollback %s", h->version, h->release ? h->release : "")
		: promote__strdupf("held by %s: %s", h->by ? h->by : "someone", h->reason ? h->reason : "");
	return v->reason ? 0 : promote__error_oom();
}

const promote__gate promote__gate_hold = { "hold", true, load, dispose, check };
