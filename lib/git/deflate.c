/* zlib's deflate sized to the object (deflate.h). */
#include "deflate.h"

int promote__git_deflate_init(z_stream *z, size_t len)
{
	int bits = 9; /* zlib's smallest */
	while (bits < MAX_WBITS && ((size_t)1 << bits) < len)
		bits++;
	return deflateInit2(z, Z_BEST_SPEED, Z_DEFLATED, bits, bits - 7, Z_DEFAULT_STRATEGY);
}
