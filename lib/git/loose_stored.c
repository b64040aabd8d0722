/* A loose object of stored zlib blocks, read in one pass (loose_stored.h). */
#include "loose_stored.h"
#include "loose_object.h"

#include "core/bulk_alloc.h"
#include "core/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Larger objects go to libgit2's reader, which bounds them itself. */
#define STORED_MAX ((size_t)256 << 20)

static bool read_whole(int fd, unsigned char *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t got = pread(fd, buf + done, n - done, (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		done += (size_t)got;
	}
	return true;
}

/* The stored blocks of the zlib stream buf[0..n) joined in place at its start: their length, or
 * (size_t)-1 when it is not a stream of stored blocks whose Adler-32 checks. */
static size_t join_stored(unsigned char *buf, size_t n)
{
	const size_t bad = (size_t)-1;
	/* zlib's header: deflate, no preset dictionary, its check bits right (RFC 1950) */
	if (n < 2 + 5 + 4 || (buf[0] & 0x0f) != 8 || (buf[1] & 0x20) || ((buf[0] << 8) | buf[1]) % 31 != 0)
		return bad;
	size_t in = 2, out = 0, end = n - 4;
	for (bool last = false; !last;) {
		/* a stored block starts on a byte: 3 header bits (last, type 00), padding, LEN, ~LEN (RFC 1951) */
		if (end - in < 5 || ((buf[in] >> 1) & 3) != 0)
			return bad;
		last = buf[in] & 1;
		size_t len = buf[in + 1] | (size_t)buf[in + 2] << 8;
		if ((len ^ 0xffff) != (buf[in + 3] | (size_t)buf[in + 4] << 8) || end - in - 5 < len)
			return bad;
		memmove(buf + out, buf + in + 5, len);
		in += 5 + len;
		out += len;
	}
	uint32_t want = (uint32_t)buf[end] << 24 | (uint32_t)buf[end + 1] << 16 | (uint32_t)buf[end + 2] << 8 | buf[end + 3];
	if (in != end || adler32(adler32(0, NULL, 0), buf, (uInt)out) != want)
		return bad;
	return out;
}

/* The object's header ("tree 360000\0") at the start of its n bytes: its length, with *type and *size set;
 * 0 when it is not one. */
static size_t parse_header(git_object_t *type, size_t *size, const unsigned char *buf, size_t n)
{
	const unsigned char *space = memchr(buf, ' ', n < 16 ? n : 16);
	const unsigned char *nul = space ? memchr(space, '\0', n - (size_t)(space - buf)) : NULL;
	if (!space || !nul || nul == space + 1 || nul - space > 21)
		return 0;
	char word[16];
	memcpy(word, buf, (size_t)(space - buf));
	word[space - buf] = '\0';
	*type = git_object_string2type(word);
	size_t value = 0;
	for (const unsigned char *p = space + 1; p < nul; p++) {
		if (*p < '0' || *p > '9' || value > (SIZE_MAX - 9) / 10)
			return 0;
		value = value * 10 + (size_t)(*p - '0');
	}
	size_t header = (size_t)(nul - buf) + 1;
	if (*type == GIT_OBJECT_INVALID || value != n - header)
		return 0;
	*size = value;
	return header;
}

int promote__git_loose_read_stored(unsigned char **data, size_t *size, git_object_t *type, const char *objects_dir,
	const git_oid *id)
{
	*data = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof hex, id);
	char *path = promote__strdupf("%s%.2s/%s", objects_dir, hex, hex + 2);
	/* Its size first: a file smaller than the trees promote stores is not one, and costs no more here
	 * (most trees a release reads are small: its records', the root's). */
	struct stat st;
	int fd = -1;
	bool absent = false;
	if (path && stat(path, &st) != 0)
		absent = errno == ENOENT;
	else if (path && st.st_size >= (off_t)PROMOTE__GIT_STORED_TREE_MIN && (size_t)st.st_size <= STORED_MAX)
		absent = (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT;
	free(path);
	if (fd < 0)
		return absent ? GIT_ENOTFOUND : GIT_PASSTHROUGH;
	/* (Read as long as it was: a file that changed meanwhile fails the checks below.) */
	unsigned char *buf = promote__bulk_alloc((size_t)st.st_size);
	size_t joined = (size_t)-1, header = 0;
	if (buf && read_whole(fd, buf, (size_t)st.st_size))
		joined = join_stored(buf, (size_t)st.st_size);
	close(fd);
	if (joined == (size_t)-1 || !(header = parse_header(type, size, buf, joined))) {
		free(buf);
		return GIT_PASSTHROUGH;
	}
	memmove(buf, buf + header, *size);
	*data = buf;
	return 0;
}
