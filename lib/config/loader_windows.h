/* Internal: an environment's `windows:` (freeze windows, window.h). */
#ifndef PROMOTE_CONFIG_LOADER_WINDOWS_H
#define PROMOTE_CONFIG_LOADER_WINDOWS_H

#include "reader.h"

/* `what` names the list ("'windows' of environment 'prod'"). */
void promote__load_windows(promote__reader *r, promote_env *env, const promote__ynode *node, const char *what);

#endif
