/* Internal: library-wide state set up by promote_init(). */
#ifndef PROMOTE_CORE_GLOBAL_H
#define PROMOTE_CORE_GLOBAL_H

#include "common.h"

/* True between promote_init() and the matching promote_shutdown(). */
bool promote__initialized(void);

#endif
