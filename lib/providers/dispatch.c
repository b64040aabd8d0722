/*
 * Asking a git provider: the one registered on the context under the name,
 * else the built-in one. Each call makes the info it returns, so a provider
 * only fills what it knows.
 */
#include "change.h"
#include "local.h"

#include "model/context.h"
#include "core/error.h"

#include <string.h>

typedef struct provider {
	const promote_git_provider *vtable;
	void *payload;
	const char *name;
} provider;

static int find_provider(provider *out, promote_context *ctx, const char *name, const char *function)
{
	if (!ctx)
		return promote__error_arg(function, "ctx");
	if (!name)
		name = ctx->cfg.repository_count ? ctx->cfg.repositories[0].provider : "local";
	out->name = name;
	for (size_t i = 0; i < ctx->git_providers.count; i++)
		if (strcmp(ctx->git_providers.items[i].name, name) == 0) {
			out->vtable = &ctx->git_providers.items[i].vtable.git;
			out->payload = ctx->git_providers.items[i].payload;
			return 0;
		}
	if (strcmp(name, "local") == 0) {
		out->vtable = promote__local_provider();
		out->payload = ctx;
		return 0;
	}
	return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
		"no git provider named '%s': the built-in one is 'local'; others are registered by the program "
		"(promote_git_provider_register)", name);
}

static int unsupported(const provider *p, const char *operation)
{
	return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_PROVIDER,
		"the git provider '%s' cannot %s changes", p->name, operation);
}

/* A callback's result: 0, or an error of its own (one that forgot to set
 * it, or returned a positive value, gets a generic one). */
static int callback_result(int rc, const provider *p, const char *verb)
{
	if (rc > 0)
		return promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_PROVIDER,
			"the git provider '%s' returned %d, not 0 or an error code, asked to %s a change", p->name, rc, verb);
	if (rc < 0 && rc != PROMOTE_EUSER && promote_error_last()->code != rc)
		return promote__error(rc, PROMOTE_ERROR_CLASS_PROVIDER, "the git provider '%s' could not %s the change",
			p->name, verb);
	return rc;
}

/* After a callback that fills an info: success hands it over. */
static int finish(promote_change_info **out, promote_change_info *info, int rc, const provider *p, const char *verb)
{
	rc = callback_result(rc, p, verb);
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

#define PREPARE(op_name, verb)                                                       \
	if (!out)                                                                \
		return promote__error_arg(__func__, "out");                     \
	*out = NULL;                                                             \
	provider p;                                                              \
	int rc = find_provider(&p, ctx, name, __func__);                        \
	if (rc)                                                                  \
		return rc;                                                       \
	if (!p.vtable->op_name)                                                  \
		return unsupported(&p, verb);                                   \
	promote_change_info *info = promote__change_info_new();                  \
	if (!info)                                                               \
		return PROMOTE_ENOMEM;                                           \
	promote_error_clear()

int promote_change_open(promote_change_info **out, promote_context *ctx, const char *name,
	const promote_change_request *request)
{
	if (!request)
		return promote__error_arg(__func__, "request");
	PREPARE(open_change, "open");
	rc = p.vtable->open_change(info, request, p.payload);
	return finish(out, info, rc, &p, "open");
}

int promote_change_find(promote_change_info **out, promote_context *ctx, const char *name,
	const promote_change_request *request)
{
	if (!request)
		return promote__error_arg(__func__, "request");
	PREPARE(find_change, "find");
	rc = p.vtable->find_change(info, request, p.payload);
	return finish(out, info, rc, &p, "find");
}

int promote_change_get(promote_change_info **out, promote_context *ctx, const char *name, const char *id)
{
	if (!id)
		return promote__error_arg(__func__, "id");
	PREPARE(get_change, "read");
	rc = p.vtable->get_change(info, id, p.payload);
	return finish(out, info, rc, &p, "read");
}

int promote_change_approve(promote_change_info **out, promote_context *ctx, const char *name, const char *id,
	const char *by)
{
	if (!id)
		return promote__error_arg(__func__, "id");
	PREPARE(approve_change, "approve");
	rc = p.vtable->approve_change(info, id, by, p.payload);
	return finish(out, info, rc, &p, "approve");
}

int promote_change_merge(promote_change_info **out, promote_context *ctx, const char *name, const char *id)
{
	if (!id)
		return promote__error_arg(__func__, "id");
	PREPARE(merge_change, "merge");
	rc = p.vtable->merge_change(info, id, p.payload);
	return finish(out, info, rc, &p, "merge");
}

int promote_change_comment(promote_context *ctx, const char *name, const char *id, const char *body)
{
	if (!id || !body)
		return promote__error_arg(__func__, !id ? "id" : "body");
	provider p;
	int rc = find_provider(&p, ctx, name, __func__);
	if (rc)
		return rc;
	if (!p.vtable->comment_change)
		return unsupported(&p, "comment on");
	promote_error_clear();
	return callback_result(p.vtable->comment_change(id, body, p.payload), &p, "comment on");
}

int promote_change_close(promote_context *ctx, const char *name, const char *id)
{
	if (!id)
		return promote__error_arg(__func__, "id");
	provider p;
	int rc = find_provider(&p, ctx, name, __func__);
	if (rc)
		return rc;
	if (!p.vtable->close_change)
		return unsupported(&p, "close");
	promote_error_clear();
	return callback_result(p.vtable->close_change(id, p.payload), &p, "close");
}
