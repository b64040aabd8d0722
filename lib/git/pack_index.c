/*
 * A pack made here stored with an index written from what its writer knows
 * (repo.h: promote__git_pack_store): the id, offset and CRC-32 of each
 * object. libgit2's indexer would read the whole pack back, inflate and hash
 * every object to learn the same (for a sync of 10,000 applications, 20,000
 * objects).
 *
 * The index is git's version 2: the magic and version, a fan-out table of
 * 256 counts, the sorted ids, their CRC-32s, their offsets (31 bits, or an
 * index into a table of 64-bit offsets), the pack's checksum, the SHA-1 of
 * all of it.
 */
#include "repo.h"

#include "core/buf.h"
#include "core/error.h"
#include "core/file.h"
#include "core/strbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* git's mode of a stored pack and its index (read-only). */
#define PACK_FILE_MODE 0444
/* An offset from this on goes into the table of 64-bit offsets. */
#define LARGE_OFFSET 0x80000000u

uint32_t promote__git_pack_crc(const char *data, size_t size)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	while (size) {
		uInt n = size > UINT_MAX ? UINT_MAX : (uInt)size;
		crc = crc32(crc, (const Bytef *)data, n);
		data += n;
		size -= n;
	}
	return (uint32_t)crc;
}

static int by_id(const void *a, const void *b)
{
	return git_oid_cmp(&((const promote__git_pack_entry *)a)->id, &((const promote__git_pack_entry *)b)->id);
}

int promote__git_pack_put_be32(promote_buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	return promote__buf_put(out, (const char *)b, 4);
}

int promote__git_pack_put_sum(promote_buf *out, size_t start)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned int sum_len = 0;
	if (!EVP_Digest(out->ptr + start, out->size - start, sum, &sum_len, EVP_sha1(), NULL))
		return promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot compute a pack's SHA-1");
	return promote__buf_put(out, (const char *)sum, sum_len);
}

/* The index of a pack whose checksum is `sum`, from its `count` entries sorted by id. */
static int make_index(promote_buf *out, const promote__git_pack_entry *e, size_t count, const char *sum)
{
	int rc = promote__buf_put(out, "\377tOc", 4);
	if (rc == 0)
		rc = promote__git_pack_put_be32(out, 2);
	size_t i = 0;
	for (unsigned byte = 0; rc == 0 && byte < 256; byte++) {
		while (i < count && e[i].id.id[0] <= byte)
			i++;
		rc = promote__git_pack_put_be32(out, (uint32_t)i);
	}
	for (i = 0; rc == 0 && i < count; i++)
		rc = promote__buf_put(out, (const char *)e[i].id.id, GIT_OID_RAWSZ);
	for (i = 0; rc == 0 && i < count; i++)
		rc = promote__git_pack_put_be32(out, e[i].crc);
	uint32_t large = 0;
	for (i = 0; rc == 0 && i < count; i++)
		rc = promote__git_pack_put_be32(out, e[i].offset < LARGE_OFFSET ? (uint32_t)e[i].offset : LARGE_OFFSET | large++);
	for (i = 0; rc == 0 && i < count; i++)
		if (e[i].offset >= LARGE_OFFSET && (rc = promote__git_pack_put_be32(out, (uint32_t)(e[i].offset >> 32))) == 0)
			rc = promote__git_pack_put_be32(out, (uint32_t)e[i].offset);
	if (rc == 0)
		rc = promote__buf_put(out, sum, GIT_OID_RAWSZ);
	return rc ? rc : promote__git_pack_put_sum(out, 0);
}

/* `data` into pack/NAME under `dir`: written to a temporary file there, then renamed. */
static int store_file(const char *dir, const char *name, const char *data, size_t size)
{
	char tmp[PROMOTE__PATH_MAX], path[PROMOTE__PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s/pack/tmp_pack_XXXXXX", dir) >= (int)sizeof tmp ||
		snprintf(path, sizeof path, "%s/pack/%s", dir, name) >= (int)sizeof path)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_OS, "the objects folder '%s' has too long a path", dir);
	int fd = mkstemp(tmp);
	if (fd >= 0 && promote__write_all(fd, data, size) == 0 && fchmod(fd, PACK_FILE_MODE) == 0) {
		int closed = close(fd);
		fd = -1;
		if (closed == 0 && rename(tmp, path) == 0)
			return 0;
	}
	int err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot store the new objects in '%s': %s", path,
		strerror(err));
}

int promote__git_pack_store(git_odb *odb, const char *objects_dir, const promote_buf *pack,
	promote__git_pack_entry *entries, size_t count)
{
	if (pack->size < 12 + GIT_OID_RAWSZ)
		return promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot store a pack of %zu bytes", pack->size);
	const char *sum = pack->ptr + pack->size - GIT_OID_RAWSZ;
	git_oid name;
	git_oid_fromraw(&name, (const unsigned char *)sum);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, &name);
	qsort(entries, count, sizeof *entries, by_id);
	promote_buf index = PROMOTE_BUF_INIT;
	char pack_name[64], index_name[64];
	snprintf(pack_name, sizeof pack_name, "pack-%s.pack", hex);
	snprintf(index_name, sizeof index_name, "pack-%s.idx", hex);
	int rc = make_index(&index, entries, count, sum);
	/* The pack first: an index is never there without its pack. */
	if (rc == 0)
		rc = store_file(objects_dir, pack_name, pack->ptr, pack->size);
	if (rc == 0)
		rc = store_file(objects_dir, index_name, index.ptr, index.size);
	int git_rc = rc == 0 ? git_odb_refresh(odb) : 0;
	if (git_rc < 0)
		rc = promote__git_failed(git_rc, "cannot read the new objects in", objects_dir);
	promote_buf_dispose(&index);
	return rc;
}
