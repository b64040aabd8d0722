/*
 * One step's transitions: from pre-checks to the action (a commit, or a
 * change request that waits for its approval and merge), the deploy and the
 * post-checks. Steps of one group (written together) move together: the
 * group's effect is made once, when none of them is still checking.
 */
#include "release_machine.h"
#include "providers/change.h"

#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* ---- groups ---------------------------------------------------------------- */

/* The steps written with `env` (its group, or itself) that are in `state`; *blocked when one of the
 * group has not reached it yet (still checking). */
static int members(const char ***out, size_t *count, bool *blocked, promote_release *r, const char *env, int state)
{
	const promote_release_step *self = promote__release_step(r, env);
	*out = calloc(r->step_count ? r->step_count : 1, sizeof **out);
	*count = 0;
	*blocked = false;
	if (!*out)
		return promote__error_oom();
	if (!self->group || !*self->group) {
		(*out)[(*count)++] = self->environment;
		return 0;
	}
	for (size_t i = 0; i < r->step_count; i++) {
		const promote_release_step *s = &r->steps[i];
		if (!s->group || strcmp(s->group, self->group) != 0)
			continue;
		if (s->state == state)
			(*out)[(*count)++] = s->environment;
		else if (s->state == PROMOTE_STEP_PENDING || s->state == PROMOTE_STEP_PRE_CHECK)
			*blocked = true;
	}
	return 0;
}

/* Copies of the members' names: a record re-read frees the old ones. */
static char **copy_names(const char **names, size_t count)
{
	char **copy = calloc(count ? count : 1, sizeof *copy);
	for (size_t i = 0; copy && i < count; i++)
		if (!(copy[i] = strdup(names[i]))) {
			for (size_t j = 0; j < i; j++)
				free(copy[j]);
			free(copy);
			return NULL;
		}
	return copy;
}

static void free_names(char **names, size_t count)
{
	for (size_t i = 0; names && i < count; i++)
		free(names[i]);
	free(names);
}

/* ---- the action ------------------------------------------------------------ */

/* The commit kept by the effect, pushed with the claim and the record that names it: both land or
 * neither does. *lost: another process moved the record or the branch first — nothing of this poll
 * landed, the release is read again from theirs and the step made again from there (found by its
 * trailers, when theirs made it). */
static int land(promote_release *r, bool *lost, promote__poll_state *ps)
{
	int rc = promote__release_flush_or_batch(r, lost);
	if (rc == 0 && *lost)
		ps->progressed = true;
	return rc;
}

