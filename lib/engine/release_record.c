/* Where a release's record is kept, and how it changes: by compare-and-swap. */
#include "release_record.h"
#include "release_json.h"

#include "git/record_update.h"
#include "git/session.h"
#include "model/context.h"
#include "core/error.h"
#include "core/fault.h"
#include "core/strbuf.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* An id's characters: A-Z a-z 0-9 . _ - (what refs, branches and trailers take). */
static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		c == '-';
}

int promote__release_make_id(char **out, const char *product, const char *version)
{
	unsigned char random[3];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, random, sizeof random) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof random)
		return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS,
			"cannot read /dev/urandom for a release id: is /dev mounted?");
	return promote__release_make_id_with(out, product, version, random);
}

int promote__release_make_id_with(char **out, const char *product, const char *version, const unsigned char suffix[3])
{
	/* PRODUCT-VERSION cut so that "-xxxxxx" still fits. */
	size_t room = PROMOTE__RELEASE_ID_MAX - 7;
	char *id = malloc(PROMOTE__RELEASE_ID_MAX + 1);
	if (!id)
		return promote__error_oom();
	int n = snprintf(id, room + 1, "%s-%s", product, version && *version ? version : "latest");
	size_t len = n < 0 ? 0 : (size_t)n > room ? room : (size_t)n;
	for (size_t i = 0; i < len; i++)
		if (!id_char(id[i]) || (i > 0 && id[i] == '.' && id[i - 1] == '.'))
			id[i] = '-';
	if (len && id[0] == '.')
		id[0] = '_';
	snprintf(id + len, PROMOTE__RELEASE_ID_MAX + 1 - len, "-%02x%02x%02x", suffix[0], suffix[1], suffix[2]);
	*out = id;
	return 0;
}

/* refs/promote/releases/ID, into `ref` (initialised here; the caller frees it). */
static int record_ref(promote__strbuf *ref, const char *id)
{
	promote__strbuf_init(ref, PROMOTE__REFNAME_MAX, "the release's record reference name");
	int rc = promote__strbuf_addf(ref, PROMOTE__RELEASES_PREFIX "%s", id ? id : "");
	if (rc == 0 && (!id || !*id || !git_reference_is_valid_name(promote__strbuf_cstr(ref))))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"'%s' is not a release id (such as shop-1.4.0-3fa9c1: a listing of the releases shows them)",
			id ? id : "");
	return rc;
}

int promote__release_load(promote_release *r)
{
	promote__git_session *s = NULL;
	promote__strbuf ref;
	char *id = r->id ? strdup(r->id) : NULL;
	int rc = r->id && !id ? promote__error_oom() : record_ref(&ref, id);
	if (rc == 0)
		rc = promote__context_session(&s, r->ctx);
	promote_buf bytes = PROMOTE_BUF_INIT;
	git_oid tip;
	if (rc == 0)
		rc = promote__git_record_get(&bytes, &tip, s, promote__strbuf_cstr(&ref), PROMOTE__RELEASE_RECORD_MAX);
	if (rc == PROMOTE_ENOTFOUND)
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_RELEASE,
			"there is no release '%s' in %s (a listing of the releases shows them)", id, s->where);
	if (rc == 0 && (rc = promote__release_parse(r, bytes.ptr, bytes.size, promote__strbuf_cstr(&ref))) == 0) {
		r->tip = tip;
		r->has_tip = true;
	}
	promote_buf_dispose(&bytes);
	promote__strbuf_free(&ref);
	free(id);
	return rc;
}

/* The caller's mutation, seen by the record updater as bytes in, bytes out. */
typedef struct update_args {
	promote_release *r;
	promote__release_mutation mutate;
	void *arg;
	const char *ref;
	bool creating;
} update_args;

static int mutate_bytes(promote_buf *next, bool *write, const promote_buf *current, void *arg)
{
	update_args *a = arg;
	promote_release *r = a->r;
	if (a->creating && current)
		return promote__error(PROMOTE_EEXISTS, PROMOTE_ERROR_CLASS_RELEASE,
			"a release '%s' exists already; start the release again for a new id", r->id);
	if (!a->creating && !current)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_RELEASE,
			"the record of release '%s' is gone from the repository (someone removed '%s')", r->id, a->ref);
	int rc = current ? promote__release_parse(r, current->ptr, current->size, a->ref) : 0;
	bool changed = a->creating;
	if (rc == 0)
		rc = a->mutate ? a->mutate(r, &changed, a->arg) : 0;
	if (rc == 0 && changed) {
		r->updated = promote__context_now(r->ctx);
		rc = promote__release_to_json(next, r);
		*write = rc == 0;
	}
	return rc;
}

