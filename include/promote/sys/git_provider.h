/*
 * libpromote — for implementers: the git-provider vtable.
 *
 * A git provider is how a change reaches an environment's branch: it opens a
 * change request (a branch, title, body, labels and draft flag, for one or
 * several environments), reads its state, approves, merges, comments on and
 * closes it, and finds an open one again by its labels so that a resumed
 * release never opens a second. Built in: local, github, gitea (also named forgejo) and
 * gitlab. Callers reach a provider through promote/change.h.
 *
 * The request and result objects are opaque: callbacks read requests through
 * the promote_change_request_* getters and write results through the copying
 * setters below, so no memory crosses between allocators.
 */
#ifndef PROMOTE_SYS_GIT_PROVIDER_H
#define PROMOTE_SYS_GIT_PROVIDER_H

#include "../common.h"
#include "../change.h"

PROMOTE_BEGIN_DECL

/*
 * The vtable. Every slot is optional (NULL: the operation is not supported
 * and callers get PROMOTE_ENOTSUPPORTED). Callbacks run synchronously on the
 * calling thread, return 0 or a negative promote_error_code, and may return
 * PROMOTE_EUSER (passed through) or PROMOTE_PASSTHROUGH: a provider registered
 * under the name of a built-in one ("local") has the built-in one do it.
 * Slots are only appended; each new one says "since vN".
 */
typedef struct promote_git_provider {
	uint32_t version;
	uint32_t reserved;
	/* Open a change request; fill `out` with its id, URL and state. */
	int (*open_change)(promote_change_info *out, const promote_change_request *request, void *payload);
	/* Read the state of change `id`: open/merged/closed, checks, approval. */
	int (*get_change)(promote_change_info *out, const char *id, void *payload);
	/* Find an open change carrying every label of `request`; PROMOTE_ENOTFOUND if none. */
	int (*find_change)(promote_change_info *out, const promote_change_request *request, void *payload);
	/* Merge change `id`; fill `out` with the merged state and merge commit. */
	int (*merge_change)(promote_change_info *out, const char *id, void *payload);
	/* Add a comment to change `id`. */
	int (*comment_change)(const char *id, const char *body, void *payload);
	/* Close change `id` without merging. */
	int (*close_change)(const char *id, void *payload);
	/* Record an approval of change `id` by `by` (NULL: whoever is asking). */
	int (*approve_change)(promote_change_info *out, const char *id, const char *by, void *payload);
	/* Release `payload` when the context no longer needs it. The last slot
	 * of version 1, as in every vtable; later versions append after it. */
	void (*free_payload)(void *payload);
} promote_git_provider;

#define PROMOTE_GIT_PROVIDER_VERSION 1
#define PROMOTE_GIT_PROVIDER_INIT \
	{ PROMOTE_GIT_PROVIDER_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/* For callbacks: what the provider knows of a change, written into `info`
 * (strings are copied). The id is required; the rest default to "", open,
 * no checks, not a draft, no approvals. State and checks take the
 * promote_change_state and promote_checks_state values. */
PROMOTE_EXTERN(int) promote_change_info_set_id(promote_change_info *info, const char *id);
PROMOTE_EXTERN(int) promote_change_info_set_url(promote_change_info *info, const char *url);
PROMOTE_EXTERN(int) promote_change_info_set_head(promote_change_info *info, const char *head);
PROMOTE_EXTERN(int) promote_change_info_set_base(promote_change_info *info, const char *base);
PROMOTE_EXTERN(int) promote_change_info_set_title(promote_change_info *info, const char *title);
PROMOTE_EXTERN(int) promote_change_info_set_merge_commit(promote_change_info *info, const char *commit);
PROMOTE_EXTERN(int) promote_change_info_set_state(promote_change_info *info, int state);
PROMOTE_EXTERN(int) promote_change_info_set_checks(promote_change_info *info, int checks);
PROMOTE_EXTERN(int) promote_change_info_set_draft(promote_change_info *info, int draft);
PROMOTE_EXTERN(int) promote_change_info_set_approvals(promote_change_info *info, unsigned int approvals);
/* open_change: the change was found open already, not opened now. */
PROMOTE_EXTERN(int) promote_change_info_set_reused(promote_change_info *info, int reused);
/* The change is open and the forge itself holds it (auto-merge on, in a merge
 * queue, waiting for something outside promote): why, in a person's words.
 * A release then waits for the forge's merge instead of merging. */
PROMOTE_EXTERN(int) promote_change_info_set_waiting(promote_change_info *info, const char *reason);

/* Fill `provider` with empty slots for `version`; PROMOTE_EVERSION if unknown. */
PROMOTE_EXTERN(int) promote_git_provider_init(promote_git_provider *provider, unsigned int version);

/*
 * Register a git provider on `ctx` under `name` ([a-z0-9_-], 1..63 chars).
 * The vtable is copied. On success the context owns `payload` and calls
 * free_payload(payload) when freed; on failure the caller keeps it.
 * PROMOTE_EEXISTS if the name is taken, PROMOTE_EVERSION for a vtable newer
 * than this library.
 */
PROMOTE_EXTERN(int) promote_git_provider_register(
	promote_context *ctx, const char *name, const promote_git_provider *provider, void *payload);

/* The built-in git providers' names ("local", "github", "gitea", "gitlab",
 * "forgejo": gitea's under Forgejo's name), index 0 up; NULL past the last.
 * Static. A configuration may name these without registering. */
PROMOTE_EXTERN(const char *) promote_git_provider_builtin_at(size_t index);

/* Registered git providers, in registration order. */
PROMOTE_EXTERN(size_t) promote_git_provider_count(const promote_context *ctx);
PROMOTE_EXTERN(const char *) promote_git_provider_name_at(const promote_context *ctx, size_t index);

PROMOTE_END_DECL

#endif
