/* Lock files left in a repository's folder: found, waited for, removed. */
#include "locks.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_STALE_S 600L
#define MAX_STALE_S 31536000L
#define WAIT_MS 5000L  /* how long a young lock is waited for */
#define POLL_MS 100L
#define FINISHED_MS 1000L  /* a lock holding the ref's value for this long is a finished update's */
#define MAX_DEPTH 32    /* refs/ folders deeper than this are not walked */

long promote__git_stale_lock_age(void)
{
	return promote__env_seconds("PROMOTE_STALE_LOCK_AGE", MAX_STALE_S, DEFAULT_STALE_S);
}

bool promote__git_is_lock_name(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".lock") == 0;
}

/* How long ago the file was last changed, in milliseconds. */
static long age_ms_of(const struct stat *st)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	long long ms = (long long)(now.tv_sec - st->st_mtim.tv_sec) * 1000 + (now.tv_nsec - st->st_mtim.tv_nsec) / 1000000;
	return ms > 0 ? (long)ms : 0;
}

static long age_of(const struct stat *st)
{
	return age_ms_of(st) / 1000;
}

static int walk(const char *dir, bool deep, int depth, promote__git_file_cb cb, void *payload)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
			: promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot read the folder %s: %s", dir,
				  strerror(errno));
	promote__strbuf path;
	promote__strbuf_init(&path, PROMOTE__PATH_MAX, "a path in the repository's folder");
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if ((rc = promote__strbuf_setf(&path, "%s/%s", dir, e->d_name)))
			break;
		struct stat st;
		if (lstat(promote__strbuf_cstr(&path), &st) != 0)
			continue; /* gone meanwhile */
		if (S_ISREG(st.st_mode))
			rc = cb(promote__strbuf_cstr(&path), e->d_name, &st, payload);
		else if (S_ISDIR(st.st_mode) && deep && depth < MAX_DEPTH)
			rc = walk(promote__strbuf_cstr(&path), true, depth + 1, cb, payload);
	}
	closedir(d);
	promote__strbuf_free(&path);
	return rc;
}

int promote__git_files_each(const char *dir, bool deep, promote__git_file_cb cb, void *payload)
{
	return walk(dir, deep, 0, cb, payload);
}

typedef struct lock_walk {
	promote__git_lock_cb cb;
	void *payload;
} lock_walk;

static int lock_file(const char *path, const char *name, const struct stat *st, void *payload)
{
	lock_walk *w = payload;
	return promote__git_is_lock_name(name) ? w->cb(path, age_of(st), w->payload) : 0;
}

int promote__git_locks_each(const char *gitdir, promote__git_lock_cb cb, void *payload)
{
	promote__strbuf dir;
	promote__strbuf_init(&dir, PROMOTE__PATH_MAX, "a path in the repository's folder");
	size_t n = strlen(gitdir);
	while (n > 1 && gitdir[n - 1] == '/')
		n--;
	lock_walk w = { cb, payload };
	int rc = promote__strbuf_add(&dir, gitdir, n);
	if (rc == 0)
		rc = walk(promote__strbuf_cstr(&dir), false, 0, lock_file, &w);
	if (rc == 0 && (rc = promote__strbuf_adds(&dir, "/refs")) == 0)
		rc = walk(promote__strbuf_cstr(&dir), true, 0, lock_file, &w);
	promote__strbuf_free(&dir);
	return rc;
}

static int remove_lock(const char *path, long age_s, void *payload)
{
	(void)age_s;
	size_t *removed = payload;
	if (unlink(path) != 0 && errno != ENOENT)
		return promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot remove the stale lock %s: %s", path,
			strerror(errno));
	(*removed)++;
	return 0;
}

int promote__git_locks_clear(const char *gitdir, size_t *removed)
{
	size_t count = 0;
	int rc = promote__git_locks_each(gitdir, remove_lock, &count);
	if (removed)
		*removed = count;
	return rc;
}

typedef struct abandoned {
	git_repository *repo;
	size_t gitdir_len;  /* the lock's path past it is the reference's name and ".lock" */
	long stale_s;
} abandoned;

static int remove_if_abandoned(const char *path, long age_s, void *payload)
{
	abandoned *a = payload;
	char *ref = strndup(path + a->gitdir_len + 1, strlen(path) - a->gitdir_len - 1 - 5);
	if (!ref)
		return promote__error_oom();
	git_reference *existing = NULL;
	int found = git_reference_lookup(&existing, a->repo, ref);
	git_reference_free(existing);
	free(ref);
	if (found != GIT_ENOTFOUND || age_s < a->stale_s)
		return 0;
	return remove_lock(path, age_s, &(size_t){ 0 });
}

static int walk_refs(git_repository *repo, const char *folder, bool deep, promote__git_lock_cb cb);

int promote__git_clear_abandoned_creations(git_repository *repo, const char *folder)
{
	return walk_refs(repo, folder, false, remove_if_abandoned);
}

static bool holds_current_value(git_repository *repo, const char *ref, const char *path);

/* How long a lock holding its reference's value must have been there to be a finished update's: a
 * second (a live writer holds one for far less), or less when every lock counts as stale sooner
 * (PROMOTE_STALE_LOCK_AGE=0: no other process writes). */
static long finished_ms(long stale_s)
{
	return stale_s * 1000 < FINISHED_MS ? stale_s * 1000 : FINISHED_MS;
}

