/*
 * Internal: one attempt at a notification — a JSON POST, signed with
 * HMAC-SHA256 when the notification names a secret, or its hook given the
 * JSON on its standard input (engine/notify.h says when).
 */
#ifndef PROMOTE_ENGINE_NOTIFY_SEND_H
#define PROMOTE_ENGINE_NOTIFY_SEND_H

#include "config/schema.h"
#include "core/buf.h"

/* One attempt to deliver `body` by `n` (a POST, or its hook): 0 when it was taken; PROMOTE_ENET with the
 * reason (never the URL, never the secret) in *why (malloc'd) when not; other errors (out of memory). */
int promote__notify_send(char **why, const promote__notification *n, const char *event, const char *delivery,
	const promote_buf *body);

#endif
