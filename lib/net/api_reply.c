/* Reading an API's answer: its JSON, its Link header (see api_reply.h). */
#include "api_reply.h"

#include <string.h>

char *promote__link_next(const char *link)
{
	for (const char *p = link ? strchr(link, '<') : NULL; p; p = strchr(p, '<')) {
		const char *close = strchr(p, '>');
		if (!close)
			return NULL;
		const char *params = close + 1, *end = strchr(params, '<');
		size_t len = end ? (size_t)(end - params) : strlen(params);
		for (const char *r = params; (r = strstr(r, "rel=")) != NULL && r < params + len; r += 4) {
			const char *v = r + 4 + (r[4] == '"');
			/* rel may list several relations: "next last". */
			for (const char *w = v; w < params + len && *w != '"' && *w != ';' && *w != ','; w++)
				if ((w == v || w[-1] == ' ') && strncmp(w, "next", 4) == 0 &&
					strchr("\" ;,", w[4] ? w[4] : ' '))
					return strndup(p + 1, (size_t)(close - p - 1));
		}
		p = close;
	}
	return NULL;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool promote__api_parse_json(json_object **out, const promote_buf *body, int depth)
{
	*out = NULL;
	size_t i = 0;
	while (i < body->size && blank(body->ptr[i]))
		i++;
	if (i == body->size)
		return true;
	if (body->size >= INT32_MAX)
		return false;
	json_tokener *tok = json_tokener_new_ex(depth);
	if (!tok)
		return false;
	/* With its NUL: a value at the very end (a number) ends there instead of waiting for more. */
	json_object *o = json_tokener_parse_ex(tok, body->ptr, (int)body->size + 1);
	size_t used = json_tokener_get_parse_end(tok);
	bool ok = o && json_tokener_get_error(tok) == json_tokener_success;
	json_tokener_free(tok);
	for (size_t j = used; ok && j < body->size; j++)
		ok = blank(body->ptr[j]);
	if (!ok) {
		json_object_put(o);
		return false;
	}
	*out = o;
	return true;
}
