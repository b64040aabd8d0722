/*
 * PROMOTE_NOW: the wall clock of releases for tests and rehearsals. With
 * PROMOTE_NOW=2026-12-04T16:00:00Z the context's clock starts at that time
 * when the command starts and runs on with real time; freeze windows, soak,
 * timeouts and the times in records follow it. Network deadlines do not
 * (they keep the monotonic clock).
 */
#include "cli.h"
#include "core/civil.h"

#include <stdlib.h>
#include <time.h>

static struct {
	int64_t start;    /* PROMOTE_NOW */
	int64_t real;     /* the system's time when it was read */
} shifted;

static int64_t shifted_now(void *payload)
{
	(void)payload;
	return shifted.start + ((int64_t)time(NULL) - shifted.real);
}

int cli_clock_options(promote_context_options *opts)
{
	const char *text = getenv("PROMOTE_NOW");
	if (!text || !*text)
		return 0;
	if (!promote__parse_rfc3339(&shifted.start, text))
		return cli_usage_error("PROMOTE_NOW is '%s'; set it to a time such as 2026-12-04T16:00:00Z or "
				       "2026-12-04T18:00:00+02:00, or unset it for the system's clock", text);
	shifted.real = (int64_t)time(NULL);
	opts->clock_cb = shifted_now;
	opts->clock_payload = NULL;
	return 0;
}

int64_t cli_now(void)
{
	return shifted.real ? shifted_now(NULL) : (int64_t)time(NULL);
}
