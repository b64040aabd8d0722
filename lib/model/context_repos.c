/*
 * The repositories environments live in besides the context's (context.h):
 * read-only sessions, one per location, opened on first read and kept until
 * the context is freed. Nothing is ever written through them: changes land
 * only in the context's repository.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "context.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "git/mirror.h"
#include "git/session.h"
#include "net/redact.h"

#include <stdlib.h>
#include <string.h>

struct promote__context_repo {
	char *location;                /* the url, a relative path resolved */
	bool here;                     /* it is the context's repository */
	promote__git_session *session; /* opened on first read; never for `here` */
};

void promote__context_repos_free(promote_context *ctx)
{
	for (size_t i = 0; i < ctx->repo_count; i++) {
		free(ctx->repos[i].location);
		promote__git_session_free(ctx->repos[i].session);
	}
	free(ctx->repos);
	ctx->repos = NULL;
	ctx->repo_count = 0;
}

static bool is_absolute(const char *url)
{
	return url[0] == '/' || strncmp(url, "file://", 7) == 0 || promote__git_is_remote(url);
}

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

/* `rel` resolved against the folder `base` into *out: each leading "../"
 * takes a component off it, "./" nothing. *out NULL (and 0) when it climbs
 * above the base's root (or a URL's host). */
static int resolve(char **out, const char *base, const char *rel)
{
	*out = NULL;
	size_t n = strlen(base);
	while (n > 1 && base[n - 1] == '/')
		n--;
	const char *host = strstr(base, "://");
	size_t floor = host ? (size_t)(host - base) + 3 : 0; /* a URL keeps its scheme and host */
	for (;;) {
		if (strncmp(rel, "./", 2) == 0) {
			rel += 2;
		} else if (strcmp(rel, ".") == 0) {
			rel += 1;
		} else if (strncmp(rel, "../", 3) == 0 || strcmp(rel, "..") == 0) {
			size_t i = n;
			/* The last '/' (or an scp-like URL's ':') after the floor. */
			while (i > floor && base[i - 1] != '/' && (host || base[i - 1] != ':'))
				i--;
			if (i <= floor || (i == 1 && n == 1) || (base[i - 1] == ':' && i == n))
				return 0;
			/* "/x" climbs to "/", "host:x" to "host:" */
			n = base[i - 1] == ':' ? i : i > 1 ? i - 1 : 1;
			rel += rel[2] ? 3 : 2;
		} else {
			break;
		}
	}
	bool sep = base[n - 1] == '/' || base[n - 1] == ':';
	*out = *rel ? promote__strdupf("%.*s%s%s", (int)n, base, sep ? "" : "/", rel)
		    : strndup(base, n);
	return *out ? 0 : promote__error_oom();
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

/* `url` of `repo` as a location: a relative path resolved (*out freed by the caller). */
static int locate(char **out, promote_context *ctx, const promote_repository *repo, const char *url)
{
	*out = NULL;
	if (is_absolute(url))
		return (*out = strdup(url)) ? 0 : promote__error_oom();
	char *base = base_of(ctx);
	int rc = base ? resolve(out, base, url) : 0;
	if (rc == 0 && !*out) {
		rc = promote__error_at(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG, &repo->where,
			"the url '%s' of repository '%s' is a relative path, and %s; give its full path or URL", url,
			promote_repository_name(repo),
			base ? "it climbs above the folder it starts from" : "there is no folder it could start from");
	}
	free(base);
	return rc;
}

/* The entry of `env`'s repository, made on first use; *out NULL for an environment without a url. */
static int entry_of(struct promote__context_repo **out, promote_context *ctx, const promote_env *env)
{
	*out = NULL;
	const promote_repository *repo = promote_env_repository(env);
	const char *url = repo ? promote_repository_url(repo) : NULL;
	char *location = NULL;
	int rc = url ? locate(&location, ctx, repo, url) : 0;
	if (rc || !location)
		return rc;
	for (size_t i = 0; i < ctx->repo_count; i++)
		if (strcmp(ctx->repos[i].location, location) == 0) {
			free(location);
			*out = &ctx->repos[i];
			return 0;
		}
	struct promote__context_repo *grown = realloc(ctx->repos, (ctx->repo_count + 1) * sizeof *grown);
	if (!grown) {
		free(location);
		return promote__error_oom();
	}
	ctx->repos = grown;
	const char *own = promote__context_repository(ctx);
	const char *path = strncmp(location, "file://", 7) == 0 ? location + 7 : location;
	bool here = (ctx->remote_url && strcmp(location, ctx->remote_url) == 0) || (own && strcmp(location, own) == 0) ||
		(own && !ctx->remote_url && !promote__git_is_remote(location) && same_folder(path, own));
	ctx->repos[ctx->repo_count] = (struct promote__context_repo){ location, here, NULL };
	*out = &ctx->repos[ctx->repo_count++];
	return 0;
}

int promote__context_env_elsewhere(const char **out, promote_context *ctx, const promote_env *env)
{
	struct promote__context_repo *e = NULL;
	int rc = entry_of(&e, ctx, env);
	*out = e && !e->here ? e->location : NULL;
	return rc;
}

/* The session on `e` could not be opened: say which environment needed it and what to check. */
static int open_failed(int rc, const promote_env *env, const struct promote__context_repo *e)
{
	const promote_repository *repo = promote_env_repository(env);
	int klass = promote_error_last()->klass;
	char *why = strdup(promote_error_last()->message), *shown = promote__redact_url(e->location);
	if (why && shown)
		rc = promote__error_at(rc, klass, &repo->where,
			"environment '%s' lives in repository '%s' (%s), which cannot be read: %s; check its url (a relative "
			"path starts at the configuration's folder)", promote_env_name(env), promote_repository_name(repo),
			shown, why);
	else
		rc = promote__error_oom();
	free(why);
	free(shown);
	return rc;
}

int promote__context_env_reader(const promote__tree_reader **out, promote_context *ctx, const promote_env *env)
{
	*out = NULL;
	struct promote__context_repo *e = NULL;
	int rc = entry_of(&e, ctx, env);
	if (rc || !e || e->here)
		return rc ? rc : promote__context_reader(out, ctx);
	if (!e->session) {
		/* A remote is mirrored in the cache (cloned or fetched) once per context; a path is opened as it is. */
		promote__git_location where = { e->location, NULL, ctx->cache_dir, &ctx->creds, &ctx->events, false };
		if ((rc = promote__git_session_open(&e->session, &where)) != 0)
			return open_failed(rc, env, e);
	}
	*out = promote__git_session_reader(e->session);
	return 0;
}
