/* Internal: the promote_sync behind sync.h, shared by its planning
 * (sync.c) and its writing (sync_write.c). */
#ifndef PROMOTE_ENGINE_SYNC_MODEL_H
#define PROMOTE_ENGINE_SYNC_MODEL_H

#include "plan/overlay.h"
#include "plan/plan.h"

typedef struct promote__sync_item {
	char *name;
	int kind;          /* promote_sync_kind */
	char *previous;    /* the target's version before; NULL: none */
	promote_plan *plan; /* NULL for a product left out */
} promote__sync_item;

/* A file the sync changes, as the plans hold it (borrowed from them). */
typedef struct promote__sync_change {
	const char *path;
	bool existed;
	unsigned before_mode;
	unsigned mode;
	const promote_buf *before;  /* before the first plan that changed it */
	const promote_buf *after;   /* as the last one left it */
} promote__sync_change;

struct promote_sync {
	promote_context *ctx;  /* kept alive */
	const promote_env *from;
	const promote_env *to;
	promote__sync_item *items;   /* sorted by name */
	size_t count;
	promote_plan **written;      /* the plans of the items that change, in item order */
	size_t written_count;
	int action;
	promote__overlay overlay;    /* the target's files as the plans before leave them */
	char *branch;                /* the change branch: promote/sync/FROM/TO */
	char *labels[3];
	promote__sync_change *merged; /* every changed file once, sorted by path */
	size_t merged_count;
	char *change_id;
};

/* Plan every written item again, in order, through the overlay over `reader`. */
int promote__sync_replan(promote_sync *sync, const promote__tree_reader *reader);

#endif
