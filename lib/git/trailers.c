/* Finding a commit by its trailers on a branch's first-parent line. */
#include "trailers.h"
#include "repo.h"

#include <string.h>

/* `line` is one whole line of `message`. */
static bool has_line(const char *message, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = message; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0' || p[n] == '\r'))
			return true;
	return false;
}

int promote__git_find_by_trailers(git_oid *out, git_repository *repo, const git_oid *tip,
	const char *const *lines, size_t count, unsigned depth, const git_oid *stop)
{
	git_oid at = *tip;
	for (unsigned walked = 0; walked < depth; walked++) {
		git_commit *commit = NULL;
		int git_rc = git_commit_lookup(&commit, repo, &at);
		if (git_rc < 0)
			return promote__git_failed(git_rc, "cannot read commit", git_oid_tostr_s(&at));
		const char *message = git_commit_message(commit);
		bool all = message != NULL;
		for (size_t i = 0; all && i < count; i++)
			all = has_line(message, lines[i]);
		bool more = !all && git_commit_parentcount(commit) > 0 && !(stop && git_oid_equal(&at, stop));
		if (all)
			*out = at;
		else if (more)
			at = *git_commit_parent_id(commit, 0);
		git_commit_free(commit);
		if (all)
			return 0;
		if (!more)
			break;
	}
	return PROMOTE_ENOTFOUND;
}
