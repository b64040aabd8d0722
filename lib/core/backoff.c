/* Jittered backoff for retried compare-and-swap updates and pushes. */
#include "backoff.h"

#include <time.h>
#include <unistd.h>

uint64_t promote__backoff_seed(const void *salt)
{
	return (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)salt ^ ((uint64_t)clock() << 20) ^
		((uint64_t)getpid() << 32);
}

uint32_t promote__backoff_random(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)(*seed >> 33);
}

void promote__backoff(unsigned attempt, uint64_t *seed)
{
	unsigned ms = 5u * (attempt < 10 ? attempt + 1 : 10);
	ms += promote__backoff_random(seed) % (ms + 1);
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}
