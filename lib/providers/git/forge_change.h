/*
 * Internal: the pull-request sequences every forge provider shares, over a
 * promote__forge_kind's adapters (forge.h). A provider's vtable slots call
 * these with its kind; `payload` is the context, as for every built-in
 * provider. The traps they guard against, at every forge:
 * - never a second pull request: an open one with the same head branch, else
 *   one carrying every label asked for, is reused (a run killed between its
 *   push and its request finds it again; a run that raced this one and
 *   opened it first is found after the forge refuses the second);
 * - never an empty one: the kind's has_diff is asked first;
 * - never a blind merge: the merge names the head commit whose checks were
 *   just read; a head that moved meanwhile is refused by the forge and
 *   reported (PROMOTE_ECONFLICT), not merged;
 * - "not ready yet" told from "conflict" (the kind's not_mergeable): the
 *   first reads as checks pending (a release waits) and refuses a merge with
 *   PROMOTE_EBUSY, the second PROMOTE_ECONFLICT;
 * - a draft (a manual environment's) counts no approval and is not merged
 *   until a person marks it ready at the forge.
 */
#ifndef PROMOTE_PROVIDERS_GIT_FORGE_CHANGE_H
#define PROMOTE_PROVIDERS_GIT_FORGE_CHANGE_H

#include "forge.h"

#include <promote/sys/git_provider.h>

/* The slots of promote_git_provider (promote/sys/git_provider.h), for a forge of kind `kind`. */
int promote__forge_open_change(const promote__forge_kind *kind, promote_change_info *out,
	const promote_change_request *request, void *payload);
int promote__forge_find_change(const promote__forge_kind *kind, promote_change_info *out,
	const promote_change_request *request, void *payload);
int promote__forge_get_change(const promote__forge_kind *kind, promote_change_info *out, const char *id, void *payload);
int promote__forge_merge_change(const promote__forge_kind *kind, promote_change_info *out, const char *id,
	void *payload);
int promote__forge_comment_change(const promote__forge_kind *kind, const char *id, const char *body, void *payload);
int promote__forge_close_change(const promote__forge_kind *kind, const char *id, void *payload);
/* A review with kind->approve_event; `by` is said in its text (the forge records the token's owner). */
int promote__forge_approve_change(const promote__forge_kind *kind, promote_change_info *out, const char *id,
	const char *by, void *payload);

/* GET .../pulls/N into *pull: for adapters that read a pull request again (after a merge). */
int promote__forge_read_pull(json_object **pull, promote__forge *f, int64_t number);

/* The vtable of a forge provider: `const promote_git_provider *function(void)` whose slots call the
 * ones above with `kind` (a static promote__forge_kind of the file). */
#define PROMOTE__FORGE_PROVIDER(function, kind)                                                             \
	static int kind##_open_change(promote_change_info *out, const promote_change_request *r, void *p)  \
	{                                                                                                  \
		return promote__forge_open_change(&kind, out, r, p);                                       \
	}                                                                                                  \
	static int kind##_find_change(promote_change_info *out, const promote_change_request *r, void *p)  \
	{                                                                                                  \
		return promote__forge_find_change(&kind, out, r, p);                                       \
	}                                                                                                  \
	static int kind##_get_change(promote_change_info *out, const char *id, void *p)                    \
	{                                                                                                  \
		return promote__forge_get_change(&kind, out, id, p);                                       \
	}                                                                                                  \
	static int kind##_merge_change(promote_change_info *out, const char *id, void *p)                  \
	{                                                                                                  \
		return promote__forge_merge_change(&kind, out, id, p);                                     \
	}                                                                                                  \
	static int kind##_comment_change(const char *id, const char *body, void *p)                        \
	{                                                                                                  \
		return promote__forge_comment_change(&kind, id, body, p);                                  \
	}                                                                                                  \
	static int kind##_close_change(const char *id, void *p)                                            \
	{                                                                                                  \
		return promote__forge_close_change(&kind, id, p);                                          \
	}                                                                                                  \
	static int kind##_approve_change(promote_change_info *out, const char *id, const char *by, void *p) \
	{                                                                                                  \
		return promote__forge_approve_change(&kind, out, id, by, p);                               \
	}                                                                                                  \
	const promote_git_provider *function(void)                                                         \
	{                                                                                                  \
		static const promote_git_provider vtable = {                                               \
			.version = PROMOTE_GIT_PROVIDER_VERSION,                                           \
			.open_change = kind##_open_change,                                                 \
			.get_change = kind##_get_change,                                                   \
			.find_change = kind##_find_change,                                                 \
			.merge_change = kind##_merge_change,                                               \
			.comment_change = kind##_comment_change,                                           \
			.close_change = kind##_close_change,                                               \
			.approve_change = kind##_approve_change,                                           \
		};                                                                                         \
		return &vtable;                                                                            \
	}

#endif
