/*
 * Internal: a mirror's refs packed into packed-refs once many are loose, as
 * git's gc does with pack-refs. Each release leaves its record and leases as
 * loose refs (a file each), and every fetch reads all of them: its prune
 * lists them, its update of the tips opens each one. A mirror of 400 loose
 * refs spent 8 ms of CPU per release on them; packed, a ref is one line of
 * one file that libgit2 reads once.
 */
#ifndef PROMOTE_GIT_REFS_PACK_H
#define PROMOTE_GIT_REFS_PACK_H

#include "core/common.h"

#include <git2.h>

/* The loose refs at which a mirror's fetch packs them first. */
#define PROMOTE__GIT_LOOSE_REFS_MAX 100u

/* Whether the repository of the folder `gitdir` has `at_least` loose refs or more (lock files are none;
 * counted without libgit2, which may be starting meanwhile: start_ahead.h). */
bool promote__git_refs_loose_many(const char *gitdir, size_t at_least);

/*
 * Pack the refs of `repo` (git_refdb_compress(): packed-refs written, then
 * each loose ref removed under its lock if it did not change), then remove
 * the folders that left empty below refs/NAME/. The caller
 * holds the repository's lock (mirror.c): its refs change under it only.
 * true when they were packed; false when packing failed: a best effort,
 * refs that stay loose are still right (no error is left set).
 */
bool promote__git_refs_pack(git_repository *repo);

#endif
