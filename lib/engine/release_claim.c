/*
 * Claims: before a side effect a step is claimed — its claim field names
 * this process and release handle ("host:pid:nonce") — by a transition of
 * its own. A process that loses that compare-and-swap re-reads the record
 * and, seeing a live claim by someone else, does not act. A claim is live
 * for a lease of a few minutes, unless its owner is on this host and its
 * process is gone (killed between the claim and the record): then the next
 * process takes the step over and adopts whatever the dead one made. An
 * owner whose side effect takes longer than a lease (a check that runs for
 * many minutes) renews its claim while it waits for it.
 */
#include "release_machine.h"

#include "core/backoff.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void host_name(char *out, size_t size)
{
	if (gethostname(out, size) != 0)
		snprintf(out, size, "localhost");
	out[size - 1] = '\0';
	for (char *p = out; *p; p++)
		if (*p == ':')
			*p = '_';
}

int promote__claim_owner(char **out, const promote_release *r)
{
	/* The nonce tells apart two handles of one process (two contexts). */
	static uint64_t process_seed;
	if (!process_seed)
		process_seed = promote__backoff_seed(&process_seed) | 1u;
	char host[256];
	host_name(host, sizeof host);
	uint64_t nonce = process_seed ^ ((uint64_t)(uintptr_t)r * 0x9e3779b97f4a7c15ull);
	*out = promote__strdupf("%s:%ld:%08x", host, (long)getpid(), (unsigned)(nonce >> 32));
	return *out ? 0 : promote__error_oom();
}

bool promote__claim_live(const promote_release_step *step, const char *owner, int64_t now)
{
	const char *claim = step->claim ? step->claim : "";
	if (!*claim || strcmp(claim, owner) == 0)
		return false;
	if (now - step->claimed >= PROMOTE__CLAIM_LEASE_S)
		return false;
	/* "host:pid:nonce": a process of this host that is gone holds nothing. */
	char host[256];
	host_name(host, sizeof host);
	size_t n = strlen(host);
	if (strncmp(claim, host, n) == 0 && claim[n] == ':') {
		long pid = strtol(claim + n + 1, NULL, 10);
		if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			return false;
	}
	return true;
}

int promote__claim_step(promote_release_step *s, const char *owner, int64_t now)
{
	int rc = promote__set_string(&s->claim, owner);
	if (rc)
		return rc;
	s->claimed = now;
	/* An attempt of the step's action: its commit or change request made, or one of its effects tried
	 * again after a transient error (a merge too); merging the change it opened is the same attempt. */
	if (s->state == PROMOTE_STEP_PROMOTING || s->next_attempt)
		s->attempts++;
	s->next_attempt = 0;
	if (!s->started)
		s->started = now;
	return 0;
}

typedef struct claim_args {
	const char *const *envs;
	size_t count;
	int state;
	const char *owner;
	int64_t now;
	bool claimed;
	uint32_t wait_ms;  /* when the claim was refused: how long until it may be tried again */
} claim_args;

static int mutate_claim(promote_release *r, bool *changed, void *arg)
{
	claim_args *a = arg;
	a->claimed = false;
	a->wait_ms = 0;
	if (r->state == PROMOTE_RELEASE_ABORTED)
		return 0;
	for (size_t i = 0; i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		if (!s || s->state != a->state)
			return 0; /* moved on by someone else: nothing to do */
		if (promote__claim_live(s, a->owner, a->now)) {
			a->wait_ms = PROMOTE__POLL_MS;
			return 0;
		}
		/* A transient failure waits its pause before the next attempt. */
		if (s->next_attempt > a->now) {
			a->wait_ms = (uint32_t)(s->next_attempt - a->now) * 1000u;
			return 0;
		}
	}
	bool ours = true;
	for (size_t i = 0; i < a->count && ours; i++)
		ours = strcmp(promote__release_step(r, a->envs[i])->claim, a->owner) == 0;
	if (ours) {
		/* Claimed by this handle already (when the steps started): nothing to write. */
		a->claimed = true;
		return 0;
	}
	for (size_t i = 0; i < a->count; i++) {
		promote_release_step *s = promote__release_step(r, a->envs[i]);
		int rc = promote__claim_step(s, a->owner, a->now);
		if (rc)
			return rc;
	}
	a->claimed = true;
	*changed = true;
	return 0;
}

static int claim(promote_release *r, const char *const *envs, size_t count, int state, bool *claimed,
	promote__poll_state *ps, bool push)
{
	char *owner = NULL;
	int rc = promote__claim_owner(&owner, r);
	claim_args a = { envs, count, state, owner, promote__now(r->ctx), false, 0 };
	if (rc == 0)
		rc = promote__release_update_later(r, mutate_claim, &a, "Claim");
	/* The claim is the lease: it is pushed (with what this poll recorded before it) before the
	 * side effect; lost to another process, it holds nothing and the record is theirs. */
	bool lost = false;
	if (rc == 0 && a.claimed && push && (rc = promote__release_flush(r, &lost)) == 0 && lost)
		a.claimed = false;
	*claimed = rc == 0 && a.claimed;
	if (rc == 0 && (a.claimed || lost))
		ps->progressed = true;
	if (rc == 0 && a.wait_ms)
		promote__poll_soon(ps, a.wait_ms);
	free(owner);
	return rc;
}

int promote__claim(promote_release *r, const char *const *envs, size_t count, int state, bool *claimed,
	promote__poll_state *ps)
{
	return claim(r, envs, count, state, claimed, ps, true);
}

int promote__claim_later(promote_release *r, const char *const *envs, size_t count, int state, bool *claimed,
	promote__poll_state *ps)
{
	return claim(r, envs, count, state, claimed, ps, false);
}

typedef struct renew_args {
	const char *env;
	int state;
	const char *owner;
	int64_t now;
} renew_args;

static int mutate_renew(promote_release *r, bool *changed, void *arg)
{
	renew_args *a = arg;
	promote_release_step *s = promote__release_step(r, a->env);
	if (r->state == PROMOTE_RELEASE_ABORTED || !s || s->state != a->state || !s->claim ||
		strcmp(s->claim, a->owner) != 0 || a->now - s->claimed < PROMOTE__CLAIM_RENEW_S)
		return 0; /* moved on, taken over, or renewed already */
	s->claimed = a->now;
	*changed = true;
	return 0;
}

int promote__claim_renew(promote_release *r, const char *env)
{
	const promote_release_step *s = promote__release_step(r, env);
	if (!s || !s->claim || !*s->claim || promote__now(r->ctx) - s->claimed < PROMOTE__CLAIM_RENEW_S)
		return 0;
	char *owner = NULL;
	int rc = promote__claim_owner(&owner, r);
	renew_args a = { env, s->state, owner, promote__now(r->ctx) };
	if (rc == 0 && strcmp(s->claim, owner) == 0)
		rc = promote__release_update_later(r, mutate_renew, &a, "Renew claim");
	free(owner);
	return rc;
}
