/* A folder of a commit written to disk (see checkout.h). */
#include "checkout.h"
#include "repo.h"

#include "core/error.h"
#include "core/file.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 256

/* Where the writing is, for messages: the destination and the folder below it. */
typedef struct writer {
	git_repository *repo;
	const char *dest;
	const char *rel;  /* "" at the top */
	bool files_only;  /* the top folder's files, no subfolder */
} writer;

static int disk_failed(const writer *w, const char *name, const char *what)
{
	int err = errno;
	return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot %s '%s/%s%s%s': %s", what, w->dest,
		w->rel, *w->rel ? "/" : "", name, strerror(err));
}

static int write_blob(const writer *w, int dir, const git_tree_entry *entry)
{
	const char *name = git_tree_entry_name(entry);
	git_blob *blob = NULL;
	int git_rc = git_blob_lookup(&blob, w->repo, git_tree_entry_id(entry));
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read file", name);
	const char *data = git_blob_rawcontent(blob);
	size_t size = (size_t)git_blob_rawsize(blob);
	int rc = 0;
	if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
		char *target = strndup(data, size);
		if (!target)
			rc = promote__error_oom();
		else if (symlinkat(target, dir, name) < 0)
			rc = disk_failed(w, name, "create the link");
		free(target);
	} else {
		mode_t mode = git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644;
		int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0)
			rc = disk_failed(w, name, "create");
		else if (promote__write_all(fd, data, size) < 0)
			rc = disk_failed(w, name, "write");
		if (fd >= 0 && close(fd) < 0 && rc == 0)
			rc = disk_failed(w, name, "write");
	}
	git_blob_free(blob);
	return rc;
}

static int write_tree(const writer *w, int dir, const git_tree *tree, unsigned depth);

/* A folder of the tree: made, opened without following links, filled. */
static int write_subtree(const writer *w, int dir, const git_tree_entry *entry, unsigned depth)
{
	const char *name = git_tree_entry_name(entry);
	if (mkdirat(dir, name, 0755) < 0)
		return disk_failed(w, name, "create the folder");
	if (git_tree_entry_type(entry) != GIT_OBJECT_TREE)
		return 0; /* a submodule: its commit is in another repository */
	if (depth >= MAX_DEPTH)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT,
			"folders nested deeper than %d at '%s': not written", MAX_DEPTH, w->rel);
	git_tree *sub = NULL;
	int git_rc = git_tree_lookup(&sub, w->repo, git_tree_entry_id(entry));
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read folder", name);
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	writer below = { w->repo, w->dest, NULL, false };
	int rc = fd < 0 ? disk_failed(w, name, "open the folder") : 0;
	if (rc == 0 && !(below.rel = promote__strdupf("%s%s%s", w->rel, *w->rel ? "/" : "", name)))
		rc = PROMOTE_ENOMEM;
	if (rc == 0)
		rc = write_tree(&below, fd, sub, depth + 1);
	free((char *)below.rel);
	if (fd >= 0)
		close(fd);
	git_tree_free(sub);
	return rc;
}

static int write_tree(const writer *w, int dir, const git_tree *tree, unsigned depth)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < git_tree_entrycount(tree); i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(entry);
		if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			rc = promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT,
				"the tree at '%s' holds an entry named '%s', which git does not allow; not written",
				w->rel, name);
		else if (strcasecmp(name, ".git") == 0)
			continue;
		else if (git_tree_entry_type(entry) == GIT_OBJECT_BLOB)
			rc = write_blob(w, dir, entry);
		else if (!w->files_only)
			rc = write_subtree(w, dir, entry, depth);
	}
	return rc;
}

/* `dest` made with its parents, and opened into *fd. */
static int make_dest(int *fd, const char *dest)
{
	int rc = promote__make_folders(dest);
	if (rc)
		return rc;
	*fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		int err = errno;
		return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot open the folder '%s': %s", dest,
			strerror(err));
	}
	return 0;
}

/* The tree of folder `path` at `commit`. */
static int folder_at(git_tree **out, git_repository *repo, const git_oid *commit, const char *path)
{
	git_tree *root = NULL;
	int rc = promote__git_tree_of(&root, repo, commit);
	if (rc || !*path || strcmp(path, ".") == 0) {
		*out = root;
		return rc;
	}
	git_tree_entry *entry = NULL;
	int git_rc = git_tree_entry_bypath(&entry, root, path);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, commit);
	if (git_rc == GIT_ENOTFOUND || (git_rc == 0 && git_tree_entry_type(entry) != GIT_OBJECT_TREE))
		rc = promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_GIT, "no folder '%s' at commit %.12s", path, hex);
	else if (git_rc < 0)
		rc = promote__git_failed(git_rc, "cannot read folder", path);
	else if ((git_rc = git_tree_lookup(out, repo, git_tree_entry_id(entry))) < 0)
		rc = promote__git_failed(git_rc, "cannot read folder", path);
	git_tree_entry_free(entry);
	git_tree_free(root);
	return rc;
}

int promote__git_write_folder(git_repository *repo, const git_oid *commit, const char *path, const char *dest,
	unsigned flags)
{
	git_tree *tree = NULL;
	int fd = -1;
	writer w = { repo, dest, "", (flags & PROMOTE__CHECKOUT_FILES_ONLY) != 0 };
	int rc = folder_at(&tree, repo, commit, path);
	if (rc == PROMOTE_ENOTFOUND && (flags & PROMOTE__CHECKOUT_MISSING_EMPTY))
		rc = 0;
	if (rc == 0)
		rc = make_dest(&fd, dest);
	if (rc == 0 && tree)
		rc = write_tree(&w, fd, tree, 0);
	if (fd >= 0)
		close(fd);
	git_tree_free(tree);
	return rc;
}
