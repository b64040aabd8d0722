/*
 * Listing an environment's products from its branch: every configured
 * product whose folder is there, and every folder a discovery product's
 * path (such as apps/STAR) matches. Reads only the trees along those paths.
 */
#include "plan.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tree at `path` of `commit`'s tree (the root for ""); NULL and 0 when there is none. */
static int tree_at(git_tree **out, git_repository *repo, git_tree *root, const char *path)
{
	*out = NULL;
	if (!*path)
		return git_tree_dup(out, root) < 0 ? promote__git_failed(-1, "cannot read the tree of", "the commit") : 0;
	git_tree_entry *entry = NULL;
	int git_rc = git_tree_entry_bypath(&entry, root, path);
	if (git_rc == GIT_ENOTFOUND)
		return 0;
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot read", path) : 0;
	if (rc == 0 && git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
		(git_rc = git_tree_lookup(out, repo, git_tree_entry_id(entry))) < 0)
		rc = promote__git_failed(git_rc, "cannot read", path);
	git_tree_entry_free(entry);
	return rc;
}

static bool is_folder(git_repository *repo, git_tree *root, const char *path)
{
	git_tree *tree = NULL;
	bool found = tree_at(&tree, repo, root, path) == 0 && tree;
	git_tree_free(tree);
	promote_error_clear();
	return found;
}

/* Append a copy; duplicates go after sorting. */
static int add_name(promote_strarray *list, const char *name, size_t len)
{
	char **grown = realloc(list->strings, (list->count + 1) * sizeof *grown);
	if (!grown)
		return promote__error_oom();
	list->strings = grown;
	if (!(list->strings[list->count] = strndup(name, len)))
		return promote__error_oom();
	list->count++;
	return 0;
}

/* ENV/DIR/PREFIX, star, SUFFIX/REST: every folder of ENV/DIR named PREFIX...SUFFIX
 * (with ENV/DIR/NAME/REST a folder too) adds the name where the star stands. */
static int discover(promote_strarray *list, git_repository *repo, git_tree *root, const char *env_path,
	const char *pattern)
{
	const char *star = strchr(pattern, '*');
	const char *slash = NULL;
	for (const char *c = pattern; c < star; c++)
		if (*c == '/')
			slash = c;
	size_t dir_len = slash ? (size_t)(slash - pattern) : 0;
	const char *prefix = slash ? slash + 1 : pattern;
	size_t prefix_len = (size_t)(star - prefix);
	const char *rest = strchr(star, '/');
	size_t suffix_len = rest ? (size_t)(rest - star - 1) : strlen(star + 1);
	char dir[4096];
	snprintf(dir, sizeof dir, "%s%s%.*s", env_path, dir_len ? "/" : "", (int)dir_len, pattern);
	git_tree *tree = NULL;
	int rc = tree_at(&tree, repo, root, dir);
	for (size_t i = 0; rc == 0 && tree && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		size_t len = strlen(name);
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE || len <= prefix_len + suffix_len ||
			strncmp(name, prefix, prefix_len) != 0 || memcmp(name + len - suffix_len, star + 1, suffix_len) != 0)
			continue;
		if (rest) {
			char below[8192];
			snprintf(below, sizeof below, "%s/%s%s", dir, name, rest);
			if (!is_folder(repo, root, below))
				continue;
		}
		rc = add_name(list, name + prefix_len, len - prefix_len - suffix_len);
	}
	git_tree_free(tree);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int promote_product_discover(promote_strarray *out, promote_context *ctx, const char *env_name)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	promote_strarray list = PROMOTE_STRARRAY_INIT;
	const promote_env *env = NULL;
	const promote_flow *flow = NULL;
	int rc = 0;
	if (env_name)
		rc = promote_env_lookup(&env, ctx, env_name);
	else if ((rc = promote_flow_lookup(&flow, ctx, NULL)) == 0)
		env = promote_flow_trigger(flow);
	const char *repo_path = rc == 0 ? promote__context_repository(ctx) : NULL;
	if (rc == 0 && !repo_path)
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository: products are found in one (--repo)", promote_context_source(ctx));
	git_repository *repo = NULL;
	char *branch = NULL;
	git_oid tip;
	git_commit *commit = NULL;
	git_tree *root = NULL;
	if (rc == 0 && (rc = promote__git_open(&repo, repo_path)) == 0 &&
		(rc = promote__plan_branch_of(&branch, repo, env)) == 0 && (rc = promote__git_resolve(&tip, repo, branch)) == 0 &&
		(git_commit_lookup(&commit, repo, &tip) < 0 || git_commit_tree(&root, commit) < 0))
		rc = promote__git_failed(-1, "cannot read branch", branch);
	/* Configured products first, then what discovery finds. */
	for (size_t i = 0; rc == 0 && i < promote_product_count(ctx); i++) {
		const promote_product *p = promote_product_at(ctx, i);
		char folder[4096];
		snprintf(folder, sizeof folder, "%s/%s", promote_env_path(env), promote_product_path(p));
		if (!promote_product_is_discovery(p) && is_folder(repo, root, folder))
			rc = add_name(&list, promote_product_name(p), strlen(promote_product_name(p)));
	}
	for (size_t i = 0; rc == 0 && i < promote_product_count(ctx); i++)
		if (promote_product_is_discovery(promote_product_at(ctx, i)))
			rc = discover(&list, repo, root, promote_env_path(env), promote_product_path(promote_product_at(ctx, i)));
	git_tree_free(root);
	git_commit_free(commit);
	git_repository_free(repo);
	free(branch);
	if (rc) {
		promote_strarray_dispose(&list);
		return rc;
	}
	if (list.count > 1)
		qsort(list.strings, list.count, sizeof *list.strings, by_name);
	size_t kept = 0;
	for (size_t i = 0; i < list.count; i++) {
		if (kept > 0 && strcmp(list.strings[kept - 1], list.strings[i]) == 0)
			free(list.strings[i]); /* a configured product found by discovery too */
		else
			list.strings[kept++] = list.strings[i];
	}
	list.count = kept;
	*out = list;
	return 0;
}
