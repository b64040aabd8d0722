/* Opening a file to read it whole (see file.h). */
#include "file.h"

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
