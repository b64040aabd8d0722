/* Internal: a release's record as JSON (the shape: release_model.h), and back. */
#ifndef PROMOTE_ENGINE_RELEASE_JSON_H
#define PROMOTE_ENGINE_RELEASE_JSON_H

#include "release_model.h"
#include "core/buf.h"

/* JSON: the record's bytes, and back (errors name `where`). A sync release's
 * products are named there by their file (promote__release_products_to_json()
 * is its content), and read with it only from an older record; a record
 * parsed again into the same release keeps the products read before. */
int promote__release_to_json(promote_buf *out, const promote_release *r);
int promote__release_parse(promote_release *r, const char *data, size_t size, const char *where);

/* The whole release, a sync's products in it (read before: PROMOTE_EINTERNAL
 * otherwise) — what promote_release_to_json() shows. */
int promote__release_to_json_whole(promote_buf *out, const promote_release *r);

/* A sync release's products file: {"products": [{"name", "kind", "version",
 * "previous"}, ...]}, and back into `sync` (products_read set). */
int promote__release_products_to_json(promote_buf *out, const promote__release_sync *sync);
int promote__release_products_parse(promote__release_sync *sync, const char *data, size_t size, const char *where);

#endif
