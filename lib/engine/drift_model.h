/*
 * Internal: the pairs and rows behind promote_drift (drift.h), shared by
 * their making (drift.c) and their JSON (drift_json.c).
 */
#ifndef PROMOTE_ENGINE_DRIFT_MODEL_H
#define PROMOTE_ENGINE_DRIFT_MODEL_H

#include "core/common.h"

#include <promote.h>

#define PROMOTE__DRIFT_SCHEMA 1

struct promote_drift_row {
	const char *product;       /* borrowed from the status */
	const char *from, *to;     /* the pair's environment names, owned by the context */
	const char *from_version;  /* borrowed from the status; NULL: none */
	const char *to_version;
	int relation;              /* promote_drift_relation */
	int comparison;            /* promote_drift_comparison */
	const char *error;         /* borrowed from the status, or `own_error` */
	char *own_error;           /* a message of ours: a version that is not there */
};

struct promote_drift_pair {
	const promote_env *from, *to;
};

struct promote_drift {
	promote_context *ctx;               /* kept alive (a reference) */
	promote_status *status;             /* the versions the rows point into */
	struct promote_drift_pair *pairs;
	size_t pair_count;
	struct promote_drift_row *rows;
	size_t row_count;
	size_t drifted;                     /* rows not PROMOTE_DRIFT_EQUAL */
};

/* The JSON document of promote_drift_to_json(). */
int promote__drift_to_json(promote_buf *out, const promote_drift *drift);

#endif
