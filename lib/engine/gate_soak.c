/*
 * The soak gate: a flow step with `soak: 30m` lets the steps that depend on
 * it start only once the version has been in its environment, deployed and
 * healthy, for that long. The time counts from the step's success (its
 * `finished`: the change landed, the deploy was healthy and the post-checks
 * passed), which the record keeps: a process that restarts, or another one
 * that takes the release over, waits only for what is left. The wait is for
 * time alone, so the gate says when it ends and the poll comes back then.
 */
#include "release_admit.h"
#include "release_machine.h"
#include "release_peers.h"

#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long the flow's step into `env` soaks (0: none, or no such step). */
static uint32_t soak_of(const promote_release *r, const char *env)
{
	const promote_flow *flow = NULL;
	const promote_flow_step *step = NULL;
	uint32_t soak = 0;
	if (promote_flow_lookup(&flow, r->ctx, r->flow) == 0 && promote_flow_step_lookup(&step, flow, env) == 0)
		soak = step->soak_s;
	promote_error_clear();
	return soak;
}

/* "14:05 UTC" on the day of `now`, else "2026-12-06 14:05 UTC"; seconds when there are any. */
static char *when(int64_t at, int64_t now)
{
	time_t t = (time_t)at, n = (time_t)now;
	struct tm tm, today;
	char text[64];
	if (!gmtime_r(&t, &tm) || !gmtime_r(&n, &today))
		return promote__strdupf("%lld", (long long)at);
	bool same_day = tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday;
	strftime(text, sizeof text, same_day ? (tm.tm_sec ? "%H:%M:%S UTC" : "%H:%M UTC")
		: (tm.tm_sec ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%d %H:%M UTC"), &tm);
	return strdup(text);
}

static int soak_check(void *state, const promote_release *r, const promote_release_step *s, int64_t now,
	promote__verdict *v)
{
	(void)state;
	const char *env = NULL;
	int64_t until = 0;
	for (size_t d = 0; d < s->depends_count; d++) {
		const promote_release_step *dep = promote__release_step_in(r, s->depends_on[d]);
		if (!dep || dep->state != PROMOTE_STEP_SUCCEEDED || !dep->finished)
			continue; /* the trigger */
		uint32_t soak = soak_of(r, dep->environment);
		if (soak && dep->finished + (int64_t)soak > now && dep->finished + (int64_t)soak > until) {
			until = dep->finished + (int64_t)soak;
			env = dep->environment;
		}
	}
	if (!env)
		return 0;
	char *at = when(until, now);
	v->admitted = false;
	v->retry_at = until;
	v->reason = at ? promote__strdupf("soaking in %s until %s", env, at) : NULL;
	free(at);
	return v->reason ? 0 : promote__error_oom();
}

const promote__gate promote__gate_soak = { "soak", false, NULL, NULL, soak_check };
