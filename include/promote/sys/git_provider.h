/*
 * libpromote — for implementers: the git-provider vtable.
 *
 * A git provider is how a change reaches an environment's branch: it opens a
 * change request (a branch, title, body, labels and draft flag, for one or
 * several environments), reads its state, merges, comments on and closes it,
 * and finds an open one again by its labels so that a resumed release never
 * opens a second. Built in (later versions): local, github, gitlab, gitea.
 *
 * The request and result objects are opaque: callbacks read requests through
 * accessors and write results through copying setters, so no memory crosses
 * between allocators. Those accessors are added with the first built-in
 * provider; this version fixes the vtable and its registration.
 */
#ifndef PROMOTE_SYS_GIT_PROVIDER_H
#define PROMOTE_SYS_GIT_PROVIDER_H

#include "../common.h"

PROMOTE_BEGIN_DECL

/* What to open or find: read through accessors, valid during the callback. */
typedef struct promote_change_request promote_change_request;
/* Where the provider writes what it knows of a change (id, URL, state). */
typedef struct promote_change_info promote_change_info;

typedef enum promote_change_state {
	PROMOTE_CHANGE_OPEN = 0,
	PROMOTE_CHANGE_MERGED = 1,
	PROMOTE_CHANGE_CLOSED = 2
} promote_change_state;

typedef enum promote_checks_state {
	PROMOTE_CHECKS_NONE = 0,
	PROMOTE_CHECKS_PENDING = 1,
	PROMOTE_CHECKS_PASSING = 2,
	PROMOTE_CHECKS_FAILING = 3
} promote_checks_state;

/*
 * The vtable. Every slot is optional (NULL: the operation is not supported
 * and callers get PROMOTE_ENOTSUPPORTED). Callbacks run synchronously on the
 * calling thread, return 0 or a negative promote_error_code, and may return
 * PROMOTE_EUSER (passed through) or PROMOTE_PASSTHROUGH (built-in behaviour).
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
	/* Release `payload` when the context no longer needs it. */
	void (*free_payload)(void *payload);
} promote_git_provider;

#define PROMOTE_GIT_PROVIDER_VERSION 1
#define PROMOTE_GIT_PROVIDER_INIT \
	{ PROMOTE_GIT_PROVIDER_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

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

/* Registered git providers, in registration order. */
PROMOTE_EXTERN(size_t) promote_git_provider_count(const promote_context *ctx);
PROMOTE_EXTERN(const char *) promote_git_provider_name_at(const promote_context *ctx, size_t index);

PROMOTE_END_DECL

#endif
