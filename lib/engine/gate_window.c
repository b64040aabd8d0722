/*
 * The window gate: a step into an environment whose freeze windows close it
 * now stays pending — "prod is frozen (Fri 16:00 - Mon 08:00 UTC) until Mon
 * 08:00 UTC" — and the poll comes back when they open (retry_at). Windows
 * stop every release, a person's one-step release (apply) too; a forced
 * release (promote_release_options.force, its reason recorded in the
 * release's `forced`) goes through.
 */
#include "release_admit.h"

#include "config/schema.h"
#include "config/window.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdio.h>

static int check(void *state, const promote_release *r, const promote_release_step *s, int64_t now,
	promote__verdict *v)
{
	(void)state;
	const promote_env *env = NULL;
	if (r->forced && *r->forced)
		return 0;
	if (promote_env_lookup(&env, r->ctx, s->environment) != 0) {
		promote_error_clear(); /* an environment gone from the configuration: the step fails elsewhere */
		return 0;
	}
	const promote__window *why = NULL;
	int64_t opens = 0;
	if (!env->window_count || !promote__windows_closed(env->windows, env->window_count, now, &why, &opens))
		return 0;
	char until[64] = "no opening within two weeks";
	if (opens) {
		char when[48];
		promote__window_format(when, sizeof when, why, opens);
		snprintf(until, sizeof until, "until %s", when);
	}
	v->admitted = false;
	v->retry_at = opens;
	v->reason = why->deny
		? promote__strdupf("%s is frozen (%s %s) %s", s->environment, why->text, why->zone, until)
		: promote__strdupf("%s is closed outside its windows (%s %s) %s", s->environment, why->text, why->zone,
			until);
	return v->reason ? 0 : promote__error_oom();
}

const promote__gate promote__gate_window = { "window", false, NULL, NULL, check };
