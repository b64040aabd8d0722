/* Opening a file to read it whole, removing a folder tree (see file.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "file.h"

#include "error.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

FILE *promote__fopen_status(const char *path, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	FILE *f = NULL;
	/* A regular file reads as it would have without O_NONBLOCK; it goes anyway. */
	int flags = fstat(fd, st) == 0 ? fcntl(fd, F_GETFL) : -1;
	if (flags >= 0 && (!S_ISREG(st->st_mode) || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0))
		f = fdopen(fd, "rb");
	if (!f) {
		int err = errno;
		close(fd);
		errno = err;
	}
	return f;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

void promote__remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int promote__make_folders(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return promote__error_oom();
	int rc = 0;
	for (char *p = copy + 1; rc == 0; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot create the folder '%s': %s", copy,
				strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	free(copy);
	return rc;
}

int promote__write_all(int fd, const char *data, size_t size)
{
	while (size) {
		ssize_t n = write(fd, data, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		size -= (size_t)n;
	}
	return 0;
}