/* The group's commit or change request: made (or adopted) once, recorded for every member. */
static int promote_group(promote_release *r, const char *env, promote__poll_state *ps)
{
	const char **found = NULL;
	size_t count = 0;
	bool blocked = false, claimed = false;
	int rc = members(&found, &count, &blocked, r, env, PROMOTE_STEP_PROMOTING);
	char **envs = rc == 0 ? copy_names(found, count) : NULL;
	free(found);
	if (rc == 0 && !envs)
		rc = promote__error_oom();
	if (rc || blocked || count == 0 || strcmp(envs[0], env) != 0) /* the group's first member acts for it */
		goto done;
	/* A change request is made at a forge: claimed (pushed) first. A commit stays in the repository: its
	 * claim, the commit and the record that names it are pushed together, after it is made. */
	bool commit = promote__release_step(r, env)->action != PROMOTE_ACTION_PULL_REQUEST;
	if ((rc = (commit ? promote__claim_later : promote__claim)(r, (const char *const *)envs, count,
		     PROMOTE_STEP_PROMOTING, &claimed, ps)) || !claimed)
		goto done;
	promote__effect e;
	int made;
	while ((made = promote__effect_make(&e, r, (const char *const *)envs, count)) && e.failed && count > 1) {
		/* One step of the group cannot be planned: it fails alone, the others go on. */
		size_t bad = e.failed - 1;
		if ((rc = promote__release_effect_failed(r, (const char *const *)&envs[bad], 1, made, ps)))
			goto done;
		free(envs[bad]);
		memmove(&envs[bad], &envs[bad + 1], (count - bad - 1) * sizeof *envs);
		count--;
	}
	if (made) {
		promote__effect_forget(r);
		rc = promote__release_effect_failed(r, (const char *const *)envs, count, made, ps);
		goto done;
	}
	const promote_release_step *first = promote__release_step(r, envs[0]);
	bool manual = first->strategy == PROMOTE_STRATEGY_MANUAL;
	int to = e.landed ? promote__step_after_landing(r->ctx, first)
		: manual && first->approval_count == 0 ? PROMOTE_STEP_AWAITING_APPROVAL : PROMOTE_STEP_AWAITING_MERGE;
	char *reason = to == PROMOTE_STEP_AWAITING_APPROVAL ? promote__step_approval_reason(r, first, e.change, 0)
		: to == PROMOTE_STEP_AWAITING_MERGE ? promote__strdupf("waiting for change %s to merge", e.change) : NULL;
	promote__step_result a = { (const char *const *)envs, count, PROMOTE_STEP_PROMOTING, to, reason, e.commit ? e.commit : "",
		e.change, e.head, NULL, NULL, false };
	rc = (to == PROMOTE_STEP_AWAITING_APPROVAL || to == PROMOTE_STEP_AWAITING_MERGE) && !reason
		? promote__error_oom() : promote__step_record(r, &a, e.landed ? "Commit" : "Open change");
	bool lost = false;
	if (rc == 0 && a.moved && e.kept)
		rc = land(r, &lost, ps);
	else if (e.kept)
		promote__effect_forget(r); /* not recorded: not pushed either */
	if (rc == 0 && a.moved && !lost) {
		ps->progressed = true;
		rc = promote__step_tell(r, (const char *const *)envs, count,
			e.change ? PROMOTE_RELEASE_EVENT_CHANGE_OPENED : e.commit ? PROMOTE_RELEASE_EVENT_COMMITTED : 0);
	}
	free(reason);
	promote__effect_dispose(&e);
done:
	free_names(envs, count);
	return rc;
}

/* A change request's state, for the steps waiting on it. */
static int read_change(promote_change_info **info, promote_release *r, const promote_release_step *s,
	const char *const *envs, size_t count, promote__poll_state *ps)
{
	int rc = promote_change_get(info, r->ctx, promote__effect_provider(r->ctx, s->environment), s->change);
	if (rc && rc != PROMOTE_EUSER)
		return promote__release_effect_failed(r, envs, count, rc, ps);
	return rc;
}

/* The change of the steps `envs` (all in `from`) was merged by someone else: at the provider (it says
 * merged), or with git outside it (its head is on the base branch already). That merge is recorded as the
 * steps' own (*adopted; also when another process recorded it first). */
static int adopt_merge(promote_release *r, const char *const *envs, size_t count, int from,
	const promote_change_info *info, bool *adopted, promote__poll_state *ps)
{
	const promote_release_step *s = promote__release_step(r, envs[0]);
	char *outside = NULL;
	const char *merge_commit = NULL;
	int rc = 0, state = promote_change_info_state(info);
	*adopted = false;
	if (state == PROMOTE_CHANGE_MERGED)
		merge_commit = promote_change_info_merge_commit(info);
	else if (state == PROMOTE_CHANGE_OPEN &&
		 (rc = promote__effect_merged_outside(&outside, r, promote_change_info_base(info), s->head)) == 0)
		merge_commit = outside;
	if (rc || !merge_commit) {
		free(outside);
		return rc;
	}
	promote__step_result a = { envs, count, from, promote__step_after_landing(r->ctx, s), "", NULL, NULL, NULL,
		merge_commit, NULL, false };
	rc = promote__step_record(r, &a, "Merged by someone else");
	*adopted = rc == 0;
	if (rc == 0 && a.moved) {
		ps->progressed = true;
		rc = promote__step_tell(r, envs, count, PROMOTE_RELEASE_EVENT_CHANGE_MERGED);
	}
	free(outside);
	return rc;
}

