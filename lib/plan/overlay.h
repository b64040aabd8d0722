/*
 * Internal: a tree reader that shows files as several plans leave them.
 *
 * Plans written together in one commit (a sync of many products) may edit
 * one file between them — a helmfile holding every product's release, a
 * kustomization holding every image. Each plan edits the file as the plans
 * before it left it, so the last one holds every edit: reads of a file an
 * earlier plan changed return its new bytes; everything else goes to the
 * reader underneath. Folder listings are the base's; branch tips too, read
 * once and kept until promote__overlay_clear() (thousands of plans ask for
 * the same two branches).
 */
#ifndef PROMOTE_PLAN_OVERLAY_H
#define PROMOTE_PLAN_OVERLAY_H

#include "git/reader.h"

typedef struct promote__overlay_file promote__overlay_file;

/* A branch's tip as the base said it. */
typedef struct promote__overlay_tip {
	char *branch;
	promote__commit_id commit;
} promote__overlay_tip;

typedef struct promote__overlay {
	promote__tree_reader reader;  /* hand this to the plans; self is the overlay */
	const promote__tree_reader *base;
	promote__overlay_file **slots; /* open addressing on (commit, path) */
	size_t capacity;
	size_t count;
	promote__overlay_tip tips[8]; /* the branches asked for, the first 8 kept */
	char *head;                   /* the HEAD's branch, once asked */
	size_t tip_count;
} promote__overlay;

/* An overlay with no file changed yet, over `base` (which must outlive it). */
void promote__overlay_init(promote__overlay *o, const promote__tree_reader *base);
void promote__overlay_dispose(promote__overlay *o);
/* Forget every change and every tip (the plans are computed again from the start). */
void promote__overlay_clear(promote__overlay *o);

/* From now on, `path` at `commit` reads as `bytes` with `mode`. The path
 * is copied; the bytes are borrowed: they must stay as they are until the
 * overlay is cleared or the file put again (a plan's changes, which only a
 * new computation of the plan replaces: clear the overlay before that). */
int promote__overlay_put(promote__overlay *o, const promote__commit_id *commit, const char *path, const char *bytes,
	size_t size, unsigned mode);

#endif
