/*
 * The gates a pending step passes before it starts (release_admit.h): one
 * table, each gate's state read lazily, once per poll.
 */
#include "release_admit.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* In the order they are asked: the first that stops a step gives its reason. */
extern const promote__gate promote__gate_hold;   /* gate_hold.c: holds and rollback pins */
extern const promote__gate promote__gate_window; /* gate_window.c: freeze windows */

static const promote__gate *const gates[] = {
	&promote__gate_hold,
	&promote__gate_window,
	&promote__gate_soak,
	&promote__gate_queue, /* last: it takes the environment's lease when it lets a step go */
	NULL /* the table's end: gates are added above this line */
};

struct promote__admission {
	promote_release *release;
	void *state[sizeof gates / sizeof *gates];
	bool loaded[sizeof gates / sizeof *gates];
};

int promote__admission_new(promote__admission **out, promote_release *r)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return promote__error_oom();
	(*out)->release = r;
	return 0;
}

void promote__admission_free(promote__admission *adm)
{
	if (!adm)
		return;
	for (size_t i = 0; gates[i]; i++)
		if (adm->loaded[i] && gates[i]->dispose)
			gates[i]->dispose(adm->state[i]);
	free(adm);
}

int promote__admission_check(promote__admission *adm, const promote_release *r, const promote_release_step *s,
	int64_t now, promote__verdict *v, const char **gate)
{
	memset(v, 0, sizeof *v);
	v->admitted = true;
	*gate = "";
	for (size_t i = 0; gates[i]; i++) {
		if (!adm->loaded[i]) {
			int rc = gates[i]->load ? gates[i]->load(&adm->state[i], adm->release) : 0;
			if (rc)
				return rc;
			adm->loaded[i] = true;
		}
		int rc = gates[i]->check(adm->state[i], r, s, now, v);
		if (rc) {
			free(v->reason);
			v->reason = NULL;
			return rc;
		}
		if (!v->admitted) {
			if (!v->reason && !(v->reason = strdup(gates[i]->name)))
				return promote__error_oom();
			*gate = gates[i]->name;
			return 0;
		}
	}
	return 0;
}

bool promote__gate_waits_for_person(const char *gate)
{
	for (size_t i = 0; gate && gates[i]; i++)
		if (strcmp(gates[i]->name, gate) == 0)
			return gates[i]->person;
	return false;
}
