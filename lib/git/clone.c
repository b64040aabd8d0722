/* An ordinary clone: its upstream remote, and its checked-out branch moved as git commit moves it. */
#include "clone.h"

#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The branch HEAD names ("refs/heads/main"), or NULL (detached, or HEAD cannot be read: no branch
 * to follow; unborn is fine). */
static const char *head_target(git_reference **head, git_repository *repo)
{
	const char *target = NULL;
	return promote__git_head_target(&target, head, repo) == 0 ? target : NULL;
}

/* "" when the configuration has no `key`; NULL when out of memory. */
static char *config_string(git_repository *repo, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = { 0 };
	char *out = NULL;
	if (git_repository_config_snapshot(&cfg, repo) == 0 && git_config_get_string_buf(&value, cfg, key) == 0)
		out = strdup(value.ptr);
	else
		out = strdup("");
	git_buf_dispose(&value);
	git_config_free(cfg);
	git_error_clear();
	return out;
}

int promote__git_upstream(char **name, char **url, git_repository *repo)
{
	*name = *url = NULL;
	if (git_repository_is_bare(repo))
		return 0;
	/* The current branch's remote, as `git pull` and `git push` take it. */
	git_reference *head = NULL;
	const char *branch = head_target(&head, repo);
	char *remote_name = NULL;
	if (branch && strncmp(branch, "refs/heads/", 11) == 0) {
		char *key = promote__strdupf("branch.%s.remote", branch + 11);
		if (key)
			remote_name = config_string(repo, key);
		free(key);
		if (!remote_name) {
			git_reference_free(head);
			return promote__error_oom();
		}
	}
	git_reference_free(head);
	/* "." is the repository itself; nothing set: origin. */
	if (remote_name && strcmp(remote_name, ".") == 0) {
		free(remote_name);
		return 0;
	}
	if (!remote_name || !*remote_name) {
		free(remote_name);
		if (!(remote_name = strdup("origin")))
			return promote__error_oom();
	}
	git_remote *remote = NULL;
	const char *found = git_remote_lookup(&remote, repo, remote_name) == 0 ? git_remote_url(remote) : NULL;
	git_error_clear();
	int rc = 0;
	if (found && *found) {
		/* A relative path is taken from the work tree's root, as git does there. */
		const char *workdir = git_repository_workdir(repo);
		bool relative = found[0] != '/' && !strstr(found, "://") && !strchr(found, ':') && workdir;
		*url = promote__strdupf("%s%s", relative ? workdir : "", found);
		*name = remote_name;
		remote_name = NULL;
		if (!*url) {
			free(*name);
			*name = NULL;
			rc = promote__error_oom();
		}
	}
	git_remote_free(remote);
	free(remote_name);
	return rc;
}

bool promote__git_is_checked_out_here(git_repository *repo, const char *ref)
{
	git_reference *head = NULL;
	const char *target = git_repository_is_bare(repo) ? NULL : head_target(&head, repo);
	bool here = target && strcmp(target, ref) == 0;
	git_reference_free(head);
	return here;
}

/* The first tracked file with changes in the index or the work tree, or NULL. */
static int first_change(char **out, git_repository *repo)
{
	git_status_options opts;
	git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES; /* untracked files are not changes */
	git_status_list *list = NULL;
	*out = NULL;
	int git_rc = git_status_list_new(&list, repo, &opts);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read the status of the work tree", git_repository_workdir(repo));
	size_t count = git_status_list_entrycount(list);
	int rc = 0;
	if (count) {
		const git_status_entry *e = git_status_byindex(list, 0);
		const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
		const char *path = d && d->new_file.path ? d->new_file.path : d && d->old_file.path ? d->old_file.path : "?";
		if (!(*out = promote__strdupf("'%s'%s", path, count > 1 ? " and more" : "")))
			rc = promote__error_oom();
	}
	git_status_list_free(list);
	return rc;
}

typedef struct in_the_way {
	char *path;
} in_the_way;

static int on_conflict(git_checkout_notify_t why, const char *path, const git_diff_file *baseline,
	const git_diff_file *target, const git_diff_file *workdir, void *payload)
{
	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	in_the_way *w = payload;
	if (!w->path)
		w->path = strdup(path);
	return 0;
}

/* Write what differs between `from` and `to` into the work tree and the index
 * (dry_run: only find out whether something is in the way, into *blocked). */
static int checkout(git_repository *repo, git_tree *from, git_commit *to, bool dry_run, char **blocked)
{
	git_checkout_options opts;
	git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
	opts.checkout_strategy = GIT_CHECKOUT_SAFE | (dry_run ? GIT_CHECKOUT_DRY_RUN : 0);
	opts.baseline = from;
	in_the_way w = { NULL };
	opts.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	opts.notify_cb = on_conflict;
	opts.notify_payload = &w;
	int git_rc = git_checkout_tree(repo, (const git_object *)to, &opts);
	if (w.path || git_rc == GIT_ECONFLICT) { /* *blocked says what */
		*blocked = w.path ? w.path : strdup("?");
		return *blocked ? 0 : promote__error_oom();
	}
	*blocked = NULL;
	return git_rc < 0 ? promote__git_failed(git_rc, "cannot update the work tree", git_repository_workdir(repo)) : 0;
}

int promote__git_commit_checked_out(git_repository *repo, const char *ref, const git_oid *target,
	const git_oid *expected, const char *reflog)
{
	const char *name = strncmp(ref, "refs/heads/", 11) == 0 ? ref + 11 : ref;
	const char *workdir = git_repository_workdir(repo);
	git_commit *old = NULL, *new = NULL;
	git_tree *old_tree = NULL;
	char *changed = NULL, *blocked = NULL;
	int rc = 0, git_rc;
	if ((git_rc = git_commit_lookup(&old, repo, expected)) < 0 || (git_rc = git_commit_tree(&old_tree, old)) < 0 ||
		(git_rc = git_commit_lookup(&new, repo, target)) < 0)
		rc = promote__git_failed(git_rc, "cannot read the commits of", name);
	/* Clean, as `git commit` needs nothing else staged and the files it writes unchanged. */
	if (rc == 0 && (rc = first_change(&changed, repo)) == 0 && changed)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_GIT,
			"branch '%s' is checked out in %s, which has uncommitted changes (%s); commit or stash them "
			"(git stash), then promote again; nothing was written",
			name, workdir, changed);
	if (rc == 0 && (rc = checkout(repo, old_tree, new, true, &blocked)) == 0 && blocked)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_GIT,
			"branch '%s' is checked out in %s, and the untracked file '%s' is where the promotion writes; "
			"move it away or commit it, then promote again; nothing was written",
			name, workdir, blocked);
	/* The branch moves first (the step that publishes), then the files follow. */
	if (rc == 0)
		rc = promote__git_update_ref(repo, ref, target, expected, reflog);
	if (rc == 0 && (rc = checkout(repo, old_tree, new, false, &blocked)) == 0 && blocked)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_GIT,
			"branch '%s' moved, but '%s' in %s changed meanwhile and was not updated: run 'git status' "
			"and 'git checkout -- %s' to see the promoted file", name, blocked, workdir, blocked);
	free(changed);
	free(blocked);
	git_tree_free(old_tree);
	git_commit_free(new);
	git_commit_free(old);
	return rc;
}
