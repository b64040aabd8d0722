/*
 * Internal: promote.yaml → promote__config. Checks structure, types, enum
 * values, unknown and duplicate keys, and paths; every problem goes to
 * `errors`. References between objects are left as names for the model
 * layer to resolve.
 */
#ifndef PROMOTE_CONFIG_LOADER_H
#define PROMOTE_CONFIG_LOADER_H

#include "schema.h"
#include "yaml/tree.h"

/* Fill `cfg` (whose arena and source are set) from the parsed document.
 * Returns false when errors were added. */
bool promote__config_load(promote__config *cfg, const promote__ydoc *doc, promote__errlist *errors);

/* The configuration spellings of the enums, indexed by value. */
extern const char *const promote__kind_names[2];
extern const char *const promote__strategy_names[3];
extern const char *const promote__deploy_mode_names[2];
extern const char *const promote__action_names[4]; /* [0] "unset" is never accepted */

#endif
