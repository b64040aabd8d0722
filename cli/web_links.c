/* The forge's web address of a commit and of a change request (web_links.h). */
#include "web_links.h"

#include <stdio.h>
#include <string.h>

void web_links_init(web_links *out, const char *provider, const char *url)
{
	memset(out, 0, sizeof *out);
	if (!provider || !url)
		return;
	enum web_forge forge = strcmp(provider, "github") == 0 ? WEB_FORGE_GITHUB
		: strcmp(provider, "gitea") == 0 ? WEB_FORGE_GITEA
		: strcmp(provider, "gitlab") == 0 ? WEB_FORGE_GITLAB : WEB_FORGE_NONE;
	size_t scheme = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	if (forge == WEB_FORGE_NONE || !scheme)
		return;
	const char *host = url + scheme, *path = strchr(host, '/'), *at = strchr(host, '@');
	if (!path || path[1] == '\0')
		return;
	if (at && at < path)   /* user:password@ is no part of a link */
		host = at + 1;
	size_t path_len = strlen(path + 1);
	while (path_len && path[path_len] == '/')
		path_len--;
	if (path_len > 4 && strncmp(path + 1 + path_len - 4, ".git", 4) == 0)
		path_len -= 4;
	int n = snprintf(out->origin, sizeof out->origin, "%.*s%.*s", (int)scheme, url, (int)(path - host), host);
	int m = snprintf(out->project, sizeof out->project, "%.*s", (int)path_len, path + 1);
	if (n > 0 && (size_t)n < sizeof out->origin && m > 0 && (size_t)m < sizeof out->project)
		out->forge = forge;
}

static bool all_of(const char *text, const char *allowed)
{
	return *text && strspn(text, allowed) == strlen(text);
}

bool web_link_commit(char *out, size_t size, const web_links *l, const char *sha)
{
	if (l->forge == WEB_FORGE_NONE || !sha || !all_of(sha, "0123456789abcdef"))
		return false;
	int n = snprintf(out, size, "%s/%s/%scommit/%s", l->origin, l->project, l->forge == WEB_FORGE_GITLAB ? "-/" : "",
		sha);
	return n > 0 && (size_t)n < size;
}

bool web_link_change(char *out, size_t size, const web_links *l, const char *change)
{
	char mark = l->forge == WEB_FORGE_GITLAB ? '!' : '#';
	const char *number = change ? strrchr(change, mark) : NULL;
	/* Only a change of this repository: "org/gitops#12" where org/gitops is the project. */
	if (l->forge == WEB_FORGE_NONE || !number || !all_of(number + 1, "0123456789") ||
		strlen(l->project) != (size_t)(number - change) || strncmp(change, l->project, strlen(l->project)) != 0)
		return false;
	const char *kind = l->forge == WEB_FORGE_GITHUB ? "pull" : l->forge == WEB_FORGE_GITEA ? "pulls" : "-/merge_requests";
	int n = snprintf(out, size, "%s/%s/%s/%s", l->origin, l->project, kind, number + 1);
	return n > 0 && (size_t)n < size;
}
