/*
 * The web view's bound on a request's whole time (doc/WEB.md#bounds). libmicrohttpd 0.9.75 bounds only how
 * long a connection stays idle: a client that sends a byte of its request every few seconds (slowloris), or
 * reads the answer as slowly, would hold its connection for ever. Each connection is tracked from when it
 * opens, or from when its last request was answered (keep-alive), and one that has not finished a request
 * within the bound is shut down by a thread of its own, once a second — the server's thread then closes it.
 */
#ifndef PROMOTE_CLI_WEB_DEADLINE_H
#define PROMOTE_CLI_WEB_DEADLINE_H

typedef struct web_deadline web_deadline;

/* Start the thread that shuts down connections older than `seconds` (at most `capacity` tracked). 0, or -1
 * (out of memory, no thread). */
int web_deadline_start(unsigned seconds, unsigned capacity);

/* Stop the thread (after the server stopped: no connection is tracked any more). */
void web_deadline_stop(void);

/* A connection on socket `fd` opened: its token for the calls below (NULL when all are tracked already). */
web_deadline *web_deadline_open(int fd);

/* Its request was answered: the next one's time starts now. NULL is fine. */
void web_deadline_answered(web_deadline *d);

/* It is closed (before its socket is): no longer tracked. NULL is fine. */
void web_deadline_close(web_deadline *d);

#endif
