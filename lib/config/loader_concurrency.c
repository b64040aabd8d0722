/*
 * A flow's `concurrency: queue | supersede | terminate` and `queueLimit`, a
 * flow step's `soak: 30m` (loader_concurrency.h).
 */
#include "loader_concurrency.h"

#include "labels.h"

static const char *const modes[] = { "queue", "supersede", "terminate" };

const char *promote__concurrency_name(int mode)
{
	return mode > 0 && (size_t)mode < PROMOTE_ARRAY_SIZE(modes) ? modes[mode] : modes[0];
}

void promote__load_flow_concurrency(promote__reader *r, promote_flow *flow, const promote__ynode *map,
	const char *what)
{
	const promote__ynode *n;
	flow->concurrency = PROMOTE__CONCURRENCY_QUEUE;
	flow->queue_limit = PROMOTE__QUEUE_LIMIT_DEFAULT;
	if ((n = promote__map_get(map, "concurrency"))) {
		int mode = promote__read_enum(r, n, promote__label_field(r, "concurrency", what), modes,
			PROMOTE_ARRAY_SIZE(modes));
		if (mode >= 0)
			flow->concurrency = mode;
	}
	int32_t limit;
	if ((n = promote__map_get(map, "queueLimit")) &&
		promote__read_bounded(r, n, promote__label_field(r, "queueLimit", what), 1, PROMOTE__QUEUE_LIMIT_MAX, &limit))
		flow->queue_limit = (uint32_t)limit;
}

void promote__load_step_soak(promote__reader *r, promote_flow_step *step, const promote__ynode *map,
	const char *what)
{
	const promote__ynode *n = promote__map_get(map, "soak");
	if (n)
		promote__read_duration(r, n, promote__label_field(r, "soak", what), PROMOTE__SOAK_MAX, &step->soak_s);
}
