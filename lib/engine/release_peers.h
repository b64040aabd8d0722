/*
 * Internal: the other open releases of a release's product — what the
 * queue gate (gate_queue.c) decides from. Their records are found by their
 * ids, which start with the product's name (release_record.c), and read
 * only while they are open: a record whose tip was once seen final (a
 * finished release) is skipped without reading it again, so the cost of a
 * look grows with the product's open releases, not with its history.
 */
#ifndef PROMOTE_ENGINE_RELEASE_PEERS_H
#define PROMOTE_ENGINE_RELEASE_PEERS_H

#include "release_model.h"

typedef struct promote__peers {
	promote_release **items;  /* read-only records (listed), oldest first */
	size_t count;
} promote__peers;

/* The open releases of r's product other than r, oldest first. */
int promote__peers_load(promote__peers *out, promote_release *r);
void promote__peers_dispose(promote__peers *peers);

/* The order of creation: < 0 when `a` was started before `b` (the same second: by id). */
int promote__release_order(const promote_release *a, const promote_release *b);

/* A final release state: succeeded, failed, aborted. */
bool promote__release_state_final(int state);

/* r's step into `env`, or NULL. */
const promote_release_step *promote__release_step_in(const promote_release *r, const char *env);

#endif
