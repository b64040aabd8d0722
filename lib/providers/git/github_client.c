/* The github provider's connection to one repository (github_client.h). */
#include "github_client.h"

#include "git/remote_auth.h"
#include "model/context.h"
#include "net/forge_url.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/json_util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_github(const promote_repository *repo)
{
	return repo && repo->provider && strcmp(repo->provider, "github") == 0;
}

/* The owner and name of "OWNER/NAME#N" into `owner` (a copy, NULL when `id` names none). */
static bool same_repository(const char *id, const promote__forge_url *url)
{
	const char *hash = id ? strrchr(id, '#') : NULL, *slash = id ? strchr(id, '/') : NULL;
	if (!hash || !slash || slash > hash)
		return false;
	size_t owner_len = (size_t)(slash - id), name_len = (size_t)(hash - slash - 1);
	return strlen(url->owner) == owner_len && strncasecmp(id, url->owner, owner_len) == 0 &&
	       strlen(url->name) == name_len && strncasecmp(slash + 1, url->name, name_len) == 0;
}

/* Which configured repository: see github_client.h. */
static const promote_repository *choose(promote_context *ctx, const char *env, const char *id)
{
	const promote_env *e = NULL;
	if (env && promote_env_lookup(&e, ctx, env) == 0 && is_github(promote_env_repository(e)))
		return promote_env_repository(e);
	promote_error_clear();
	const promote_repository *first = NULL;
	for (size_t i = 0; i < ctx->cfg.repository_count; i++) {
		const promote_repository *repo = &ctx->cfg.repositories[i];
		if (!is_github(repo) || !repo->url)
			continue;
		if (!first)
			first = repo;
		promote__forge_url url;
		if (id && promote__forge_url_parse(&url, repo->url) == 0) {
			bool same = same_repository(id, &url);
			promote__forge_url_dispose(&url);
			if (same)
				return repo;
		}
	}
	return first;
}

/* "Authorization: Bearer TOKEN" (malloc'd) from the environment or the credentials callback. */
static int auth_header(char **out, promote_context *ctx, const char *api_url)
{
	*out = NULL;
	const char *token = getenv("PROMOTE_GITHUB_TOKEN");
	if (!token || !*token)
		token = getenv("GITHUB_TOKEN");
	struct promote_credential cred = { 0, NULL, NULL, NULL, NULL, NULL };
	int rc = 0;
	if ((!token || !*token) && ctx->creds.cb) {
		rc = promote__credentials_ask(&cred, &ctx->creds, api_url, NULL, PROMOTE_CREDENTIAL_USERPASS);
		if (rc == PROMOTE_PASSTHROUGH) {
			promote_error_clear();
			rc = 0;
		} else if (rc == 0) {
			token = cred.password;
		}
	}
	if (rc == 0 && (!token || !*token))
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_PROVIDER,
			"no GitHub token for %s: set PROMOTE_GITHUB_TOKEN or GITHUB_TOKEN to a token that may write "
			"contents and pull requests and read statuses and checks (classic: repo), or answer the "
			"context's credentials callback with it as the password", api_url);
	if (rc == 0 && !(*out = promote__strdupf("Authorization: Bearer %s", token)))
		rc = promote__error_oom();
	promote__credential_clear(&cred);
	return rc;
}

/* GitHub's GraphQL endpoint: `graphql:`, else beside the REST API's base — https://api.github.com/graphql,
 * GitHub Enterprise's /api/graphql beside its /api/v3, else BASE/graphql. */
static char *graphql_url(const promote_repository *repo, const char *base)
{
	if (repo->graphql)
		return promote__strdupf("%s", repo->graphql);
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	if (n >= 7 && strncmp(base + n - 7, "/api/v3", 7) == 0)
		return promote__strdupf("%.*s/api/graphql", (int)(n - 7), base);
	return promote__strdupf("%.*s/graphql", (int)n, base);
}

