/*
 * Internal: what the forge providers (github, gitea, gitlab) share —
 * one repository at a forge reached through lib/net's client, and the
 * pull-request sequences that are the same at every forge. A provider is a
 * `promote__forge_kind`: its words (names, token variables, header), its
 * API's shapes (a few adapter functions), and the vtable slots it forwards
 * to forge_change.h.
 *
 * The connection (this header): which repository of the configuration a
 * change belongs to, the API base (`api:`, else the kind's from the URL),
 * the token (environment variables, else the context's credentials callback;
 * never kept in a message or record), and calls under /repos/OWNER/NAME (or
 * the kind's prefix: GitLab's /projects/ID) with Link-header pagination. The
 * sequences (forge_change.h) use GitHub's and Gitea's shared paths (/pulls,
 * /pulls/N/reviews, /issues/N/comments) unless the kind names others: the
 * optional members and adapters below, NULL (or 0) for GitHub's and Gitea's.
 */
#ifndef PROMOTE_PROVIDERS_GIT_FORGE_H
#define PROMOTE_PROVIDERS_GIT_FORGE_H

#include "core/common.h"
#include "net/api.h"
#include "net/forge_url.h"
#include "providers/api_token.h"
#include "providers/change.h"

#include <json-c/json.h>

typedef struct promote__forge promote__forge;

/* One request the sequences send about change N: METHOD `path` (a format with one %lld, the number)
 * with the body {key: value}; `value` NULL: the text the sequence gives (a comment's). */
typedef struct promote__forge_send {
	const char *method, *path, *key, *value;
} promote__forge_send;

