/* Internal: opening a file to read it whole, without waiting on what is not a file;
 * removing a folder tree. */
#ifndef PROMOTE_CORE_FILE_H
#define PROMOTE_CORE_FILE_H

#include "core/common.h"

#include <stdio.h>
#include <sys/stat.h>

/*
 * Open `path` for reading, its status in *st. A FIFO or a device opens at
 * once (O_NONBLOCK) instead of waiting for a writer: the caller refuses what
 * is not a regular file (S_ISREG(st->st_mode)), and one larger than its
 * limit (st->st_size), before reading a byte. NULL with errno set when it
 * cannot be opened.
 */
FILE *promote__fopen_status(const char *path, struct stat *st);

/* Create folder `path` and its missing parents (mode 0755 before the
 * umask); one that is there is fine. PROMOTE_EIO naming the folder that
 * cannot be made. */
int promote__make_folders(const char *path);

/* Write all `size` bytes of `data` to `fd` (a write interrupted goes on); -1 with errno set when one fails. */
int promote__write_all(int fd, const char *data, size_t size);

/* Remove `path` and everything below it, best effort (links are removed,
 * never followed); nothing when it is not there. */
void promote__remove_tree(const char *path);

#endif
