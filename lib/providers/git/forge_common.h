/*
 * Internal: what the forge providers (github, gitlab) share — the configured
 * repository a change belongs to, the API client with its token, JSON members
 * read leniently, percent-escaping, calls and paginated lists, label matching,
 * a change's info from its fields, the reuse-or-open sequence and the merge
 * guard's decisions. Each forge keeps only its own paths and answers' shapes.
 */
#ifndef PROMOTE_PROVIDERS_GIT_FORGE_COMMON_H
#define PROMOTE_PROVIDERS_GIT_FORGE_COMMON_H

#include "core/common.h"
#include "config/schema.h"
#include "net/api.h"
#include "net/forge_url.h"

#include <json-c/json.h>

/* A member of `o` as a string ("" when absent or not a string), an integer (0) or a boolean (false). */
const char *promote__forge_string(json_object *o, const char *key);
int64_t promote__forge_int(json_object *o, const char *key);
bool promote__forge_bool(json_object *o, const char *key);

/* `s` percent-encoded for a query's value, or for one segment of a path (`in_path`: slashes too, as
 * GitHub takes a branch in /compare/BASE...HEAD and GitLab a project's path in /projects/ID); malloc'd,
 * NULL when out of memory. */
char *promote__forge_escape(const char *s, bool in_path);

/* The first environment of a request: whose repository the change belongs to (NULL: none named). */
const char *promote__forge_request_env(const promote_change_request *request);

/* The repository of environment `env` (NULL: none named) when its provider is `provider`, else the one
 * a change id "PATH<sep>N" names (`id` NULL: none; PATH is the URL's OWNER/NAME), else the first whose
 * provider is `provider` and that has a url; NULL when there is none. */
const promote_repository *promote__forge_choose(promote_context *ctx, const char *provider, const char *env,
	const char *id, char sep);

/* How a forge's token is found and sent. */
typedef struct promote__forge_token {
	const char *variables[2];  /* read in turn: "PROMOTE_GITHUB_TOKEN", "GITHUB_TOKEN" */
	const char *header;        /* the header with one %s for the token: "Authorization: Bearer %s" */
	const char *missing;       /* the error when there is none, with one %s for the API's URL */
} promote__forge_token;

/* A client for the API at `base`, with the token of the first of `how->variables` set, else the context's
 * credentials callback's (its password), sent in `how->header` (never kept: the client redacts it).
 * PROMOTE_EAUTH with `how->missing` when there is none. */
int promote__forge_api_new(promote__api **out, promote_context *ctx, const char *base, const promote__forge_token *how,
	promote__api_flavor flavor);

/* The repository of promote__forge_choose() connected: *api a client for its API
 * (promote__forge_api_new()) at `api:`, else at default_base(its URL read) (malloc'd); *owner and
 * *name (malloc'd) from its URL's path; *merge_method its mergeMethod ("merge" when unset).
 * PROMOTE_ESTATE when no repository has provider `provider`; PROMOTE_EINVALID when its url does not
 * end in `shape` ("OWNER/REPO"). Nothing is left to free on an error. */
int promote__forge_connect(promote__api **api, char **owner, char **name, const char **merge_method,
	promote_context *ctx, const char *provider, const char *env, const char *id, char sep,
	char *(*default_base)(const promote__forge_url *url), const promote__forge_token *how, promote__api_flavor flavor,
	const char *shape);

/* A second client beside a forge's API, with the same token (GitHub's GraphQL endpoint): *api at
 * url(the repository, the API's base) (malloc'd; NULL: out of memory). */
typedef struct promote__forge_extra {
	promote__api **api;
	char *(*url)(const promote_repository *repo, const char *base);
} promote__forge_extra;

/* promote__forge_connect() with `extra` made too (the token asked once); on an error neither client is
 * left. */
int promote__forge_connect_extra(promote__api **api, char **owner, char **name, const char **merge_method,
	promote_context *ctx, const char *provider, const char *env, const char *id, char sep,
	char *(*default_base)(const promote__forge_url *url), const promote__forge_token *how, promote__api_flavor flavor,
	const char *shape, const promote__forge_extra *extra);

