/*
 * Internal: the checks of a loaded configuration that concern releases —
 * workflows, deploy backends and the routes of flows — and the small
 * questions they ask, shared with the policy merge.
 */
#ifndef PROMOTE_MODEL_CHECKS_H
#define PROMOTE_MODEL_CHECKS_H

#include "config/schema.h"

/* The workflow named `name`, or NULL. */
const promote__workflow *promote__config_workflow(const promote__config *cfg, const char *name);

/* Whether policy `p` selects environment `env` by its match.environments
 * (names, kind, labels), whatever the product. */
bool promote__policy_matches_env(const promote_policy *p, const promote_env *env);

/* Whether `env` has a deploy backend that can run workflows and deploys
 * (one named, and not "none"). */
bool promote__env_has_backend(const promote_env *env);

/* Validation, after promote__model_validate() resolved the flows: every
 * workflow a policy names exists, a policy's workflows never meet an
 * environment without a deploy backend (unless a stronger policy that
 * selects every product replaces them there), products' flows exist. */
void promote__model_validate_workflows(promote__config *cfg, promote__errlist *errors);

/* Warnings that do not stop loading: a flow step of an environment whose
 * strategy is never, which other steps wait for (they can never run). */
void promote__model_warnings(const promote__config *cfg, promote__errlist *warnings);

#endif
