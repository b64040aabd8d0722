/* What an API's refusal means (see api_error.h). */
#include "api_error.h"

#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const char *string_member(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		? json_object_get_string(v)
		: NULL;
}

/* "message" as text: a string as it is, anything else as its JSON. */
static const char *any_member(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v)
							 : json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* GitHub's "errors": [{"resource", "field", "code", "message"}] or strings. */
static int add_errors(promote__strbuf *sb, json_object *o)
{
	json_object *list = NULL;
	if (!json_object_object_get_ex(o, "errors", &list) || !json_object_is_type(list, json_type_array))
		return 0;
	int rc = 0;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n && !rc; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		const char *sep = i == 0 ? (promote__strbuf_len(sb) ? " (" : "(") : "; ";
		if (json_object_is_type(e, json_type_string)) {
			rc = promote__strbuf_addf(sb, "%s%s", sep, json_object_get_string(e));
		} else if (string_member(e, "message")) {
			rc = promote__strbuf_addf(sb, "%s%s", sep, string_member(e, "message"));
		} else {
			const char *resource = string_member(e, "resource"), *field = string_member(e, "field");
			const char *code = string_member(e, "code");
			rc = promote__strbuf_addf(sb, "%s%s%s%s%s%s", sep, resource ? resource : "", resource && field ? "." : "",
				field ? field : "", resource || field ? ": " : "", code ? code : "invalid");
		}
		if (!rc && i + 1 == n)
			rc = promote__strbuf_adds(sb, ")");
	}
	return rc;
}

static int from_json(promote__strbuf *sb, json_object *o)
{
	if (!json_object_is_type(o, json_type_object))
		return 0;
	const char *message = any_member(o, "message");
	const char *error = string_member(o, "error");
	const char *description = string_member(o, "error_description");
	int rc = 0;
	if (message && *message)
		rc = promote__strbuf_adds(sb, message);
	else if (error && *error)
		rc = promote__strbuf_addf(sb, "%s%s%s", error, description ? ": " : "", description ? description : "");
	return rc ? rc : add_errors(sb, o);
}

char *promote__api_message(json_object *json, const char *body, size_t size)
{
	/* A bound that cuts instead of failing: the room left is checked here. */
	promote__strbuf sb;
	promote__strbuf_init(&sb, 64 * 1024, "an API's message");
	int rc = json ? from_json(&sb, json) : (body && size ? promote__strbuf_add(&sb, body, size < 200 ? size : 200) : 0);
	char *text = rc ? NULL : promote__strbuf_take(&sb);
	promote__strbuf_free(&sb);
	if (!text || !*text) {
		free(text);
		return NULL;
	}
	size_t len = strlen(text);
	if (len > PROMOTE__API_MESSAGE_MAX)
		memcpy(text + PROMOTE__API_MESSAGE_MAX - 3, "...", 4);
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return text;
}

int promote__api_status_code(long status, const char **advice)
{
	switch (status) {
	case 401:
		*advice = "the token was refused: check that it is set, valid and not expired or revoked";
		return PROMOTE_EAUTH;
	case 403:
		*advice = "the token lacks permission for this call: give it the scopes or the repository access "
			  "the call needs";
		return PROMOTE_EAUTH;
	case 404:
		*advice = "not found, or not visible with this token: check the names and the token's access";
		return PROMOTE_ENOTFOUND;
	case 405:
		*advice = "not possible in its current state";
		return PROMOTE_ESTATE;
	case 409:
		*advice = "it conflicts with the current state: read it again before deciding";
		return PROMOTE_ECONFLICT;
	case 400:
	case 422:
		*advice = "the request was refused as invalid";
		return PROMOTE_EINVALID;
	default:
		*advice = "";
		return PROMOTE_ERROR;
	}
}