/* The API's base: `api:`, else https://api.github.com for github.com, else GitHub Enterprise's /api/v3. */
static char *api_base(const promote_repository *repo, const promote__forge_url *url)
{
	if (repo->api)
		return promote__strdupf("%s", repo->api);
	if (strcasecmp(url->host, "github.com") == 0 || strcasecmp(url->host, "www.github.com") == 0)
		return promote__strdupf("https://api.github.com");
	return promote__strdupf("%s://%s/api/v3", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

int promote__github_open(promote__github *gh, promote_context *ctx, const char *env, const char *id)
{
	memset(gh, 0, sizeof *gh);
	const promote_repository *repo = choose(ctx, env, id);
	if (!repo)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"no repository of the configuration has provider github and a url: add one under 'repositories'");
	promote__forge_url url;
	int rc = promote__forge_url_parse(&url, repo->url);
	if (rc == PROMOTE_EINVALID)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"repository '%s': its url does not end in OWNER/REPO", repo->name);
	if (rc)
		return rc;
	char *base = api_base(repo, &url), *header = NULL;
	gh->owner = url.owner;
	gh->name = url.name;
	url.owner = url.name = NULL;
	gh->merge_method = repo->merge_method ? repo->merge_method : "merge";
	promote__forge_url_dispose(&url);
	char *graphql = base ? graphql_url(repo, base) : NULL;
	rc = base && graphql ? auth_header(&header, ctx, base) : promote__error_oom();
	promote__api_options options = { 0 };
	options.auth_header = header;
	options.flavor = PROMOTE__API_GITHUB;
	options.net_timeout_s = ctx->creds.net_timeout_s;
	if (rc == 0) {
		options.base_url = base;
		rc = promote__api_new(&gh->api, &options);
	}
	if (rc == 0) {
		options.base_url = graphql;
		rc = promote__api_new(&gh->graphql, &options);
	}
	if (header) {
		memset(header, 0, strlen(header));
		free(header);
	}
	free(graphql);
	free(base);
	if (rc)
		promote__github_close(gh);
	return rc;
}

void promote__github_close(promote__github *gh)
{
	promote__api_free(gh->api);
	promote__api_free(gh->graphql);
	free(gh->owner);
	free(gh->name);
	memset(gh, 0, sizeof *gh);
}

int promote__github_call(json_object **out, long *status, promote__github *gh, const char *method, const char *suffix,
	json_object *body)
{
	*out = NULL;
	char *path = promote__strdupf("/repos/%s/%s%s", gh->owner, gh->name, suffix);
	if (!path)
		return promote__error_oom();
	promote__api_reply reply = { 0, NULL, NULL, NULL };
	int rc = promote__api_call(gh->api, &reply, method, path, body);
	if (status)
		*status = reply.status;
	if (rc == 0) {
		*out = reply.json;
		reply.json = NULL;
	}
	promote__api_reply_dispose(&reply);
	free(path);
	return rc;
}

char *promote__github_change_id(const promote__github *gh, int64_t number)
{
	return promote__strdupf("%s/%s#%lld", gh->owner, gh->name, (long long)number);
}

int promote__github_change_number(int64_t *number, const char *id)
{
	const char *hash = strrchr(id, '#'), *digits = hash ? hash + 1 : id;
	char *end = NULL;
	long long n = isdigit((unsigned char)*digits) ? strtoll(digits, &end, 10) : 0;
	if (n <= 0 || !end || *end)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"'%s' is not a change id of the github provider: it is OWNER/REPO#NUMBER, the pull request's", id);
	*number = n;
	return 0;
}

int promote__github_list(json_object **out, promote__github *gh, const char *suffix)
{
	*out = json_object_new_array();
	char *path = promote__strdupf("/repos/%s/%s%s", gh->owner, gh->name, suffix);
	int rc = *out && path ? 0 : promote__error_oom();
	for (unsigned page = 0; rc == 0 && path && page < 20; page++) {
		promote__api_reply reply = { 0, NULL, NULL, NULL };
		rc = promote__api_call(gh->api, &reply, "GET", path, NULL);
		size_t n = rc == 0 && json_object_is_type(reply.json, json_type_array) ? json_object_array_length(reply.json) : 0;
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = promote__json_append(*out, json_object_get(json_object_array_get_idx(reply.json, i)));
		free(path);
		path = reply.next;  /* an absolute URL on the same host, or NULL: the last page */
		reply.next = NULL;
		promote__api_reply_dispose(&reply);
	}
	free(path);
	if (rc) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

char *promote__github_escape(const char *s, bool in_path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(3 * strlen(s) + 1), *o = out;
	for (; out && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr(in_path ? "-._~" : "-._~/:", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	if (out)
		*o = '\0';
	return out;
}
