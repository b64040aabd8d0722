/*
 * The open releases of a product (release_peers.h). Which records are
 * final is remembered by their tips' commit ids for the whole process: a
 * commit's content never changes, so the memory is exact for any
 * repository and any context; a release that is retried moves its tip and
 * is read again.
 */
#include "release_peers.h"
#include "release_record.h"
#include "release_json.h"

#include "git/repo.h"
#include "git/record_update.h"
#include "git/session.h"
#include "model/context.h"
#include "core/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- the tips of final records ---------------------------------------------------- */

#define FINAL_SLOTS 16384u /* a power of two; emptied when three quarters are used */

static pthread_mutex_t final_lock = PTHREAD_MUTEX_INITIALIZER;
static git_oid final_tips[FINAL_SLOTS];
static bool final_used[FINAL_SLOTS];
static size_t final_count;

static size_t slot_of(const git_oid *tip)
{
	size_t h = 0;
	memcpy(&h, tip->id, sizeof h);
	return h & (FINAL_SLOTS - 1);
}

static bool final_known(const git_oid *tip)
{
	bool found = false;
	pthread_mutex_lock(&final_lock);
	for (size_t i = slot_of(tip); final_used[i]; i = (i + 1) & (FINAL_SLOTS - 1))
		if (git_oid_equal(&final_tips[i], tip)) {
			found = true;
			break;
		}
	pthread_mutex_unlock(&final_lock);
	return found;
}

static void final_remember(const git_oid *tip)
{
	pthread_mutex_lock(&final_lock);
	if (final_count >= FINAL_SLOTS / 4 * 3) {
		memset(final_used, 0, sizeof final_used);
		final_count = 0;
	}
	size_t i = slot_of(tip);
	while (final_used[i] && !git_oid_equal(&final_tips[i], tip))
		i = (i + 1) & (FINAL_SLOTS - 1);
	if (!final_used[i]) {
		final_used[i] = true;
		final_tips[i] = *tip;
		final_count++;
	}
	pthread_mutex_unlock(&final_lock);
}

/* ---- helpers ------------------------------------------------------------------------ */

bool promote__release_state_final(int state)
{
	return state == PROMOTE_RELEASE_SUCCEEDED || state == PROMOTE_RELEASE_FAILED || state == PROMOTE_RELEASE_ABORTED;
}

int promote__release_order(const promote_release *a, const promote_release *b)
{
	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	return strcmp(a->id, b->id);
}

const promote_release_step *promote__release_step_in(const promote_release *r, const char *env)
{
	for (size_t i = 0; i < r->step_count; i++)
		if (strcmp(r->steps[i].environment, env) == 0)
			return &r->steps[i];
	return NULL;
}

static int oldest_first(const void *a, const void *b)
{
	return promote__release_order(*(promote_release *const *)a, *(promote_release *const *)b);
}

/* The glob of the record refs whose ids may be the product's: ids are "PRODUCT-VERSION-xxxxxx" with the
 * product's name made safe and perhaps cut (release_record.c), so the prefix is taken from such an id. */
static int glob_of(char **out, const char *product)
{
	char *id = NULL;
	int rc = promote__release_make_id(&id, product, "v");
	if (rc)
		return rc;
	size_t len = strlen(product) + 1; /* "PRODUCT-" */
	size_t cut = strlen(id) - 7;      /* before "-xxxxxx" */
	if (len > cut)
		len = cut;
	*out = promote__strdupf(PROMOTE__RELEASES_PREFIX "%.*s*", (int)len, id);
	free(id);
	return *out ? 0 : promote__error_oom();
}

/* The record at `ref`, parsed into *out when it is an open release of `product` other than `self`. */
static int read_peer(promote_release **out, promote_release *self, promote__git_session *s, const char *ref)
{
	*out = NULL;
	promote_buf bytes = PROMOTE_BUF_INIT;
	git_oid tip;
	const char *id = ref + strlen(PROMOTE__RELEASES_PREFIX);
	if (strcmp(id, self->id) == 0)
		return 0;
	int rc = promote__git_record_get(&bytes, &tip, s, ref, PROMOTE__RELEASE_RECORD_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear(); /* removed meanwhile */
		return 0;
	}
	if (rc || final_known(&tip)) {
		promote_buf_dispose(&bytes);
		return rc;
	}
	promote_release *r = NULL;
	rc = promote__release_alloc(&r, self->ctx);
	if (rc == 0)
		rc = promote__release_parse(r, bytes.ptr, bytes.size, ref);
	if (rc == 0 && promote__release_state_final(r->state))
		final_remember(&tip);
	else if (rc == 0 && strcmp(promote__release_subject(r), promote__release_subject(self)) == 0) {
		r->tip = tip;
		r->has_tip = true;
		r->listed = true;
		*out = r;
		r = NULL;
	}
	promote__release_free(r);
	promote_buf_dispose(&bytes);
	return rc;
}

int promote__peers_load(promote__peers *out, promote_release *self)
{
	memset(out, 0, sizeof *out);
	promote__git_session *s = NULL;
	char *glob = NULL;
	int rc = promote__context_session(&s, self->ctx);
	if (rc == 0)
		rc = glob_of(&glob, promote__release_subject(self));
	git_reference_iterator *it = NULL;
	int git_rc = 0;
	if (rc == 0 && (git_rc = git_reference_iterator_glob_new(&it, s->repo, glob)) < 0)
		rc = promote__git_failed(git_rc, "cannot list", PROMOTE__RELEASES_PREFIX);
	const char *name = NULL;
	size_t room = 0;
	while (rc == 0 && (git_rc = git_reference_next_name(&name, it)) == 0) {
		promote_release *peer = NULL;
		if ((rc = read_peer(&peer, self, s, name)) || !peer)
			continue;
		if (out->count == room) {
			size_t grown = room ? room * 2 : 8;
			promote_release **items = realloc(out->items, grown * sizeof *items);
			if (!items) {
				promote__release_free(peer);
				rc = promote__error_oom();
				break;
			}
			out->items = items;
			room = grown;
		}
		out->items[out->count++] = peer;
	}
	if (rc == 0 && git_rc < 0 && git_rc != GIT_ITEROVER)
		rc = promote__git_failed(git_rc, "cannot list", PROMOTE__RELEASES_PREFIX);
	git_reference_iterator_free(it);
	free(glob);
	if (rc == 0 && out->count > 1)
		qsort(out->items, out->count, sizeof *out->items, oldest_first);
	if (rc)
		promote__peers_dispose(out);
	return rc;
}

void promote__peers_dispose(promote__peers *peers)
{
	for (size_t i = 0; i < peers->count; i++)
		promote__release_free(peers->items[i]);
	free(peers->items);
	memset(peers, 0, sizeof *peers);
}
