/*
 * Internal: a library loaded by name (dlopen) into a table of its functions,
 * for a dependency that most runs never call and that costs every process
 * milliseconds to map when linked (libcurl in lib/net/curl_api.c,
 * libmicrohttpd in cli/web_mhd.c).
 */
#ifndef PROMOTE_CORE_DYNLIB_H
#define PROMOTE_CORE_DYNLIB_H

#include "common.h"

#include <stddef.h>

/* One function of the table: its name in the library, and where its pointer goes (offsetof). */
typedef struct promote__dynlib_symbol {
	const char *name;
	size_t offset;
} promote__dynlib_symbol;

/*
 * Load `soname` (RTLD_NOW | RTLD_LOCAL: its symbols stay out of the
 * process's namespace, as a host program's own copy stays its) and fill
 * `table` with the `count` functions of `symbols`: true, or false with the
 * table zeroed and `why` (n bytes) saying what failed — dlerror()'s message,
 * or "it has no function NAME" (then closed again). A library loaded is never
 * closed: the ones loaded so keep threads and handlers for the process.
 */
bool promote__dynlib_load(const char *soname, const promote__dynlib_symbol *symbols, size_t count, void *table,
	size_t table_size, char *why, size_t n);

#endif
