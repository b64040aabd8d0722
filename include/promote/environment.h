/*
 * libpromote — environments: the targets a product is promoted into.
 *
 * All strings are borrowed from the context and live as long as it does.
 */
#ifndef PROMOTE_ENVIRONMENT_H
#define PROMOTE_ENVIRONMENT_H

#include "common.h"

PROMOTE_BEGIN_DECL

typedef enum promote_environment_kind {
	PROMOTE_ENV_NON_PRODUCTION = 0,
	PROMOTE_ENV_PRODUCTION = 1
} promote_environment_kind;

/* How new versions reach the environment. */
typedef enum promote_strategy {
	PROMOTE_STRATEGY_AUTO = 0,    /* promoted as soon as the previous step succeeds */
	PROMOTE_STRATEGY_MANUAL = 1,  /* a change is prepared and waits for approval */
	PROMOTE_STRATEGY_NEVER = 2    /* never promoted into by a flow */
} promote_strategy;

/* Whether the deploy backend syncs on its own after a change lands. */
typedef enum promote_deploy_mode {
	PROMOTE_DEPLOY_AUTO = 0,
	PROMOTE_DEPLOY_MANUAL = 1
} promote_deploy_mode;

/* Environments in the order the configuration declares them. */
PROMOTE_EXTERN(size_t) promote_env_count(const promote_context *ctx);
/* NULL when index >= count. */
PROMOTE_EXTERN(const promote_env *) promote_env_at(const promote_context *ctx, size_t index);
/* PROMOTE_ENOTFOUND (with a "did you mean") when there is no such environment. */
PROMOTE_EXTERN(int) promote_env_lookup(const promote_env **out, const promote_context *ctx, const char *name);

PROMOTE_EXTERN(const char *) promote_env_name(const promote_env *env);
/* The environment's folder, relative to the repository root, without a trailing '/'. */
PROMOTE_EXTERN(const char *) promote_env_path(const promote_env *env);
/* A promote_environment_kind. */
PROMOTE_EXTERN(int) promote_env_kind(const promote_env *env);
/* A promote_strategy. */
PROMOTE_EXTERN(int) promote_env_strategy(const promote_env *env);
/* A promote_deploy_mode. */
PROMOTE_EXTERN(int) promote_env_deploy_mode(const promote_env *env);
/* The name of its deploy backend (deploy.backend): "none" when not set. */
PROMOTE_EXTERN(const char *) promote_env_deploy_backend(const promote_env *env);
PROMOTE_EXTERN(const promote_repository *) promote_env_repository(const promote_env *env);
/* The branch changes land on: the environment's own, else its repository's;
 * NULL means the repository's default branch. */
PROMOTE_EXTERN(const char *) promote_env_branch(const promote_env *env);

/* Labels in declaration order. */
PROMOTE_EXTERN(size_t) promote_env_label_count(const promote_env *env);
PROMOTE_EXTERN(const char *) promote_env_label_key_at(const promote_env *env, size_t index);
PROMOTE_EXTERN(const char *) promote_env_label_value_at(const promote_env *env, size_t index);
/* The value of label `key`, or NULL. */
PROMOTE_EXTERN(const char *) promote_env_label(const promote_env *env, const char *key);

/* Clusters the environment deploys to. Namespace may be NULL. */
PROMOTE_EXTERN(size_t) promote_env_cluster_count(const promote_env *env);
PROMOTE_EXTERN(const char *) promote_env_cluster_name_at(const promote_env *env, size_t index);
PROMOTE_EXTERN(const char *) promote_env_cluster_namespace_at(const promote_env *env, size_t index);

/* Configuration spellings of the enums ("production", "manual", ...); static,
 * "unknown" for a value out of range. */
PROMOTE_EXTERN(const char *) promote_environment_kind_name(int kind);
PROMOTE_EXTERN(const char *) promote_strategy_name(int strategy);
PROMOTE_EXTERN(const char *) promote_deploy_mode_name(int mode);

PROMOTE_END_DECL

#endif
