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

int promote__git_pack_added(promote_buf *out, size_t *objects, git_repository *repo, const git_oid *commit)
{
	git_packbuilder *pb = NULL;
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *old = NULL;
	git_buf pack = { 0 };
	int git_rc;
	if ((git_rc = git_packbuilder_new(&pb, repo)) == 0 && (git_rc = git_commit_lookup(&c, repo, commit)) == 0 &&
		(git_rc = git_commit_tree(&tree, c)) == 0 && (git_rc = git_packbuilder_insert(pb, commit, NULL)) == 0 &&
		(git_commit_parentcount(c) == 0 || ((git_rc = git_commit_parent(&parent, c, 0)) == 0 &&
						      (git_rc = git_commit_tree(&old, parent)) == 0)) &&
		(git_rc = insert_added(pb, repo, tree, old)) == 0)
		git_rc = git_packbuilder_write_buf(&pack, pb);
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot pack", "the commit to push") : 0;
	if (rc == 0)
		rc = promote__buf_put(out, pack.ptr, pack.size);
	*objects = rc == 0 ? git_packbuilder_object_count(pb) : 0;
	git_buf_dispose(&pack);
	git_tree_free(old);
	git_tree_free(tree);
	git_commit_free(parent);
	git_commit_free(c);
	git_packbuilder_free(pb);
	return rc;
}
