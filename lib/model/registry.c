/* Per-context registration of git providers and deploy backends by name. */
#include "context.h"
#include "core/options.h"

#include <stdlib.h>
#include <string.h>

const char *const promote__builtin_git_providers[] = { "local", "github", "gitea", "gitlab", "forgejo", NULL };
const char *const promote__builtin_deploy_backends[] = { "none", "exec", "argocd", NULL };

static const char *builtin_at(const char *const *names, size_t index)
{
	for (size_t i = 0; names[i]; i++)
		if (i == index)
			return names[i];
	return NULL;
}

const char *promote_git_provider_builtin_at(size_t index)
{
	return builtin_at(promote__builtin_git_providers, index);
}

const char *promote_deploy_backend_builtin_at(size_t index)
{
	return builtin_at(promote__builtin_deploy_backends, index);
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Each vtable's size in each version (core/options.h). */
static const size_t git_provider_sizes[] = { sizeof(promote_git_provider) };
PROMOTE__OPTIONS_SIZES_CHECK(git_provider_sizes, PROMOTE_GIT_PROVIDER_VERSION);
static const size_t deploy_backend_sizes[] = { offsetof(promote_deploy_backend, abort) /* v1 */,
	sizeof(promote_deploy_backend) };
PROMOTE__OPTIONS_SIZES_CHECK(deploy_backend_sizes, PROMOTE_DEPLOY_BACKEND_VERSION);

/* Checks shared by both kinds; on success a new zeroed slot is appended. */
static int add(promote__registration **out, promote__registry *registry, promote_context *ctx, const char *name,
	uint32_t version, uint32_t current, const char *kind, const char *function)
{
	if (!ctx || !name)
		return promote__error_arg(function, !ctx ? "ctx" : "name");
	if (!valid_name(name))
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
			"%s name '%s' is not valid; use 1 to 63 of a-z, 0-9, '-' and '_'", kind, name);
	int rc = promote__version_check(version, current, kind);
	if (rc)
		return rc;
	return promote__registry_add(out, registry, name, kind);
}

int promote_git_provider_init(promote_git_provider *provider, unsigned int version)
{
	static const promote_git_provider defaults = PROMOTE_GIT_PROVIDER_INIT;
	return promote__options_init(provider, &defaults, git_provider_sizes, version, PROMOTE_GIT_PROVIDER_VERSION,
		"git provider vtable", __func__);
}

int promote_git_provider_register(promote_context *ctx, const char *name, const promote_git_provider *provider,
	void *payload)
{
	if (!provider)
		return promote__error_arg(__func__, "provider");
	promote__registration *slot;
	int rc = add(&slot, ctx ? &ctx->git_providers : NULL, ctx, name, provider->version,
		PROMOTE_GIT_PROVIDER_VERSION, "git provider", __func__);
	if (rc)
		return rc;
	/* The slot is zeroed: the slots a caller's older version lacks stay NULL. */
	rc = promote__options_copy(&slot->vtable.git, provider, git_provider_sizes, PROMOTE_GIT_PROVIDER_VERSION,
		"git provider vtable");
	slot->payload = payload;
	return rc; /* 0: add() checked the version */
}

static const char *name_at(const promote__registry *registry, size_t index)
{
	return index < registry->size ? registry->ptr[index].name : NULL;
}

size_t promote_git_provider_count(const promote_context *ctx)
{
	return ctx ? ctx->git_providers.size : 0;
}

const char *promote_git_provider_name_at(const promote_context *ctx, size_t index)
{
	return ctx ? name_at(&ctx->git_providers, index) : NULL;
}

int promote_deploy_backend_init(promote_deploy_backend *backend, unsigned int version)
{
	static const promote_deploy_backend defaults = PROMOTE_DEPLOY_BACKEND_INIT;
	return promote__options_init(backend, &defaults, deploy_backend_sizes, version, PROMOTE_DEPLOY_BACKEND_VERSION,
		"deploy backend vtable", __func__);
}

int promote_deploy_backend_register(promote_context *ctx, const char *name, const promote_deploy_backend *backend,
	void *payload)
{
	if (!backend)
		return promote__error_arg(__func__, "backend");
	promote__registration *slot;
	int rc = add(&slot, ctx ? &ctx->deploy_backends : NULL, ctx, name, backend->version,
		PROMOTE_DEPLOY_BACKEND_VERSION, "deploy backend", __func__);
	if (rc)
		return rc;
	rc = promote__options_copy(&slot->vtable.deploy, backend, deploy_backend_sizes, PROMOTE_DEPLOY_BACKEND_VERSION,
		"deploy backend vtable");
	slot->payload = payload;
	return rc; /* 0: add() checked the version */
}

size_t promote_deploy_backend_count(const promote_context *ctx)
{
	return ctx ? ctx->deploy_backends.size : 0;
}

const char *promote_deploy_backend_name_at(const promote_context *ctx, size_t index)
{
	return ctx ? name_at(&ctx->deploy_backends, index) : NULL;
}
