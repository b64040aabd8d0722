/*
 * Internal: the lock files git and libgit2 leave in a repository's folder
 * when a process dies while it updates it (`refs/heads/main.lock`,
 * `packed-refs.lock`, `HEAD.lock`, `config.lock`, `index.lock`, ...). Each
 * blocks every later update of what it locks until it is removed, and git
 * records no owner in one: its age is what tells a crash's leftover from a
 * writer at work.
 *
 * In a mirror promote owns, every lock is removed when its flock is taken
 * after a holder was killed (no one else writes it then; mirror.c). In a
 * repository promote does not own, a lock in the way of an update is waited
 * for a short time, then reported with its path, its age and how to remove
 * it; promote_context_doctor() lists them and removes the stale ones on
 * request.
 */
#ifndef PROMOTE_GIT_LOCKS_H
#define PROMOTE_GIT_LOCKS_H

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* The age in seconds from which a lock counts as left by a crash:
 * $PROMOTE_STALE_LOCK_AGE (0 to 31536000), else 600 (ten minutes). */
long promote__git_stale_lock_age(void);

/* An age in seconds as people say it: "42 s", "7 min", "3 h", "2 days". */
void promote__git_say_age(char *out, size_t size, long s);

/* Whether a file named `name` is a lock file ("NAME.lock"), as libgit2 and git make them. */
bool promote__git_is_lock_name(const char *name);

/* Called for each file: its path, its name in its folder and what lstat() said of it. A non-zero return
 * stops the walk and is returned. */
typedef int (*promote__git_file_cb)(const char *path, const char *name, const struct stat *st, void *payload);

/* Each regular file of the folder `dir`, and of its subfolders (32 levels at most) when `deep`. 0, the
 * callback's non-zero return, or PROMOTE_EIO when a folder cannot be read (none is not an error). */
int promote__git_files_each(const char *dir, bool deep, promote__git_file_cb cb, void *payload);

/* Called for each lock file: its path and its age in seconds (from its
 * last change). A non-zero return stops the walk and is returned. */
typedef int (*promote__git_lock_cb)(const char *path, long age_s, void *payload);

/* Each lock file of the git folder `gitdir` (the repository's path, as
 * git_repository_path() gives it): the ones at its top (HEAD.lock,
 * config.lock, index.lock, packed-refs.lock, FETCH_HEAD.lock, ...) and
 * under refs/. PROMOTE_EIO when a folder cannot be read. */
int promote__git_locks_each(const char *gitdir, promote__git_lock_cb cb, void *payload);

/* Remove every lock file of `gitdir`: only for a mirror whose flock is
 * held. `removed` (may be NULL) receives how many went. */
int promote__git_locks_clear(const char *gitdir, size_t *removed);

/*
 * libgit2 could not update `ref` (a full name) of `repo` because its lock
 * file (or packed-refs.lock) exists. Decides what the caller does next:
 * 0 to try again — the lock went away, or it was the leftover of an update
 * that had finished (it holds what the ref now holds: removed); otherwise
 * PROMOTE_EBUSY with the lock's path, its age and how to remove it — at
 * once for a lock older than promote__git_stale_lock_age(), after a wait of
 * a few seconds for a younger one (another process is writing).
 * `*waited_ms` counts the wait across calls for one update; start it at 0.
 */
int promote__git_lock_wait(git_repository *repo, const char *ref, long *waited_ms);

/*
 * Remove the lock files in the folder of references `folder` ("refs/promote/releases",
 * not its subfolders) of references that do not exist and that are at least
 * promote__git_stale_lock_age() old: each left by a process killed while it
 * created its reference, under a name no one will ask for again (a new
 * release has an id of its own), so nothing else would ever remove it. A
 * lock of a reference that exists is left to promote__git_lock_wait() and to
 * doctor. 0, or PROMOTE_EIO when one cannot be removed.
 */
int promote__git_clear_abandoned_creations(git_repository *repo, const char *folder);

/*
 * Remove the lock files under the folder of references `folder`
 * ("refs/promote", its subfolders too) that hold exactly what their
 * reference holds, for a second at least: updates that had finished when a
 * process could not remove their lock (killed, or unlink() failing), which
 * no later reader would remove. Any other lock is left to
 * promote__git_lock_wait() and to doctor. 0, or PROMOTE_EIO when one cannot
 * be removed.
 */
int promote__git_settle_finished(git_repository *repo, const char *folder);

#endif
