/* Labels for messages, entry names and name checks shared by the section loaders. */
#include "labels.h"

#include "core/strbuf.h"
#include "core/value.h"
#include "git/refname.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *promote__labelf(promote__reader *r, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	int rc = promote__strbuf_vformat(&text, PROMOTE__MESSAGE_MAX, "a label for a message", fmt, ap);
	va_end(ap);
	const char *label = rc == 0 ? promote__arena_strdup(r->scratch, text) : NULL;
	free(text);
	if (!label) {
		promote__errlist_add(r->errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
		return "?";
	}
	return label;
}

const char *promote__label_named(promote__reader *r, const char *noun, const char *name)
{
	return promote__labelf(r, "%s '%s'", noun, name);
}

const char *promote__label_field(promote__reader *r, const char *field, const char *owner)
{
	return promote__labelf(r, "'%s' of %s", field, owner);
}

const char *promote__entry_name(promote__reader *r, const promote__ynode *map, size_t i)
{
	const promote__ynode *k = promote__ynode_resolve(map->items[2 * i]);
	if (k->type != PROMOTE__YSCALAR)
		return NULL;
	if (k->length == 0 || promote__yscalar_is_null(k)) {
		promote__reader_error(r, map->items[2 * i], "a name here is empty; give every entry a name");
		return NULL;
	}
	return promote__arena_strndup(r->arena, k->value, k->length);
}

void promote__check_config_name(promote__reader *r, const promote__ynode *key, const char *noun, const char *name)
{
	const char *why = promote__name_problem(name);
	if (!why)
		return;
	char *shown = promote__value_shown(name);
	promote__reader_error(r, key, "%s name '%s' is not valid: it %s; %s", noun, shown ? shown : "?", why,
		PROMOTE__NAME_RULES);
	free(shown);
}

void *promote__reader_array(promote__reader *r, size_t count, size_t size)
{
	return count ? promote__arena_alloc(r->arena, count * size) : NULL;
}
