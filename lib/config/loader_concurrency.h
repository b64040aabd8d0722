/*
 * Internal: the keys of promote.yaml that say how releases of one product
 * share an environment — a flow's `concurrency` and `queueLimit`, a flow
 * step's `soak` (the gates in lib/engine/gate_queue.c and gate_soak.c act on
 * them).
 */
#ifndef PROMOTE_CONFIG_LOADER_CONCURRENCY_H
#define PROMOTE_CONFIG_LOADER_CONCURRENCY_H

#include "reader.h"

/* concurrency: what a newer release does to the older ones of its product in an environment. */
enum {
	PROMOTE__CONCURRENCY_QUEUE = 0,     /* waits its turn, oldest first (the default) */
	PROMOTE__CONCURRENCY_SUPERSEDE = 1, /* aborts the older ones still pending there */
	PROMOTE__CONCURRENCY_TERMINATE = 2  /* ... and the one running there, at its next safe point */
};

#define PROMOTE__QUEUE_LIMIT_DEFAULT 50
#define PROMOTE__QUEUE_LIMIT_MAX 10000
#define PROMOTE__SOAK_MAX (30u * 24u * 3600u)

/* "queue", "supersede", "terminate"; "queue" for anything else. */
const char *promote__concurrency_name(int mode);

/* A flow's `concurrency` and `queueLimit` from its mapping `map` (defaults when absent). */
void promote__load_flow_concurrency(promote__reader *r, promote_flow *flow, const promote__ynode *map,
	const char *what);

/* A flow step's `soak` from its mapping `map` (0 when absent). */
void promote__load_step_soak(promote__reader *r, promote_flow_step *step, const promote__ynode *map,
	const char *what);

#endif
