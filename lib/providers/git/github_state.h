/*
 * Internal: what GitHub's answers say of a pull request, in the words of
 * promote/change.h — pure functions over the JSON, no calls.
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITHUB_STATE_H
#define PROMOTE_PROVIDERS_GIT_GITHUB_STATE_H

#include "core/common.h"

#include <json-c/json.h>

/* Id, URL, head and base branches, title, state (merged when `merged` or a merged_at is set),
 * draft and merge commit of a pull request ("pull-request" or "pull-request-simple") into `out`. */
int promote__github_pull_to_info(promote_change_info *out, json_object *pull, const char *id);

/* The checks of a head: the combined commit status (GET .../commits/REF/status) and the check runs
 * (GET .../commits/REF/check-runs) together — failing if any failed, else pending if any has not
 * finished, else passing if there is any, else none. GitHub answers "pending" with no status at
 * all: that is no status, not a pending one. */
int promote__github_checks(json_object *combined, json_object *runs);

/* Approvals: the latest review of each reviewer (dismissed and commented reviews do not replace an
 * earlier verdict) that is APPROVED. */
unsigned promote__github_approvals(json_object *reviews);

/* Why GitHub would not merge it now, from its mergeable_state: NULL when it would (clean,
 * unstable, has_hooks), else a sentence; *conflict is true for "dirty" (a person must resolve). */
const char *promote__github_not_mergeable(json_object *pull, bool *conflict);

#endif
