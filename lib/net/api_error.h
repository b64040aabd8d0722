/*
 * Internal: what an API's refusal means — its own message read from the
 * body (each API's shape), and the error code and advice of a status.
 */
#ifndef PROMOTE_NET_API_ERROR_H
#define PROMOTE_NET_API_ERROR_H

#include "core/common.h"

#include <json-c/json.h>

/* The longest API message shown, in bytes. */
#define PROMOTE__API_MESSAGE_MAX 1000

/*
 * The API's own message: "message" (a string, or the JSON of an object or
 * list: GitLab's validation errors), else "error" (GitLab's and Argo CD's,
 * with OAuth's "error_description"), then GitHub's "errors" (each one's
 * "message", or its "resource", "field" and "code"). Without JSON, the
 * beginning of a text body. At most PROMOTE__API_MESSAGE_MAX bytes, control
 * characters as spaces: a malloc'd string, or NULL when there is nothing.
 */
char *promote__api_message(json_object *json, const char *body, size_t size);

/* The code of a non-2xx status that is not retried, and what to do about it
 * ("" when there is nothing to say). */
int promote__api_status_code(long status, const char **advice);

#endif