static int remove_if_finished(const char *path, long age_s, void *payload)
{
	abandoned *a = payload;
	char *ref = strndup(path + a->gitdir_len + 1, strlen(path) - a->gitdir_len - 1 - 5);
	if (!ref)
		return promote__error_oom();
	bool finished = age_s * 1000 >= finished_ms(a->stale_s) && holds_current_value(a->repo, ref, path);
	free(ref);
	return finished ? remove_lock(path, age_s, &(size_t){ 0 }) : 0;
}

/* Walk the folder `folder` of `repo`'s references with `cb` (given an `abandoned`). */
static int walk_refs(git_repository *repo, const char *folder, bool deep, promote__git_lock_cb cb)
{
	const char *gitdir = git_repository_path(repo);
	size_t n = strlen(gitdir);
	while (n > 1 && gitdir[n - 1] == '/')
		n--;
	abandoned a = { repo, n, promote__git_stale_lock_age() };
	lock_walk w = { cb, &a };
	promote__strbuf dir;
	promote__strbuf_init(&dir, PROMOTE__PATH_MAX, "a path in the repository's folder");
	int rc = promote__strbuf_addf(&dir, "%.*s/%s", (int)n, gitdir, folder);
	if (rc == 0)
		rc = walk(promote__strbuf_cstr(&dir), deep, 0, lock_file, &w);
	promote__strbuf_free(&dir);
	return rc;
}

int promote__git_settle_finished(git_repository *repo, const char *folder)
{
	return walk_refs(repo, folder, true, remove_if_finished);
}

/* "42 s", "7 min", "3 h", "2 days": an age as people say it. */
void promote__git_say_age(char *out, size_t size, long s)
{
	if (s < 120)
		snprintf(out, size, "%ld s", s);
	else if (s < 7200)
		snprintf(out, size, "%ld min", s / 60);
	else if (s < 172800)
		snprintf(out, size, "%ld h", s / 3600);
	else
		snprintf(out, size, "%ld days", s / 86400);
}

/* True when the lock file at `path` holds exactly what `ref` now points at:
 * the update it was taken for is done (libgit2 links the lock into place,
 * then removes it; a kill between the two leaves it). */
static bool holds_current_value(git_repository *repo, const char *ref, const char *path)
{
	git_oid now;
	if (git_reference_name_to_id(&now, repo, ref) < 0)
		return false;
	char hex[GIT_OID_HEXSZ + 1], data[GIT_OID_HEXSZ + 2];
	git_oid_tostr(hex, sizeof hex, &now);
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(data, 1, sizeof data, f) : 0;
	if (f)
		fclose(f);
	return n == GIT_OID_HEXSZ + 1 && data[GIT_OID_HEXSZ] == '\n' && memcmp(data, hex, GIT_OID_HEXSZ) == 0;
}

int promote__git_lock_wait(git_repository *repo, const char *ref, long *waited_ms)
{
	const char *gitdir = git_repository_path(repo);
	size_t n = strlen(gitdir);
	while (n > 1 && gitdir[n - 1] == '/')
		n--;
	const char *name = strncmp(ref, "refs/heads/", 11) == 0 ? ref + 11 : ref;
	promote__strbuf own, packed;
	promote__strbuf_init(&own, PROMOTE__PATH_MAX, "the lock file's path");
	promote__strbuf_init(&packed, PROMOTE__PATH_MAX, "the lock file's path");
	int rc = promote__strbuf_addf(&own, "%.*s/%s.lock", (int)n, gitdir, ref);
	if (rc == 0)
		rc = promote__strbuf_addf(&packed, "%.*s/packed-refs.lock", (int)n, gitdir);
	long stale = promote__git_stale_lock_age();
	while (rc == 0) {
		struct stat st;
		const char *lock = stat(promote__strbuf_cstr(&own), &st) == 0 ? promote__strbuf_cstr(&own)
			: stat(promote__strbuf_cstr(&packed), &st) == 0 ? promote__strbuf_cstr(&packed)
			: NULL;
		if (!lock)
			break; /* gone: try again */
		long age_ms = age_ms_of(&st), age = age_ms / 1000;
		char said[32];
		promote__git_say_age(said, sizeof said, age);
		if (lock == promote__strbuf_cstr(&own) && age_ms >= finished_ms(stale) &&
			holds_current_value(repo, ref, lock)) {
			if (unlink(lock) != 0 && errno != ENOENT)
				rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS,
					"cannot remove %s, left by an update of '%s' that had finished: %s", lock, name,
					strerror(errno));
			break;
		}
		if (age >= stale) {
			rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_GIT,
				"cannot update '%s': the lock file %s is %s old; a process was stopped while it updated "
				"the repository and left it, and git never removes one by itself. Remove it, then run "
				"again: promote_context_doctor() with PROMOTE_DOCTOR_FIX, or rm '%s'; nothing was written",
				name, lock, said, lock);
			break;
		}
		if (*waited_ms >= WAIT_MS) {
			char bound[32];
			promote__git_say_age(bound, sizeof bound, stale);
			rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_GIT,
				"cannot update '%s': another process is writing it — it has held the lock file %s for %s; "
				"try again when it is done. If no process of git's or promote's is running, a crash left "
				"it: promote_context_doctor() with PROMOTE_DOCTOR_FIX removes it once it is %s old, "
				"rm '%s' at once; nothing was written",
				name, lock, said, bound, lock);
			break;
		}
		struct timespec ts = { 0, POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
		*waited_ms += POLL_MS;
	}
	promote__strbuf_free(&own);
	promote__strbuf_free(&packed);
	return rc;
}
