/* libgit2's start and stop, for core's run-time (see global_git.h). */
#include "global_git.h"
#include "net_stream.h"
#include "tree_cache.h"

#include "core/error.h"

#include <git2.h>

/* The largest tree kept parsed in a repository's object cache. libgit2 keeps none above 4 KiB: in a
 * monorepo the folder of its applications (10,000 entries: 360 KiB) was read, inflated and parsed again
 * for every path looked up in it, by planning, committing and packing alike. */
#define TREE_CACHE_LIMIT ((size_t)4 << 20)
/* What a repository's object cache holds at most (libgit2's default is 256 MiB). A long-running process
 * (a watcher making hundreds of commits in a monorepo) would keep every parsed tree it made or read up to
 * that: every commit adds a new 360 KiB folder of 10,000 entries, and the watcher of bench/watch.py grew
 * to 290 MiB. 32 MiB still holds every tree one promotion reads many times. */
#define CACHE_MAX ((ssize_t)32 << 20)

static int git_start(void)
{
	/* Connections bounded in time (net_stream.h). */
	if (git_libgit2_init() >= 0 && promote__git_stream_register() == 0 &&
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, TREE_CACHE_LIMIT) == 0 &&
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, CACHE_MAX) == 0)
		return 0;
	const git_error *e = git_error_last();
	return promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "could not initialise libgit2: %s",
		e && e->message ? e->message : "unknown");
}

static void git_stop(void)
{
	promote__git_stream_unregister();
	promote__git_tree_cache_clear();
	git_libgit2_shutdown();
}

const promote__subsystem promote__git_subsystem = { "libgit2", git_start, git_stop };

int promote__need_git(void)
{
	return promote__subsystem_need(&promote__git_subsystem);
}
