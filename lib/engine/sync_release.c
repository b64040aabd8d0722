/*
 * A sync as a release (sync.h): a record of flow "sync" with one step into
 * the target, fixed when it starts — the source's commit it reads, the
 * products it writes, the policy (the action the sync decided, and the pre-
 * and post-action checks of every product it writes) — and advanced by the
 * release machine like any other step: checks, approval, the one change,
 * the deploy. The step's write is the sync planned again from the recorded
 * commit, or, in the process that started it, the very sync it was given.
 */
#include "release_machine.h"
#include "release_peers.h"
#include "release_lease.h"
#include "sync_model.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- the policy of the step ---------------------------------------------- */

/* Add `name` to the list unless it holds it already (first appearance keeps its place). */
static int add_unique(char ***list, size_t *count, const char *name)
{
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*list)[i], name) == 0)
			return 0;
	char **grown = realloc(*list, (*count + 1) * sizeof **list);
	if (!grown)
		return promote__error_oom();
	*list = grown;
	if (!(grown[*count] = strdup(name)))
		return promote__error_oom();
	(*count)++;
	return 0;
}

/* The flow whose policies apply into `to`: the default flow when `to` is a step of it. */
static const char *policy_flow(promote_context *ctx, const char *to)
{
	const promote_flow *flow = NULL;
	const promote_flow_step *step = NULL;
	const char *name = promote_flow_lookup(&flow, ctx, NULL) == 0 && promote_flow_step_lookup(&step, flow, to) == 0
		? promote_flow_name(flow) : NULL;
	promote_error_clear();
	return name;
}

/* Every check the effective policy of a written product runs, once each, in order of appearance. */
static int checks_of(promote_release_step *step, const promote_sync *s)
{
	const char *to = promote_env_name(s->to), *flow = policy_flow(s->ctx, to);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->written_count; i++) {
		promote_effective_policy *eff = NULL;
		rc = promote_policy_resolve(&eff, s->ctx, s->written[i]->product, to, flow);
		for (size_t j = 0; rc == 0 && j < promote_effective_policy_pre_count(eff); j++)
			rc = add_unique(&step->pre, &step->pre_count, promote_effective_policy_pre_at(eff, j));
		for (size_t j = 0; rc == 0 && j < promote_effective_policy_post_count(eff); j++)
			rc = add_unique(&step->post, &step->post_count, promote_effective_policy_post_at(eff, j));
		promote_effective_policy_free(eff);
	}
	return rc;
}

/* ---- the record ---------------------------------------------------------- */

static int record_products(promote__release_sync *rs, const promote_sync *s)
{
	if (!(rs->products = calloc(s->written_count ? s->written_count : 1, sizeof *rs->products)))
		return promote__error_oom();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < s->count; i++) {
		const promote__sync_item *item = &s->items[i];
		if (item->kind != PROMOTE_SYNC_UPDATE && item->kind != PROMOTE_SYNC_ADD)
			continue;
		promote__release_product *p = &rs->products[rs->product_count++];
		p->kind = item->kind;
		if ((rc = promote__set_string(&p->name, item->name)) == 0 &&
			(rc = promote__set_string(&p->version, item->plan->version)) == 0)
			rc = promote__set_string(&p->previous, item->previous);
	}
	return rc;
}

/* The one step: into the target from the source, as the sync decided to write it. A person asked for
 * it (as for a one-step release): a manual target gets a draft change request that waits for approval. */
