/* Merging one branch into another in memory, as a merge button does. */
#include "repo.h"
#include "identity.h"

#include "core/buf.h"
#include "core/error.h"

#include <string.h>
#include <time.h>

/* "conflicts in a.yaml, b.yaml" from the index; at most a few names. */
static int conflict_error(git_index *index)
{
	promote_buf names = PROMOTE_BUF_INIT;
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *ancestor, *ours, *theirs;
	size_t shown = 0;
	if (git_index_conflict_iterator_new(&it, index) == 0) {
		while (git_index_conflict_next(&ancestor, &ours, &theirs, it) == 0) {
			const git_index_entry *e = ours ? ours : theirs ? theirs : ancestor;
			if (shown++ < 5) {
				if (names.size)
					promote__buf_puts(&names, ", ");
				promote__buf_puts(&names, e->path);
			}
		}
		git_index_conflict_iterator_free(it);
	}
	if (shown > 5)
		promote__buf_puts(&names, ", ...");
	int rc = promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
		"the change and its base branch changed the same lines (%s); promote again from the new base, or "
		"resolve it by hand", names.ptr ? names.ptr : "");
	promote_buf_dispose(&names);
	return rc;
}

int promote__git_merge(git_oid *out, bool *merge_made, git_repository *repo, const git_oid *base,
	const git_oid *head, const promote__git_commit_info *info)
{
	*merge_made = false;
	git_oid merge_base;
	int git_rc = git_merge_base(&merge_base, repo, base, head);
	if (git_rc < 0 && git_rc != GIT_ENOTFOUND)
		return promote__git_failed(git_rc, "cannot find a common ancestor of", "the change and its base");
	if (git_rc == 0 && git_oid_equal(&merge_base, base)) {
		git_oid_cpy(out, head); /* a fast-forward */
		return 0;
	}
	if (git_rc == 0 && git_oid_equal(&merge_base, head)) {
		git_oid_cpy(out, base); /* merged already */
		return 0;
	}
	git_commit *ours = NULL, *theirs = NULL;
	git_index *index = NULL;
	git_tree *tree = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_oid tree_id;
	git_merge_options opts;
	git_merge_options_init(&opts, GIT_MERGE_OPTIONS_VERSION);
	int rc = 0;
	if ((git_rc = git_commit_lookup(&ours, repo, base)) < 0 || (git_rc = git_commit_lookup(&theirs, repo, head)) < 0 ||
		(git_rc = git_merge_commits(&index, repo, ours, theirs, &opts)) < 0) {
		rc = promote__git_failed(git_rc, "cannot merge", "the change");
	} else if (git_index_has_conflicts(index)) {
		rc = conflict_error(index);
	} else if ((git_rc = git_index_write_tree_to(&tree_id, index, repo)) < 0 ||
		(git_rc = git_tree_lookup(&tree, repo, &tree_id)) < 0 ||
		(git_rc = promote__git_signatures(&author, &committer, info)) < 0) {
		rc = promote__git_failed(git_rc, "cannot write the merge of", "the change");
	} else {
		const git_commit *parents[2] = { ours, theirs };
		if ((git_rc = git_commit_create(out, repo, NULL, author, committer, NULL, info->message, tree, 2, parents)) < 0)
			rc = promote__git_failed(git_rc, "cannot commit the merge of", "the change");
		else
			*merge_made = true;
	}
	git_signature_free(committer);
	git_signature_free(author);
	git_tree_free(tree);
	git_index_free(index);
	git_commit_free(theirs);
	git_commit_free(ours);
	return rc;
}
