/* Internal: the monotonic clock, for deadlines and rate limits. */
#ifndef PROMOTE_CORE_CLOCK_H
#define PROMOTE_CORE_CLOCK_H

#include "common.h"

/* Milliseconds on a clock that never goes back (CLOCK_MONOTONIC). */
int64_t promote__now_ms(void);

/* Sleep `ms` milliseconds, through interruptions by signals. */
void promote__sleep_ms(uint32_t ms);

#endif
