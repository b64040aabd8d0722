/*
 * Internal: a unified diff of one file's bytes before and after, as git
 * prints it (a/ and b/ prefixes), without a repository. Kept apart from
 * repo.h so that lib/plan includes no libgit2 header.
 */
#ifndef PROMOTE_GIT_DIFF_H
#define PROMOTE_GIT_DIFF_H

#include "core/common.h"

/* Append to `out` the diff of `path` from `before` (NULL: a new file) to `after`. */
int promote__git_diff(promote_buf *out, const char *path, const char *before, size_t before_size, const char *after,
	size_t after_size);

/* The same, with the files' modes (PROMOTE__MODE_*, git/reader.h): git's "old mode" / "new mode"
 * lines when the mode changes (even alone), "new file mode" as the new file's. */
int promote__git_diff_modes(promote_buf *out, const char *path, const char *before, size_t before_size,
	unsigned before_mode, const char *after, size_t after_size, unsigned after_mode);

#endif
