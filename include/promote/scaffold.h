/*
 * libpromote — scaffold: a starting promote.yaml, what `promote init` writes.
 *
 * Made from a Jenkins X jx-requirements.yml (its environments, with Jenkins
 * X's defaults, and a flow in the file's order), or guessed from the folders
 * of a repository's committed tree: environments (envs/ENV, environments/ENV,
 * overlays/ENV, env/ENV, or files values-ENV.yaml and ENV-values.yaml), its
 * products and the attribute that holds each one's version (doc/INIT.md).
 * The text has a comment on every section, and loads: it is checked as
 * promote_context_open_buffer() checks a configuration before it is
 * returned. Nothing is written anywhere: the caller writes the text.
 */
#ifndef PROMOTE_SCAFFOLD_H
#define PROMOTE_SCAFFOLD_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

/*
 * A configuration from the `size` bytes of a jx-requirements.yml at `data`
 * (named `name` in messages and in the text; NULL: "jx-requirements.yml"),
 * into a new buffer in *out the caller disposes. PROMOTE_EINVALID for a
 * file that is no valid YAML or not a jx-requirements.yml Jenkins X reads
 * (no environments, an environment without a key or listed twice, an
 * unknown promotionStrategy): every problem at its file:line:column;
 * PROMOTE_ELIMIT for a file over 4 MiB.
 */
PROMOTE_EXTERN(int) promote_scaffold_from_jx(promote_buf *out, const char *data, size_t size, const char *name);

/* Initialise with PROMOTE_SCAFFOLD_OPTIONS_INIT or promote_scaffold_options_init();
 * NULL means defaults. Fields are only appended. */
typedef struct promote_scaffold_options {
	uint32_t version;
	uint32_t reserved;
	/* The branch whose committed tree is looked at; NULL: the one HEAD names. */
	const char *branch;
} promote_scaffold_options;

#define PROMOTE_SCAFFOLD_OPTIONS_VERSION 1
#define PROMOTE_SCAFFOLD_OPTIONS_INIT { PROMOTE_SCAFFOLD_OPTIONS_VERSION, 0, NULL }

PROMOTE_EXTERN(int) promote_scaffold_options_init(promote_scaffold_options *opts, unsigned int version);

/*
 * A configuration guessed from the committed tree of the git repository at
 * `repository` (a path; the tip of the branch HEAD names, never a working
 * tree), into a new buffer in *out the caller disposes. PROMOTE_ENOTFOUND
 * when no environments are found, or none of their folders holds a version
 * promote can read (the message says what was looked for); the errors of
 * opening and reading the repository.
 */
PROMOTE_EXTERN(int) promote_scaffold_from_repository(promote_buf *out, const char *repository,
	const promote_scaffold_options *opts);

PROMOTE_END_DECL

#endif
