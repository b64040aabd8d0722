/*
 * Internal: the sections of promote.yaml that say how releases check and
 * deploy — top-level `workflows:` and each environment's `deploy:`.
 */
#ifndef PROMOTE_CONFIG_LOADER_DEPLOY_H
#define PROMOTE_CONFIG_LOADER_DEPLOY_H

#include "reader.h"

/* Bounds of a command line (a workflow's run, a deploy's sync and health). */
#define PROMOTE__ARGV_MAX 256      /* arguments, the program included */
#define PROMOTE__ARG_MAX 4096      /* bytes of one argument */

/* The bounds of the durations (seconds). */
#define PROMOTE__CHECK_TIMEOUT_MAX (24u * 3600u)        /* a workflow's, a deploy's */
#define PROMOTE__CHECK_TIMEOUT_DEFAULT (10u * 60u)
#define PROMOTE__RELEASE_TIMEOUT_MAX (30u * 24u * 3600u) /* a flow's */
#define PROMOTE__RELEASE_TIMEOUT_DEFAULT (24u * 3600u)
#define PROMOTE__RETRIES_MAX 20
#define PROMOTE__RETRIES_DEFAULT 3

/* A command line: a non-empty list of strings, each at most PROMOTE__ARG_MAX bytes, at most
 * PROMOTE__ARGV_MAX of them (a single string is refused: program or shell line?). */
bool promote__read_argv(promote__reader *r, const promote__ynode *node, const char *what, const char ***argv,
	size_t *argc);

/* workflows: {NAME: {run: [argv...], timeout: 10m}} */
void promote__load_workflows(promote__reader *r, promote__config *cfg, const promote__ynode *node);

/* An environment's deploy: {backend: NAME, sync: [argv...], health: [argv...], timeout: 10m};
 * `what` names it ("'deploy' of environment 'qa'"). */
void promote__load_deploy(promote__reader *r, promote_env *env, const promote__ynode *node, const char *what);

#endif