/* The change of the steps `envs` was closed without merging by someone else: they fail, naming it. */
static int closed_change(promote_release *r, const char *const *envs, size_t count, const char *change)
{
	char *message = promote__strdupf("change %s was closed without merging", change);
	int rc = message ? promote__steps_fail(r, envs, count, message) : promote__error_oom();
	free(message);
	return rc;
}

/* Manual: the approval recorded (promote_release_approve()) or given at the provider. */
static int await_approval(promote_release *r, const char *env, promote__poll_state *ps)
{
	const promote_release_step *s = promote__release_step(r, env);
	bool moved = false;
	if (s->action != PROMOTE_ACTION_PULL_REQUEST || !s->change || !*s->change)
		return s->approval_count ? promote__step_move(r, env, PROMOTE_STEP_AWAITING_APPROVAL, PROMOTE_STEP_PROMOTING,
						   "approved", &moved)
					 : 0;
	const char *envs[] = { env };
	promote_change_info *info = NULL;
	int rc = read_change(&info, r, s, envs, 1, ps);
	if (rc || !info)
		return rc;
	unsigned approvals = promote_change_info_approvals(info);
	int state = promote_change_info_state(info);
	bool adopted = false;
	if (state == PROMOTE_CHANGE_CLOSED) {
		char *change = strdup(s->change);
		rc = change ? closed_change(r, envs, 1, change) : promote__error_oom();
		free(change);
		ps->progressed = true;
	} else if ((rc = adopt_merge(r, envs, 1, PROMOTE_STEP_AWAITING_APPROVAL, info, &adopted, ps)) || adopted) {
		/* merged by someone else: adopted */
	} else if (approvals > 0 && !promote_change_info_draft(info)) {
		char *reason = promote__strdupf("waiting for change %s to merge", s->change);
		rc = reason ? promote__step_move(r, env, PROMOTE_STEP_AWAITING_APPROVAL, PROMOTE_STEP_AWAITING_MERGE, reason,
				      &moved)
			    : promote__error_oom();
		free(reason);
		ps->progressed |= moved;
	} else if (s->approval_count && promote_change_info_draft(info)) {
		/* Approved in the record, not yet at the provider (the approving process died between). */
		promote_change_info *approved = NULL;
		rc = promote_change_approve(&approved, r->ctx, promote__effect_provider(r->ctx, env), s->change,
			s->approvals[0].by);
		if (rc == 0)
			promote__fault_point("(change approved)");
		promote_change_info_free(approved);
		if (rc && rc != PROMOTE_EUSER)
			rc = promote__release_effect_failed(r, envs, 1, rc, ps);
		else
			promote__poll_soon(ps, 0);
	}
	promote_change_info_free(info);
	return rc;
}

/* The merge of the steps `envs`' change refused as "not yet" (PROMOTE_EBUSY, its message the last error) may
 * have handed it to the forge's own merge (GitHub's auto-merge or merge queue, GitLab's merge when pipeline
 * succeeds): the change read again, one the forge holds now makes the steps wait with its reason (*held),
 * no retry spent; else the merge's error is the last one again. */
static int forge_took(promote_release *r, const char *const *envs, size_t count, const char *change, bool *held,
	promote__poll_state *ps)
{
	*held = false;
	char *said = strdup(promote_error_last()->message), *message = NULL;
	promote_change_info *again = NULL;
	if (!said)
		return promote__error_oom();
	int rc = promote_change_get(&again, r->ctx, promote__effect_provider(r->ctx, envs[0]), change);
	if (rc == 0 && *promote_change_info_waiting(again)) {
		*held = true;
		message = promote__strdupf("change %s: %s", change, promote_change_info_waiting(again));
		promote__step_result a = { envs, count, PROMOTE_STEP_AWAITING_MERGE, PROMOTE_STEP_AWAITING_MERGE, message,
			NULL, NULL, NULL, NULL, NULL, false };
		rc = message ? promote__step_record(r, &a, "Handed to the forge") : promote__error_oom();
		ps->progressed |= rc == 0 && a.moved;
		promote__poll_soon(ps, PROMOTE__POLL_MS);
	} else {
		rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER, "%s", said);
	}
	promote_change_info_free(again);
	free(message);
	free(said);
	return *held ? rc : 0;
}

