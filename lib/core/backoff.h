/* Internal: jittered pauses between attempts of a race that may be lost again. */
#ifndef PROMOTE_CORE_BACKOFF_H
#define PROMOTE_CORE_BACKOFF_H

#include "common.h"

/* A seed that differs between processes and calls (`salt`: any address). */
uint64_t promote__backoff_seed(const void *salt);

/* The next number of the generator behind the pauses (31 random bits): for
 * callers that take pauses of their own length (lib/net/api.c). */
uint32_t promote__backoff_random(uint64_t *seed);

/* A short random pause before attempt `attempt` + 1: 5 to 100 ms, longer
 * each time. Its own generator: a library leaves the program's rand() alone. */
void promote__backoff(unsigned attempt, uint64_t *seed);

/* How often to try again after a lost race when the caller does not say. */
#define PROMOTE__DEFAULT_RETRIES 10

#endif
