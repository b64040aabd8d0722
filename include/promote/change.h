/*
 * libpromote — change requests: a promotion proposed on a branch and merged
 * when it is approved (a pull request, a merge request, or the local
 * provider's record inside the repository itself).
 *
 * A caller describes a change with a promote_change_request and asks a git
 * provider, by name, to open, find, read, approve, merge, comment on or close
 * it. What the provider knows of a change comes back in a promote_change_info.
 * The built-in provider "local" is always there; a provider registered on the
 * context under the same name replaces it (promote/sys/git_provider.h).
 */
#ifndef PROMOTE_CHANGE_H
#define PROMOTE_CHANGE_H

#include "common.h"

PROMOTE_BEGIN_DECL

/* What to open or find. Created and freed by the caller. */
typedef struct promote_change_request promote_change_request;
/* What a provider knows of one change. Freed by the caller. */
typedef struct promote_change_info promote_change_info;

typedef enum promote_change_state {
	PROMOTE_CHANGE_OPEN = 0,
	PROMOTE_CHANGE_MERGED = 1,
	PROMOTE_CHANGE_CLOSED = 2
} promote_change_state;

typedef enum promote_checks_state {
	PROMOTE_CHECKS_NONE = 0,     /* no checks run on this change */
	PROMOTE_CHECKS_PENDING = 1,
	PROMOTE_CHECKS_PASSING = 2,
	PROMOTE_CHECKS_FAILING = 3
} promote_checks_state;

/* The names of the states ("open", "merged", "closed"; "none", "pending",
 * "passing", "failing"), as the CLI and JSON output show them; static,
 * "unknown" for a value out of range. */
PROMOTE_EXTERN(const char *) promote_change_state_name(int state);
PROMOTE_EXTERN(const char *) promote_checks_state_name(int checks);

/* ---- requests ------------------------------------------------------------ */

/*
 * A request to merge branch `head` into branch `base` (names without
 * "refs/heads/"). The strings are copied. Free with
 * promote_change_request_free().
 */
PROMOTE_EXTERN(int) promote_change_request_new(promote_change_request **out, const char *head, const char *base);
PROMOTE_EXTERN(void) promote_change_request_free(promote_change_request *request);

/* Setters copy their argument. A label or environment added twice is kept once. */
PROMOTE_EXTERN(int) promote_change_request_set_title(promote_change_request *request, const char *title);
PROMOTE_EXTERN(int) promote_change_request_set_body(promote_change_request *request, const char *body);
PROMOTE_EXTERN(int) promote_change_request_set_draft(promote_change_request *request, int draft);
PROMOTE_EXTERN(int) promote_change_request_add_label(promote_change_request *request, const char *label);
PROMOTE_EXTERN(int) promote_change_request_add_environment(promote_change_request *request, const char *environment);

/* Getters: strings owned by the request ("" when not set). */
PROMOTE_EXTERN(const char *) promote_change_request_head(const promote_change_request *request);
PROMOTE_EXTERN(const char *) promote_change_request_base(const promote_change_request *request);
PROMOTE_EXTERN(const char *) promote_change_request_title(const promote_change_request *request);
PROMOTE_EXTERN(const char *) promote_change_request_body(const promote_change_request *request);
PROMOTE_EXTERN(int) promote_change_request_draft(const promote_change_request *request);
PROMOTE_EXTERN(size_t) promote_change_request_label_count(const promote_change_request *request);
PROMOTE_EXTERN(const char *) promote_change_request_label_at(const promote_change_request *request, size_t index);
PROMOTE_EXTERN(size_t) promote_change_request_environment_count(const promote_change_request *request);
PROMOTE_EXTERN(const char *) promote_change_request_environment_at(
	const promote_change_request *request, size_t index);

/* ---- what a provider knows of a change ----------------------------------- */

PROMOTE_EXTERN(void) promote_change_info_free(promote_change_info *info);

/* Strings owned by the info ("" when the provider did not say). */
PROMOTE_EXTERN(const char *) promote_change_info_id(const promote_change_info *info);
PROMOTE_EXTERN(const char *) promote_change_info_url(const promote_change_info *info);
PROMOTE_EXTERN(const char *) promote_change_info_head(const promote_change_info *info);
PROMOTE_EXTERN(const char *) promote_change_info_base(const promote_change_info *info);
PROMOTE_EXTERN(const char *) promote_change_info_title(const promote_change_info *info);
/* The commit the change was merged as (hex), "" until merged. */
PROMOTE_EXTERN(const char *) promote_change_info_merge_commit(const promote_change_info *info);
/* A promote_change_state and a promote_checks_state. */
PROMOTE_EXTERN(int) promote_change_info_state(const promote_change_info *info);
PROMOTE_EXTERN(int) promote_change_info_checks(const promote_change_info *info);
PROMOTE_EXTERN(int) promote_change_info_draft(const promote_change_info *info);
/* How many approvals the change has; approved means at least one. */
PROMOTE_EXTERN(unsigned int) promote_change_info_approvals(const promote_change_info *info);
/* 1 when the change was found open already instead of opened now (promote_change_open). */
PROMOTE_EXTERN(int) promote_change_info_reused(const promote_change_info *info);
/* Why an open change is not merged yet when the forge itself holds it, in a
 * person's words ("in GitHub's merge queue at position 2", "GitHub's
 * auto-merge is on: it merges once branch protection is satisfied"); ""
 * when nothing does. A release does not merge such a change: it waits,
 * with this as the step's reason, for the forge to merge it. */
PROMOTE_EXTERN(const char *) promote_change_info_waiting(const promote_change_info *info);

/* ---- asking a provider ---------------------------------------------------- */

/*
 * Each call asks the git provider registered on `ctx` as `provider`, or the
 * built-in one of that name; NULL means the provider of the context's first
 * repository (configuration `repositories`, default "local"). Results are
 * new promote_change_info objects the caller frees. PROMOTE_ENOTFOUND for
 * an unknown provider or change, PROMOTE_ENOTSUPPORTED when the provider
 * lacks the operation, PROMOTE_ESTATE when the change's state forbids it
 * (merging a closed change or a draft), PROMOTE_ECONFLICT when a merge
 * cannot be made without a person resolving it.
 */

/* Open `request`, or return the open change with the same head branch
 * (promote_change_info_reused() says which): never a second one. */
PROMOTE_EXTERN(int) promote_change_open(promote_change_info **out, promote_context *ctx, const char *provider,
	const promote_change_request *request);
/* The open change carrying every label of `request`; PROMOTE_ENOTFOUND if none. */
PROMOTE_EXTERN(int) promote_change_find(promote_change_info **out, promote_context *ctx, const char *provider,
	const promote_change_request *request);
PROMOTE_EXTERN(int) promote_change_get(promote_change_info **out, promote_context *ctx, const char *provider,
	const char *id);
/* Record an approval by `by` (NULL: the provider's idea of who is asking);
 * a draft approved is ready to merge. Approving twice counts once. */
PROMOTE_EXTERN(int) promote_change_approve(promote_change_info **out, promote_context *ctx, const char *provider,
	const char *id, const char *by);
/* Merge: fast-forward when the base has not moved, else a merge commit. */
PROMOTE_EXTERN(int) promote_change_merge(promote_change_info **out, promote_context *ctx, const char *provider,
	const char *id);
PROMOTE_EXTERN(int) promote_change_comment(promote_context *ctx, const char *provider, const char *id,
	const char *body);
PROMOTE_EXTERN(int) promote_change_close(promote_context *ctx, const char *provider, const char *id);

PROMOTE_END_DECL

#endif
