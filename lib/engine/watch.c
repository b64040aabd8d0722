/* The watcher: its options, its lifetime, one pass, and what the last pass did (include/promote/watch.h). */
#include "watch_model.h"
#include "release_machine.h"

#include "git/session.h"
#include "model/context.h"
#include "core/error.h"
#include "core/options.h"

#include <stdlib.h>
#include <string.h>

static const size_t options_sizes[] = { sizeof(promote_watcher_options) };
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_WATCHER_OPTIONS_VERSION);

int promote_watcher_options_init(promote_watcher_options *opts, unsigned int version)
{
	static const promote_watcher_options defaults = PROMOTE_WATCHER_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_WATCHER_OPTIONS_VERSION,
		"promote_watcher_options", __func__);
}

static int copy_string(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	return (*out = strdup(s)) ? 0 : promote__error_oom();
}

int promote_watcher_new(promote_watcher **out, promote_context *ctx, const promote_watcher_options *opts)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote_watcher_options o = PROMOTE_WATCHER_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, options_sizes, PROMOTE_WATCHER_OPTIONS_VERSION,
		"promote_watcher_options");
	if (rc == 0 && !promote__context_repository(ctx))
		rc = promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository, and a watcher watches one: open the context from a repository "
			"(promote_context_open_repository())", promote_context_source(ctx));
	if (rc)
		return rc;
	promote_watcher *w = calloc(1, sizeof *w);
	if (!w)
		return promote__error_oom();
	w->opts = o;
	w->opts.author_name = w->opts.author_email = NULL;
	promote__context_ref(ctx);
	w->ctx = ctx;
	/* The owner names this watcher in the records it creates (the claims' form: host:pid:nonce). */
	promote_release *probe = NULL;
	rc = copy_string(&w->author_name, o.author_name);
	if (rc == 0)
		rc = copy_string(&w->author_email, o.author_email);
	if (rc == 0 && (rc = promote__release_alloc(&probe, ctx)) == 0)
		rc = promote__claim_owner(&w->owner, probe);
	promote__release_free(probe);
	if (rc) {
		promote_watcher_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

static void forget_pass(promote_watcher *w)
{
	for (size_t i = 0; i < w->started.size; i++)
		free(w->started.ptr[i]);
	w->started.size = 0;
	w->polled = w->skipped = w->open = w->failed = 0;
}

void promote_watcher_free(promote_watcher *w)
{
	if (!w)
		return;
	forget_pass(w);
	promote__array_free(&w->started);
	promote__watch_seen_free(&w->seen);
	free(w->author_name);
	free(w->author_email);
	free(w->owner);
	promote__context_unref(w->ctx);
	free(w);
}

/* ---- stopping ---------------------------------------------------------------- */

void promote_watcher_stop(promote_watcher *w)
{
	if (w)
		w->stop = 1;
}

int promote_watcher_stopped(const promote_watcher *w)
{
	return w && w->stop ? 1 : 0;
}

/* ---- a pass ---------------------------------------------------------------------- */

/* The pass's batch pushed. Lost to another writer (another watcher moved a record or the branch first):
 * nothing of it landed, and every release it touched is read again at the next pass, which comes at once
 * (the listing shows their records where the remote holds them, not where this pass left them). */
static int push_pass(promote_watcher *w, promote__git_session *session, bool *lost)
{
	int rc = promote__git_session_flush(session);
	*lost = rc == PROMOTE_ECONFLICT;
	if (*lost) {
		promote_error_clear();
		for (size_t i = 0; i < w->seen.size; i++)
			w->seen.ptr[i].due_ms = 0;
		rc = 0;
	}
	return rc;
}

int promote_watcher_pass(promote_watcher *w, uint32_t *next_pass_ms)
{
	if (next_pass_ms)
		*next_pass_ms = 0;
	if (!w)
		return promote__error_arg(__func__, "watcher");
	forget_pass(w);
	if (w->stop)
		return 0;
	/* The repository is fetched once; every flow and release of the pass reads that. */
	promote__git_session *session = NULL;
	uint32_t next = 0;
	int rc = promote__context_session(&session, w->ctx);
	if (rc == 0)
		rc = promote__git_session_refresh(session);
	/* One listing of the releases: what the changes started already, and what to poll. */
	if (rc == 0)
		rc = promote__watch_list_releases(w);
	/* The pass is one batch: what its releases record (their creations, commits, claims, leases, the
	 * flows' handled commits) is pushed at its end in one request, atomic where the remote allows. */
	if (rc == 0)
		session->batch = true;
	if (rc == 0)
		rc = promote__watch_start_releases(w);
	if (rc == 0 && !w->stop)
		rc = promote__watch_poll_releases(w, &next);
	if (session)
		session->batch = false;
	bool lost = false;
	int pushed = session ? push_pass(w, session, &lost) : 0;
	if (rc == 0 || rc == PROMOTE_EUSER)
		rc = pushed ? pushed : rc;
	if (lost)
		next = 1; /* made again at once, from the remote's refs */
	uint32_t notify_next = 0;
	if (rc == 0 && !lost && !w->stop)
		rc = promote__watch_notify(w, &notify_next);
	if (notify_next && (!next || notify_next < next))
		next = notify_next;
	if (promote__watch_stopping(w, rc))
		rc = 0;
	if (rc == 0 && next_pass_ms && !w->stop)
		*next_pass_ms = next;
	return rc;
}

/* ---- what the last pass did ------------------------------------------------------- */

size_t promote_watcher_started_count(const promote_watcher *w)
{
	return w ? w->started.size : 0;
}

const char *promote_watcher_started_at(const promote_watcher *w, size_t index)
{
	return w && index < w->started.size ? w->started.ptr[index] : NULL;
}

size_t promote_watcher_polled_count(const promote_watcher *w)
{
	return w ? w->polled : 0;
}

size_t promote_watcher_skipped_count(const promote_watcher *w)
{
	return w ? w->skipped : 0;
}

size_t promote_watcher_open_count(const promote_watcher *w)
{
	return w ? w->open : 0;
}

size_t promote_watcher_failed_count(const promote_watcher *w)
{
	return w ? w->failed : 0;
}
