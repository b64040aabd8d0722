/*
 * Forge webhooks on the web view's listener (doc/WEB.md#webhooks): POST /hooks/github, /hooks/gitlab and
 * /hooks/gitea. A delivery is verified (the forge's signature, or GitLab's token, with the secret of
 * PROMOTE_WEBHOOK_SECRET or the forge's own PROMOTE_WEBHOOK_SECRET_GITHUB/_GITLAB/_GITEA), refused when it
 * is unsigned, wrongly signed, too large, already seen or too old, and when it tells of something a pass
 * may act on (a push to the watched branch, a merged or reviewed pull request, a finished check) the
 * watcher is woken — by SIGUSR1, the path `kill -USR1` takes. Nothing in a delivery is trusted beyond
 * that: the pass reads the repository itself.
 */
#ifndef PROMOTE_CLI_WEB_HOOKS_H
#define PROMOTE_CLI_WEB_HOOKS_H

#include <promote.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest body read; a larger one is refused (413) before it is read when its length is announced. */
#define WEB_HOOK_MAX_BODY ((size_t)1 << 20)

typedef enum web_hook_forge { WEB_HOOK_GITHUB, WEB_HOOK_GITLAB, WEB_HOOK_GITEA } web_hook_forge;

/* A request's header by name (any case), or NULL. */
typedef const char *(*web_hook_header_fn)(void *request, const char *name);

/* Read the secrets from the environment and which branches the environments of `ctx` are on (a push to
 * one of them wakes; an environment on its repository's default branch counts the default branch the
 * payload names). Called once, before the server answers; `ctx` outlives the server. */
void web_hooks_init(const promote_context *ctx);

/* The forge of /hooks/NAME, or -1 when `url` is not a hook's path. */
int web_hook_forge_of(const char *url);

/* What to answer a delivery of `size` bytes at `now` (Unix seconds): 202 (woken), 204 (ignored), 400, 401
 * or 413; `reason` gets a line saying why (a static string). Wakes the watcher for a 202. */
int web_hook_deliver(web_hook_forge forge, web_hook_header_fn header, void *request, const char *body,
	size_t size, int64_t now, const char **reason);

/* The statuses a delivery is answered with, in the order /metrics lists them; a delivery answered with
 * one of them counted, and the count since the server started. */
extern const int web_hook_statuses[6];
void web_hook_count(web_hook_forge forge, int status);
uint64_t web_hook_counted(web_hook_forge forge, int status);

/* "github", "gitlab", "gitea". */
const char *web_hook_forge_name(web_hook_forge forge);

#endif
