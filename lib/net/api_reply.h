/* Internal: reading an API's answer — the body as JSON, the Link header's next page. */
#ifndef PROMOTE_NET_API_REPLY_H
#define PROMOTE_NET_API_REPLY_H

#include "core/common.h"

#include <json-c/json.h>

/* The URL of the Link header `link`'s rel="next" (RFC 8288: `<URL>; rel="next",
 * <URL>; rel="last"`; rel may list several relations, quoted or not): a
 * malloc'd string, or NULL when there is none (or `link` is NULL). */
char *promote__link_next(const char *link);

/* `body` parsed whole (blanks around it allowed), nested at most `depth`
 * deep: true with the value in *out (NULL for an empty body; the caller puts
 * it), false (and *out NULL) when it is not one JSON value. `body` holds
 * its terminating NUL (a promote_buf once written). */
bool promote__api_parse_json(json_object **out, const promote_buf *body, int depth);

#endif
