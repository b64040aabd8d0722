/* An object written to the loose objects, stored in its zlib stream (loose_object.h). */
#include "loose_object.h"

#include "core/file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* "type SIZE\0" and the object's bytes as one zlib stream of stored blocks, in *out (malloc'd). */
static int stored_stream(unsigned char **out, size_t *out_size, git_object_t type, const void *data, size_t size)
{
	char header[64];
	int header_len = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), size);
	z_stream z = { 0 };
	if (header_len <= 0 || (size_t)header_len >= sizeof header || size > UINT_MAX - 1024 ||
		deflateInit(&z, Z_NO_COMPRESSION) != Z_OK)
		return -1;
	uLong bound = deflateBound(&z, (uLong)header_len + 1 + size);
	unsigned char *stream = malloc(bound);
	int zrc = stream ? Z_OK : Z_MEM_ERROR;
	z.next_out = stream;
	z.avail_out = (uInt)bound;
	z.next_in = (Bytef *)header;
	z.avail_in = (uInt)header_len + 1;
	if (zrc == Z_OK)
		zrc = deflate(&z, Z_NO_FLUSH);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	if (zrc == Z_OK)
		zrc = deflate(&z, Z_FINISH);
	*out_size = z.total_out;
	deflateEnd(&z);
	if (zrc != Z_STREAM_END) {
		free(stream);
		return -1;
	}
	*out = stream;
	return 0;
}

int promote__git_loose_write_stored(git_repository *repo, const git_oid *id, git_object_t type, const void *data,
	size_t size)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	git_buf objects = { 0 };
	unsigned char *stream = NULL;
	size_t stream_size = 0;
	int fd = -1, rc = -1;
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
	if (stored_stream(&stream, &stream_size, type, data, size) < 0) {
		git_error_set_str(GIT_ERROR_ZLIB, "cannot make an object's zlib stream");
		goto done;
	}
	/* the folder made as libgit2 makes it (0777 before the umask) */
	if ((mkdir(folder, 0777) != 0 && errno != EEXIST) || (fd = mkstemp(temp)) < 0) {
		git_error_set(GIT_ERROR_OS, "cannot write object %s: %s", hex, strerror(errno));
		goto done;
	}
	int written = promote__write_all(fd, (const char *)stream, stream_size) == 0 && fchmod(fd, 0444) == 0 ? 0 : errno;
	if (close(fd) != 0 && !written)
		written = errno;
	if (!written && rename(temp, path) != 0)
		written = errno;
	if (written) {
		git_error_set(GIT_ERROR_OS, "cannot write object %s: %s", hex, strerror(written));
		unlink(temp);
		goto done;
	}
	rc = 0;
done:
	free(temp);
	free(path);
	free(folder);
	free(stream);
	git_buf_dispose(&objects);
	return rc;
}
