/*
 * libpromote — promotion policies and their resolution.
 *
 * A policy applies to the (product, environment) pairs its `match` selects;
 * an empty match selects every pair. For one pair, every matching policy is
 * merged field by field: for each field, the matching policy with the
 * highest priority that sets it wins; between equal priorities the one
 * declared first in the file wins. A flow step's inline policy beats all.
 * A field no policy sets takes the built-in default: action commit, no pre
 * or post workflows.
 */
#ifndef PROMOTE_POLICY_H
#define PROMOTE_POLICY_H

#include "common.h"

PROMOTE_BEGIN_DECL

/* What a promotion does to the environment's branch. */
typedef enum promote_action {
	PROMOTE_ACTION_UNSET = 0,        /* the policy does not set it */
	PROMOTE_ACTION_COMMIT = 1,       /* commit directly to the branch */
	PROMOTE_ACTION_PULL_REQUEST = 2, /* open a change request */
	PROMOTE_ACTION_NONE = 3          /* change nothing (checks only) */
} promote_action;

/* The fields that policies merge. */
typedef enum promote_policy_field {
	PROMOTE_POLICY_FIELD_ACTION = 0,
	PROMOTE_POLICY_FIELD_PRE = 1,
	PROMOTE_POLICY_FIELD_POST = 2
} promote_policy_field;

/* Top-level policies in declaration order (inline step policies excluded). */
PROMOTE_EXTERN(size_t) promote_policy_count(const promote_context *ctx);
/* NULL when index >= count. */
PROMOTE_EXTERN(const promote_policy *) promote_policy_at(const promote_context *ctx, size_t index);
PROMOTE_EXTERN(int) promote_policy_lookup(
	const promote_policy **out, const promote_context *ctx, const char *name);

/* Inline policies are named "FLOW/STEP". */
PROMOTE_EXTERN(const char *) promote_policy_name(const promote_policy *policy);
/* 1 for a flow step's inline policy, else 0. */
PROMOTE_EXTERN(int) promote_policy_is_inline(const promote_policy *policy);
PROMOTE_EXTERN(int32_t) promote_policy_priority(const promote_policy *policy);
/* 1 when the policy sets `field` (a promote_policy_field), else 0. */
PROMOTE_EXTERN(int) promote_policy_sets(const promote_policy *policy, int field);
/* A promote_action; PROMOTE_ACTION_UNSET when not set. */
PROMOTE_EXTERN(int) promote_policy_action(const promote_policy *policy);
PROMOTE_EXTERN(size_t) promote_policy_pre_count(const promote_policy *policy);
PROMOTE_EXTERN(const char *) promote_policy_pre_at(const promote_policy *policy, size_t index);
PROMOTE_EXTERN(size_t) promote_policy_post_count(const promote_policy *policy);
PROMOTE_EXTERN(const char *) promote_policy_post_at(const promote_policy *policy, size_t index);

/* Selector: product names or globs (none = any product). */
PROMOTE_EXTERN(size_t) promote_policy_match_product_count(const promote_policy *policy);
PROMOTE_EXTERN(const char *) promote_policy_match_product_at(const promote_policy *policy, size_t index);
/* Selector: environment names (none = any environment). */
PROMOTE_EXTERN(size_t) promote_policy_match_env_count(const promote_policy *policy);
PROMOTE_EXTERN(const char *) promote_policy_match_env_at(const promote_policy *policy, size_t index);
/* Selector: environment kind (a promote_environment_kind), or -1 for any. */
PROMOTE_EXTERN(int) promote_policy_match_kind(const promote_policy *policy);
/* Selector: labels the environment must carry with these values. */
PROMOTE_EXTERN(size_t) promote_policy_match_label_count(const promote_policy *policy);
PROMOTE_EXTERN(const char *) promote_policy_match_label_key_at(const promote_policy *policy, size_t index);
PROMOTE_EXTERN(const char *) promote_policy_match_label_value_at(const promote_policy *policy, size_t index);

/* 1 when `policy` selects (product, env), else 0. */
PROMOTE_EXTERN(int) promote_policy_matches(
	const promote_policy *policy, const char *product, const promote_env *env);

/*
 * The effective policy for promoting `product` into environment `env`, as
 * step `env` of flow `flow` (NULL: no flow, so no inline policy). The product
 * must be configured or a discovery product ("*") must exist. Free the
 * result with promote_effective_policy_free(); it keeps the context alive.
 */
PROMOTE_EXTERN(int) promote_policy_resolve(
	promote_effective_policy **out, promote_context *ctx,
	const char *product, const char *env, const char *flow);

PROMOTE_EXTERN(void) promote_effective_policy_free(promote_effective_policy *effective);

/* A promote_action, never PROMOTE_ACTION_UNSET. */
PROMOTE_EXTERN(int) promote_effective_policy_action(const promote_effective_policy *effective);
PROMOTE_EXTERN(size_t) promote_effective_policy_pre_count(const promote_effective_policy *effective);
PROMOTE_EXTERN(const char *) promote_effective_policy_pre_at(const promote_effective_policy *effective, size_t index);
PROMOTE_EXTERN(size_t) promote_effective_policy_post_count(const promote_effective_policy *effective);
PROMOTE_EXTERN(const char *) promote_effective_policy_post_at(const promote_effective_policy *effective, size_t index);
/* The policy that supplied `field`, or NULL for the built-in default. */
PROMOTE_EXTERN(const promote_policy *) promote_effective_policy_source(
	const promote_effective_policy *effective, int field);
/* Every policy that matched, highest priority first (ties: declaration order). */
PROMOTE_EXTERN(size_t) promote_effective_policy_match_count(const promote_effective_policy *effective);
PROMOTE_EXTERN(const promote_policy *) promote_effective_policy_match_at(
	const promote_effective_policy *effective, size_t index);

/* "commit", "pull-request", "none", "unset"; static. */
PROMOTE_EXTERN(const char *) promote_action_name(int action);

PROMOTE_END_DECL

#endif
