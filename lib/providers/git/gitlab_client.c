/* The gitlab provider's connection to one project (gitlab_client.h). */
#include "gitlab_client.h"

#include "forge_common.h"

#include "net/forge_url.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The token: PRIVATE-TOKEN takes a personal, project or group access token (an OAuth token would
 * need "Authorization: Bearer"). */
static const promote__forge_token TOKEN = {
	.header = "PRIVATE-TOKEN: %s",
	.variables = { "PROMOTE_GITLAB_TOKEN", "GITLAB_TOKEN" },
	.missing = "no GitLab token for %s: set PROMOTE_GITLAB_TOKEN or GITLAB_TOKEN to a personal, project or group "
		"access token with the api scope (and a role that may push and merge: Developer or higher), or "
		"answer the context's credentials callback with it as the password",
};

/* The API's base without `api:`: https://HOST/api/v4 (http for an http URL; https for ssh). */
static char *api_base(const promote__forge_url *url)
{
	return promote__strdupf("%s://%s/api/v4", strcmp(url->scheme, "http") == 0 ? "http" : "https", url->host);
}

int promote__gitlab_open(promote__gitlab *gl, promote_context *ctx, const char *env, const char *id)
{
	memset(gl, 0, sizeof *gl);
	char *group = NULL, *name = NULL;
	int rc = promote__forge_connect(&gl->api, &group, &name, &gl->merge_method, ctx, "gitlab", env, id, '!',
		api_base, &TOKEN, PROMOTE__API_GITLAB, "GROUP/PROJECT");
	/* The project by its whole path, URL-encoded: /projects/group%2Fsub%2Fproject. */
	gl->path = rc == 0 ? promote__strdupf("%s/%s", group, name) : NULL;
	char *escaped = gl->path ? promote__forge_escape(gl->path, true) : NULL;
	gl->project = escaped ? promote__strdupf("/projects/%s", escaped) : NULL;
	if (rc == 0 && !gl->project)
		rc = promote__error_oom();
	if (rc)
		promote__gitlab_close(gl);
	free(escaped);
	free(name);
	free(group);
	return rc;
}

void promote__gitlab_close(promote__gitlab *gl)
{
	promote__api_free(gl->api);
	free(gl->path);
	free(gl->project);
	memset(gl, 0, sizeof *gl);
}
