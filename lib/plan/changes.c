/* The file edits of a plan: their storage. */
#include "changes.h"

#include "core/buf.h"

void promote__changes_dispose(promote__changes *changes)
{
	for (size_t i = 0; i < changes->size; i++) {
		free(changes->ptr[i].path);
		promote_buf_dispose(&changes->ptr[i].before);
		promote_buf_dispose(&changes->ptr[i].after);
	}
	promote__array_free(changes);
}
