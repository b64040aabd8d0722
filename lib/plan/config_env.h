/*
 * Internal: a new environment added to a configuration file's
 * `environments` mapping with a surgical edit — every other byte of the
 * file stays — written in the style of the entries already there:
 *
 *  - a block mapping of block entries gets a block entry, indented like
 *    its siblings (`  perf:` then `    path: envs/perf` ...), after the
 *    last one;
 *  - a block mapping of one-line flow entries (`dev: {path: envs/dev}`)
 *    gets a one-line flow entry;
 *  - a flow mapping (`environments: {dev: {...}}`) gets `, perf: {...}`.
 *
 * Keys in this order: path, kind (only when given), strategy, labels,
 * deploy. One-line flow entries are written only when what is copied from
 * the source fits on one line; else block entries.
 */
#ifndef PROMOTE_PLAN_CONFIG_ENV_H
#define PROMOTE_PLAN_CONFIG_ENV_H

#include "core/common.h"

typedef struct promote__config_env {
	const char *name;
	const char *path;
	const char *kind;      /* "production", "non-production", or NULL: not written (the default) */
	const char *strategy;  /* "auto", "manual", "never" */
	/* The source environment (NULL: none): its `deploy` is copied as written (style, comments, quotes),
	 * and its `labels` too when copy_labels. */
	const char *from;
	bool copy_labels;
	/* Else the labels written, in order (label_count 0: none). */
	const char *const *label_keys;
	const char *const *label_values;
	size_t label_count;
} promote__config_env;

/*
 * `data` (`size` bytes of the configuration file `file`, for messages) with
 * `env` added, into `out` (overwritten: pass PROMOTE_BUF_INIT). Errors:
 * PROMOTE_EEXISTS when the file names that environment already;
 * PROMOTE_EINVALID when the file has no `environments` mapping, or the
 * YAML editor refuses (with file:line:column); PROMOTE_ENOTSUPPORTED
 * for a flow mapping `environments` whose source entry writes labels or
 * deploy on several lines.
 */
int promote__config_env_add(promote_buf *out, const char *data, size_t size, const char *file,
	const promote__config_env *env);

#endif
