/*
 * Internal: the built-in "local" git provider. A change is a branch plus a
 * record kept inside the repository itself, on refs/promote/changes/<id>
 * (the id is the change's head branch): JSON with the title, body, labels,
 * environments, draft flag, state, approvals and comments, one commit per
 * update, moved by compare-and-swap (or pushed, for a remote's mirror) like
 * a branch, so that two processes never lose each other's update.
 */
#ifndef PROMOTE_PROVIDERS_LOCAL_H
#define PROMOTE_PROVIDERS_LOCAL_H

#include "providers/change.h"

/* The vtable; its payload is the promote_context. */
const promote_git_provider *promote__local_provider(void);

#endif
