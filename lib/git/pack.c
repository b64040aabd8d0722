/*
 * The pack a push of one commit needs: the commit and the trees and blobs it
 * adds to its first parent, found by walking only where the two trees
 * differ. libgit2's own push walks every tree of what the server has (its
 * uninteresting side) to learn the same, which costs time and memory in
 * proportion to the repository (libgit2 issue #3364); this costs what the
 * commit changed.
 */
#include "repo.h"

#include "core/buf.h"
#include "core/error.h"

#include <string.h>

/* Insert what `tree` has that `old` (NULL: nothing) has not, recursively. */
static int insert_added(git_packbuilder *pb, git_repository *repo, const git_tree *tree, const git_tree *old)
{
	int git_rc = git_packbuilder_insert(pb, git_tree_id(tree), NULL);
	for (size_t i = 0; git_rc == 0 && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const git_tree_entry *was = old ? git_tree_entry_byname(old, git_tree_entry_name(e)) : NULL;
		if (was && git_oid_equal(git_tree_entry_id(was), git_tree_entry_id(e)))
			continue; /* the receiver has it */
		switch (git_tree_entry_type(e)) {
		case GIT_OBJECT_BLOB:
			git_rc = git_packbuilder_insert(pb, git_tree_entry_id(e), git_tree_entry_name(e));
			break;
		case GIT_OBJECT_TREE: {
			git_tree *sub = NULL, *old_sub = NULL;
			git_rc = git_tree_lookup(&sub, repo, git_tree_entry_id(e));
			if (git_rc == 0 && was && git_tree_entry_type(was) == GIT_OBJECT_TREE)
				git_rc = git_tree_lookup(&old_sub, repo, git_tree_entry_id(was));
			if (git_rc == 0)
				git_rc = insert_added(pb, repo, sub, old_sub);
			git_tree_free(old_sub);
			git_tree_free(sub);
			break;
		}
		default:
			break; /* a submodule's commit is not in this repository */
		}
	}
	return git_rc;
}

/* How many commits a push of several sends at most (a record's versions of one poll). */
#define CHAIN_MAX 64

/* The commit and what it adds to its first parent. */
static int insert_commit(git_packbuilder *pb, git_repository *repo, const git_oid *commit)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *old = NULL;
	int git_rc;
	if ((git_rc = git_commit_lookup(&c, repo, commit)) == 0 && (git_rc = git_commit_tree(&tree, c)) == 0 &&
		(git_rc = git_packbuilder_insert(pb, commit, NULL)) == 0 &&
		(git_commit_parentcount(c) == 0 || ((git_rc = git_commit_parent(&parent, c, 0)) == 0 &&
						      (git_rc = git_commit_tree(&old, parent)) == 0)))
		git_rc = insert_added(pb, repo, tree, old);
	git_tree_free(old);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	return git_rc;
}

/* The commits from `commit` back to `have` (excluded) along first parents, newest first: all of
 * them when `have` is found within CHAIN_MAX, else `commit` alone. */
static int chain_to(git_oid *chain, size_t *count, git_repository *repo, const git_oid *commit, const git_oid *have)
{
	chain[0] = *commit;
	*count = 1;
	if (!have || git_oid_is_zero(have))
		return 0;
	size_t n = 0;
	git_oid at = *commit;
	while (n < CHAIN_MAX && !git_oid_equal(&at, have)) {
		git_commit *c = NULL;
		int git_rc = git_commit_lookup(&c, repo, &at);
		if (git_rc < 0)
			return git_rc;
		chain[n++] = at;
		bool more = git_commit_parentcount(c) > 0;
		if (more)
			at = *git_commit_parent_id(c, 0);
		git_commit_free(c);
		if (!more)
			return 0; /* a root before `have`: the commit alone, as without it */
	}
	if (git_oid_equal(&at, have))
		*count = n;
	return 0;
}

int promote__git_pack_added(promote_buf *out, size_t *objects, git_repository *repo, const git_oid *commit,
	const git_oid *have)
{
	git_packbuilder *pb = NULL;
	git_buf pack = { 0 };
	git_oid chain[CHAIN_MAX];
	size_t count = 0;
	int git_rc = chain_to(chain, &count, repo, commit, have);
	if (git_rc == 0)
		git_rc = git_packbuilder_new(&pb, repo);
	/* Oldest first: a tree the older ones add is then known to the later ones' walks. */
	for (size_t i = count; git_rc == 0 && i > 0; i--)
		git_rc = insert_commit(pb, repo, &chain[i - 1]);
	if (git_rc == 0)
		git_rc = git_packbuilder_write_buf(&pack, pb);
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot pack", "the commit to push") : 0;
	if (rc == 0)
		rc = promote__buf_put(out, pack.ptr, pack.size);
	*objects = rc == 0 ? git_packbuilder_object_count(pb) : 0;
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	return rc;
}
