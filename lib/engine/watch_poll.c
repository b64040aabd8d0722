/*
 * A pass's second half: every open release polled, no sooner than it asked.
 *
 * The releases are found by listing the references under refs/promote/releases/ — names and
 * commits only. A release whose record is at the commit the watcher last
 * read, and that was final or waiting for a person then, is not read
 * again; nor is one that asked to be polled later than now. So an idle
 * pass costs the listing and the reads of the releases that can move.
 */
#include "watch_model.h"
#include "release_machine.h"

#include "git/session.h"
#include "model/context.h"
#include "core/clock.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static int by_id(const void *a, const void *b)
{
	return strcmp(((const promote__watch_seen *)a)->id, ((const promote__watch_seen *)b)->id);
}

static promote__watch_seen *find(promote__watch_seen_list *seen, const char *id)
{
	promote__watch_seen key = { .id = (char *)id };
	return seen->size ? bsearch(&key, seen->ptr, seen->size, sizeof *seen->ptr, by_id) : NULL;
}

void promote__watch_seen_free(promote__watch_seen_list *seen)
{
	for (size_t i = 0; i < seen->size; i++)
		free(seen->ptr[i].id);
	promote__array_free(seen);
}

/* Every release's record in the listing, as an entry of `seen` (new ones appended, then sorted); entries whose
 * record is gone are dropped. */
static int list_releases(promote__watch_seen_list *seen, git_repository *repo)
{
	for (size_t i = 0; i < seen->size; i++)
		seen->ptr[i].listed = false;
	size_t known = seen->size;
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	int rc = 0, git_rc = git_reference_iterator_glob_new(&it, repo, PROMOTE__GIT_RELEASES_PREFIX "*");
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot list", PROMOTE__GIT_RELEASES_PREFIX);
	while (rc == 0 && (git_rc = git_reference_next(&ref, it)) == 0) {
		const git_oid *tip = git_reference_target(ref);
		const char *id = git_reference_name(ref) + strlen(PROMOTE__GIT_RELEASES_PREFIX);
		/* The entries known before this listing are sorted; the ones it adds come after them. */
		promote__watch_seen_list sorted = { seen->ptr, known, seen->alloc };
		promote__watch_seen *s = tip ? find(&sorted, id) : NULL;
		if (s) {
			s->listed = true;
			if (!git_oid_equal(&s->tip, tip)) {
				/* Moved by someone else (an approval, an abort, a retry, another watcher): read it. */
				s->tip = *tip;
				s->final = s->waiting = false;
				s->due_ms = 0;
			}
		} else if (tip) {
			promote__watch_seen *added = promote__array_alloc(seen);
			if (!added || !(added->id = strdup(id))) {
				rc = added ? promote__error_oom() : PROMOTE_ENOMEM;
				if (added)
					seen->size--;
			} else {
				added->tip = *tip;
				added->listed = true;
				added->final = added->waiting = false;
				added->due_ms = 0;
			}
		}
		git_reference_free(ref);
		ref = NULL;
	}
	if (rc == 0 && git_rc != GIT_ITEROVER)
		rc = promote__git_failed(git_rc, "cannot list", PROMOTE__GIT_RELEASES_PREFIX);
	git_reference_iterator_free(it);
	/* Forget what is gone; keep the list sorted for the next pass. */
	size_t kept = 0;
	for (size_t i = 0; i < seen->size; i++) {
		if (seen->ptr[i].listed)
			seen->ptr[kept++] = seen->ptr[i];
		else
			free(seen->ptr[i].id);
	}
	seen->size = kept;
	if (seen->size > 1)
		qsort(seen->ptr, seen->size, sizeof *seen->ptr, by_id);
	return rc;
}

static bool release_final(int state)
{
	return state == PROMOTE_RELEASE_SUCCEEDED || state == PROMOTE_RELEASE_FAILED || state == PROMOTE_RELEASE_ABORTED;
}

/* Poll the release of entry `s` (its record read, advanced as far as it goes) and remember where it is. */
static int poll_one(promote_watcher *w, promote__watch_seen *s, const promote_release_options *ropts)
{
	promote_release *r = NULL;
	uint32_t next = 0;
	int rc = promote__release_alloc(&r, w->ctx);
	if (rc == 0) {
		r->opts = *ropts;
		rc = promote__set_string(&r->id, s->id);
	}
	if (rc == 0)
		rc = promote__release_poll_fetched(r, &next);
	w->polled++;
	if (r && r->has_tip)
		s->tip = r->tip;
	s->notify = rc == 0;
	if (rc == 0) {
		s->final = release_final(r->state);
		s->waiting = !s->final && next == 0;
		s->due_ms = next ? promote__now_ms() + next : 0;
	} else if (rc != PROMOTE_EUSER && rc != PROMOTE_ENOMEM) {
		/* Told, and tried again in the next pass. */
		s->due_ms = 0;
		rc = promote__watch_emit_failure(w, PROMOTE_WATCH_EVENT_POLL_FAILED, r ? r->flow : NULL,
			r ? r->product : NULL, r ? r->version : NULL, s->id);
	}
	promote__release_free(r);
	return rc;
}

int promote__watch_list_releases(promote_watcher *w)
{
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, w->ctx);
	return rc ? rc : list_releases(&w->seen, session->repo);
}

void promote__watch_seen_prefix(const promote_watcher *w, const char *prefix, size_t *first, size_t *end)
{
	size_t n = strlen(prefix), lo = 0, hi = w->seen.size;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w->seen.ptr[mid].id, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = *end = lo;
	while (*end < w->seen.size && strncmp(w->seen.ptr[*end].id, prefix, n) == 0)
		(*end)++;
}

/* The releases this pass started, to be polled in it (their records were not listed yet). */
static int add_started(promote_watcher *w)
{
	for (size_t i = 0; i < w->started.size; i++) {
		promote__watch_seen *added = promote__array_alloc(&w->seen);
		if (!added || !(added->id = strdup(w->started.ptr[i]))) {
			if (added)
				w->seen.size--;
			return added ? promote__error_oom() : PROMOTE_ENOMEM;
		}
		added->listed = true;
	}
	if (w->seen.size > 1)
		qsort(w->seen.ptr, w->seen.size, sizeof *w->seen.ptr, by_id);
	return 0;
}

int promote__watch_poll_releases(promote_watcher *w, uint32_t *next_ms)
{
	*next_ms = 0;
	int rc = add_started(w);
	promote_release_options ropts = promote__watch_release_options(w);
	int64_t soonest = 0;
	for (size_t i = 0; rc == 0 && i < w->seen.size && !w->stop; i++) {
		promote__watch_seen *s = &w->seen.ptr[i];
		if (s->final)
			continue;
		if (s->waiting || s->due_ms > promote__now_ms())
			w->skipped++;
		else
			rc = poll_one(w, s, &ropts);
		if (rc == 0 && !s->final) {
			w->open++;
			if (s->due_ms && (!soonest || s->due_ms < soonest))
				soonest = s->due_ms;
		}
	}
	if (rc == 0 && soonest) {
		int64_t left = soonest - promote__now_ms();
		*next_ms = left < 1 ? 1 : left > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)left;
	}
	return rc;
}
