#include "options.h"

#include "error.h"

#include <string.h>

int promote__version_check(unsigned version, unsigned current, const char *what)
{
	if (version >= 1 && version <= current)
		return 0;
	return promote__error(PROMOTE_EVERSION, PROMOTE_ERROR_CLASS_INVALID,
		"%s version %u is not known to libpromote %s (it knows 1 to %u); initialise it with its "
		"*_INIT macro or *_init() from the headers of this library", what, version, PROMOTE_VERSION, current);
}

int promote__options_init(void *opts, const void *defaults, const size_t *sizes, unsigned version, unsigned current,
	const char *what, const char *function)
{
	if (!opts)
		return promote__error_arg(function, "opts");
	int rc = promote__version_check(version, current, what);
	if (rc)
		return rc;
	memcpy(opts, defaults, sizes[version - 1]);
	*(uint32_t *)opts = (uint32_t)version;
	return 0;
}

int promote__options_copy(void *dst, const void *src, const size_t *sizes, unsigned current, const char *what)
{
	if (!src)
		return 0;
	int rc = promote__version_check(*(const uint32_t *)src, current, what);
	if (rc == 0)
		memcpy(dst, src, sizes[*(const uint32_t *)src - 1]);
	return rc;
}