/* METHOD `path` with `body` (borrowed; NULL: none): 0 with *out the answer's JSON (the caller puts it;
 * NULL for an empty one), or the code of promote__api_call() with its message. `status` (may be NULL)
 * gets the HTTP status either way. */
int promote__forge_call(json_object **out, long *status, promote__api *api, const char *method, const char *path,
	json_object *body);
/* The same at `prefix` then `suffix` ("/projects/ID" "/merge_requests"). */
int promote__forge_call_at(json_object **out, long *status, promote__api *api, const char *method, const char *prefix,
	const char *suffix, json_object *body);

/* METHOD `path` with the body {key: value}, its answer dropped: 0 or the call's code. */
int promote__forge_send(promote__api *api, const char *method, const char *path, const char *key, const char *value);

/* GET `path`, a list, with every page after it (Link rel="next", at most 20 pages) appended: 0 with
 * *out an array (the caller puts it), or the call's code. */
int promote__forge_list(json_object **out, promote__api *api, const char *path);
int promote__forge_list_at(json_object **out, promote__api *api, const char *prefix, const char *suffix);

/* The number of change `id` ("PATH<sep>N" or "N"): 0, or PROMOTE_EINVALID saying that a change id of
 * `provider` is OWNER/REPO<sep>NUMBER, the `what`'s. */
int promote__forge_change_number(int64_t *number, const char *id, char sep, const char *provider, const char *what);

/* Whether `labels` (an array of names, or of objects with a "name") holds every label of `request`. */
bool promote__forge_has_labels(json_object *labels, const promote_change_request *request);

/* What a forge says of one change, borrowed from its answer. */
typedef struct promote__forge_fields {
	const char *url, *head, *base, *title;
	const char *merge_commit;  /* read only when merged */
	promote_change_state state;
	bool draft;
} promote__forge_fields;

int promote__forge_fill_info(promote_change_info *out, const char *id, const promote__forge_fields *fields);

/* One forge's part in the reuse-or-open sequence. */
typedef struct promote__forge_ops {
	const char *what;   /* "pull request", "merge request" */
	const char *where;  /* the repository, for messages: "OWNER/NAME" */
	void *forge;
	/* The open change of the request's head branch (by_head), else one carrying every label asked
	 * for: *found NULL when there is none. */
	int (*find_open)(json_object **found, void *forge, const promote_change_request *request, bool by_head);
	/* Whether base...head changes anything. */
	int (*has_diff)(bool *diff, void *forge, const promote_change_request *request);
	int (*create)(json_object **made, void *forge, const promote_change_request *request);
} promote__forge_ops;

/* The change for `request`: an open one reused (by head branch, then by labels; `info` says reused),
 * else a new one — never for an empty change (PROMOTE_ESTATE). When the forge refuses a new one
 * because it "already exists" (a run that raced this one opened it), that one is found and reused. */
int promote__forge_reuse_or_open(json_object **out, promote_change_info *info, const promote__forge_ops *ops,
	const promote_change_request *request);

/* The checks a change reads as: `checks`, but pending when the forge would not merge it yet for a reason
 * (`why` not NULL) other than a conflict or a draft — a release waits for it. */
int promote__forge_checks_seen(int checks, const promote_change_info *info, const char *why, bool conflict);

/* Before a merge, from what was just read of change `id` (its head `head_sha`): 1 when it is merged
 * already (nothing to do), 0 when it may be merged, else the error: closed (PROMOTE_ESTATE), not ready
 * (`why` set: PROMOTE_EBUSY, a release tries again; PROMOTE_ECONFLICT for a conflict), checks pending
 * or failing (PROMOTE_ESTATE). `what` "pull request", `forge` "GitHub" for the messages. */
int promote__forge_merge_guard(const promote_change_info *info, const char *why, bool conflict, const char *id,
	const char *what, const char *forge, const char *head_sha);

/* The merge call's code `rc` said in words: PROMOTE_ECONFLICT is a head that moved since `sha` (never
 * merged blind), PROMOTE_ESTATE the forge's refusal; others as they are. */
int promote__forge_merge_refused(int rc, const char *what, const char *forge, const char *id, const char *sha);

#endif
