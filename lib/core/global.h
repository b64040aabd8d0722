/* Internal: library-wide state set up by promote_init(). */
#ifndef PROMOTE_CORE_GLOBAL_H
#define PROMOTE_CORE_GLOBAL_H

#include "common.h"

/* True between promote_init() and the matching promote_shutdown(). */
bool promote__initialized(void);

/* Initialise libgit2 on first use (after promote_init()). 0, or a negative
 * code with the error set. */
int promote__need_git(void);

/* The same for libcurl (lib/net). */
int promote__need_curl(void);

#endif
