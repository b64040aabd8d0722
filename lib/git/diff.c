/* The diff of one file's bytes, through libgit2's patch of two buffers. */
#include "diff.h"

#include "core/buf.h"
#include "core/error.h"
#include "git/global_git.h"
#include "yaml/document.h"

#include <git2.h>

int promote__git_diff(promote_buf *out, const char *path, const char *before, size_t before_size, const char *after,
	size_t after_size)
{
	git_patch *patch = NULL;
	git_buf text = { 0 };
	int rc = promote__need_git(); /* a plan made on another reader has not started libgit2 */
	if (rc)
		return rc;
	/* libgit2 writes the a/ and b/ prefixes itself. */
	if (git_patch_from_buffers(&patch, before, before ? before_size : 0, before ? path : NULL, after, after_size,
		    path, NULL) < 0 ||
		git_patch_to_buf(&text, patch) < 0)
		rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot make the diff of '%s'", path);
	else
		rc = promote__buf_put(out, text.ptr, text.size);
	git_buf_dispose(&text);
	git_patch_free(patch);
	return rc;
}

int promote_yaml_doc_diff(promote_buf *out, const promote_yaml_doc *doc, const char *path)
{
	if (!out || !doc)
		return promote__error_arg(__func__, !out ? "out" : "doc");
	promote_buf diff = PROMOTE_BUF_INIT;
	int rc = promote__buf_puts(&diff, "");
	if (rc == 0 && promote_yaml_doc_changed(doc))
		rc = promote__git_diff(&diff, path ? path : doc->name, doc->original, doc->original_size, doc->text,
			doc->size);
	if (rc) {
		promote_buf_dispose(&diff);
		return rc;
	}
	*out = diff;
	return 0;
}
