/* Fault points of a test build (fault.h). */
#include "fault.h"

#ifdef PROMOTE_FAULT_POINTS

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long passed;

void promote__fault_point(const char *where)
{
	passed++;
	const char *trace = getenv("PROMOTE_FAULT_TRACE");
	if (trace && *trace) {
		int fd = open(trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			char line[256];
			int n = snprintf(line, sizeof line, "%lu %s\n", passed, where);
			if (n > 0 && write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0)
				n = 0; /* a trace that cannot be written only loses the trace */
			close(fd);
		}
	}
	const char *at = getenv("PROMOTE_FAULT_KILL_AT");
	if (at && strtoul(at, NULL, 10) == passed)
		raise(SIGKILL);
}

#else

/* ISO C wants something in a translation unit. */
typedef int promote__no_fault_points;

#endif
