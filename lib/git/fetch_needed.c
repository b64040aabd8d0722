/* Whether a mirror's fetch would change anything (fetch_needed.h). */
#include "fetch_needed.h"

#include <stdlib.h>
#include <string.h>

/* The refspecs mirror.c passes: a few. */
#define SPECS_MAX 16

typedef struct refs_under {
	git_reference **refs; /* the mirror's refs under the refspecs' destinations, by name */
	size_t count;
} refs_under;

static bool matches(git_refspec *const *specs, size_t n, const char *name, bool destination)
{
	for (size_t i = 0; i < n; i++)
		if (destination ? git_refspec_dst_matches(specs[i], name) : git_refspec_src_matches(specs[i], name))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(git_reference_name(*(git_reference *const *)a), git_reference_name(*(git_reference *const *)b));
}

static void refs_free(refs_under *ours)
{
	for (size_t i = 0; i < ours->count; i++)
		git_reference_free(ours->refs[i]);
	free(ours->refs);
}

/* The mirror's refs under the destinations of `specs`, sorted: false on an error or a symbolic one. */
static bool list_ours(refs_under *ours, git_repository *repo, git_refspec *const *specs, size_t n)
{
	memset(ours, 0, sizeof *ours);
	git_reference_iterator *it = NULL;
	if (git_reference_iterator_new(&it, repo) < 0)
		return false;
	size_t cap = 0;
	git_reference *ref;
	int rc;
	bool ok = true;
	while (ok && (rc = git_reference_next(&ref, it)) == 0) {
		if (!matches(specs, n, git_reference_name(ref), true)) {
			git_reference_free(ref);
			continue;
		}
		if (ours->count == cap) {
			size_t more = cap ? cap * 2 : 64;
			git_reference **grown = realloc(ours->refs, more * sizeof *grown);
			if (grown) {
				ours->refs = grown;
				cap = more;
			}
		}
		ok = ours->count < cap && git_reference_type(ref) == GIT_REFERENCE_DIRECT;
		if (ok)
			ours->refs[ours->count++] = ref;
		else
			git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (ok && rc != GIT_ITEROVER)
		ok = false;
	if (ok && ours->count > 1)
		qsort(ours->refs, ours->count, sizeof *ours->refs, by_name);
	return ok;
}

static const git_reference *find(const refs_under *ours, const char *name)
{
	size_t lo = 0, hi = ours->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, git_reference_name(ours->refs[mid]));
		if (cmp == 0)
			return ours->refs[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Whether the advertised `head` is the mirror's already (under a refspec: `*under` set). */
static bool held(const refs_under *ours, git_refspec *const *specs, size_t n, const git_remote_head *head,
	bool *under)
{
	*under = false;
	for (size_t i = 0; i < n; i++) {
		if (!git_refspec_src_matches(specs[i], head->name))
			continue;
		*under = true;
		git_buf local = { 0 };
		const git_reference *ref = git_refspec_transform(&local, specs[i], head->name) == 0 ? find(ours, local.ptr)
												: NULL;
		git_buf_dispose(&local);
		return ref && git_oid_equal(git_reference_target(ref), &head->oid);
	}
	return true;
}

bool promote__git_fetch_changes_nothing(git_repository *repo, git_remote *remote, const git_strarray *specs)
{
	git_refspec *parsed[SPECS_MAX];
	size_t n = 0;
	bool same = specs->count <= SPECS_MAX;
	for (size_t i = 0; same && i < specs->count; i++) {
		same = git_refspec_parse(&parsed[n], specs->strings[i], 1) == 0;
		n += same;
	}
	refs_under ours = { NULL, 0 };
	const git_remote_head **heads = NULL;
	size_t count = 0, held_count = 0;
	same = same && list_ours(&ours, repo, parsed, n) && git_remote_ls(&heads, &count, remote) == 0;
	for (size_t i = 0; same && i < count; i++) {
		bool under;
		same = held(&ours, parsed, n, heads[i], &under);
		held_count += under;
	}
	/* Nothing of the mirror's is missing from the remote: nothing to prune. */
	same = same && held_count == ours.count;
	refs_free(&ours);
	for (size_t i = 0; i < n; i++)
		git_refspec_free(parsed[i]);
	git_error_clear();
	return same;
}
