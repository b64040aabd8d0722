/* Mirrors of remote repositories in the cache, and pushing back. */
#define _DEFAULT_SOURCE /* flock */
#include "mirror.h"
#include "fetch_needed.h"
#include "lock_note.h"
#include "push_error.h"
#include "refs_pack.h"
#include "remote_auth.h"
#include "smart_http.h"

#include "core/error.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "core/strutil.h"
#include "git/global_git.h"
#include "git/locks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_LOCK_WAIT_S 60
#define MAX_LOCK_WAIT_S 3600

/* How long to wait for a mirror's lock: $PROMOTE_CACHE_LOCK_WAIT seconds
 * (0 to 3600), else 60. */
static int lock_wait_s(void)
{
	return (int)promote__env_seconds("PROMOTE_CACHE_LOCK_WAIT", MAX_LOCK_WAIT_S, DEFAULT_LOCK_WAIT_S);
}

bool promote__git_is_remote(const char *url)
{
	if (strncmp(url, "file://", 7) == 0)
		return false;
	if (strstr(url, "://"))
		return true;
	return promote__scp_like_colon(url) != NULL;
}


char *promote__git_cache_dir(const char *dir)
{
	if (dir && *dir)
		return strdup(dir);
	const char *env = getenv("PROMOTE_CACHE_DIR");
	if (env && *env)
		return strdup(env);
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	promote__strbuf path;
	promote__strbuf_init(&path, PROMOTE__PATH_MAX, "the cache folder's path");
	int rc = xdg && *xdg ? promote__strbuf_addf(&path, "%s/promote", xdg)
			     : promote__strbuf_addf(&path, "%s/.cache/promote", home && *home ? home : "/tmp");
	char *out = rc == 0 ? promote__strbuf_take(&path) : NULL;
	promote__strbuf_free(&path);
	return out;
}

/* ---- the mirror --------------------------------------------------------- */

