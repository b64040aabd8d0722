/*
 * Internal: what a mirror's lock file says about its holder, so that a
 * process waiting for it can say who holds it and for how long it may: the
 * holder's pid, what it does (one word: "fetching" or "pushing") and the URL, without its user
 * information), since when, and its network bound. Written after the flock is
 * taken, emptied before it is released; a holder killed meanwhile leaves a
 * note that the next holder overwrites, after it removed the lock files of
 * git the killed one may have left in the mirror (mirror.c).
 */
#ifndef PROMOTE_GIT_LOCK_NOTE_H
#define PROMOTE_GIT_LOCK_NOTE_H

#include "core/common.h"

/* Write the note into the lock file `fd` (held). Best effort: a note that
 * cannot be written only makes the waiter's message shorter. */
void promote__lock_note_write(int fd, const char *doing, const char *url, unsigned net_timeout_s);

/* Empty the note (before the flock is released). */
void promote__lock_note_clear(int fd);

/* A sentence on the holder, from the note in `fd` ("pid 12 has been fetching
 * URL for 40 s; it gives up after 30 s without data from the server"), or
 * NULL when there is none or out of memory. Freed by the caller. */
char *promote__lock_note_describe(int fd);

#endif
