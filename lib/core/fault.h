/*
 * Internal: fault points — places where a test build (meson -Dfault_points=true)
 * can kill the process, to prove that a crash there loses nothing and
 * repeats nothing. Each call counts; with PROMOTE_FAULT_KILL_AT=N in the
 * environment the Nth call sends the process SIGKILL. With
 * PROMOTE_FAULT_TRACE=FILE every call appends "N WHERE" to FILE first, so a
 * test learns how many points a run passes and what each one is.
 *
 * In any other build a fault point is nothing at all.
 */
#ifndef PROMOTE_CORE_FAULT_H
#define PROMOTE_CORE_FAULT_H

#ifdef PROMOTE_FAULT_POINTS
void promote__fault_point(const char *where);
#else
static inline void promote__fault_point(const char *where)
{
	(void)where;
}
#endif

#endif
