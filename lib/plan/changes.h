/*
 * Internal: the file edits a plan is made of — a path, the bytes it has
 * (when it existed) and the bytes and mode it gets — as promotions, syncs
 * and imports compute them and the engine writes them.
 */
#ifndef PROMOTE_PLAN_CHANGES_H
#define PROMOTE_PLAN_CHANGES_H

#include "core/array.h"
#include "git/reader.h"

typedef struct promote__change {
	char *path;           /* repository-relative */
	bool existed;         /* false: a new file */
	unsigned before_mode; /* PROMOTE__MODE_* (git/reader.h), when it existed */
	unsigned mode;        /* the mode it gets: a link stays a link, an executable executable */
	promote_buf before;
	promote_buf after;
} promote__change;

typedef PROMOTE__ARRAY(promote__change) promote__changes;

/* Free every change's path and bytes, then the array: empty and usable again. */
void promote__changes_dispose(promote__changes *changes);

#endif
