/* Internal: libcurl, started through core's run-time on first use. */
#ifndef PROMOTE_NET_GLOBAL_NET_H
#define PROMOTE_NET_GLOBAL_NET_H

#include "core/global.h"

/* libcurl's entry in the table of subsystems (lib/libpromote.c). */
extern const promote__subsystem promote__net_subsystem;

/* Start libcurl once, after promote_init(): 0, PROMOTE_ESTATE before
 * promote_init(), PROMOTE_ENET when libcurl cannot start. */
int promote__need_curl(void);

#endif
