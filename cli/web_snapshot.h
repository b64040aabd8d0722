/*
 * What the web view serves (promote watch --listen): the repository's state as the watcher saw it after its
 * last pass — the documents `status --json` and `release list --json` print, as text and parsed.
 *
 * Why a snapshot rather than the watcher's context or a second one: a context is used by one thread at a
 * time (DESIGN.md), and the watcher's is busy for a whole pass (a fetch, checks that run for minutes), so
 * sharing it under a mutex would stall pages behind passes, or passes behind pages. A second context would
 * read the repository (and fetch a remote one) on every request, so anyone who can reach the port could make
 * the process fetch at will. Instead the watcher's thread takes a snapshot after each pass, with the same
 * context and code that `status --json` and `release list --json` use, and publishes it; the server's
 * thread only reads published snapshots, which never change (a reference count, under a mutex, keeps one
 * alive while a page is made from it). A page is as fresh as the last pass, and says when that was.
 */
#ifndef PROMOTE_CLI_WEB_SNAPSHOT_H
#define PROMOTE_CLI_WEB_SNAPSHOT_H

#include "web_links.h"

#include <promote.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

typedef struct web_snapshot {
	int64_t taken;             /* when (seconds since the epoch) */
	char *error;               /* why it could not be taken (the rest is empty), or NULL */
	char *status_text;         /* exactly what `status --json` prints */
	json_object *status;
	char *releases_text;       /* exactly what `release list --json` prints */
	json_object *releases;     /* its "releases" array, newest first */
	char **release_texts;      /* exactly what `release status ID --json` prints, one per release */
	json_object *newest;       /* product -> its newest release (an element of `releases`) */
	size_t release_count;
	web_links links;           /* the forge's pages of commits and changes */
	double pass_seconds;       /* how long the pass before it took */
	uint64_t passes, pass_failures; /* since the watcher started */
	uint64_t fetches[3], pushes[3];  /* the context's transfers with the remote, by promote_transfer_outcome */
	unsigned refs;             /* under the publishing mutex */
} web_snapshot;

/* What the watcher says of its passes, for /metrics. */
typedef struct web_pass {
	double seconds;            /* the last one's duration */
	uint64_t passes, failures;
} web_pass;

/* Take a snapshot with `ctx` (on the thread that owns it) and publish it for the pages; the one published
 * before is let go. On failure the published snapshot carries the error. */
void web_snapshot_refresh(promote_context *ctx, const web_pass *pass, const web_links *links);

/* The published snapshot, held until web_snapshot_release(); NULL before the first. */
web_snapshot *web_snapshot_acquire(void);
void web_snapshot_release(web_snapshot *snapshot);

/* Let the published one go (at exit). */
void web_snapshot_clear(void);

/* The index of release `id` in the snapshot, or -1. */
long web_snapshot_find(const web_snapshot *snapshot, const char *id);

#endif
