/* Listing the releases recorded in the repository, newest first. */
#include "release_record.h"

#include "git/repo.h"
#include "git/session.h"
#include "model/context.h"
#include "core/error.h"
#include "core/options.h"

#include <stdlib.h>
#include <string.h>

struct promote_release_list {
	promote_release **items;
	size_t count;
};

static const size_t list_options_sizes[] = { sizeof(promote_release_list_options) };
PROMOTE__OPTIONS_SIZES_CHECK(list_options_sizes, PROMOTE_RELEASE_LIST_OPTIONS_VERSION);

int promote_release_list_options_init(promote_release_list_options *opts, unsigned int version)
{
	static const promote_release_list_options defaults = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, list_options_sizes, version,
		PROMOTE_RELEASE_LIST_OPTIONS_VERSION, "promote_release_list_options", __func__);
}

/* Newest first; the same second: by id, so that the order is stable. */
static int newest_first(const void *a, const void *b)
{
	const promote_release *x = *(promote_release *const *)a, *y = *(promote_release *const *)b;
	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

static bool wanted(const promote_release *r, const promote_release_list_options *o)
{
	return (!o->product || strcmp(o->product, r->product) == 0) && (o->state < 0 || o->state == r->state);
}

/* Read the release whose record is at `ref` and keep it if it is wanted. */
static int add(promote_release_list *list, size_t *room, promote_context *ctx, const char *ref,
	const promote_release_list_options *o)
{
	promote_release *r = NULL;
	int rc = promote__release_alloc(&r, ctx);
	if (rc == 0)
		rc = promote__set_string(&r->id, ref + strlen(PROMOTE__RELEASES_PREFIX));
	if (rc == 0)
		rc = promote__release_load(r);
	if (rc == 0 && wanted(r, o)) {
		if (list->count == *room) {
			size_t grown = *room ? *room * 2 : 16;
			promote_release **items = realloc(list->items, grown * sizeof *items);
			if (!items)
				rc = promote__error_oom();
			else {
				list->items = items;
				*room = grown;
			}
		}
		if (rc == 0) {
			r->listed = true;
			list->items[list->count++] = r;
			r = NULL;
		}
	}
	promote__release_free(r);
	return rc;
}

int promote_release_list_new(promote_release_list **out, promote_context *ctx, const promote_release_list_options *opts)
{
	if (!out || !ctx)
		return promote__error_arg(__func__, !out ? "out" : "ctx");
	*out = NULL;
	promote_release_list_options o = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	int rc = promote__options_copy(&o, opts, list_options_sizes, PROMOTE_RELEASE_LIST_OPTIONS_VERSION,
		"promote_release_list_options");
	promote__git_session *s = NULL;
	if (rc == 0)
		rc = promote__context_session(&s, ctx);
	promote_release_list *list = rc == 0 ? calloc(1, sizeof *list) : NULL;
	if (rc == 0 && !list)
		rc = promote__error_oom();
	git_reference_iterator *it = NULL;
	int git_rc = GIT_ITEROVER;
	if (rc == 0 && (git_rc = git_reference_iterator_glob_new(&it, s->repo, PROMOTE__RELEASES_PREFIX "*")) < 0)
		rc = promote__git_failed(git_rc, "cannot list", PROMOTE__RELEASES_PREFIX);
	const char *name = NULL;
	size_t room = 0;
	while (rc == 0 && (git_rc = git_reference_next_name(&name, it)) == 0)
		rc = add(list, &room, ctx, name, &o);
	if (rc == 0 && git_rc != GIT_ITEROVER)
		rc = promote__git_failed(git_rc, "cannot list", PROMOTE__RELEASES_PREFIX);
	git_reference_iterator_free(it);
	if (rc == 0) {
		if (list->count)
			qsort(list->items, list->count, sizeof *list->items, newest_first);
		if (o.limit && list->count > o.limit) {
			for (size_t i = o.limit; i < list->count; i++)
				promote__release_free(list->items[i]);
			list->count = o.limit;
		}
		*out = list;
		return 0;
	}
	promote_release_list_free(list);
	return rc;
}

size_t promote_release_list_count(const promote_release_list *list)
{
	return list ? list->count : 0;
}

const promote_release *promote_release_list_at(const promote_release_list *list, size_t index)
{
	return list && index < list->count ? list->items[index] : NULL;
}

void promote_release_list_free(promote_release_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		promote__release_free(list->items[i]);
	free(list->items);
	free(list);
}
