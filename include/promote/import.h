/*
 * libpromote — importing an environment: a new environment made from an
 * existing one (Platformer's "Import Environment"), in one commit.
 */
#ifndef PROMOTE_IMPORT_H
#define PROMOTE_IMPORT_H

#include "common.h"
#include "buffer.h"

PROMOTE_BEGIN_DECL

/* How an environment is imported; initialise with PROMOTE_ENV_IMPORT_OPTIONS_INIT or
 * promote_env_import_options_init(). NULL means defaults. Fields are only appended. */
typedef struct promote_env_import_options {
	uint32_t version;
	/* The new environment's folder, from the configuration's folder; NULL: the source's path with its
	 * last component replaced by the new name (envs/staging → envs/perf). */
	const char *path;
	/* The namespace the copied files get wherever the source's namespace is set; NULL: the source's
	 * namespace with the source's name replaced by the new one (jx-staging → jx-perf), else the new
	 * name. */
	const char *target_namespace;
	/* Globs (as git matches paths) of the source's files and folders to copy, relative to its folder;
	 * only_count 0: all of them. */
	const char *const *only;
	size_t only_count;
	/* A promote_environment_kind; -1: the source's. */
	int kind;
	/* A promote_strategy; -1: manual. */
	int strategy;
	/* "KEY=VALUE" labels the new environment gets instead of the source's; label_count 0: the
	 * source's. */
	const char *const *labels;
	size_t label_count;
	/* The commit's author and committer; NULL: as promote_apply_options says. */
	const char *author_name;
	const char *author_email;
	/* How often to plan again when the branch moved meanwhile; 0 = 10. */
	uint32_t max_retries;
} promote_env_import_options;

#define PROMOTE_ENV_IMPORT_OPTIONS_VERSION 1
#define PROMOTE_ENV_IMPORT_OPTIONS_INIT \
	{ PROMOTE_ENV_IMPORT_OPTIONS_VERSION, NULL, NULL, NULL, 0, -1, -1, NULL, 0, NULL, NULL, 0 }

PROMOTE_EXTERN(int) promote_env_import_options_init(promote_env_import_options *opts, unsigned int version);

/*
 * Make environment `name` from environment `from`, in one commit on the
 * branch that holds the configuration file (pushed, for a remote
 * repository): the new environment's folder holds the chosen files of
 * `from`'s, its namespaces, names and paths rewritten (doc/IMPORT.md), and
 * the configuration file gets the new environment — path, kind, strategy,
 * labels — with a surgical edit, every other byte unchanged. The new
 * environment is added to no flow.
 *
 * *outcome (a promote_apply_outcome): PROMOTE_APPLY_COMMITTED, or
 * PROMOTE_APPLY_UNCHANGED when the environment was imported already by
 * an import that made exactly this (a run repeated after a crash): never
 * a second commit. `commit` (may be NULL; pass PROMOTE_BUF_INIT) gets
 * that commit's id. Nothing is written on any error:
 * PROMOTE_EEXISTS when the configuration names `name` already, or its
 * folder exists; PROMOTE_EINVALID for a bad name or option;
 * PROMOTE_ENOTFOUND for an unknown `from` (with a suggestion), a glob
 * that selects nothing; PROMOTE_ESTATE when the context has no
 * repository or its configuration file is not in it; the errors of
 * committing and pushing.
 */
PROMOTE_EXTERN(int) promote_env_import(promote_buf *commit, int *outcome, promote_context *ctx, const char *name,
	const char *from, const promote_env_import_options *opts);

PROMOTE_END_DECL

#endif
