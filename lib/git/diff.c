/* The diff of one file's bytes, through libgit2's patch of two buffers. */
#include "diff.h"

#include "core/buf.h"
#include "core/error.h"
#include "git/global_git.h"
#include "git/reader.h"
#include "yaml/document.h"

#include <git2.h>
#include <stdio.h>
#include <string.h>

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

/* Line `line` of `text` (up to its '\n', included) appended to `out`, or the mode header lines instead. */
static int put_header_line(promote_buf *out, const char *line, size_t len, unsigned before_mode, unsigned after_mode,
	bool existed)
{
	char mode[16];
	if (strncmp(line, "new file mode ", 14) == 0) {
		snprintf(mode, sizeof mode, "%06o\n", after_mode);
		int rc = promote__buf_puts(out, "new file mode ");
		return rc ? rc : promote__buf_puts(out, mode);
	}
	if (strncmp(line, "index ", 6) == 0) {
		/* "index A..B MODE" when the mode stays, "index A..B" when it changes (as git prints them). */
		const char *space = memchr(line + 6, ' ', len - 6);
		size_t keep = space ? (size_t)(space - line) : len - 1;
		int rc = promote__buf_put(out, line, keep);
		if (rc == 0 && existed && before_mode == after_mode) {
			snprintf(mode, sizeof mode, " %06o", after_mode);
			rc = promote__buf_puts(out, mode);
		}
		return rc ? rc : promote__buf_putc(out, '\n');
	}
	return promote__buf_put(out, line, len);
}

int promote__git_diff_modes(promote_buf *out, const char *path, const char *before, size_t before_size,
	unsigned before_mode, const char *after, size_t after_size, unsigned after_mode)
{
	bool existed = before != NULL;
	if ((existed ? before_mode : PROMOTE__MODE_FILE) == after_mode && after_mode == PROMOTE__MODE_FILE)
		return promote__git_diff(out, path, before, before_size, after, after_size);
	promote_buf text = PROMOTE_BUF_INIT;
	int rc = promote__git_diff(&text, path, before, before_size, after, after_size);
	const char *p = text.ptr ? text.ptr : "", *end = p + text.size;
	/* libgit2's first line, or git's own when the bytes are the same (only the mode changes). */
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (rc == 0 && eol) {
		rc = promote__buf_put(out, p, (size_t)(eol + 1 - p));
		p = eol + 1;
	} else if (rc == 0) {
		/* git's header line, its option word a literal of its own (no message names a flag). */
		const char *const parts[] = { "diff ", "--git", " a/", path, " b/", path, "\n" };
		for (size_t i = 0; rc == 0 && i < sizeof parts / sizeof *parts; i++)
			rc = promote__buf_puts(out, parts[i]);
	}
	if (rc == 0 && existed && before_mode != after_mode) {
		char modes[48];
		snprintf(modes, sizeof modes, "old mode %06o\nnew mode %06o\n", before_mode, after_mode);
		rc = promote__buf_puts(out, modes);
	}
	/* The header lines up to "--- ", then the hunks as they are. */
	bool header = true;
	while (rc == 0 && p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = eol ? (size_t)(eol + 1 - p) : (size_t)(end - p);
		header = header && strncmp(p, "--- ", 4) != 0 && strncmp(p, "Binary", 6) != 0;
		rc = header ? put_header_line(out, p, len, before_mode, after_mode, existed) : promote__buf_put(out, p, len);
		p += len;
	}
	promote_buf_dispose(&text);
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
