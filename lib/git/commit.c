/*
 * A commit of file edits on a parent (commit.h): the blobs, the trees along
 * the changed paths (patched in place when only files change, tree_patch.h,
 * else libgit2's tree builder), the commit; for many files, all of it
 * written into memory first and stored as one pack.
 */
#include "commit.h"
#include "loose_object.h"
#include "identity.h"
#include "tree_patch.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

#include <stdlib.h>
#include <string.h>

/* The common case, files that exist given new content, without the tree builder (tree_patch.h): *patched
 * false when an update is anything else (a removal, a new file, a mode changed). */
static int patch_files(git_oid *tree, bool *patched, git_repository *repo, const git_oid *base,
	const git_tree_update *updates, size_t count, git_odb_backend *memory)
{
	*patched = false;
	promote__tree_patch *patches = calloc(count ? count : 1, sizeof *patches);
	if (!patches)
		return promote__error_oom();
	bool plain = true;
	for (size_t i = 0; i < count && plain; i++) {
		plain = updates[i].action == GIT_TREE_UPDATE_UPSERT;
		patches[i] = (promote__tree_patch){ updates[i].path, updates[i].id, updates[i].filemode };
	}
	int rc = plain ? promote__git_tree_patch(tree, patched, repo, base, patches, count, memory) : 0;
	free(patches);
	return rc;
}

/* A blob: into `memory` straight when given (see commit_packed()), else through the object database. */
static int store_blob(git_oid *id, git_repository *repo, git_odb_backend *memory, const char *data, size_t size)
{
	if (!memory)
		return promote__git_blob_write(id, repo, data, size);
	int git_rc = git_odb_hash(id, data, size, GIT_OBJECT_BLOB);
	return git_rc < 0 ? git_rc : memory->write(memory, id, data, size, GIT_OBJECT_BLOB);
}

/* The commit in `repo`; its blobs and patched trees written into `memory` when given (NULL: through the
 * object database). */
static int commit_into(git_oid *out, bool *created, git_repository *repo, const git_oid *parent,
	const promote__git_edit *edits, size_t count, const promote__git_commit_info *info, git_odb_backend *memory)
{
	*created = false;
	git_oid_cpy(out, parent);
	git_commit *base = NULL;
	git_tree *base_tree = NULL, *new_tree = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_tree_update *updates = calloc(count ? count : 1, sizeof *updates);
	int rc = updates ? 0 : promote__error_oom(), git_rc = 0;
	char id[GIT_OID_HEXSZ + 1];
	git_oid_tostr(id, sizeof id, parent);
	if (rc == 0 && ((git_rc = git_commit_lookup(&base, repo, parent)) < 0 || (git_rc = git_commit_tree(&base_tree, base)) < 0))
		rc = promote__git_failed(git_rc, "cannot read commit", id);
	/* Blobs first; then one pass builds the trees along the changed paths. */
	for (size_t i = 0; rc == 0 && i < count; i++) {
		updates[i].path = edits[i].path;
		if (edits[i].remove) {
			updates[i].action = GIT_TREE_UPDATE_REMOVE;
			git_tree_entry *existing = NULL;
			if (git_tree_entry_bypath(&existing, base_tree, edits[i].path) < 0) {
				updates[i].action = GIT_TREE_UPDATE_UPSERT; /* nothing to remove: marked below */
				updates[i].path = NULL;
			}
			git_tree_entry_free(existing);
			continue;
		}
		updates[i].action = GIT_TREE_UPDATE_UPSERT;
		updates[i].filemode = edits[i].mode == PROMOTE__MODE_LINK ? GIT_FILEMODE_LINK
			: edits[i].mode == PROMOTE__MODE_EXECUTABLE ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
		if ((git_rc = store_blob(&updates[i].id, repo, memory, edits[i].data, edits[i].size)) < 0)
			rc = promote__git_failed(git_rc, "cannot store", edits[i].path);
	}
	/* Removals of paths that do not exist drop out of the list. */
	size_t n = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (updates[i].path)
			updates[n++] = updates[i];
	git_oid tree_id;
	bool patched = false;
	if (rc == 0 && n == count)
		rc = patch_files(&tree_id, &patched, repo, git_tree_id(base_tree), updates, n, memory);
	if (rc == 0 && !patched && (git_rc = git_tree_create_updated(&tree_id, repo, base_tree, n, updates)) < 0)
		rc = promote__git_failed(git_rc, "cannot build the tree on", id);
	if (rc == 0 && git_oid_equal(&tree_id, git_tree_id(base_tree)))
		goto done; /* nothing changed: no commit */
	if (rc == 0 && (git_rc = promote__git_signatures(&author, &committer, info)) < 0)
		rc = promote__git_failed(git_rc, "invalid author", info->author_name);
	if (rc == 0 && (git_rc = git_tree_lookup(&new_tree, repo, &tree_id)) < 0)
		rc = promote__git_failed(git_rc, "cannot read the new tree of", id);
	const git_commit *parents[1] = { base };
	/* (into `memory`, when given, through the database that has it) */
	if (rc == 0 && (git_rc = memory ? git_commit_create(out, repo, NULL, author, committer, NULL, info->message, new_tree, 1, parents)
					: promote__git_commit_write(out, repo, author, committer, info->message, new_tree, 1, parents)) < 0)
		rc = promote__git_failed(git_rc, "cannot commit on", id);
	if (rc == 0)
		*created = true;
done:
	git_signature_free(committer);
	git_signature_free(author);
	git_tree_free(new_tree);
	git_tree_free(base_tree);
	git_commit_free(base);
	free(updates);
	return rc;
}

