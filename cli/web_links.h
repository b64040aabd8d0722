/*
 * The forge's web address of a step's commit and change request, for the web view's links: when the
 * repository's provider is github, gitea or gitlab and its URL is http(s), the page a person opens there;
 * otherwise none (the local provider, an ssh or file URL: the page shows the id alone).
 */
#ifndef PROMOTE_CLI_WEB_LINKS_H
#define PROMOTE_CLI_WEB_LINKS_H

#include <stdbool.h>
#include <stddef.h>

enum web_forge { WEB_FORGE_NONE, WEB_FORGE_GITHUB, WEB_FORGE_GITEA, WEB_FORGE_GITLAB };

typedef struct web_links {
	enum web_forge forge;
	char origin[256];   /* "https://git.example.com:3000" */
	char project[256];  /* "org/gitops" (the URL's path, without .git) */
} web_links;

/* From the provider's name ("github", ...) and the repository's URL (either may be NULL). */
void web_links_init(web_links *out, const char *provider, const char *url);

/* The address of commit `sha` (hex), or of change `change` ("org/gitops#12"; GitLab's "group/project!12"),
 * into `out`; false when there is none. */
bool web_link_commit(char *out, size_t size, const web_links *links, const char *sha);
bool web_link_change(char *out, size_t size, const web_links *links, const char *change);

#endif
