/*
 * Internal: the table behind promote_status (status.h) — rows of products,
 * columns of environments, a cell each — shared by the reading of it
 * (status.c) and its JSON (status_json.c).
 */
#ifndef PROMOTE_ENGINE_STATUS_MODEL_H
#define PROMOTE_ENGINE_STATUS_MODEL_H

#include "core/common.h"
#include "holds.h"

#include <promote.h>
#include <stdbool.h>

#define PROMOTE__STATUS_SCHEMA 1

struct promote_status_cell {
	bool present;                      /* the product's folder is on the environment's branch */
	char *version;                     /* NULL: none */
	char *error;                       /* why the version could not be read; NULL: nothing wrong */
	const promote_release *release;    /* the open release moving it here (borrowed from `releases`) */
	const promote_release_step *step;  /* its step into this environment */
	size_t waiting;                    /* other open releases with an unfinished step here */
	const struct promote_hold *hold;   /* the hold stopping its automatic steps (borrowed from `holds`) */
	const struct promote_hold *pin;    /* its rollback pin */
};

struct promote_status {
	promote_context *ctx;              /* kept alive (a reference) */
	const promote_env **envs;          /* the columns, owned by the context */
	size_t env_count;
	char **products;                   /* the rows, sorted */
	size_t product_count;
	promote_status_cell *cells;        /* product_count × env_count, row by row */
	promote_release_list *releases;    /* every release recorded; the cells point into it */
	promote__holds holds;              /* every hold and pin recorded; the cells point into it */
	const struct promote_hold **shown; /* those on the columns, of every product or a row's */
	size_t shown_count;
};

/* The JSON document of promote_status_to_json(). */
int promote__status_to_json(promote_buf *out, const promote_status *status);

#endif
