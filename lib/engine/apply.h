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

#endif