/* A folder name for `url`: its readable part and a hash, so different URLs never share one. */
static void mirror_name(char *out, size_t size, const char *url)
{
	uint64_t h = 1469598103934665603u;
	for (const char *p = url; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	const char *tail = strrchr(url, '/');
	tail = tail && tail[1] ? tail + 1 : url;
	char clean[64]; /* the URL's last part, cut on purpose: the hash after it tells mirrors apart */
	size_t n = 0;
	for (const char *p = tail; *p && n + 1 < sizeof clean; p++)
		clean[n++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
				*p == '-' || *p == '_' || *p == '.' ? *p : '_';
	clean[n] = '\0';
	snprintf(out, size, "%s-%016llx", clean, (unsigned long long)h);
}

static int make_dirs(const char *path)
{
	char *tmp = strdup(path);
	int rc = tmp ? 0 : -1;
	for (char *p = tmp ? tmp + 1 : ""; rc == 0 && *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(tmp, 0755) != 0 && errno != EEXIST)
		rc = -1;
	free(tmp);
	return rc;
}

char *promote__git_mirror_folder(const char *url, const char *cache_dir)
{
	if (!promote__git_is_remote(url))
		return strdup(strncmp(url, "file://", 7) == 0 ? url + 7 : url);
	char name[128]; /* 63 bytes of name, '-' and 16 hex digits: always fits */
	mirror_name(name, sizeof name, url);
	char *dir = promote__git_cache_dir(cache_dir);
	char *full = dir ? promote__strdupf("%s/%s.git", dir, name) : NULL;
	free(dir);
	return full;
}

static void unlock_mirror(int fd)
{
	promote__lock_note_clear(fd);
	flock(fd, LOCK_UN);
	close(fd);
}

/*
 * Hold the mirror's lock file, waiting a bounded time; say in it what for
 * (`doing` `url`, `creds`' network bound), for whoever waits. When its last
 * holder was killed — its note is still there (lock_note.h), or the lock file
 * is new and the mirror's past unknown — git's lock files that holder may
 * have left in the mirror are removed: the mirror's refs change only under
 * this lock, so no one else's are there. A holder that let go emptied its
 * note, and left none: the mirror's refs are not walked at every fetch and
 * push (a repository's release records and leases grow with its history).
 */
static int lock_mirror(int *fd_out, const char *path, const char *doing, const char *url,
	const promote__credentials *creds)
{
	promote__strbuf lock;
	promote__strbuf_init(&lock, PROMOTE__PATH_MAX, "the mirror's lock file's path");
	int rc = promote__strbuf_addf(&lock, "%s.lock", path);
	int fd = rc == 0 ? open(promote__strbuf_cstr(&lock), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644) : -1;
	bool created = fd >= 0;
	if (rc == 0 && fd < 0 && errno == EEXIST)
		fd = open(promote__strbuf_cstr(&lock), O_RDWR | O_CLOEXEC);
	if (rc == 0 && fd < 0)
		rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot open the lock %s: %s",
			promote__strbuf_cstr(&lock), strerror(errno));
	int wait_s = lock_wait_s();
	for (long waited = 0; rc == 0 && flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 50) {
		if (errno != EWOULDBLOCK || waited >= wait_s * 1000L) {
			char *holder = promote__lock_note_describe(fd);
			close(fd);
			rc = promote__error(PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_GIT,
				"the mirror %s is locked by another promote for more than %d s (it holds %s while it "
				"fetches%s%s); try again when it is done, or wait longer (PROMOTE_CACHE_LOCK_WAIT=SECONDS)",
				path, wait_s, promote__strbuf_cstr(&lock), holder ? ": " : "", holder ? holder : "");
			free(holder);
			break;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
	promote__strbuf_free(&lock);
	if (rc)
		return rc;
	struct stat st;
	bool holder_killed = created || fstat(fd, &st) != 0 || st.st_size > 0;
	promote__lock_note_write(fd, doing, url, promote__net_timeout_s(creds ? creds->net_timeout_s : 0));
	if (holder_killed && (rc = promote__git_locks_clear(path, NULL))) {
		unlock_mirror(fd);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

/* A transfer's callbacks' payload: the connection's state first (remote_auth.h). */
typedef struct transfer_state {
	promote__remote_auth auth;
	promote__progress progress;
	char *shown;     /* the URL without user information, for events */
	char *rejected;  /* a push: the server's reason for refusing the update */
} transfer_state;

/* 0, or a negative code with nothing to end (remote_auth.h). */
static int transfer_start(transfer_state *state, const char *url, const promote__credentials *creds,
	const promote__events *events, int kind)
{
	int rc = promote__remote_auth_init(&state->auth, url, creds);
	if (rc < 0)
		return rc;
	/* Out of memory for the URL: the events name none. */
	state->shown = events && events->cb ? promote__redact_url(url) : NULL;
	promote__progress_start(&state->progress, events, kind, state->shown);
	state->rejected = NULL;
	return 0;
}

static void transfer_end(transfer_state *state)
{
	free(state->shown);
	free(state->rejected);
}

/* libgit2's indexer: objects received, then deltas resolved. */
static int on_fetch_progress(const git_indexer_progress *stats, void *payload)
{
	promote__progress *p = &((transfer_state *)payload)->progress;
	/* Receiving ends before resolving begins, even when libgit2 tells both in one call. */
	int stop = promote__progress_report(p, PROMOTE_TRANSFER_RECEIVING, stats->received_objects,
		stats->total_objects, stats->received_bytes);
	if (!stop && stats->total_deltas > 0 && stats->received_objects >= stats->total_objects)
		stop = promote__progress_report(p, PROMOTE_TRANSFER_RESOLVING, stats->indexed_deltas, stats->total_deltas, 0);
	return stop ? GIT_EUSER : 0;
}

/* The fetch of `url` into `repo`, its refs packed first when `pack_refs` (under the mirror's lock, before
 * the fetch reads them all: refs_pack.h). */
static int fetch_into(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, int kind, bool pack_refs)
{
	git_remote *remote = NULL;
	transfer_state state;
	if (pack_refs)
		promote__git_refs_pack(repo);
	int rc = transfer_start(&state, url, creds, events, kind);
	if (rc < 0)
		return rc;
	int git_rc = git_remote_create_anonymous(&remote, repo, state.auth.url); /* an ssh alias resolved */
	if (git_rc < 0) {
		rc = promote__remote_failed(git_rc, &state.auth, "cannot use", url);
		promote__remote_auth_finish(&state.auth, rc);
		transfer_end(&state);
		return rc;
	}
	git_fetch_options fo;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION); /* libgit2's INIT macro names too few fields for -Werror */
	promote__remote_auth_callbacks(&fo.callbacks, &state.auth);
	fo.callbacks.payload = &state;
	fo.callbacks.transfer_progress = on_fetch_progress;
	fo.prune = GIT_FETCH_PRUNE;
	/* Nothing reads a mirror's FETCH_HEAD: not written (a lock, a write and a rename per refspec). */
	fo.update_fetchhead = 0;
	/* The remote's branches (and the change and release records, where watchers handled each flow, the
	 * environments' leases and the holds) are the mirror's, forced: a push that lost a race is forgotten. */
	char *refspecs[] = { "+refs/heads/*:refs/heads/*", "+" PROMOTE__GIT_CHANGES_PREFIX "*:" PROMOTE__GIT_CHANGES_PREFIX "*",
		"+" PROMOTE__GIT_RELEASES_PREFIX "*:" PROMOTE__GIT_RELEASES_PREFIX "*",
		"+" PROMOTE__GIT_WATCH_PREFIX "*:" PROMOTE__GIT_WATCH_PREFIX "*",
		"+" PROMOTE__GIT_LEASES_PREFIX "*:" PROMOTE__GIT_LEASES_PREFIX "*",
		"+" PROMOTE__GIT_HOLDS_REF ":" PROMOTE__GIT_HOLDS_REF };
	git_strarray specs = { refspecs, PROMOTE_ARRAY_SIZE(refspecs) };
	/* Connected first: when the advertisement shows the mirror has it all, the fetch is not run
	 * (fetch_needed.h); else it goes on with this connection. */
	git_remote_connect_options connect;
	git_remote_connect_options_init(&connect, GIT_REMOTE_CONNECT_OPTIONS_VERSION);
	connect.callbacks = fo.callbacks;
	connect.proxy_opts = fo.proxy_opts;
	connect.follow_redirects = fo.follow_redirects;
	connect.custom_headers = fo.custom_headers;
	promote__remote_watch_begin(&state.auth);
	git_rc = git_remote_connect_ext(remote, GIT_DIRECTION_FETCH, &connect);
	if (git_rc == 0 && !promote__git_fetch_changes_nothing(repo, remote, &specs))
		git_rc = git_remote_fetch(remote, &specs, &fo, "promote: fetch");
	promote__remote_watch_end(&state.auth);
	if (git_rc < 0 && !(rc = promote__progress_stopped(&state.progress, kind == PROMOTE_TRANSFER_CLONE
								? "the clone of" : "the fetch of")))
		rc = promote__remote_failed(git_rc, &state.auth, "cannot fetch", url);
	promote__remote_auth_finish(&state.auth, rc);
	/* The remote's default branch becomes the mirror's HEAD (when it is not already: libgit2 writes HEAD's
	 * lock file even to leave it as it is). */
	git_buf head = { 0 };
	git_reference *ours = NULL;
	if (rc == 0 && git_remote_default_branch(&head, remote) == 0 &&
		!(git_reference_lookup(&ours, repo, "HEAD") == 0 && git_reference_symbolic_target(ours) &&
			strcmp(git_reference_symbolic_target(ours), head.ptr) == 0))
		git_repository_set_head(repo, head.ptr);
	git_reference_free(ours);
	git_error_clear();
	git_buf_dispose(&head);
	git_remote_free(remote);
	transfer_end(&state);
	return rc;
}

int promote__git_mirror(char **path, const char *url, const char *cache_dir, const promote__credentials *creds,
	const promote__events *events)
{
	*path = NULL;
	int rc = 0;
	if (!promote__git_is_remote(url)) {
		if ((rc = promote__need_git()))
			return rc;
		*path = promote__git_mirror_folder(url, cache_dir);
		return *path ? 0 : promote__error_oom();
	}
	char *dir = promote__git_cache_dir(cache_dir);
	if (!dir || make_dirs(dir) != 0) {
		rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot create the cache folder %s: %s",
			dir ? dir : "", strerror(errno));
		free(dir);
		return rc;
	}
	free(dir);
	char *full = promote__git_mirror_folder(url, cache_dir);
	if (!full)
		return promote__error_oom();
	int lock_fd;
	if ((rc = lock_mirror(&lock_fd, full, "fetching", url, creds))) {
		free(full);
		return rc;
	}
	bool many_refs = promote__git_refs_loose_many(full, PROMOTE__GIT_LOOSE_REFS_MAX);
	/* (Only now: until here nothing needs libgit2, which may be starting on another thread meanwhile,
	 * start_ahead.h.) */
	if ((rc = promote__need_git())) {
		unlock_mirror(lock_fd);
		free(full);
		return rc;
	}
	git_repository *repo = NULL;
	struct stat st;
	bool fresh = stat(full, &st) != 0;
	/* Ours, and locked: what a killed promote left there is removed — its
	 * lock files (lock_mirror()), or a first clone that never became a repository. */
	int git_rc = fresh ? 0 : git_repository_open_bare(&repo, full);
	if (!fresh && git_rc < 0) {
		promote__remove_tree(full);
		fresh = true;
	}
	if (fresh)
		git_rc = git_repository_init(&repo, full, 1);
	if (git_rc < 0) {
		promote__remote_auth none;
		if ((rc = promote__remote_auth_init(&none, url, creds)) == 0) {
			rc = promote__remote_failed(git_rc, &none, "cannot open the mirror of", url);
			promote__remote_auth_finish(&none, rc);
		}
	}
	if (rc == 0)
		rc = fetch_into(repo, url, creds, events, fresh ? PROMOTE_TRANSFER_CLONE : PROMOTE_TRANSFER_FETCH,
			many_refs && !fresh);
	git_repository_free(repo);
	if (rc && fresh) /* a first clone that failed leaves no half mirror behind */
		promote__remove_tree(full);
	unlock_mirror(lock_fd);
	if (rc == 0)
		*path = full;
	else
		free(full);
	return rc;
}

int promote__git_mirror_fetch(git_repository *repo, const char *path, const char *url,
	const promote__credentials *creds, const promote__events *events)
{
	if (!promote__git_is_remote(url))
		return 0;
	int lock_fd, rc = lock_mirror(&lock_fd, path, "fetching", url, creds);
	if (rc)
		return rc;
	rc = fetch_into(repo, url, creds, events, PROMOTE_TRANSFER_FETCH,
		promote__git_refs_loose_many(path, PROMOTE__GIT_LOOSE_REFS_MAX));
	unlock_mirror(lock_fd);
	return rc;
}

static int on_push_update(const char *refname, const char *status, void *payload)
{
	(void)refname;
	transfer_state *state = payload;
	if (status && !state->rejected)
		state->rejected = strdup(status);
	return 0;
}

/* libgit2's packbuilder: objects compressed (its deltification is git's "compressing objects"). */
static int on_pack_progress(int stage, uint32_t current, uint32_t total, void *payload)
{
	promote__progress *p = &((transfer_state *)payload)->progress;
	if (stage != GIT_PACKBUILDER_DELTAFICATION)
		return 0;
	return promote__progress_report(p, PROMOTE_TRANSFER_PACKING, current, total, 0) ? GIT_EUSER : 0;
}

static int on_push_progress(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	promote__progress *p = &((transfer_state *)payload)->progress;
	return promote__progress_report(p, PROMOTE_TRANSFER_WRITING, current, total, bytes) ? GIT_EUSER : 0;
}

/* libgit2's push, through a ref of this process's own. */
static int libgit2_push(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__events *events, const git_oid *commit, const char *ref, bool force)
{
	git_remote *remote = NULL;
	transfer_state state;
	int rc = transfer_start(&state, url, creds, events, PROMOTE_TRANSFER_PUSH);
	if (rc < 0)
		return rc;
	int git_rc = git_remote_create_anonymous(&remote, repo, state.auth.url);
	if (git_rc < 0) {
		rc = promote__remote_failed(git_rc, &state.auth, "cannot use", url);
		promote__remote_auth_finish(&state.auth, rc);
		transfer_end(&state);
		return rc;
	}
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	promote__remote_auth_callbacks(&po.callbacks, &state.auth);
	po.callbacks.payload = &state;
	po.callbacks.push_update_reference = on_push_update;
	po.callbacks.pack_progress = on_pack_progress;
	po.callbacks.push_transfer_progress = on_push_progress;
	char temp[128]; /* a pid and an address: always fits */
	snprintf(temp, sizeof temp, "refs/promote/push/%ld-%p", (long)getpid(), (void *)&state);
	/* The mirror's refs change only under its lock (which clears what a
	 * killed process left); the push itself runs without it. */
	int lock_fd;
	if (commit && (rc = lock_mirror(&lock_fd, path, "pushing", url, creds)) == 0) {
		git_reference *pushed = NULL;
		git_rc = git_reference_create(&pushed, repo, temp, commit, 1, "promote: push");
		git_reference_free(pushed);
		unlock_mirror(lock_fd);
	}
	if (rc) {
		git_remote_free(remote);
		transfer_end(&state);
		return rc;
	}
	promote__strbuf spec;
	promote__strbuf_init(&spec, PROMOTE__REFNAME_MAX * 2, "the push's refspec");
	/* No commit: ":REF" removes the remote's ref. */
	if ((rc = promote__strbuf_addf(&spec, "%s%s:%s", force && commit ? "+" : "", commit ? temp : "", ref)))
		git_rc = 0; /* said; nothing pushed */
	char *specp = (char *)promote__strbuf_cstr(&spec);
	git_strarray specs = { &specp, 1 };
	if (rc == 0 && git_rc == 0) {
		promote__remote_watch_begin(&state.auth);
		git_rc = git_remote_push(remote, &specs, &po);
		promote__remote_watch_end(&state.auth);
	}
	promote__strbuf_free(&spec);
	if (rc == 0 && git_rc < 0 && !state.rejected && !(rc = promote__progress_stopped(&state.progress, "the push to"))) {
		/* libgit2 reports a non-fast-forward before sending as an error. */
		const git_error *e = git_error_last();
		if (e && e->message && (strstr(e->message, "non-fast-forward") || strstr(e->message, "non-fastforwardable") ||
				       strstr(e->message, "fetch first")))
			state.rejected = strdup("non-fast-forward");
		else
			rc = promote__remote_failed(git_rc, &state.auth, "cannot push to", url);
	}
	if (rc == 0 && state.rejected)
		rc = promote__git_push_refused(url, ref, state.rejected);
	promote__remote_auth_finish(&state.auth, rc == 0 || state.rejected ? 0 : rc);
	/* After the error is ours: libgit2 forgets its own at the next call. */
	if (commit && lock_mirror(&lock_fd, path, "pushing", url, creds) == 0) {
		git_reference_remove(repo, temp);
		unlock_mirror(lock_fd);
	}
	git_remote_free(remote);
	transfer_end(&state);
	return rc;
}

/* The mirror holds what the remote now holds, as a fetch would (under the lock that fetches take), so
 * the pushed refs can be read at once: each of `count` refs at its target (NULL: removed). */
static int mirror_pushed(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__git_ref_update *updates, const bool *removed, size_t count)
{
	int lock_fd;
	int rc = lock_mirror(&lock_fd, path, "pushing", url, creds);
	if (rc)
		return rc;
	int git_rc = 0;
	for (size_t i = 0; rc == 0 && git_rc >= 0 && i < count; i++) {
		git_reference *mirrored = NULL;
		git_rc = removed && removed[i] ? git_reference_remove(repo, updates[i].ref)
			: git_reference_create(&mirrored, repo, updates[i].ref, &updates[i].target, 1, "promote: pushed");
		if (git_rc == GIT_ENOTFOUND)
			git_rc = 0;
		git_reference_free(mirrored);
	}
	promote__remote_auth none;
	if (git_rc < 0 && (rc = promote__remote_auth_init(&none, url, creds)) == 0) {
		rc = promote__remote_failed(git_rc, &none, "cannot record the push in the mirror of", url);
		promote__remote_auth_finish(&none, rc);
	}
	unlock_mirror(lock_fd);
	return rc;
}

int promote__git_push(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__events *events, const git_oid *commit, const git_oid *expected, const char *ref, bool force,
	const promote__git_pack_kept *kept)
{
	/* Smart HTTP sends what the commit adds, found from the commit itself;
	 * a server that does not speak it as expected gets libgit2's push. */
	int rc = PROMOTE_ENOTSUPPORTED;
	if (commit && promote__git_is_http(url))
		rc = promote__git_http_push(repo, url, creds, events, commit, expected, ref, force, kept);
	if (rc == PROMOTE_ENOTSUPPORTED) {
		promote_error_clear();
		rc = libgit2_push(repo, path, url, creds, events, commit, ref, force);
	}
	promote__git_ref_update pushed = { ref, { { 0 } }, { { 0 } } };
	if (commit)
		pushed.target = *commit;
	bool removed = commit == NULL;
	return rc ? rc : mirror_pushed(repo, path, url, creds, &pushed, &removed, 1);
}

int promote__git_push_atomic(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__events *events, const promote__git_ref_update *updates, size_t count, int *atomic,
	const promote__git_pack_kept *kept)
{
	int rc = promote__git_is_http(url)
		? promote__git_http_push_atomic(repo, url, creds, events, updates, count, atomic, kept)
		: PROMOTE_ENOTSUPPORTED;
	return rc ? rc : mirror_pushed(repo, path, url, creds, updates, NULL, count);
}