/* A forge: constants and adapters. Adapters marked "may be NULL" have the default said. */
typedef struct promote__forge_kind {
	const char *provider;        /* the provider's name in promote.yaml: "github" */
	const char *alias;           /* another name of it there (gitea's "forgejo"), or NULL */
	const char *forge;           /* the forge's name in messages: "GitHub" */
	promote__api_token_source token; /* where its token is read and how it is sent */
	promote__api_flavor flavor;
	const char *page_query;      /* a list's largest page: "per_page=100" (GitHub), "limit=50" (Gitea) */
	const char *approve_event;   /* a review's event that approves: "APPROVE" (GitHub), "APPROVED" (Gitea) */

	/* Optional words and paths: NULL (0) for GitHub's and Gitea's, said after each. */
	const char *what;            /* a change in messages: "pull request"; GitLab's "merge request" */
	char id_sep;                 /* between repository and number in a change id: '#'; GitLab's '!' */
	const char *shape;           /* what a repository's URL ends in: "OWNER/REPO"; GitLab's "GROUP/PROJECT" */
	const char *pulls;           /* the changes' path: "/pulls"; GitLab's "/merge_requests" */
	const char *open_state;      /* the list's state= of open changes: "open"; GitLab's "opened" */
	const char *number_key;      /* the member holding a change's number: "number"; GitLab's "iid" */
	const promote__forge_send *comment;  /* POST /issues/%lld/comments {"body": the text} */
	const promote__forge_send *close;    /* PATCH /pulls/%lld {"state": "closed"} */

	/* The API's base for a repository without `api:` (malloc'd; NULL: out of memory). */
	char *(*api_base)(const promote__forge_url *url);
	/* The forge's GraphQL endpoint (malloc'd; NULL: out of memory) from the repository's `graphql:`
	 * (`configured`, NULL when not given) and the REST base; may be NULL: the forge has none used. */
	char *(*graphql_url)(const char *configured, const char *base);
	/* The repository's path prefix (malloc'd; NULL: out of memory) from f->owner and f->name; may be
	 * NULL: /repos/OWNER/NAME. */
	char *(*prefix)(const promote__forge *f);
	/* The query that narrows GET /pulls?state=open to head branch `head` ("&head=OWNER:BRANCH"),
	 * malloc'd; may be NULL: every open pull request is listed and matched by head.ref. */
	char *(*head_query)(const promote__forge *f, const char *head);
	/* The query that narrows the open list to changes carrying every label of `request` ("&labels=..."),
	 * malloc'd; may be NULL: every open one is listed and matched by its labels. */
	char *(*labels_query)(const promote__forge *f, const promote_change_request *request);
	/* The head branch and the head commit of `pull`; may be NULL: head.ref and head.sha. */
	const char *(*head_branch)(json_object *pull);
	const char *(*head_sha)(json_object *pull);
	/* `pull` into `out` with its id; may be NULL: promote__forge_pull_to_info() with is_draft. */
	int (*to_info)(promote_change_info *out, json_object *pull, const char *id);
	/* Whether base...head of `request` changes anything. */
	int (*has_diff)(bool *diff, promote__forge *f, const promote_change_request *request);
	/* POST a new pull request for `request` (labels are set after, by set_labels). */
	int (*create)(json_object **pull, promote__forge *f, const promote_change_request *request);
	/* Whether create's failure `rc` (its message in promote_error_last()) says an open pull request of
	 * the same head exists already: one opened by a run that raced this one. */
	bool (*already_exists)(int rc);
	/* The labels of `request` put on pull request `pull` (which may carry some already). */
	int (*set_labels)(promote__forge *f, json_object *pull, const promote_change_request *request);
	/* Whether `pull` is a draft (a person's turn: no approval counts, no merge); may be NULL: its
	 * boolean "draft". */
	bool (*is_draft)(json_object *pull);
	/* PROMOTE_CHECKS_* of the head of `pull` (pull->head.sha). */
	int (*read_checks)(int *checks, promote__forge *f, json_object *pull);
	/* Why the checks of `pull` fail, a sentence (malloc'd; NULL: out of memory). May be NULL: not said. */
	char *(*checks_why)(json_object *pull);
	/* Why the forge would not merge `pull` now: NULL when it would, else a sentence; *conflict true
	 * when a person must resolve a conflict (otherwise it is "not ready yet"). */
	const char *(*not_mergeable)(json_object *pull, bool *conflict);
	/* Where the forge itself holds open pull request `pull` (GitHub: its auto-merge on, its merge queue):
	 * *reason a sentence (malloc'd), or NULL when it holds nothing; a release then waits for the forge's
	 * merge and promote never merges it. May be NULL: never. */
	int (*waiting)(char **reason, promote__forge *f, json_object *pull);
	/* Whether `pull`, not mergeable now (not_mergeable) but no conflict, still goes to `merge` once its
	 * checks pass, which hands it to the forge's own merge (GitHub: blocked by branch protection, handed to
	 * auto-merge or the merge queue). May be NULL: never. */
	bool (*merge_anyway)(json_object *pull);
	/* The approvals of change `number`; may be NULL: its reviews (GET /pulls/N/reviews), each reviewer's
	 * latest verdict (promote__forge_approvals()). */
	int (*read_approvals)(unsigned *approvals, promote__forge *f, int64_t number);
	/* Whether open `pull` (no draft, its checks pending) is handed to the forge's merge now, the merge guard
	 * skipped (*pending): the forge takes the merge and carries it out itself once they pass (GitLab: merge when
	 * pipeline succeeds; Gitea: merge when checks succeed, only where branch protection requires the checks).
	 * `merge` then sees f->hand_over. May be NULL: never. */
	int (*merge_pending)(bool *pending, promote__forge *f, json_object *pull);
	/* Approve change `number` as the token's owner, `by` (promote__change_actor()) said where the forge
	 * takes a text. May be NULL: a review with approve_event after `approving`. */
	int (*approve)(promote__forge *f, int64_t number, const char *by);
	/* Called before the approving review of pull request `number` (GitHub: a draft is marked ready, as
	 * the person approving through promote is the one a draft waits for). May be NULL. */
	int (*approving)(promote__forge *f, int64_t number);
	/* Merge open pull request `pull` (number `number`, id `id`) naming its head pull->head.sha so a
	 * moved head is refused, as the repository's merge_method says, its branch deleted after: 0
	 * with *merge_sha (malloc'd), PROMOTE_ECONFLICT when the head moved or it conflicts, else the
	 * call's code with a message naming `id`. */
	int (*merge)(char **merge_sha, promote__forge *f, json_object *pull, int64_t number, const char *id);
} promote__forge_kind;

