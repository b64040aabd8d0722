/*
 * Asking a git provider: the one registered on the context under the name,
 * else the built-in one. A registered provider that replaces a built-in one
 * ("local") may answer PROMOTE_PASSTHROUGH to have the built-in one do it.
 * Each call makes the info it returns, so a provider only fills what it knows.
 */
#include "change.h"
#include "call.h"
#include "providers/git/local.h"
#include "providers/git/github.h"
#include "providers/git/gitea.h"
#include "providers/git/gitlab.h"

#include "model/context.h"
#include "core/error.h"

#include <string.h>

typedef struct provider {
	const promote_git_provider *vtable;
	void *payload;
	const char *name;
	const promote_git_provider *builtin;  /* the built-in one of this name, or NULL */
	promote_context *ctx;                 /* its payload */
} provider;

static int find_provider(provider *out, promote_context *ctx, const char *name, const char *function)
{
	if (!ctx)
		return promote__error_arg(function, "ctx");
	if (!name)
		name = ctx->cfg.repository_count ? ctx->cfg.repositories[0].provider : "local";
	out->name = name;
	out->ctx = ctx;
	out->builtin = strcmp(name, "local") == 0 ? promote__local_provider() :
		strcmp(name, "github") == 0 ? promote__github_provider() :
		strcmp(name, "gitea") == 0 || strcmp(name, "forgejo") == 0 ? promote__gitea_provider() :
		strcmp(name, "gitlab") == 0 ? promote__gitlab_provider() : NULL;
	out->vtable = out->builtin;
	out->payload = ctx;
	const promote__registration *registered = promote__registry_find(&ctx->git_providers, name);
	if (registered) {
		out->vtable = &registered->vtable.git;
		out->payload = registered->payload;
	}
	if (!out->vtable)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"no git provider named '%s': the built-in ones are 'local', 'github', 'gitea' (also "
			"named 'forgejo') and 'gitlab'; others are registered by the "
			"program (promote_git_provider_register)", name);
	return 0;
}

static int unsupported(const provider *p, const char *operation)
{
	return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_PROVIDER,
		"the git provider '%s' cannot %s changes", p->name, operation);
}

/* rc = the provider's `slot`(args..., payload), by the rules of call.h. */
#define CALL(rc, p, slot, verb, ...)                                                                \
	do {                                                                                        \
		PROMOTE__CALL_SLOT(rc, p, slot, unsupported(&(p), (verb)), __VA_ARGS__);            \
		(rc) = promote__callback_result((rc), PROMOTE_ERROR_CLASS_PROVIDER, "git provider", \
			(p).name, (verb), "the change");                                            \
	} while (0)

/* The provider and a new info for a call that answers with one. */
static int start(provider *p, promote_change_info **info, promote_change_info **out, promote_context *ctx,
	const char *name, const char *function)
{
	if (!out)
		return promote__error_arg(function, "out");
	*out = NULL;
	int rc = find_provider(p, ctx, name, function);
	if (rc == 0 && !(*info = promote__change_info_new()))
		rc = PROMOTE_ENOMEM;
	return rc;
}

/* After a call that fills an info: success hands it over. */
static int finish(promote_change_info **out, promote_change_info *info, int rc, const provider *p, const char *verb)
{
	if (rc == 0 && (!info->id || !*info->id))
		rc = promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_PROVIDER,
			"the git provider '%s' did not say which change it meant to %s (no id)", p->name, verb);
	if (rc) {
		promote_change_info_free(info);
		return rc;
	}
	*out = info;
	return 0;
}

/* The body of a call that answers with a change: `argument` must be set
 * (its name is `what`), then the slot is called with `...` and the info. */
#define ANSWER(slot, verb, argument, what, ...)                                                         \
	provider p = { 0 };                                                                             \
	promote_change_info *info = NULL;                                                               \
	int rc = (argument) ? start(&p, &info, out, ctx, name, __func__) : promote__error_arg(__func__, what); \
	if (rc)                                                                                         \
		return rc;                                                                              \
	CALL(rc, p, slot, verb, info, __VA_ARGS__);                                                     \
	return finish(out, info, rc, &p, verb)

int promote_change_open(promote_change_info **out, promote_context *ctx, const char *name,
	const promote_change_request *request)
{
	ANSWER(open_change, "open", request, "request", request);
}

int promote_change_find(promote_change_info **out, promote_context *ctx, const char *name,
	const promote_change_request *request)
{
	ANSWER(find_change, "find", request, "request", request);
}

int promote_change_get(promote_change_info **out, promote_context *ctx, const char *name, const char *id)
{
	ANSWER(get_change, "read", id, "id", id);
}

int promote_change_approve(promote_change_info **out, promote_context *ctx, const char *name, const char *id,
	const char *by)
{
	ANSWER(approve_change, "approve", id, "id", id, by);
}

int promote_change_merge(promote_change_info **out, promote_context *ctx, const char *name, const char *id)
{
	ANSWER(merge_change, "merge", id, "id", id);
}

int promote_change_comment(promote_context *ctx, const char *name, const char *id, const char *body)
{
	provider p = { 0 };
	int rc = !id || !body ? promote__error_arg(__func__, !id ? "id" : "body") : find_provider(&p, ctx, name, __func__);
	if (rc == 0)
		CALL(rc, p, comment_change, "comment on", id, body);
	return rc;
}

int promote_change_close(promote_context *ctx, const char *name, const char *id)
{
	provider p = { 0 };
	int rc = !id ? promote__error_arg(__func__, "id") : find_provider(&p, ctx, name, __func__);
	if (rc == 0)
		CALL(rc, p, close_change, "close", id);
	return rc;
}
