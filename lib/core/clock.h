/* Internal: the monotonic clock, for deadlines and rate limits. */
#ifndef PROMOTE_CORE_CLOCK_H
#define PROMOTE_CORE_CLOCK_H

#include "common.h"

/* Milliseconds on a clock that never goes back (CLOCK_MONOTONIC). */
int64_t promote__now_ms(void);

#endif
