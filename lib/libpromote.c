/*
 * promote_init() and promote_shutdown(): the top of the library, the one
 * file that names the subsystems of every layer, in start order (libcurl
 * below libgit2, as lib/net is below lib/git). core/global.c counts the
 * users and starts each subsystem on first use.
 */
#include "core/global.h"
#include "git/global_git.h"
#include "net/global_net.h"

static const promote__subsystem *const subsystems[] = {
	&promote__net_subsystem,
	&promote__git_subsystem,
};

int promote_init(void)
{
	return promote__runtime_init(subsystems, PROMOTE_ARRAY_SIZE(subsystems));
}

int promote_shutdown(void)
{
	return promote__runtime_shutdown();
}
