/* Names that become parts of git reference names, by git's rules (see refname.h). */
#include "refname.h"
#include "global_git.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "core/value.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

const char *promote__branch_name_problem(const char *branch)
{
	const char *why = promote__value_problem(branch, PROMOTE__BRANCH_MAX);
	if (why)
		return why;
	int valid = 0;
	if (promote__need_git() < 0) {
		promote_error_clear();
		return "cannot be checked (libgit2 did not start)";
	}
	if (git_branch_name_is_valid(&valid, branch) < 0 || !valid)
		return "is not a branch name git accepts";
	return NULL;
}

const char *promote__name_problem(const char *name)
{
	const char *why = promote__value_problem(name, PROMOTE__NAME_MAX);
	if (why)
		return why;
	if (strchr(name, '/'))
		return "holds a '/'";
	/* One part of a branch name: valid after a prefix, as the last part. */
	promote__strbuf ref;
	promote__strbuf_init(&ref, PROMOTE__REFNAME_MAX, "a reference name");
	int valid = 0;
	if (promote__strbuf_addf(&ref, "refs/heads/promote/%s", name) < 0 || promote__need_git() < 0) {
		promote_error_clear();
		why = "cannot be checked";
	} else if (git_reference_name_is_valid(&valid, promote__strbuf_cstr(&ref)) < 0 || !valid || name[0] == '-') {
		why = "cannot be part of a git branch name";
	}
	promote__strbuf_free(&ref);
	return why;
}

int promote__name_check(const char *noun, const char *name)
{
	int rc = promote__need_git(); /* libgit2 checks it: before promote_init(), that error */
	if (rc < 0)
		return rc;
	const char *why = promote__name_problem(name);
	if (!why)
		return 0;
	char *shown = promote__value_shown(name ? name : "");
	rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID, "%s name '%s' is not valid: it %s; %s",
		noun, shown ? shown : "?", why, PROMOTE__NAME_RULES);
	free(shown);
	return rc;
}
