/*
 * The repository each environment lives in (context.h): the context's, or
 * another one its `repositories` entry's url names — read only, through a
 * session of the context's set (repo_set.h). Nothing is ever written through
 * them: changes land only in the context's repository.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "context.h"
#include "repo_set.h"

#include "core/error.h"
#include "git/mirror.h"
#include "git/session.h"
#include "net/redact.h"

#include <stdlib.h>
#include <string.h>

/* Where a relative url starts: the configuration file's folder; for a
 * configuration read from a repository, the repository itself (its URL, as
 * git resolves a submodule's "../x" against its superproject's). */
static char *base_of(promote_context *ctx)
{
	if (ctx->config_dir)
		return realpath(ctx->config_dir, NULL);
	if (ctx->remote_url)
		return strdup(ctx->remote_url);
	return ctx->repo_path ? realpath(ctx->repo_path, NULL) : NULL;
}

/* `url` of `repo` as a location: a relative path resolved (*out freed by the caller). */
static int locate(char **out, promote_context *ctx, const promote_repository *repo, const char *url)
{
	*out = NULL;
	if (promote__repo_is_absolute(url))
		return (*out = strdup(url)) ? 0 : promote__error_oom();
	char *base = base_of(ctx);
	int rc = base ? promote__repo_resolve(out, base, url) : 0;
	if (rc == 0 && !*out)
		rc = promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, &repo->where,
			"the url '%s' of repository '%s' is a relative path, and %s; give its full path or URL", url,
			promote_repository_name(repo),
			base ? "it climbs above the folder it starts from" : "there is no folder it could start from");
	free(base);
	return rc;
}

/* The same folder, as the file system says (both exist). */
static bool same_folder(const char *a, const char *b)
{
	char *x = realpath(a, NULL), *y = realpath(b, NULL);
	bool same = x && y && strcmp(x, y) == 0;
	free(x);
	free(y);
	return same;
}

/* The entry of `env`'s repository, made on first use; *out NULL for an environment without a url. */
static int entry_of(promote__repo_entry **out, promote_context *ctx, const promote_env *env)
{
	const promote_repository *repo = promote_env_repository(env);
	const char *url = repo ? promote_repository_url(repo) : NULL;
	if (!url || (*out = promote__repo_set_find(&ctx->repos, url)))
		return 0;
	char *location = NULL;
	int rc = locate(&location, ctx, repo, url);
	if (rc)
		return rc;
	const char *own = promote__context_repository(ctx);
	const char *path = strncmp(location, "file://", 7) == 0 ? location + 7 : location;
	bool here = (ctx->remote_url && strcmp(location, ctx->remote_url) == 0) || (own && strcmp(location, own) == 0) ||
		(own && !ctx->remote_url && !promote__git_is_remote(location) && same_folder(path, own));
	rc = promote__repo_set_add(out, &ctx->repos, url, location, here);
	free(location);
	return rc;
}

int promote__context_env_elsewhere(const char **out, promote_context *ctx, const promote_env *env)
{
	promote__repo_entry *e = NULL;
	int rc = entry_of(&e, ctx, env);
	*out = e && !e->here ? e->location : NULL;
	return rc;
}

/* The session on `e` could not be opened: say which environment needed it and what to check. */
static int open_failed(int rc, const promote_context *ctx, const promote_env *env, const promote__repo_entry *e)
{
	const promote_repository *repo = promote_env_repository(env);
	int klass = promote_error_last()->klass;
	char *why = strdup(promote_error_last()->message), *shown = promote__redact_url(e->location);
	if (why && shown)
		rc = promote__error_at(rc, klass, &repo->where,
			"environment '%s' lives in repository '%s' (%s), which cannot be read: %s; check its url%s",
			promote_env_name(env), promote_repository_name(repo), shown, why,
			promote__repo_is_absolute(e->url) ? ""
			: ctx->config_dir ? " (a relative path starts at the configuration file's folder)"
					  : " (a relative path starts at the repository holding the configuration)");
	else
		rc = promote__error_oom();
	free(why);
	free(shown);
	return rc;
}

int promote__context_env_reader(const promote__tree_reader **out, promote_context *ctx, const promote_env *env)
{
	*out = NULL;
	promote__repo_entry *e = NULL;
	int rc = entry_of(&e, ctx, env);
	if (rc || !e || e->here)
		return rc ? rc : promote__context_reader(out, ctx);
	/* A remote is mirrored in the cache (cloned or fetched) once per context; a path is opened as it is. */
	promote__git_location where = { e->location, NULL, ctx->cache_dir, &ctx->creds, &ctx->events, false };
	rc = promote__repo_set_reader(out, e, &where);
	return rc ? open_failed(rc, ctx, env, e) : 0;
}
