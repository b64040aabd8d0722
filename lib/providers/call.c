/* The result of a provider's or a backend's callback (see call.h). */
#include "call.h"

#include "core/error.h"

int promote__callback_result(int rc, int error_class, const char *kind, const char *name, const char *verb,
	const char *object)
{
	if (rc > 0)
		return promote__error(PROMOTE_ERROR, error_class,
			"the %s '%s' returned %d, not 0 or an error code, asked to %s %s", kind, name, rc, verb, object);
	if (rc < 0 && rc != PROMOTE_EUSER && promote_error_last()->code != rc)
		return promote__error(rc, error_class, "the %s '%s' could not %s %s", kind, name, verb,
			object);
	return rc;
}