struct promote__forge {
	const promote__forge_kind *kind;
	promote__api *api;
	promote__api *graphql;     /* the kind's GraphQL endpoint (graphql_url), the same token; or NULL */
	char *owner;
	char *name;
	char *prefix;              /* the repository's path prefix: "/repos/OWNER/NAME" (kind->prefix) */
	const char *merge_method;  /* "merge", "squash" or "rebase" (the repository's mergeMethod) */
	bool hand_over;            /* for `merge`: the change read is handed to the forge's own merge (merge_pending) */
};

/* The repository of environment `env` (NULL: none named), else the one a change id "OWNER/NAME#N"
 * names (`id` NULL: none), else the first whose provider is kind->provider; connected with the
 * token kind->token says (promote__api_token_header): PROMOTE_EAUTH when there is none. */
int promote__forge_open(promote__forge *f, const promote__forge_kind *kind, promote_context *ctx, const char *env,
	const char *id);
void promote__forge_close(promote__forge *f);

/* The kind's optional words: kind->what, id_sep, pulls, number_key or their defaults. */
const char *promote__forge_what(const promote__forge_kind *kind);
char promote__forge_sep(const promote__forge_kind *kind);
const char *promote__forge_pulls(const promote__forge_kind *kind);
const char *promote__forge_number_key(const promote__forge_kind *kind);

/* METHOD /repos/OWNER/NAME`suffix` (f->prefix) with `body` (borrowed; NULL: none): 0 with *out the answer's JSON
 * (the caller puts it; NULL for an empty one), or the code of promote__api_call() with its message.
 * `status` (may be NULL) gets the HTTP status either way. */
int promote__forge_call(json_object **out, long *status, promote__forge *f, const char *method, const char *suffix,
	json_object *body);

/* GET f->prefix`suffix`, a list, with every page after it (Link rel="next", at most 20
 * pages) appended: 0 with *out an array (the caller puts it), or the call's code. */
int promote__forge_list(json_object **out, promote__forge *f, const char *suffix);

/* GET /repos/OWNER/NAME/compare/BASE...HEAD`query` of `request`'s branches (each escaped as one path
 * segment): 0 with *out the answer (the caller puts it), or the call's code. `query` "" for none. */
int promote__forge_compare(json_object **out, promote__forge *f, const promote_change_request *request,
	const char *query);

/* A new pull request's body for `request`: {"title": `title`, "body", "head", "base"}; 0 with *out (the
 * caller puts it), or PROMOTE_ENOMEM. */
int promote__forge_pull_body(json_object **out, const promote_change_request *request, const char *title);

/* `s` percent-encoded for a query's value, or for one segment of a path (`in_path`: a branch's
 * slashes too); malloc'd, NULL when out of memory. */
char *promote__forge_escape(const char *s, bool in_path);

/* A change's id, "OWNER/NAME#N" (the kind's id_sep), from a pull request's number. */
char *promote__forge_change_id(const promote__forge *f, int64_t number);
/* The number of change `id` ("OWNER/NAME#N" or "N"): 0 or PROMOTE_EINVALID saying what an id of
 * `kind`'s looks like. */
int promote__forge_change_number(int64_t *number, const char *id, const promote__forge_kind *kind);

/* The merge of change `id` refused as its head moved since `sha` (whose checks were read): PROMOTE_ECONFLICT
 * saying so. */
int promote__forge_head_moved(const promote__forge *f, const char *id, const char *sha);

#endif
