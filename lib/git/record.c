/* Records kept as the history of a ref: one file, one commit per update. */
#include "repo.h"
#include "loose_object.h"
#include "tree_patch.h"
#include "identity.h"

#include "core/buf.h"
#include "core/error.h"

#include <string.h>
#include <time.h>

#define RECORD_FILE "record.json"

int promote__git_record_read(promote_buf *out, git_oid *tip, git_repository *repo, const char *ref, size_t max)
{
	int git_rc = git_reference_name_to_id(tip, repo, ref);
	if (git_rc == GIT_ENOTFOUND)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no record at '%s'", ref);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read", ref);
	return promote__git_record_read_at(out, repo, tip, ref, max);
}

int promote__git_record_read_at(promote_buf *out, git_repository *repo, const git_oid *commit, const char *ref,
	size_t max)
{
	int rc = promote__git_read(out, repo, commit, RECORD_FILE, max);
	if (rc == PROMOTE_ELIMIT)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT,
			"the record at '%s' has more than %zu bytes; it was not written by promote", ref, max);
	return rc;
}

/* The record's tree: the parent's (what is kept beside the record stays, unread) with the record's file,
 * and the attached one, given their new blobs — in place when both are there (tree_patch.h), else by
 * libgit2's tree builder. libgit2's codes. */
static int record_tree(git_oid *out, git_repository *repo, const git_tree *parent_tree, const git_oid *blob,
	const promote__git_record_file *attach, const git_oid *attached)
{
	promote__tree_patch patches[2] = { { RECORD_FILE, *blob, GIT_FILEMODE_BLOB } };
	if (attach)
		patches[1] = (promote__tree_patch){ attach->name, *attached, GIT_FILEMODE_BLOB };
	bool patched = false;
	if (parent_tree && promote__git_tree_patch(out, &patched, repo, git_tree_id(parent_tree), patches, attach ? 2 : 1,
				   NULL) < 0)
		return GIT_ERROR;
	if (patched)
		return 0;
	git_treebuilder *builder = NULL;
	int git_rc;
	if ((git_rc = git_treebuilder_new(&builder, repo, parent_tree)) == 0 &&
		(git_rc = git_treebuilder_insert(NULL, builder, RECORD_FILE, blob, GIT_FILEMODE_BLOB)) == 0 &&
		(!attach || (git_rc = git_treebuilder_insert(NULL, builder, attach->name, attached, GIT_FILEMODE_BLOB)) == 0))
		git_rc = git_treebuilder_write(out, builder);
	git_treebuilder_free(builder);
	return git_rc;
}

int promote__git_record_commit(git_oid *out, git_repository *repo, const git_oid *parent, const char *data,
	size_t size, const promote__git_record_file *attach, const promote__git_commit_info *info)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent_commit = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_oid blob, attached, tree_id;
	int git_rc;
	/* The objects written as loose_object.h says: a record is a few hundred bytes, written at every transition. */
	if ((parent && ((git_rc = git_commit_lookup(&parent_commit, repo, parent)) < 0 ||
			       (git_rc = git_commit_tree(&parent_tree, parent_commit)) < 0)) ||
		(git_rc = promote__git_blob_write(&blob, repo, data, size)) < 0 ||
		(attach && (git_rc = promote__git_blob_write(&attached, repo, attach->data, attach->size)) < 0) ||
		(git_rc = record_tree(&tree_id, repo, parent_tree, &blob, attach, &attached)) < 0 ||
		(git_rc = git_tree_lookup(&tree, repo, &tree_id)) < 0 ||
		(git_rc = promote__git_signatures(&author, &committer, info)) < 0) {
		/* fall through to the error below */
	} else {
		const git_commit *parents[1] = { parent_commit };
		git_rc = promote__git_commit_write(out, repo, author, committer, info->message, tree, parent ? 1 : 0, parents);
	}
	int rc = git_rc < 0 ? promote__git_failed(git_rc, "cannot write the record", info->message) : 0;
	git_signature_free(committer);
	git_signature_free(author);
	git_commit_free(parent_commit);
	git_tree_free(parent_tree);
	git_tree_free(tree);
	return rc;
}
