/* Internal: a release's record as JSON (the shape: release_model.h), and back. */
#ifndef PROMOTE_ENGINE_RELEASE_JSON_H
#define PROMOTE_ENGINE_RELEASE_JSON_H

#include "release_model.h"
#include "core/buf.h"

/* JSON: the record's bytes, and back (errors name `where`). */
int promote__release_to_json(promote_buf *out, const promote_release *r);
int promote__release_parse(promote_release *r, const char *data, size_t size, const char *where);

#endif