static int fill(promote_release *r, const promote_sync *s)
{
	const char *from = promote_env_name(s->from), *to = promote_env_name(s->to);
	if (!(r->steps = calloc(1, sizeof *r->steps)) || !(r->sync = calloc(1, sizeof *r->sync)))
		return promote__error_oom();
	r->step_count = 1;
	promote_release_step *step = &r->steps[0];
	step->state = PROMOTE_STEP_PENDING;
	step->action = s->action;
	step->strategy = promote_env_strategy(s->to) == PROMOTE_STRATEGY_MANUAL && s->action == PROMOTE_ACTION_PULL_REQUEST
		? PROMOTE_STRATEGY_MANUAL : PROMOTE_STRATEGY_AUTO;
	r->sync->update_only = s->update_only;
	r->group = false;
	r->timeout_s = PROMOTE__RELEASE_TIMEOUT_DEFAULT;
	int rc = promote__set_string(&step->environment, to);
	if (rc == 0)
		rc = promote__set_string(&step->from, from);
	if (rc == 0 && (!(step->depends_on = calloc(1, sizeof *step->depends_on)) ||
			       !(step->depends_on[0] = strdup(from))))
		rc = promote__error_oom();
	step->depends_count = step->depends_on && step->depends_on[0] ? 1 : 0;
	if (rc == 0)
		rc = promote__release_step_blank(step);
	if (rc == 0)
		rc = checks_of(step, s);
	if (rc == 0)
		rc = promote__set_string(&r->sync->source_commit, s->written[0]->from_commit.hex);
	if (rc == 0)
		rc = record_products(r->sync, s);
	/* Kept beside the record, written once with its creation (not with every transition). */
	if (rc == 0 && (rc = promote__set_string(&r->sync->products_file, PROMOTE__RELEASE_PRODUCTS_FILE)) == 0)
		r->sync->products_read = true;
	r->sync->filters = calloc(s->filter_count ? s->filter_count : 1, sizeof *r->sync->filters);
	for (size_t i = 0; rc == 0 && i < s->filter_count; i++)
		if (!r->sync->filters || !(r->sync->filters[r->sync->filter_count++] = strdup(s->filters[i])))
			rc = promote__error_oom();
	if (rc == 0 && (rc = promote__set_string(&r->flow, "sync")) == 0 && (rc = promote__set_string(&r->product, "")) == 0 &&
		(rc = promote__set_string(&r->version, "")) == 0)
		rc = promote__set_string(&r->trigger, from);
	char *id = NULL;
	if (rc == 0 && (rc = promote__release_make_id(&id, "sync", to)) == 0)
		rc = promote__set_string(&r->id, id);
	free(id);
	return rc;
}

/* The same request: the same filters, in the same order. */
static bool same_request(const promote__release_sync *r, const promote_sync *s)
{
	if (r->filter_count != s->filter_count)
		return false;
	for (size_t i = 0; i < r->filter_count; i++)
		if (strcmp(r->filters[i], s->filters[i]) != 0)
			return false;
	return true;
}

/* An unfinished release of the same sync — from the same source into the same target, asked with the same
 * filters — by id (*id NULL: none). */
static int find_open(char **id, promote_release *self, const promote_sync *s)
{
	*id = NULL;
	const char *from = promote_env_name(s->from), *to = promote_env_name(s->to);
	promote__peers peers;
	int rc = promote__peers_load(&peers, self);
	for (size_t i = 0; rc == 0 && !*id && i < peers.count; i++) {
		const promote_release *p = peers.items[i];
		if (p->sync && p->step_count == 1 && strcmp(p->steps[0].environment, to) == 0 &&
			strcmp(p->steps[0].from, from) == 0 && same_request(p->sync, s) && !(*id = strdup(p->id)))
			rc = promote__error_oom();
	}
	promote__peers_dispose(&peers);
	return rc;
}

/* The release writes `s` itself when its step's turn comes in this process (no second planning of
 * every product), read from the recorded commit of the source whenever it is planned again. */
static void prepare(promote_release *r, promote_sync *s)
{
	for (size_t i = 0; i < s->written_count; i++)
		s->written[i]->source_pin = s->written[i]->from_commit;
	s->source_pin = s->written[0]->from_commit;
	s->refs++;
	r->prepared_sync = s;
}

int promote_sync_release(promote_release **out, promote_sync *s, const promote_release_options *opts)
{
	if (!out || !s)
		return promote__error_arg(__func__, !out ? "out" : "sync");
	*out = NULL;
	promote_release_options o;
	promote_release *r = NULL;
	int rc = promote__release_begin(&r, &o, s->ctx, opts, promote_env_name(s->to));
	/* Not yet a release (no id): one whose peers are the syncs. */
	if (rc == 0 && !(r->sync = calloc(1, sizeof *r->sync)))
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote__set_string(&r->id, "");
	char *open_id = NULL;
	if (rc == 0)
		rc = find_open(&open_id, r, s);
	if (rc == 0 && open_id) {
		/* Begun already (and perhaps written): that release goes on; no second one. */
		promote_release_free(r);
		r = NULL;
		rc = promote_release_open(&r, s->ctx, open_id, opts);
	} else if (rc == 0 && (s->action == PROMOTE_ACTION_NONE || s->written_count == 0)) {
		promote_release_free(r); /* nothing to write: no release, and no lock of an earlier one's lease left */
		r = NULL;
		rc = promote__lease_settle(s->ctx, "sync", promote_env_name(s->to));
	} else if (rc == 0) {
		free(r->sync);
		r->sync = NULL;
		if ((rc = fill(r, s)) == 0)
			rc = promote__release_create(r, "Start sync");
		if (rc == 0)
			prepare(r, s);
	}
	free(open_id);
	if (rc) {
		promote_release_free(r);
		return rc;
	}
	*out = r;
	return 0;
}
