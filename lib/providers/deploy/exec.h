/*
 * Internal: the built-in "exec" deploy backend — workflows and deploys are
 * local commands (argv, no shell), each run in a scratch checkout of the
 * environment's files at the commit (from the configuration's folder, as
 * paths in promote.yaml are), in its own process group, bounded by
 * its timeout, its output kept (the last 4 KiB). A workflow runs its
 * `run:` command; a deploy runs deploy.sync once, then deploy.health until
 * it says healthy (exit 0) or degraded (any exit but 75, "progressing"),
 * again every PROMOTE__EXEC_HEALTH_INTERVAL_MS while it is progressing,
 * within deploy.timeout.
 *
 * Written on the public vtable and accessors of promote/sys/deploy_backend.h
 * alone, as a backend outside the library would be. Its payload is the
 * context: its repository is where the checkout comes from, and its runs
 * live with it — known to this process only (a run of a process that is gone
 * is PROMOTE_ENOTFOUND), killed and removed when the context is freed.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_EXEC_H
#define PROMOTE_PROVIDERS_DEPLOY_EXEC_H

#include "core/common.h"

#define PROMOTE__EXEC_HEALTH_INTERVAL_MS 2000

/* The vtable; its payload is the promote_context. */
const promote_deploy_backend *promote__exec_backend(void);

#endif