/* From this many files on, a commit's objects are written as one pack
 * rather than a file each (a sync of thousands of products). */
#define PACKED_EDITS 256

/*
 * commit_into() a repository that writes into memory (libgit2's mempack)
 * and reads `repo`'s objects, then what the commit adds into `repo` as one
 * pack (written as a push's, pack.c: whole objects, no delta search):
 * thousands of loose files cost more than the commit itself. `keep` takes
 * the pack for the push.
 */
static int commit_packed(git_oid *out, bool *created, git_repository *repo, const git_oid *parent,
	const promote__git_edit *edits, size_t count, const promote__git_commit_info *info, promote__git_pack_kept *keep)
{
	git_odb *memory_odb = NULL, *odb = NULL;
	git_odb_backend *memory = NULL;
	git_repository *staging = NULL;
	promote__git_pack_entry *entries = NULL;
	promote_buf pack = PROMOTE_BUF_INIT;
	size_t packed = 0;
	const char *objects = NULL;
	int rc = 0, git_rc;
	if ((git_rc = git_repository_odb(&odb, repo)) < 0 || (git_rc = git_odb_new(&memory_odb)) < 0 ||
		(git_rc = git_mempack_new(&memory)) < 0)
		rc = promote__git_failed(git_rc, "cannot prepare the objects of a commit of", "the repository");
	else if ((git_rc = git_odb_add_backend(memory_odb, memory, 1000)) < 0) {
		memory->free(memory);
		rc = promote__git_failed(git_rc, "cannot prepare the objects of a commit of", "the repository");
	}
	objects = rc == 0 ? git_repository_path(repo) : NULL;
	promote__strbuf dir;
	promote__strbuf_init(&dir, PROMOTE__PATH_MAX, "the repository's objects folder");
	if (rc == 0 && (rc = promote__strbuf_setf(&dir, "%sobjects", objects)) == 0 &&
		((git_rc = git_odb_add_disk_alternate(memory_odb, promote__strbuf_cstr(&dir))) < 0 ||
			(git_rc = git_repository_wrap_odb(&staging, memory_odb)) < 0))
		rc = promote__git_failed(git_rc, "cannot read the objects of", promote__strbuf_cstr(&dir));
	/* The blobs and patched trees straight into memory: written through the object database, each new
	 * one would make it look for packs added on disk since (a refresh per object). */
	if (rc == 0)
		rc = commit_into(out, created, staging, parent, edits, count, info, memory);
	if (rc == 0 && *created)
		rc = promote__git_pack_written(&pack, &packed, &entries, staging, out, memory);
	if (rc == 0 && *created)
		rc = promote__git_pack_store(odb, promote__strbuf_cstr(&dir), &pack, entries, packed);
	free(entries);
	if (rc == 0 && *created && keep) { /* for the push: not packed again */
		keep->commit = *out;
		keep->parent = *parent;
		keep->pack = pack;
		keep->objects = packed;
		pack = (promote_buf)PROMOTE_BUF_INIT;
	}
	promote_buf_dispose(&pack);
	git_repository_free(staging);
	git_odb_free(memory_odb); /* and the memory backend with it */
	git_odb_free(odb);
	promote__strbuf_free(&dir);
	return rc;
}

int promote__git_commit(git_oid *out, bool *created, git_repository *repo, const git_oid *parent,
	const promote__git_edit *edits, size_t count, const promote__git_commit_info *info, promote__git_pack_kept *keep)
{
	promote__git_pack_kept_dispose(keep);
	return count >= PACKED_EDITS ? commit_packed(out, created, repo, parent, edits, count, info, keep)
				     : commit_into(out, created, repo, parent, edits, count, info, NULL);
}