/* A change request: merged when its checks pass (or it has none) and it is approved or no draft. */
static int await_merge(promote_release *r, const char *env, promote__poll_state *ps)
{
	const char **found = NULL;
	size_t count = 0;
	bool blocked = false, claimed = false, adopted = false;
	int rc = members(&found, &count, &blocked, r, env, PROMOTE_STEP_AWAITING_MERGE);
	char **envs = rc == 0 ? copy_names(found, count) : NULL;
	free(found);
	if (rc == 0 && !envs)
		rc = promote__error_oom();
	if (rc || count == 0 || strcmp(envs[0], env) != 0)
		goto done;
	const char *const *names = (const char *const *)envs;
	const promote_release_step *s = promote__release_step(r, env);
	char *change = strdup(s->change);
	promote_change_info *info = NULL;
	if (!change)
		rc = promote__error_oom();
	if (rc == 0)
		rc = read_change(&info, r, s, names, count, ps);
	char *message = NULL;
	int state = info ? promote_change_info_state(info) : -1, checks = info ? promote_change_info_checks(info) : 0;
	if (rc || !info) {
		/* failed and recorded, or an error */
	} else if (state == PROMOTE_CHANGE_CLOSED) {
		rc = closed_change(r, names, count, change);
	} else if ((rc = adopt_merge(r, names, count, PROMOTE_STEP_AWAITING_MERGE, info, &adopted, ps)) || adopted) {
		/* merged by someone else: adopted */
	} else if (state == PROMOTE_CHANGE_OPEN && checks == PROMOTE_CHECKS_FAILING) {
		message = info->checks_why ? promote__strdupf("checks failing on change %s: %s", change, info->checks_why)
					   : promote__strdupf("checks failing on change %s", change);
		rc = message ? promote__steps_fail(r, names, count, message) : promote__error_oom();
	} else if (state == PROMOTE_CHANGE_OPEN && ((checks == PROMOTE_CHECKS_PENDING && !info->hand_over) ||
							 *promote_change_info_waiting(info))) {
		/* Checks still running, or the forge itself holds the change (auto-merge, a merge queue):
		 * the forge's merge is adopted when it comes. A change the forge would take now while its checks
		 * run (hand_over: GitLab's merge when pipeline succeeds) goes on to the merge, which hands it over. */
		message = *promote_change_info_waiting(info) ?
			promote__strdupf("change %s: %s", change, promote_change_info_waiting(info)) :
			promote__strdupf("checks pending on change %s", change);
		bool moved = false;
		if (message && strcmp(s->reason ? s->reason : "", message) != 0)
			rc = promote__step_move(r, env, PROMOTE_STEP_AWAITING_MERGE, PROMOTE_STEP_AWAITING_MERGE, message, &moved);
		else if (!message)
			rc = promote__error_oom();
		promote__poll_soon(ps, PROMOTE__POLL_MS);
	} else if (state == PROMOTE_CHANGE_OPEN && promote_change_info_draft(info) &&
		   !promote_change_info_approvals(info)) {
		promote__poll_soon(ps, PROMOTE__POLL_MS); /* a person's turn at the provider */
	} else {
		promote_change_info *merged = NULL;
		if (state == PROMOTE_CHANGE_OPEN) {
			if ((rc = promote__claim(r, names, count, PROMOTE_STEP_AWAITING_MERGE, &claimed, ps)) || !claimed)
				goto merged_done;
			int made = promote_change_merge(&merged, r->ctx, promote__effect_provider(r->ctx, env), change);
			bool held = false;
			if (made == PROMOTE_EBUSY && ((rc = forge_took(r, names, count, change, &held, ps)) || held))
				goto merged_done;
			if (made) {
				rc = promote__release_effect_failed(r, names, count, made, ps);
				goto merged_done;
			}
			promote__fault_point("(change merged)"); /* a test build may die here: merged, not recorded */
		}
		const char *merge_commit = promote_change_info_merge_commit(merged ? merged : info);
		const promote_release_step *first = promote__release_step(r, env);
		promote__step_result a = { names, count, PROMOTE_STEP_AWAITING_MERGE, promote__step_after_landing(r->ctx, first), "",
			NULL, NULL, NULL, merge_commit, NULL, false };
		rc = promote__step_record(r, &a, "Merge");
		if (rc == 0 && a.moved) {
			ps->progressed = true;
			rc = promote__step_tell(r, names, count, PROMOTE_RELEASE_EVENT_CHANGE_MERGED);
		}
merged_done:
		promote_change_info_free(merged);
	}
	free(message);
	free(change);
	promote_change_info_free(info);
done:
	free_names(envs, count);
	return rc;
}

