/*
 * Internal: whether a pending step whose dependencies succeeded may start
 * now — the gates outside the release itself: holds and rollback pins on
 * its environment, freeze windows, soak time upstream, other releases of
 * the product in the same environment. A step a gate stops stays pending,
 * its reason says why ("held by alice: incident 42"), and its `gate` field
 * names the gate, so that the release's state and a person can tell a wait
 * for time from a wait for a person.
 *
 * Each gate is a file of its own (gate_*.c) and one row of the table in
 * release_admit.c. Asked inside the start transition's mutation, so a gate
 * decides from the record as written and the state it read; it reads that
 * state (refs, other records) once per poll, on first use.
 */
#ifndef PROMOTE_ENGINE_RELEASE_ADMIT_H
#define PROMOTE_ENGINE_RELEASE_ADMIT_H

#include "release_model.h"

/* What a gate says of one step. */
typedef struct promote__verdict {
	bool admitted;       /* false: the step stays pending */
	char *reason;        /* malloc'd when not admitted: what the step waits for */
	int64_t retry_at;    /* wall-clock seconds when time alone may admit it (0: not by time) */
} promote__verdict;

/* A gate (gate_*.c). `load` reads, once per poll, what `check` decides from (NULL: nothing to read);
 * `check` fills the verdict for step `s` of `r` at wall-clock time `now` (seconds). */
typedef struct promote__gate {
	const char *name;    /* recorded in the step's `gate` while it stops the step */
	bool person;         /* what it stops waits for a person (an unhold), not for time or another release */
	int (*load)(void **state, promote_release *r);
	void (*dispose)(void *state);
	int (*check)(void *state, const promote_release *r, const promote_release_step *s, int64_t now,
		promote__verdict *v);
} promote__gate;

/* The gates (gate_*.c). */
extern const promote__gate promote__gate_soak;
extern const promote__gate promote__gate_queue;

typedef struct promote__admission promote__admission;

/* An admission for one poll of `r` (nothing read yet). */
int promote__admission_new(promote__admission **out, promote_release *r);
void promote__admission_free(promote__admission *adm);

/* Ask every gate, in the table's order, whether step `s` of `r` may start at `now`: the first that says
 * no decides (*gate its name). v->admitted true (nothing to free) when all say yes. */
int promote__admission_check(promote__admission *adm, const promote_release *r, const promote_release_step *s,
	int64_t now, promote__verdict *v, const char **gate);

/* The gate named `gate` (a step's `gate`) waits for a person. */
bool promote__gate_waits_for_person(const char *gate);

#endif
