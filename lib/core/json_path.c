/* Reading a member of a JSON document by its dotted path (see json_path.h). */
#include "json_path.h"

#include "civil.h"

#include <string.h>

/* The member at dotted `path` of `o` ("status.operationState.phase"), or NULL. */
json_object *promote__json_at(json_object *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		json_object *next = NULL;
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &next))
			return NULL;
		o = next;
		path += n + (path[n] == '.');
	}
	return o;
}

/* The string at `path` ("" when absent or not a string). */
const char *promote__json_text(json_object *o, const char *path)
{
	json_object *v = promote__json_at(o, path);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* The time at `path` (Unix seconds), or false when absent or not RFC 3339. */
bool promote__json_when(int64_t *out, json_object *o, const char *path)
{
	const char *t = promote__json_text(o, path);
	return *t && promote__parse_rfc3339(out, t);
}
