/*
 * Internal: names that become parts of git reference names — an
 * environment's branch, a product's or an environment's name (in a change
 * branch "promote/PRODUCT/VERSION/ENV", in trailers and labels, and a
 * product's name in a folder path). git's own rules decide (libgit2's
 * git_branch_name_is_valid and git_reference_name_is_valid, the rules of
 * git check-ref-format), so what is accepted here is what git accepts.
 * Declared without libgit2's header: lib/plan and lib/config use them.
 *
 * The _problem functions return NULL when the name is fine, else what is
 * wrong (a literal) for callers that report it with a location.
 */
#ifndef PROMOTE_GIT_REFNAME_H
#define PROMOTE_GIT_REFNAME_H

#include "core/common.h"

/* What a branch name may be, for messages. */
#define PROMOTE__BRANCH_RULES \
	"a branch name git accepts has no spaces, control characters, '..', '@{', '//' or any of ~ ^ : ? * [ \\, " \
	"no part starting with '.' or ending with '.lock', does not end with '/' or '.', is not 'HEAD' and does " \
	"not start with '-'"

/* What a name (of a product, an environment) may be, for messages. */
#define PROMOTE__NAME_RULES \
	"a name is 1 to 128 bytes that can stand as one part of a git branch name: no '/', spaces, " \
	"control characters or any of ~ ^ : ? * [ \\, not starting with '.' or '-', not ending with '.lock' or '.', " \
	"no '..' or '@{'"

/* `branch` as a branch name ("main", "release/1.x"; not "refs/heads/main"). */
const char *promote__branch_name_problem(const char *branch);

/* `name` as one part of a branch name (a product's or an environment's name). */
const char *promote__name_problem(const char *name);

/* The same, setting the error: "product name '..' is not valid: …; a name is …".
 * `noun` is "product" or "environment". */
int promote__name_check(const char *noun, const char *name);

#endif
