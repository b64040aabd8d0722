/*
 * Internal: top-level `notifications:` of promote.yaml — who is told of which
 * events of a release, by a signed JSON POST or a hook (lib/engine/notify*.c
 * sends them; doc/CONFIG.md#notifications).
 */
#ifndef PROMOTE_CONFIG_LOADER_NOTIFY_H
#define PROMOTE_CONFIG_LOADER_NOTIFY_H

#include "reader.h"

#define PROMOTE__NOTIFY_TIMEOUT_DEFAULT 10u
#define PROMOTE__NOTIFY_TIMEOUT_MAX 300u
#define PROMOTE__NOTIFY_ATTEMPTS_DEFAULT 5
#define PROMOTE__NOTIFY_ATTEMPTS_MAX 20

/* The event's name as written in `events` and sent ("release.started"), of one PROMOTE__NOTIFY_* bit. */
const char *promote__notify_event_name(unsigned event);

/* notifications: {NAME: {...}} */
void promote__load_notifications(promote__reader *r, promote__config *cfg, const promote__ynode *node);

#endif
