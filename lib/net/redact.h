/* Internal: what may be shown of a URL. */
#ifndef PROMOTE_NET_REDACT_H
#define PROMOTE_NET_REDACT_H

#include "core/common.h"

/* `text` (a URL, or a message holding URLs) with the user information of
 * every URL ("scheme://user:secret@") replaced by "***". Freed by the
 * caller; NULL when out of memory. */
char *promote__redact_url(const char *text);

#endif
