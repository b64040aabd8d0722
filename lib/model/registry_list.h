/* Internal: the git providers or deploy backends registered on a context, by name. */
#ifndef PROMOTE_MODEL_REGISTRY_LIST_H
#define PROMOTE_MODEL_REGISTRY_LIST_H

#include "core/array.h"

/* A registered git provider or deploy backend. */
typedef struct promote__registration {
	char *name;
	union {
		promote_git_provider git;
		promote_deploy_backend deploy;
	} vtable;
	void *payload;
} promote__registration;

typedef PROMOTE__ARRAY(promote__registration) promote__registry;

/* The registration named `name`, or NULL. */
promote__registration *promote__registry_find(const promote__registry *registry, const char *name);

/* Append a zeroed registration holding a copy of `name`: 0 and *out set,
 * PROMOTE_EEXISTS when a `kind` ("git provider") of that name is registered
 * already, or PROMOTE_ENOMEM. */
int promote__registry_add(promote__registration **out, promote__registry *registry, const char *name,
	const char *kind);

/* The names of the built-in git providers and deploy backends, NULL-terminated:
 * what a configuration may name without registering anything. */
extern const char *const promote__builtin_git_providers[];
extern const char *const promote__builtin_deploy_backends[];

/* Free the registrations (calling free_payload). */
void promote__registry_clear(promote__registry *registry, bool git);

#endif
