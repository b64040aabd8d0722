/*
 * Internal: what GitHub's answers say of a pull request that other forges do
 * not (forge_json.h reads what they share) — pure functions over the JSON.
 */
#ifndef PROMOTE_PROVIDERS_GIT_GITHUB_STATE_H
#define PROMOTE_PROVIDERS_GIT_GITHUB_STATE_H

#include "core/common.h"

#include <json-c/json.h>

/* The checks of a head: the combined commit status (GET .../commits/REF/status) and the check runs
 * (GET .../commits/REF/check-runs) together — failing if any failed, else pending if any has not
 * finished, else passing if there is any, else none. GitHub answers "pending" with no status at
 * all: that is no status, not a pending one. */
int promote__github_checks(json_object *combined, json_object *runs);

/* Why GitHub would not merge it now, from its mergeable_state: NULL when it would (clean,
 * unstable, has_hooks), else a sentence; *conflict is true for "dirty" (a person must resolve). */
const char *promote__github_not_mergeable(json_object *pull, bool *conflict);

#endif
