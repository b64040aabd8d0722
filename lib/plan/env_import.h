/*
 * Internal: an environment import as data — the new environment's folder
 * made of the chosen files of the source's (env_copy.h) and the
 * configuration file with the new environment added (config_env.h),
 * computed from trees through the read-only reader; nothing is written.
 * lib/engine/import.c commits it.
 */
#ifndef PROMOTE_PLAN_ENV_IMPORT_H
#define PROMOTE_PLAN_ENV_IMPORT_H

#include "changes.h"
#include "git/reader.h"
#include "model/context.h"

/* What to import, checked (promote__import_request_init()). */
typedef struct promote__import_request {
	const char *name;             /* the new environment */
	const promote_env *from;      /* the source */
	char *path;                   /* the new environment's path in the configuration */
	const char *namespace_to;     /* given, or NULL: derived from the source's */
	const char *const *only;
	size_t only_count;
	int kind;                     /* promote_environment_kind */
	int strategy;                 /* promote_strategy */
	char **label_keys;            /* label_count each; the source's when none were given */
	char **label_values;
	size_t label_count;
	bool labels_given;
	char *config_path;            /* the configuration file in the repository */
} promote__import_request;

/* The request of promote_env_import(): the names checked, the defaults filled in. PROMOTE_EINVALID,
 * PROMOTE_ENOTFOUND (the source, with a suggestion), PROMOTE_ESTATE (no repository, or the
 * configuration is not in it). */
int promote__import_request_init(promote__import_request *req, promote_context *ctx, const char *name,
	const char *from, const promote_env_import_options *opts);
void promote__import_request_dispose(promote__import_request *req);

typedef struct promote__import {
	char *branch;                 /* the configuration's branch */
	char *from_branch;            /* the source's */
	promote__commit_id base;      /* the configuration branch's commit it was planned on */
	char *dir;                    /* the new folder, from the repository's root */
	char *namespace_from;         /* the source's namespace, or NULL: none set */
	char *namespace_to;           /* what it became (NULL with namespace_from) */
	promote__changes changes;     /* the new folder's files and the configuration file, by path */
	bool configured;              /* failed because the configuration names the environment already */
} promote__import;

/*
 * The import of `req` planned on `base` (NULL: the tip of the
 * configuration's branch), the source's files read at `from_commit` (NULL:
 * its branch's tip; the configuration's branch: `base`). PROMOTE_EEXISTS
 * when the configuration at `base` names the environment already or its
 * folder exists there (the message says which and what to do); the errors
 * of promote__env_copy_plan() and promote__config_env_add().
 * promote__import_dispose() frees it, also after a failure.
 */
int promote__import_make(promote__import *out, promote_context *ctx, const promote__tree_reader *reader,
	const promote__import_request *req, const promote__commit_id *base, const promote__commit_id *from_commit);
void promote__import_dispose(promote__import *imp);

#endif
