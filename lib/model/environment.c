/* Public accessors for repositories and environments. */
#include "context.h"

#include "config/loader.h"

#include <string.h>

#define AT(array, count, index) ((index) < (count) ? &(array)[index] : NULL)

size_t promote_repository_count(const promote_context *ctx)
{
	return ctx ? ctx->cfg.repository_count : 0;
}

const promote_repository *promote_repository_at(const promote_context *ctx, size_t index)
{
	return ctx ? AT(ctx->cfg.repositories, ctx->cfg.repository_count, index) : NULL;
}

int promote_repository_lookup(const promote_repository **out, const promote_context *ctx, const char *name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	const void *found = NULL;
	int rc = promote__lookup_named(&found, __func__, "repository", ctx->cfg.repositories, ctx->cfg.repository_count, sizeof *ctx->cfg.repositories, name);
	*out = found;
	return rc;
}

const char *promote_repository_name(const promote_repository *repo) { return repo ? repo->name : NULL; }
const char *promote_repository_url(const promote_repository *repo) { return repo ? repo->url : NULL; }
const char *promote_repository_provider(const promote_repository *repo) { return repo ? repo->provider : NULL; }
const char *promote_repository_branch(const promote_repository *repo) { return repo ? repo->branch : NULL; }

size_t promote_env_count(const promote_context *ctx)
{
	return ctx ? ctx->cfg.env_count : 0;
}

const promote_env *promote_env_at(const promote_context *ctx, size_t index)
{
	return ctx ? AT(ctx->cfg.envs, ctx->cfg.env_count, index) : NULL;
}

int promote_env_lookup(const promote_env **out, const promote_context *ctx, const char *name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	const void *found = NULL;
	int rc = promote__lookup_named(&found, __func__, "environment", ctx->cfg.envs, ctx->cfg.env_count, sizeof *ctx->cfg.envs, name);
	*out = found;
	return rc;
}

const char *promote_env_name(const promote_env *env) { return env ? env->name : NULL; }
const char *promote_env_path(const promote_env *env) { return env ? env->path : NULL; }
int promote_env_kind(const promote_env *env) { return env ? env->kind : -1; }
int promote_env_strategy(const promote_env *env) { return env ? env->strategy : -1; }
int promote_env_deploy_mode(const promote_env *env) { return env ? env->deploy_mode : -1; }

const char *promote_env_deploy_backend(const promote_env *env)
{
	return env ? env->deploy_backend.name ? env->deploy_backend.name : "none" : NULL;
}
const promote_repository *promote_env_repository(const promote_env *env) { return env ? env->repository : NULL; }

const char *promote_env_branch(const promote_env *env)
{
	if (!env)
		return NULL;
	if (env->branch)
		return env->branch;
	return env->repository ? env->repository->branch : NULL;
}

size_t promote_env_label_count(const promote_env *env) { return env ? env->label_count : 0; }

const char *promote_env_label_key_at(const promote_env *env, size_t index)
{
	return env && index < env->label_count ? env->labels[index].key : NULL;
}

const char *promote_env_label_value_at(const promote_env *env, size_t index)
{
	return env && index < env->label_count ? env->labels[index].value : NULL;
}

const char *promote_env_label(const promote_env *env, const char *key)
{
	for (size_t i = 0; env && key && i < env->label_count; i++)
		if (strcmp(env->labels[i].key, key) == 0)
			return env->labels[i].value;
	return NULL;
}

size_t promote_env_cluster_count(const promote_env *env) { return env ? env->cluster_count : 0; }

const char *promote_env_cluster_name_at(const promote_env *env, size_t index)
{
	return env && index < env->cluster_count ? env->clusters[index].name : NULL;
}

const char *promote_env_cluster_namespace_at(const promote_env *env, size_t index)
{
	return env && index < env->cluster_count ? env->clusters[index].namespace_ : NULL;
}

const char *promote_environment_kind_name(int kind) { return PROMOTE__NAME_OF(promote__kind_names, kind); }
const char *promote_strategy_name(int strategy) { return PROMOTE__NAME_OF(promote__strategy_names, strategy); }
const char *promote_deploy_mode_name(int mode) { return PROMOTE__NAME_OF(promote__deploy_mode_names, mode); }
const char *promote_action_name(int action) { return PROMOTE__NAME_OF(promote__action_names, action); }
