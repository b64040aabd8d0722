/* Files' new ids written into the trees on their paths, in place (tree_patch.h). */
#include "tree_patch.h"
#include "odb_raw.h"

#include "core/error.h"

#include <git2/sys/odb_backend.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_MODE "40000"

/* One patch seen from the tree being patched: the rest of its path below it. */
typedef struct pending {
	const char *rest;
	const promote__tree_patch *patch;
} pending;

static size_t first_component(const char *path)
{
	const char *slash = strchr(path, '/');
	return slash ? (size_t)(slash - path) : strlen(path);
}

/* (The patches come sorted, and so do a tree's entries: the next one is found soon after the last.) */
const unsigned char *promote__git_tree_raw_find(const unsigned char *tree, size_t size, size_t *from, const char *name,
	size_t len, const char **mode, size_t *mode_len)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t at = pass ? 0 : *from, end = pass ? *from : size;
		while (at < end) {
			const unsigned char *space = memchr(tree + at, ' ', size - at);
			const unsigned char *nul = space ? memchr(space, '\0', size - (size_t)(space - tree)) : NULL;
			if (!nul || (size_t)(nul - tree) + 1 + GIT_OID_RAWSZ > size)
				return NULL; /* not a tree libgit2 wrote: left to the builder */
			const char *entry = (const char *)space + 1;
			size_t next = (size_t)(nul - tree) + 1 + GIT_OID_RAWSZ;
			if ((size_t)((const char *)nul - entry) == len && memcmp(entry, name, len) == 0) {
				*mode = (const char *)tree + at;
				*mode_len = (size_t)(space - (tree + at));
				*from = next;
				return nul + 1;
			}
			at = next;
		}
	}
	return NULL;
}

static bool mode_is(const char *mode, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(mode, want, len) == 0;
}

/* Where trees are read and written: the repository's object database, and the backend new trees go to
 * (NULL: the database). */
typedef struct store {
	git_odb *odb;
	git_odb_backend *into;
} store;

static int patch_tree(git_oid *out, bool *applicable, const store *db, const git_oid *base, pending *todo,
	size_t count);

/* Patch the entry named by todo[0]'s first component, with every other patch below it: the patches are
 * sorted by path, so those are the ones that follow it. (A file and a folder of one name are not next to
 * each other then; one of them finds the other's mode and leaves the whole to the builder.) */
static int patch_entry(unsigned char *tree, size_t size, size_t *cursor, bool *applicable, const store *db,
	pending *todo, size_t count, size_t *used)
{
	size_t len = first_component(todo[0].rest);
	size_t n = 1;
	while (n < count && strncmp(todo[n].rest, todo[0].rest, len) == 0 &&
		(todo[n].rest[len] == '/' || todo[n].rest[len] == '\0'))
		n++;
	*used = n;
	const char *mode;
	size_t mode_len;
	const unsigned char *found = len ? promote__git_tree_raw_find(tree, size, cursor, todo[0].rest, len, &mode,
		&mode_len) : NULL;
	if (!found) {
		*applicable = false;
		return 0;
	}
	unsigned char *id = tree + (found - tree);
	bool file = todo[0].rest[len] == '\0';
	if (file) {
		char want[16];
		snprintf(want, sizeof want, "%o", (unsigned)todo[0].patch->mode);
		if (n != 1 || !mode_is(mode, mode_len, want)) {
			*applicable = false;
			return 0;
		}
		memcpy(id, todo[0].patch->id.id, GIT_OID_RAWSZ);
		return 0;
	}
	if (!mode_is(mode, mode_len, TREE_MODE)) {
		*applicable = false;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (todo[i].rest[len] != '/') { /* a file and a folder of the same name */
			*applicable = false;
			return 0;
		}
		todo[i].rest += len + 1;
	}
	git_oid sub, patched;
	git_oid_fromraw(&sub, id);
	int rc = patch_tree(&patched, applicable, db, &sub, todo, n);
	if (rc == 0 && *applicable)
		memcpy(id, patched.id, GIT_OID_RAWSZ);
	return rc;
}

/* The tree written where `db` writes. */
static int write_tree(git_oid *out, const store *db, const unsigned char *tree, size_t size)
{
	if (!db->into)
		return git_odb_write(out, db->odb, tree, size, GIT_OBJECT_TREE);
	int git_rc = git_odb_hash(out, tree, size, GIT_OBJECT_TREE);
	return git_rc < 0 ? git_rc : db->into->write(db->into, out, tree, size, GIT_OBJECT_TREE);
}

static int patch_tree(git_oid *out, bool *applicable, const store *db, const git_oid *base, pending *todo,
	size_t count)
{
	promote__git_raw object;
	if (promote__git_raw_read(&object, db->odb, base) < 0 || object.type != GIT_OBJECT_TREE) {
		git_error_clear();
		promote__git_raw_dispose(&object);
		*applicable = false;
		return 0;
	}
	size_t size = object.size;
	unsigned char *tree = malloc(size ? size : 1);
	int rc = tree ? 0 : promote__error_oom();
	if (rc == 0)
		memcpy(tree, object.data, size);
	promote__git_raw_dispose(&object);
	size_t cursor = 0;
	for (size_t done = 0; rc == 0 && *applicable && done < count;) {
		size_t used = 0;
		rc = patch_entry(tree, size, &cursor, applicable, db, todo + done, count - done, &used);
		done += used;
	}
	if (rc == 0 && *applicable && write_tree(out, db, tree, size) < 0) {
		git_error_clear();
		*applicable = false;
	}
	free(tree);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const pending *)a)->rest, ((const pending *)b)->rest);
}

int promote__git_tree_patch(git_oid *out, bool *applicable, git_repository *repo, const git_oid *base,
	const promote__tree_patch *patches, size_t count, git_odb_backend *into)
{
	*applicable = true;
	pending *todo = calloc(count ? count : 1, sizeof *todo);
	git_odb *odb = NULL;
	int rc = todo ? 0 : promote__error_oom();
	if (rc == 0 && git_repository_odb(&odb, repo) < 0) {
		git_error_clear();
		*applicable = false;
	}
	for (size_t i = 0; rc == 0 && i < count; i++)
		todo[i] = (pending){ patches[i].path, &patches[i] };
	if (rc == 0 && count > 1)
		qsort(todo, count, sizeof *todo, by_path);
	if (rc == 0 && *applicable)
		rc = patch_tree(out, applicable, &(store){ odb, into }, base, todo, count);
	git_odb_free(odb);
	free(todo);
	return rc;
}
