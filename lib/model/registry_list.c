/* The registrations of one kind on a context (see registry_list.h). */
#include "registry_list.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

promote__registration *promote__registry_find(const promote__registry *registry, const char *name)
{
	for (size_t i = 0; i < registry->size; i++)
		if (strcmp(registry->ptr[i].name, name) == 0)
			return &registry->ptr[i];
	return NULL;
}

int promote__registry_add(promote__registration **out, promote__registry *registry, const char *name,
	const char *kind)
{
	if (promote__registry_find(registry, name))
		return promote__error(PROMOTE_EEXISTS, PROMOTE_ERROR_CLASS_INVALID,
			"a %s named '%s' is already registered on this context; choose another name", kind, name);
	char *copy = strdup(name);
	promote__registration *slot = copy ? promote__array_alloc(registry) : NULL;
	if (!slot) {
		free(copy);
		return promote__error_oom();
	}
	slot->name = copy;
	*out = slot;
	return 0;
}

void promote__registry_clear(promote__registry *registry, bool git)
{
	for (size_t i = 0; i < registry->size; i++) {
		promote__registration *r = &registry->ptr[i];
		void (*release)(void *) = git ? r->vtable.git.free_payload : r->vtable.deploy.free_payload;
		if (release)
			release(r->payload);
		free(r->name);
	}
	promote__array_free(registry);
}
