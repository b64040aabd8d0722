/*
 * Internal: zlib's deflate as promote writes git's objects (loose, or in a
 * pushed pack): at zlib's fastest level, as git writes the objects a commit
 * makes (core.looseCompression's default), with a window and hash sized to
 * the object. zlib's defaults (a 32 KiB window, 32K hash heads) are cleared
 * for every stream, 64 KiB and more, which costs more than compressing a
 * file of a few hundred bytes; a file of a kilobyte comes out about 1 %
 * larger than at the default level, 15 to 20 % sooner.
 */
#ifndef PROMOTE_GIT_DEFLATE_H
#define PROMOTE_GIT_DEFLATE_H

#include "core/common.h"

#include <zlib.h>

/* deflateInit2() of `z` (zeroed by the caller) for a stream of `len` bytes: zlib's answer (Z_OK). */
int promote__git_deflate_init(z_stream *z, size_t len);

#endif
