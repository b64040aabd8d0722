/* libgit2 started, and libcurl loaded, ahead of a remote session's first request (start_ahead.h). */
#include "start_ahead.h"
#include "global_git.h"

#include "core/thread.h"
#include "net/curl_api.h"

#include <stdatomic.h>

/* libcurl, once loaded, stays for the process (curl_api.h); libgit2 is started again after a shutdown. */
static atomic_bool curl_asked;
/* What the thread is given when it loads libcurl too (NULL: libgit2 only). */
static char with_curl;

static void *start(void *curl)
{
	/* (What fails here fails again at the caller's first need, which says why: this thread's error is
	 * its own.) */
	if (promote__need_git() == 0 && curl)
		(void)promote__curl();
	return NULL;
}

bool promote__git_start_ahead(pthread_t *thread, bool http)
{
	/* Two threads at least, or the work would only change places. */
	if (promote__thread_budget(2) < 2)
		return false;
	bool git = !promote__subsystem_started(&promote__git_subsystem);
	bool curl = http && !atomic_exchange(&curl_asked, true);
	return (git || curl) && promote__thread_start(thread, start, curl ? &with_curl : NULL);
}

void promote__git_start_joined(pthread_t thread)
{
	pthread_join(thread, NULL);
}
