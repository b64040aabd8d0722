/* Internal: what a push refused by the server means, for either transport. */
#ifndef PROMOTE_GIT_PUSH_ERROR_H
#define PROMOTE_GIT_PUSH_ERROR_H

#include "core/common.h"

/* A push of `ref` that the server refused for `reason`: PROMOTE_ECONFLICT
 * when the ref moved (plan again), PROMOTE_EGIT otherwise, the URL redacted. */
int promote__git_push_refused(const char *url, const char *ref, const char *reason);

#endif
