/* Opening a file to read it whole, removing a folder tree (see file.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "file.h"

#include <ftw.h>
#include <stdio.h>
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
