/* Internal: the checks a loaded configuration needs beyond its own file's structure. */
#ifndef PROMOTE_MODEL_VALIDATE_H
#define PROMOTE_MODEL_VALIDATE_H

#include "config/schema.h"

/* Resolve references, check flows and order them in waves; every problem to `errors`. */
void promote__model_validate(promote__config *cfg, promote__errlist *errors);

#endif
