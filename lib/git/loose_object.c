/* Objects written to the loose objects (loose_object.h). */
#include "loose_object.h"
#include "deflate.h"

#include "core/file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* The size of the buffer the stream is written through. */
#define CHUNK ((size_t)64 << 10)

/*
 * "type SIZE\0" and the object's bytes written to `fd` as one zlib stream,
 * through a buffer of CHUNK bytes: deflated as deflate.h says, or `stored`
 * with zlib's smallest window and state (9 bits, memory level 1) — a stored
 * block is copied straight from the object, so nothing of the size of the
 * object is allocated or cleared.
 */
static int write_stream(int fd, git_object_t type, const void *data, size_t size, bool stored)
{
	char header[64];
	int header_len = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), size);
	z_stream z = { 0 };
	if (header_len <= 0 || (size_t)header_len >= sizeof header || size > UINT_MAX - sizeof header ||
		(stored ? deflateInit2(&z, Z_NO_COMPRESSION, Z_DEFLATED, 9, 1, Z_DEFAULT_STRATEGY)
			: promote__git_deflate_init(&z, (size_t)header_len + 1 + size)) != Z_OK)
		return -1;
	unsigned char *chunk = malloc(CHUNK);
	int zrc = chunk ? Z_OK : Z_MEM_ERROR;
	/* the header taken in (no output yet), then the object and the stream's end, a chunk at a time */
	z.next_in = (Bytef *)header;
	z.avail_in = (uInt)header_len + 1;
	z.next_out = chunk;
	z.avail_out = (uInt)CHUNK;
	if (zrc == Z_OK)
		zrc = deflate(&z, Z_NO_FLUSH);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	while (zrc == Z_OK) {
		zrc = deflate(&z, Z_FINISH);
		if ((zrc == Z_OK || zrc == Z_STREAM_END) &&
			promote__write_all(fd, (const char *)chunk, CHUNK - z.avail_out) != 0)
			zrc = Z_ERRNO;
		z.next_out = chunk;
		z.avail_out = (uInt)CHUNK;
	}
	deflateEnd(&z);
	free(chunk);
	return zrc == Z_STREAM_END ? 0 : -1;
}

int promote__git_loose_write(git_repository *repo, const git_oid *id, git_object_t type, const void *data,
	size_t size, bool stored)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	git_buf objects = { 0 };
	int rc = -1;
	if (git_repository_item_path(&objects, repo, GIT_REPOSITORY_ITEM_OBJECTS) < 0)
		return -1;
	/* objects/ab, objects/ab/cdef..., objects/ab/tmp_obj_XXXXXX (item_path ends with a slash) */
	size_t room = objects.size + GIT_OID_HEXSZ + 16;
	char *folder = malloc(room), *path = malloc(room), *temp = malloc(room);
	if (!folder || !path || !temp) {
		git_error_set_oom();
		goto done;
	}
	snprintf(folder, room, "%s%.2s", objects.ptr, hex);
	snprintf(path, room, "%s/%s", folder, hex + 2);
	snprintf(temp, room, "%s/tmp_obj_XXXXXX", folder);
	/* the folder made as libgit2 makes it (0777 before the umask) */
	int fd = -1;
	if ((mkdir(folder, 0777) != 0 && errno != EEXIST) || (fd = mkstemp(temp)) < 0) {
		git_error_set(GIT_ERROR_OS, "cannot write object %s: %s", hex, strerror(errno));
		goto done;
	}
	errno = 0;
	int failed = write_stream(fd, type, data, size, stored) == 0 && fchmod(fd, 0444) == 0 ? 0 : errno ? errno : EIO;
	if (close(fd) != 0 && !failed)
		failed = errno;
	if (!failed && rename(temp, path) != 0)
		failed = errno;
	if (failed) {
		git_error_set(GIT_ERROR_OS, "cannot write object %s: %s", hex, strerror(failed));
		unlink(temp);
		goto done;
	}
	rc = 0;
done:
	free(temp);
	free(path);
	free(folder);
	git_buf_dispose(&objects);
	return rc;
}

int promote__git_object_write(git_oid *out, git_repository *repo, git_odb *odb, git_object_t type, const void *data,
	size_t size)
{
	int git_rc = git_odb_hash(out, data, size, type);
	if (git_rc < 0)
		return git_rc;
	if (git_odb_exists_ext(odb, out, GIT_ODB_LOOKUP_NO_REFRESH)) /* freshened, as libgit2 does */
		return git_odb_write(out, odb, data, size, type);
	return promote__git_loose_write(repo, out, type, data, size, false);
}

int promote__git_blob_write(git_oid *out, git_repository *repo, const void *data, size_t size)
{
	git_odb *odb = NULL;
	int git_rc = git_repository_odb(&odb, repo);
	if (git_rc == 0)
		git_rc = promote__git_object_write(out, repo, odb, GIT_OBJECT_BLOB, data, size);
	git_odb_free(odb);
	return git_rc;
}

int promote__git_commit_write(git_oid *out, git_repository *repo, const git_signature *author,
	const git_signature *committer, const char *message, const git_tree *tree, size_t parent_count,
	const git_commit **parents)
{
	git_buf commit = { 0 };
	git_odb *odb = NULL;
	int git_rc = git_commit_create_buffer(&commit, repo, author, committer, NULL, message, tree, parent_count, parents);
	if (git_rc == 0 && (git_rc = git_repository_odb(&odb, repo)) == 0)
		git_rc = promote__git_object_write(out, repo, odb, GIT_OBJECT_COMMIT, commit.ptr, commit.size);
	git_odb_free(odb);
	git_buf_dispose(&commit);
	return git_rc;
}
