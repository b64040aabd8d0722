/*
 * libpromote — plans and applying them: one promotion of a product into an
 * environment.
 *
 * A plan is data: the files a promotion changes in the target environment
 * and their new bytes, computed from the product's template and the source
 * environment, read from the repository without a working tree. Nothing is
 * written until promote_plan_apply(). Planning a promotion that is already
 * in place gives a plan with no changes.
 */
#ifndef PROMOTE_PLAN_H
#define PROMOTE_PLAN_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

typedef struct promote_plan promote_plan;

/* Initialise with PROMOTE_PLAN_OPTIONS_INIT or promote_plan_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_plan_options {
	uint32_t version;
	uint32_t reserved;
	/* The source environment; NULL: what `to` depends on in the default flow. */
	const char *from;
	/* Promote this version (written to the template's version attribute)
	 * instead of the source's; NULL: the source's. */
	const char *set_version;
} promote_plan_options;

#define PROMOTE_PLAN_OPTIONS_VERSION 1
#define PROMOTE_PLAN_OPTIONS_INIT { PROMOTE_PLAN_OPTIONS_VERSION, 0, NULL, NULL }

PROMOTE_EXTERN(int) promote_plan_options_init(promote_plan_options *opts, unsigned int version);

/*
 * Plan promoting `product` into environment `to`, reading the context's
 * repository (promote_context_repository_path()). PROMOTE_ENOTFOUND for an
 * unknown product, environment or file; PROMOTE_EINVALID for YAML that
 * cannot be edited; PROMOTE_ESTATE when the context has no repository;
 * PROMOTE_ENOTSUPPORTED for an environment whose repository (its `url`) is
 * not the context's.
 * The plan keeps the context alive. Free it with promote_plan_free().
 */
PROMOTE_EXTERN(int) promote_plan_create(promote_plan **out, promote_context *ctx, const char *product,
	const char *to, const promote_plan_options *opts);
PROMOTE_EXTERN(void) promote_plan_free(promote_plan *plan);

PROMOTE_EXTERN(const char *) promote_plan_product(const promote_plan *plan);
PROMOTE_EXTERN(const char *) promote_plan_from(const promote_plan *plan);
PROMOTE_EXTERN(const char *) promote_plan_to(const promote_plan *plan);
/* The version promoted, or NULL when the template names no version attribute. */
PROMOTE_EXTERN(const char *) promote_plan_version(const promote_plan *plan);
/* The branch the change lands on and the commit the plan was made on (hex). */
PROMOTE_EXTERN(const char *) promote_plan_branch(const promote_plan *plan);
PROMOTE_EXTERN(const char *) promote_plan_base(const promote_plan *plan);

/* The files that change, repository-relative, sorted. */
PROMOTE_EXTERN(size_t) promote_plan_change_count(const promote_plan *plan);
PROMOTE_EXTERN(const char *) promote_plan_change_path_at(const promote_plan *plan, size_t index);

/* A unified diff of every change ("" when there is none). */
PROMOTE_EXTERN(int) promote_plan_diff(promote_buf *out, const promote_plan *plan);

/* What promote_plan_apply() did. */
typedef enum promote_apply_outcome {
	PROMOTE_APPLY_UNCHANGED = 0,   /* already in place: no commit */
	PROMOTE_APPLY_COMMITTED = 1,   /* one commit on the environment's branch */
	PROMOTE_APPLY_PROPOSED = 2,    /* one commit on a change branch promote/PRODUCT/VERSION/ENV,
	                                  and its change request (promote_plan_change_id()) */
	PROMOTE_APPLY_SKIPPED = 3      /* the policy's action is none */
} promote_apply_outcome;

/* "unchanged", "committed", "proposed", "skipped"; static, "unknown" for a
 * value out of range. */
PROMOTE_EXTERN(const char *) promote_apply_outcome_name(int outcome);

typedef struct promote_apply_options {
	uint32_t version;
	/* How often to plan again when the branch moved meanwhile; 0 = 10. */
	uint32_t max_retries;
	/* The commit's author and committer; NULL: as git finds them —
	 * $PROMOTE_AUTHOR_NAME / $PROMOTE_AUTHOR_EMAIL, else $GIT_AUTHOR_* /
	 * $GIT_COMMITTER_*, else user.name / user.email of the repository's and
	 * the user's git configuration, else "promote" / "promote@localhost". */
	const char *author_name;
	const char *author_email;
	/* Since version 2. The release this promotion is a step of (1 to 64 of
	 * A-Z a-z 0-9 . _ -): the commit carries "Promote-Release: ID" and a
	 * change branch is named promote/ID/ENV. NULL: none, and the change
	 * branch is promote/PRODUCT/VERSION/ENV. */
	const char *release;
} promote_apply_options;

#define PROMOTE_APPLY_OPTIONS_VERSION 2
#define PROMOTE_APPLY_OPTIONS_INIT { PROMOTE_APPLY_OPTIONS_VERSION, 0, NULL, NULL, NULL }

PROMOTE_EXTERN(int) promote_apply_options_init(promote_apply_options *opts, unsigned int version);

/*
 * Apply the plan as the resolved policy says: commit on the environment's
 * branch (action commit), or on a change branch (action pull-request), or
 * nothing (action none). The branch moves by compare-and-swap; when it
 * moved meanwhile the plan is computed again on the new tip (the edits are
 * derived again, never rebased as text) up to max_retries times, then
 * PROMOTE_ECONFLICT. *outcome says what happened; `commit` (may be NULL)
 * receives the new commit's id. Applying twice makes one commit.
 */
PROMOTE_EXTERN(int) promote_plan_apply(promote_buf *commit, int *outcome, promote_plan *plan,
	const promote_apply_options *opts);

/* After promote_plan_apply() proposed the change (PROMOTE_APPLY_PROPOSED):
 * the id of its change request at the environment's git provider (see
 * promote/change.h), opened then or found open already. NULL otherwise.
 * Owned by the plan. */
PROMOTE_EXTERN(const char *) promote_plan_change_id(const promote_plan *plan);

PROMOTE_END_DECL

#endif
