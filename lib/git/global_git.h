/* Internal: libgit2, started through core's run-time on first use. */
#ifndef PROMOTE_GIT_GLOBAL_GIT_H
#define PROMOTE_GIT_GLOBAL_GIT_H

#include "core/global.h"

/* libgit2's entry in the table of subsystems (lib/libpromote.c). */
extern const promote__subsystem promote__git_subsystem;

/* Start libgit2 once, after promote_init(): 0, PROMOTE_ESTATE before
 * promote_init(), PROMOTE_EGIT when libgit2 cannot start. */
int promote__need_git(void);

#endif
