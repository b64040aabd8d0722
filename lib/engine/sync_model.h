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
	unsigned refs;         /* others that keep it (a release that writes it): promote_sync_free() drops one */
	bool update_only;
	/* What was asked, in words a record keeps ("only:GLOB", "exclude:GLOB", "product:NAME", "update_only"):
	 * a sync release resumes only a release of the same request. */
	char **filters;
	size_t filter_count;
	const promote_env *from;
	const promote_env *to;
	promote__sync_item *items;   /* sorted by name */
	size_t count;
	promote_plan **written;      /* the plans of the items that change, in item order */
	size_t written_count;
	int action;
	promote__overlay overlay;    /* the target's files as the plans before leave them */
	promote__commit_id source_pin; /* "" none: the source branch's tip; else the source's commit read */
	promote__sync_change *merged; /* every changed file once, sorted by path */
	size_t merged_count;
	char *change_id;
};

/* promote_sync_create() reading the source at its commit `source` (NULL:
 * its branch's tip), now and when the branch moves (a sync release's step). */
int promote__sync_make(promote_sync **out, promote_context *ctx, const char *from, const char *to,
	const promote_sync_options *opts, const promote__commit_id *source);

/* promote_sync_apply() as release `opts->release` writes it (NULL: none):
 * its trailers, change branch promote/RELEASE/TO and labels; `later` as
 * promote__plans_apply()'s. */
int promote__sync_write(promote_buf *commit, int *outcome, promote_sync *sync, const promote_apply_options *opts,
	bool later);

/* Plan every written item again, in order, through the overlay over `reader`. */
int promote__sync_replan(promote_sync *sync, const promote__tree_reader *reader);

#endif
