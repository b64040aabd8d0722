/*
 * Internal: calling one slot of a git provider's or a deploy backend's
 * vtable, by the rules both keep (promote/sys/git_provider.h, deploy_backend.h): a slot that is not there
 * is not supported; PROMOTE_PASSTHROUGH from a callback registered under a
 * built-in one's name has the built-in one do it; a callback's error is
 * passed on with its own message, and one that did not set a message (or
 * returned a positive value) gets one that names the callee.
 */
#ifndef PROMOTE_PROVIDERS_CALL_H
#define PROMOTE_PROVIDERS_CALL_H

#include "core/common.h"

/*
 * rc = `p`.vtable->slot(args..., `p`.payload); on PROMOTE_PASSTHROUGH the
 * built-in one's slot with `p`.ctx as its payload; `unsupported` (an
 * expression making the error) when there is no slot to call. `p` has the
 * members vtable, payload, builtin (NULL: none of that name) and ctx.
 */
#define PROMOTE__CALL_SLOT(rc, p, slot, unsupported, ...)                                   \
	do {                                                                                \
		promote_error_clear();                                                      \
		if (!(p).vtable->slot) {                                                    \
			(rc) = (unsupported);                                               \
			break;                                                              \
		}                                                                           \
		(rc) = (p).vtable->slot(__VA_ARGS__, (p).payload);                          \
		if ((rc) == PROMOTE_PASSTHROUGH) {                                          \
			promote_error_clear();                                              \
			(rc) = (p).builtin && (p).vtable != (p).builtin && (p).builtin->slot \
				? (p).builtin->slot(__VA_ARGS__, (p).ctx)                   \
				: (unsupported);                                            \
		}                                                                           \
	} while (0)

/*
 * A callback's result: 0, or its error. A positive value, or an error code
 * without the thread's error set to it, becomes an error naming the `kind`
 * ("git provider") `name` and what it was asked, in `error_class`: "asked to VERB OBJECT",
 * "could not VERB OBJECT" (`object`: "the change").
 */
int promote__callback_result(int rc, int error_class, const char *kind, const char *name, const char *verb,
	const char *object);

#endif
