/*
 * Internal: what a forge's answers say of a pull request, in the words of
 * promote/change.h — pure functions over the JSON, no calls. GitHub's and
 * Gitea's shapes agree on what is read here (Gitea's API copies GitHub's).
 */
#ifndef PROMOTE_PROVIDERS_GIT_FORGE_JSON_H
#define PROMOTE_PROVIDERS_GIT_FORGE_JSON_H

#include "core/common.h"
#include "providers/change.h"

#include <json-c/json.h>

/* A member of `o` as a string ("" when absent or not a string), an integer (0) or a boolean (false). */
const char *promote__forge_string(json_object *o, const char *key);
int64_t promote__forge_int(json_object *o, const char *key);
bool promote__forge_bool(json_object *o, const char *key);
/* The string `key` of the object `member` of `o` ("head" "sha"), "" when absent. */
const char *promote__forge_string_in(json_object *o, const char *member, const char *key);

/* Id, URL (html_url), head and base branches, title, state (merged when `merged` or a merged_at is
 * set), `draft` and merge commit of a pull request into `out`. */
int promote__forge_pull_to_info(promote_change_info *out, json_object *pull, const char *id, bool draft);

/* Whether `pull` carries a label named `name` (its "labels", objects with a "name"). */
bool promote__forge_has_label(json_object *pull, const char *name);
/* Whether `pull` carries every label of `request`. */
bool promote__forge_has_labels(json_object *pull, const promote_change_request *request);

/* One verdict into a running total: failing beats pending beats passing beats none. */
int promote__forge_checks_worst(int checks, int verdict);

/* The checks a combined commit status says (GET .../commits/REF/status): none when it counts no
 * status (GitHub then says "pending", Gitea ""), passing for success (and Gitea's warning), pending
 * for pending, failing for anything else (failure, error). */
int promote__forge_status_checks(json_object *combined);

/* Approvals: the latest review of each reviewer (dismissed reviews and comments do not replace an
 * earlier verdict) that is APPROVED and not dismissed. A verdict is APPROVED or a request for changes
 * (GitHub's CHANGES_REQUESTED, Gitea's REQUEST_CHANGES). */
unsigned promote__forge_approvals(json_object *reviews);

#endif
