/* A forge repository's URL read as host, owner and name (forge_url.h). */
#include "forge_url.h"

#include "core/error.h"
#include "core/strutil.h"

#include <stdlib.h>
#include <string.h>

void promote__forge_url_dispose(promote__forge_url *url)
{
	free(url->scheme);
	free(url->host);
	free(url->owner);
	free(url->name);
	memset(url, 0, sizeof *url);
}

int promote__forge_url_parse(promote__forge_url *out, const char *url)
{
	memset(out, 0, sizeof *out);
	const char *scheme_end = strstr(url, "://"), *host, *path;
	size_t scheme_len;
	if (scheme_end) {
		scheme_len = (size_t)(scheme_end - url);
		host = scheme_end + 3;
		path = strchr(host, '/');
	} else {
		const char *colon = promote__scp_like_colon(url);
		if (!colon)
			return PROMOTE_EINVALID;
		scheme_len = 0;
		host = url;
		path = colon;
	}
	if (!path)
		return PROMOTE_EINVALID;
	const char *at = memchr(host, '@', (size_t)(path - host));
	if (at)
		host = at + 1;
	size_t host_len = (size_t)(path - host);
	path++;
	size_t path_len = strcspn(path, "?#");
	while (path_len && path[path_len - 1] == '/')
		path_len--;
	if (path_len > 4 && memcmp(path + path_len - 4, ".git", 4) == 0)
		path_len -= 4;
	const char *slash = NULL;
	for (size_t i = 0; i < path_len; i++)
		if (path[i] == '/')
			slash = path + i;
	if (!host_len || !slash || slash == path || (size_t)(slash - path) + 1 >= path_len)
		return PROMOTE_EINVALID;
	bool ssh = scheme_len == 0 || (scheme_len == 3 && memcmp(url, "ssh", 3) == 0);
	if (ssh && memchr(host, ':', host_len))
		host_len = (size_t)((const char *)memchr(host, ':', host_len) - host);  /* an ssh port is not the API's */
	out->scheme = scheme_len ? strndup(url, scheme_len) : strdup("ssh");
	out->host = strndup(host, host_len);
	out->owner = strndup(path, (size_t)(slash - path));
	out->name = strndup(slash + 1, path_len - (size_t)(slash - path) - 1);
	if (!out->scheme || !out->host || !out->owner || !out->name) {
		promote__forge_url_dispose(out);
		return promote__error_oom();
	}
	return 0;
}
