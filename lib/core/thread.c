/* Worker threads started and joined within one call (thread.h). */
#include "thread.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

bool promote__thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, before;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &before);
	bool started = pthread_create(thread, NULL, fn, arg) == 0;
	pthread_sigmask(SIG_SETMASK, &before, NULL);
	return started;
}

size_t promote__thread_budget(size_t most)
{
	const char *set = getenv("PROMOTE_THREADS");
	char *end = NULL;
	long n = set && *set ? strtol(set, &end, 10) : 0;
	if (!set || !*set || *end || n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (size_t)n > most ? most : (size_t)n;
}