static int update(promote_release *r, promote__release_mutation mutate, void *arg, const char *what, bool later)
{
	if (r->listed)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"release '%s' comes from a listing and cannot change: open it by its id", r->id);
	promote__git_session *s = NULL;
	promote__strbuf ref, message;
	promote__strbuf_init(&message, PROMOTE__MESSAGE_MAX, "the record's commit message");
	int rc = record_ref(&ref, r->id);
	if (rc == 0)
		rc = promote__strbuf_addf(&message, "Release %s: %s\n", r->id, what);
	if (rc == 0)
		rc = promote__context_session(&s, r->ctx);
	update_args a = { r, mutate, arg, promote__strbuf_cstr(&ref), !r->has_tip };
	/* In a batch even a release's creation is kept: its compare-and-swap is made by the batch's push. */
	promote__git_record_target target = { promote__strbuf_cstr(&ref), PROMOTE__RELEASE_RECORD_MAX,
		promote__strbuf_cstr(&message), r->opts.author_name, r->opts.author_email,
		later || (s && s->batch && !r->has_tip), NULL };
	/* A sync's products are written once, beside the record that creates it; every later commit keeps them. */
	promote_buf products = PROMOTE_BUF_INIT;
	promote__git_record_file attach = { NULL, NULL, 0 };
	if (rc == 0 && !r->has_tip && r->sync && *r->sync->products_file &&
		(rc = promote__release_products_to_json(&products, r->sync)) == 0) {
		attach = (promote__git_record_file){ r->sync->products_file, products.ptr, products.size };
		target.attach = &attach;
	}
	git_oid tip;
	if (rc == 0)
		rc = promote__git_record_update(&tip, NULL, s, &target, mutate_bytes, &a);
	if (rc == 0) {
		r->tip = tip;
		r->has_tip = true;
		/* A test build may die here: after the transition is recorded. */
		promote__fault_point(what);
	}
	promote_buf_dispose(&products);
	promote__strbuf_free(&message);
	promote__strbuf_free(&ref);
	return rc;
}

int promote__release_sync_read(const promote_release *r)
{
	promote__release_sync *sync = r->sync;
	if (!sync || sync->products_read)
		return 0;
	if (!r->has_tip)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_RELEASE,
			"release '%s' has no record to read its products from", r->id);
	promote__git_session *s = NULL;
	promote__strbuf where;
	promote__strbuf_init(&where, PROMOTE__REFNAME_MAX + 64, "the products' place");
	promote_buf bytes = PROMOTE_BUF_INIT;
	int rc = promote__strbuf_addf(&where, PROMOTE__RELEASES_PREFIX "%s:%s", r->id, sync->products_file);
	if (rc == 0)
		rc = promote__context_session(&s, r->ctx);
	if (rc == 0)
		rc = promote__git_read(&bytes, s->repo, &r->tip, sync->products_file, PROMOTE__RELEASE_PRODUCTS_MAX);
	if (rc == PROMOTE_ENOTFOUND)
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"the release record at '%s' is damaged (its products file is missing): look at it with git show, "
			"and start the release again", promote__strbuf_cstr(&where));
	if (rc == 0)
		rc = promote__release_products_parse(sync, bytes.ptr, bytes.size, promote__strbuf_cstr(&where));
	promote_buf_dispose(&bytes);
	promote__strbuf_free(&where);
	return rc;
}

int promote__release_update(promote_release *r, promote__release_mutation mutate, void *arg, const char *what)
{
	return update(r, mutate, arg, what, false);
}

int promote__release_update_later(promote_release *r, promote__release_mutation mutate, void *arg, const char *what)
{
	return update(r, mutate, arg, what, true);
}

int promote__release_flush(promote_release *r, bool *lost)
{
	promote__git_session *s = NULL;
	*lost = false;
	int rc = promote__context_session(&s, r->ctx);
	if (rc == 0 && s->pending_count == 0)
		return 0;
	if (rc == 0)
		rc = promote__git_session_flush(s);
	if (rc == PROMOTE_ECONFLICT) {
		/* Another process moved the record first: what this one recorded since its last push is
		 * gone; it goes on from the other's (and adopts any effect it made meanwhile). */
		promote_error_clear();
		*lost = true;
		rc = promote__release_load(r);
	}
	if (rc == 0)
		promote__fault_point("(record pushed)");
	return rc;
}

int promote__release_flush_or_batch(promote_release *r, bool *lost)
{
	promote__git_session *s = NULL;
	*lost = false;
	int rc = promote__context_session(&s, r->ctx);
	return rc ? rc : s->batch ? 0 : promote__release_flush(r, lost);
}
