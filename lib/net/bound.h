/*
 * Internal: how long the network may keep promote waiting. One bound, in
 * seconds, for a connection to be made and for a transfer to go without
 * receiving (or having acknowledged) a byte, as curl's CURLOPT_CONNECTTIMEOUT
 * and CURLOPT_LOW_SPEED_LIMIT 1 / CURLOPT_LOW_SPEED_TIME. A transfer that
 * keeps moving is never cut.
 */
#ifndef PROMOTE_NET_BOUND_H
#define PROMOTE_NET_BOUND_H

#include "core/common.h"

#define PROMOTE__NET_TIMEOUT_DEFAULT_S 30u
#define PROMOTE__NET_TIMEOUT_MAX_S 86400u

/* `option` (a context's net_timeout) when not 0, else $PROMOTE_NET_TIMEOUT
 * (1 to 86400), else 30. */
unsigned promote__net_timeout_s(uint32_t option);

/* What ran out, for the message. */
typedef enum promote__net_stall {
	PROMOTE__NET_CONNECT = 1,  /* no connection within the bound */
	PROMOTE__NET_NO_DATA = 2   /* connected, then nothing for the bound */
} promote__net_stall;

/* PROMOTE_ETIMEOUT: "WHAT URL: no data from HOST for N s; ..." (the URL redacted). */
int promote__net_timed_out(const char *what, const char *url, const char *host, promote__net_stall stall,
	unsigned seconds);

#endif
