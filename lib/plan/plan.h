/*
 * Internal: the plan behind promote_plan — the files a promotion changes and
 * their new bytes, computed from the template, the source environment's
 * files and the target's, read from git. Computing writes nothing; the
 * engine applies (lib/engine).
 */
#ifndef PROMOTE_PLAN_PLAN_H
#define PROMOTE_PLAN_PLAN_H

#include "changes.h"
#include "git/reader.h"
#include "model/context.h"
#include "layout.h"
#include "core/error.h"

/* The list promote_context_check() and promote_context_doctor() hand out. */
struct promote_warnings {
	promote__errlist *list;
};


struct promote_plan {
	promote_context *ctx; /* kept alive */
	const promote_product *product_cfg;
	char *product;        /* the product's name (a discovered one for "*") */
	const promote_env *from;
	const promote_env *to;
	char *set_version;
	char *version;
	char *previous;       /* the target's version attribute before the plan; NULL: none there */
	char *from_branch;
	char *to_branch;
	/* The source environment's repository when it is not the context's (owned by the context); NULL:
	 * the source is read through the reader the plan is computed with, as the target. */
	const promote__tree_reader *from_reader;
	promote__commit_id from_commit;  /* in the source's repository */
	promote__commit_id source_pin;   /* "" none: the source branch's tip; else always this commit of it */
	promote__commit_id base;  /* the target branch's commit the plan was made on */
	promote__changes changes;  /* sorted by path */
	int action;           /* the resolved policy's promote_action */
	char *change_id;      /* the change request opened or found by promote_plan_apply() */
};

/*
 * promote_plan_create() on the trees `reader` shows (the context's session,
 * or any other implementation: a test's in memory). Reads only; the reader
 * must outlive the call, not the plan.
 */
int promote__plan_make(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *to, const promote_plan_options *opts);

/* promote__plan_make() reading the source at its commit `source` (NULL: its
 * branch's tip), now and whenever the plan is computed again. */
int promote__plan_make_at(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *to, const promote_plan_options *opts, const promote__commit_id *source);

/* A plan that sets the version attribute of `product` in `env` to `version`
 * and changes nothing else (from and to are both `env`): what a release
 * that starts from a new version writes into its trigger environment first. */
int promote__plan_set_version(promote_plan **out, promote_context *ctx, const promote__tree_reader *reader,
	const char *product, const char *env, const char *version);

/* How `product` is configured: by its name, else by the discovery product ("*"); PROMOTE_ENOTFOUND when
 * neither. */
int promote__plan_product_config(const promote_product **out, promote_context *ctx, const char *product);

/* Changes are written only into the context's repository: PROMOTE_ENOTSUPPORTED, naming the
 * repository, for a target `env` that lives in another (never written into the wrong one). A source
 * may live anywhere: it is only read. */
int promote__plan_check_target(promote_context *ctx, const promote_env *env);

/* What `env` is read through when `reader` shows the context's repository: `reader` (NULL or not),
 * or, for an environment that lives in another repository, that one's (promote__context_env_reader()). */
int promote__plan_reader_of(const promote__tree_reader **out, promote_context *ctx, const promote_env *env,
	const promote__tree_reader *reader);

/* What the plan reads its source through when `reader` shows the target: `reader` itself, or the
 * reader of the source's own repository (from_reader). */
const promote__tree_reader *promote__plan_source_reader(const promote_plan *plan, const promote__tree_reader *reader);

/* (Re)compute plan->changes and plan->version from the current tips of the
 * source and target branches, as `reader` shows the target (and the source,
 * unless it lives in another repository: promote__plan_source_reader()). */
int promote__plan_compute(promote_plan *plan, const promote__tree_reader *reader);

/* The environment `to` follows in the default flow (its first), or NULL
 * (no error set) when it is no step of it. */
const promote_env *promote__plan_default_source(const promote_context *ctx, const promote_env *to);

/* The branch an environment's changes land on: its own, its repository's,
 * else the repository's HEAD branch. Freed by the caller. */
int promote__plan_branch_of(char **out, const promote__tree_reader *reader, const promote_env *env);

#endif
