/* What the library's json-c writers and readers share (see json_util.h). */
#include "json_util.h"

#include "buf.h"
#include "civil.h"
#include "error.h"

#include <stdint.h>
#include <string.h>

int promote__json_put(json_object *o, const char *key, json_object *value, bool nullable)
{
	if ((!value && !nullable) || json_object_object_add(o, key, value) != 0) {
		json_object_put(value);
		return promote__error_oom();
	}
	return 0;
}

int promote__json_append(json_object *array, json_object *item)
{
	if (item && json_object_array_add(array, item) == 0)
		return 0;
	json_object_put(item);
	return promote__error_oom();
}

json_object *promote__json_strings(char *const *items, size_t count)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && i < count; i++)
		if (json_object_array_add(a, json_object_new_string(items[i])) != 0) {
			json_object_put(a);
			return NULL;
		}
	return a;
}

bool promote__json_get(json_object **out, json_object *o, const char *key, json_type type, bool nullable)
{
	json_object *v = NULL;
	bool found = json_object_object_get_ex(o, key, &v) && (v ? json_object_is_type(v, type) : nullable);
	*out = found ? v : NULL;
	return found;
}

int promote__json_parse_object(json_object **out, const char *data, size_t size, int depth, const char **why)
{
	*out = NULL;
	*why = NULL;
	json_tokener *tok = json_tokener_new_ex(depth);
	if (!tok)
		return promote__error_oom();
	json_object *o = size <= INT32_MAX ? json_tokener_parse_ex(tok, data, (int)size) : NULL;
	enum json_tokener_error jerr = size <= INT32_MAX ? json_tokener_get_error(tok) : json_tokener_error_size;
	json_tokener_free(tok);
	if (jerr != json_tokener_success)
		*why = json_tokener_error_desc(jerr);
	else if (!o)
		*why = "empty";
	else if (!json_object_is_type(o, json_type_object))
		*why = "not a JSON object";
	else {
		*out = o;
		return 0;
	}
	json_object_put(o);
	return 0;
}

json_object *promote__json_time(int64_t t)
{
	if (t <= 0)
		return NULL;
	char text[PROMOTE__RFC3339_SIZE];
	promote__format_rfc3339(text, t);
	return json_object_new_string(text);
}

int promote__json_to_buf(promote_buf *out, json_object *o)
{
	size_t size = 0;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE |
		JSON_C_TO_STRING_SPACED, &size);
	int rc = text ? promote__buf_put(out, text, size) : promote__error_oom();
	if (rc == 0)
		rc = promote__buf_put(out, "\n", 1);
	return rc;
}

int promote__json_put_string(json_object *o, const char *key, const char *value, bool nullable)
{
	return promote__json_put(o, key, value || !nullable ? json_object_new_string(value ? value : "") : NULL,
		nullable);
}
