/* Files' new ids written into the trees on their paths, in place (tree_patch.h). */
#include "tree_patch.h"
#include "loose_object.h"
#include "tree_cache.h"
#include "tree_raw.h"

#include "core/bulk_alloc.h"
#include "core/error.h"

#include <git2/sys/odb_backend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Where trees are read and written: the repository and its object database, and the backend new trees go
 * to (NULL: the database). */
typedef struct store {
	git_repository *repo;
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
	/* (The patches come sorted, and so do a tree's entries: the next one is found soon after the last.) */
	promote__git_tree_entry_raw found;
	if (!len || !promote__git_tree_raw_find(&found, tree, size, cursor, todo[0].rest, len)) {
		*applicable = false;
		return 0;
	}
	unsigned char *id = tree + (found.id - tree);
	bool file = todo[0].rest[len] == '\0';
	if (file) {
		if (n != 1 || found.mode != todo[0].patch->mode) {
			*applicable = false;
			return 0;
		}
		memcpy(id, todo[0].patch->id.id, GIT_OID_RAWSZ);
		return 0;
	}
	if (found.mode != GIT_FILEMODE_TREE) {
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

/* From this size on a new tree's id is computed by OpenSSL's SHA-1, not libgit2's collision-detecting one
 * (a folder of 10,000 applications, 360 KiB of names and ids: 3 ms, and 0.2 ms): the tree is ours, made
 * of ids the repository has, no attacker's crafted bytes. It is written stored. */
#define LARGE_TREE PROMOTE__GIT_STORED_TREE_MIN

/* A large tree written to the loose objects, stored (loose_object.h), with its id computed as above and
 * looked for without looking for packs added on disk since (git_odb_write() does, at every new object). */
static int write_large(git_oid *out, const store *db, const unsigned char *tree, size_t size)
{
	int git_rc = promote__git_large_tree_id(out, tree, size);
	if (git_rc < 0 || git_odb_exists_ext(db->odb, out, GIT_ODB_LOOKUP_NO_REFRESH))
		return git_rc;
	return promote__git_loose_write(db->repo, out, GIT_OBJECT_TREE, tree, size, true);
}

/* The tree written where `db` writes. */
static int write_tree(git_oid *out, const store *db, const unsigned char *tree, size_t size)
{
	if (!db->into && size >= LARGE_TREE)
		return write_large(out, db, tree, size);
	if (!db->into)
		return promote__git_object_write(out, db->repo, db->odb, GIT_OBJECT_TREE, tree, size);
	int git_rc = git_odb_hash(out, tree, size, GIT_OBJECT_TREE);
	return git_rc < 0 ? git_rc : db->into->write(db->into, out, tree, size, GIT_OBJECT_TREE);
}

static int patch_tree(git_oid *out, bool *applicable, const store *db, const git_oid *base, pending *todo,
	size_t count)
{
	promote__git_raw object;
	if (promote__git_tree_read(&object, db->odb, base, false) < 0) {
		git_error_clear();
		promote__git_raw_dispose(&object);
		*applicable = false;
		return 0;
	}
	size_t size = object.size;
	unsigned char *tree = promote__bulk_alloc(size);
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
	if (rc == 0 && *applicable) /* (the commit's file is read next, and the push walks it) */
		promote__git_tree_written(out, tree, size);
	else
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
		rc = patch_tree(out, applicable, &(store){ repo, odb, into }, base, todo, count);
	git_odb_free(odb);
	free(todo);
	return rc;
}
