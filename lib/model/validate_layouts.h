/* Internal: the layouts of the products' templates, checked (validate_layouts.c). */
#ifndef PROMOTE_MODEL_VALIDATE_LAYOUTS_H
#define PROMOTE_MODEL_VALIDATE_LAYOUTS_H

#include "config/schema.h"

/* Placeholders, vars and discovery of every product's template; every problem to `errors`. */
void promote__model_validate_layouts(const promote__config *cfg, promote__errlist *errors);

#endif
