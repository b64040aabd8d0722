/* Finding a configuration object by name, and suggesting one when none matches. */
#include "names.h"

#include "core/error.h"
#include "core/strutil.h"
#include "core/value.h"

#include <stdlib.h>
#include <string.h>

const char *promote__closest_name(const char *word, const void *items, size_t count, size_t stride)
{
	const char *best = NULL;
	const char **names = count ? malloc(count * sizeof *names) : NULL;
	if (names) {
		for (size_t i = 0; i < count; i++)
			names[i] = *(const char *const *)((const char *)items + i * stride);
		best = promote__suggest(word, names, count);
		free(names);
	}
	return best;
}

int promote__lookup_named(const void **out, const char *function, const char *noun, const void *items,
	size_t count, size_t stride, const char *name)
{
	if (!out || !name)
		return promote__error_arg(function, !out ? "out" : "name");
	*out = NULL;
	for (size_t i = 0; i < count; i++) {
		const void *item = (const char *)items + i * stride;
		if (strcmp(*(const char *const *)item, name) == 0) {
			*out = item;
			return 0;
		}
	}
	return promote__error_unknown(noun, name, items, count, stride);
}

int promote__error_unknown(const char *noun, const char *name, const void *items, size_t count, size_t stride)
{
	const char *best = promote__closest_name(name, items, count, stride);
	/* The name as given, control characters escaped: a message is one line on a terminal. */
	char *shown = promote__value_shown(name);
	int rc = best ? promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
				"no %s named '%s' (did you mean '%s'?)", noun, shown ? shown : name, best)
		      : promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
				"no %s named '%s'; the configuration has %zu", noun, shown ? shown : name, count);
	free(shown);
	return rc;
}
