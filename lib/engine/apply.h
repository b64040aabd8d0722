/* Internal: applying plans — one promotion, or several written together. */
#ifndef PROMOTE_ENGINE_APPLY_H
#define PROMOTE_ENGINE_APPLY_H

#include "plan/plan.h"

/*
 * promote_plan_apply() for `count` plans of one product into environments
 * on one branch with one action, written together: one commit holding the
 * edits of all of them ("Promote shop 1.4.0 to qa, staging", a
 * Promote-Environment trailer per environment), or one change branch
 * promote/RELEASE/qa+staging and one change request. Every plan is computed
 * again when the branch moved. Each plan's change id is set.
 * `later`: over a remote, a commit is not pushed but kept in the session
 * (promote__git_session_publish_later()), pushed by the caller's next flush
 * together with the record that says it was made.
 */
int promote__plans_apply(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later);

/* Nothing to write on `branch`: a lock a killed run left on it after its
 * update is removed (what applying an empty plan does). */
int promote__apply_settle(promote_context *ctx, const char *branch);

/*
 * Plans of several products written together into one environment (a
 * sync): what they say about themselves instead of "Promote PRODUCT
 * VERSION to ENV", and how they are computed again when the branch moved
 * (in order, each on what the ones before it left: they may share a file).
 */
typedef struct promote__apply_group {
	/* The commit message; its first line is the change request's title, the
	 * whole its body. Made again after every replan. */
	int (*message)(promote_buf *out, void *self, const char *release);
	/* Compute every plan again on the branches' current tips. */
	int (*replan)(void *self, const promote__tree_reader *reader);
	const char *branch;          /* the change branch of action pull-request */
	const char *const *labels;   /* the change request's labels */
	size_t label_count;
	void *self;
} promote__apply_group;

/* promote__plans_apply() of a group: the plans may be of different products
 * (one target branch and action still), and a file several of them edit is
 * written once, as the last one left it. */
int promote__group_apply(promote_buf *commit, int *outcome, promote_plan *const *plans, size_t count,
	const promote_apply_options *opts, bool later, const promote__apply_group *group);

#endif
