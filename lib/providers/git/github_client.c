/* The github provider's connection to one repository (github_client.h). */
#include "github_client.h"

#include "forge_common.h"

#include "net/forge_url.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const promote__forge_token TOKEN = {
	{ "PROMOTE_GITHUB_TOKEN", "GITHUB_TOKEN" }, "Authorization: Bearer %s",
	"no GitHub token for %s: set PROMOTE_GITHUB_TOKEN or GITHUB_TOKEN to a token that may write "
	"contents and pull requests and read statuses and checks (classic: repo), or answer the "
	"context's credentials callback with it as the password",
};

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

/* The API's base without `api:`: https://api.github.com for github.com, else GitHub Enterprise's /api/v3. */
static char *api_base(const promote__forge_url *url)
{
	if (strcasecmp(url->host, "github.com") == 0 || strcasecmp(url->host, "www.github.com") == 0)
		return promote__strdupf("https://api.github.com");
	return promote__strdupf("%s://%s/api/v3", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

int promote__github_open(promote__github *gh, promote_context *ctx, const char *env, const char *id)
{
	memset(gh, 0, sizeof *gh);
	promote__forge_extra graphql = { &gh->graphql, graphql_url };
	return promote__forge_connect_extra(&gh->api, &gh->owner, &gh->name, &gh->merge_method, ctx, "github", env, id,
		'#', api_base, &TOKEN, PROMOTE__API_GITHUB, "OWNER/REPO", &graphql);
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
	int rc = path ? promote__forge_call(out, status, gh->api, method, path, body) : promote__error_oom();
	free(path);
	return rc;
}

char *promote__github_change_id(const promote__github *gh, int64_t number)
{
	return promote__strdupf("%s/%s#%lld", gh->owner, gh->name, (long long)number);
}

int promote__github_change_number(int64_t *number, const char *id)
{
	return promote__forge_change_number(number, id, '#', "github", "pull request");
}

int promote__github_list(json_object **out, promote__github *gh, const char *suffix)
{
	*out = NULL;
	char *path = promote__strdupf("/repos/%s/%s%s", gh->owner, gh->name, suffix);
	int rc = path ? promote__forge_list(out, gh->api, path) : promote__error_oom();
	free(path);
	return rc;
}