/* Where a step goes once its pre-checks passed (or it has none). */
static int action_state(const promote_release_step *s)
{
	return s->strategy == PROMOTE_STRATEGY_MANUAL && s->action != PROMOTE_ACTION_PULL_REQUEST && !s->approval_count
		? PROMOTE_STEP_AWAITING_APPROVAL : PROMOTE_STEP_PROMOTING;
}

int promote__step_advance(promote_release *r, const char *env, promote__poll_state *ps)
{
	const promote_release_step *s = promote__release_step(r, env);
	if (!s)
		return 0;
	bool done = false, moved = false;
	int rc = 0;
	switch (s->state) {
	case PROMOTE_STEP_PRE_CHECK:
		if ((rc = promote__checks_advance(r, env, false, &done, ps)) == 0 && done) {
			s = promote__release_step(r, env);
			int to = action_state(s);
			char *reason = to == PROMOTE_STEP_AWAITING_APPROVAL ? promote__step_approval_reason(r, s, NULL, 0) : NULL;
			rc = to == PROMOTE_STEP_AWAITING_APPROVAL && !reason ? promote__error_oom()
				: promote__step_move(r, env, PROMOTE_STEP_PRE_CHECK, to, reason, &moved);
			free(reason);
		}
		break;
	case PROMOTE_STEP_PROMOTING:
		return promote_group(r, env, ps);
	case PROMOTE_STEP_AWAITING_APPROVAL:
		return await_approval(r, env, ps);
	case PROMOTE_STEP_AWAITING_MERGE:
		return await_merge(r, env, ps);
	case PROMOTE_STEP_DEPLOYING:
		if ((rc = promote__deploy_advance(r, env, &done, ps)) == 0 && done) {
			s = promote__release_step(r, env);
			int to = s->post_count ? PROMOTE_STEP_POST_CHECK : PROMOTE_STEP_SUCCEEDED;
			const char *envs[] = { env };
			promote__step_result a = { envs, 1, PROMOTE_STEP_DEPLOYING, to, "", NULL, NULL, NULL, NULL, NULL, false };
			rc = promote__step_record(r, &a, "Deployed");
			moved = rc == 0 && a.moved;
			if (moved)
				rc = promote__step_tell(r, envs, 1, PROMOTE_RELEASE_EVENT_DEPLOYED);
		}
		break;
	case PROMOTE_STEP_POST_CHECK:
		if ((rc = promote__checks_advance(r, env, true, &done, ps)) == 0 && done)
			rc = promote__step_move(r, env, PROMOTE_STEP_POST_CHECK, PROMOTE_STEP_SUCCEEDED, "", &moved);
		break;
	default:
		break;
	}
	ps->progressed |= moved;
	return rc;
}

/* The step's first transition, once every step it depends on succeeded. */
int promote__step_first_state(const promote_release_step *s)
{
	return s->pre_count ? PROMOTE_STEP_PRE_CHECK : action_state(s);
}
