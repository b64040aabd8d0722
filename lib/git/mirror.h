/*
 * Internal: bare mirrors of remote repositories in a cache folder, fetched
 * incrementally, and pushes back to the remote. One mirror per URL, locked
 * while it is cloned or fetched (flock, bounded wait), so that processes
 * sharing the cache take turns. Local paths and file:// URLs are used
 * directly, without a mirror.
 *
 * Credentials come from the context's callback (`creds`, may be NULL), then
 * git's credential helpers (http(s); credential_helper.h), else
 * PROMOTE_GIT_USERNAME / PROMOTE_GIT_PASSWORD (or PROMOTE_GIT_TOKEN as the
 * password), or an ssh key; they are offered once, never logged and never
 * put in a message. TLS is verified unless
 * PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY=1 names the exception.
 *
 * Each transfer reports its progress to `events` (the context's event
 * callback; may be NULL), which may stop it: then PROMOTE_EUSER.
 */
#ifndef PROMOTE_GIT_MIRROR_H
#define PROMOTE_GIT_MIRROR_H

#include "repo.h"
#include "net/redact.h"
#include "remote_auth.h"
#include "smart_http.h"
#include "core/progress.h"

/* True for a URL that needs a mirror (http(s)://, ssh://, git://, user@host:path). */
bool promote__git_is_remote(const char *url);

/* The cache folder: `dir`, else $PROMOTE_CACHE_DIR, else $XDG_CACHE_HOME/promote,
 * else $HOME/.cache/promote. Freed by the caller. */
char *promote__git_cache_dir(const char *dir);

/* Where the repository of `url` is read and written: the path of a local one
 * (file:// stripped), the mirror's folder in the cache for a remote one (it
 * may not exist yet). NULL only when out of memory; freed by the caller. */
char *promote__git_mirror_folder(const char *url, const char *cache_dir);

/*
 * The mirror of `url` in `cache_dir`, cloned on first use and fetched after:
 * *path receives its folder (freed by the caller). PROMOTE_EAUTH when the
 * server refuses the credentials, PROMOTE_ENET when it cannot be reached,
 * PROMOTE_EBUSY when another process holds the mirror's lock too long.
 */
int promote__git_mirror(char **path, const char *url, const char *cache_dir, const promote__credentials *creds,
	const promote__events *events);

/* Fetch `url` again into the mirror `repo` at `path` (after a rejected push),
 * under the mirror's lock. */
int promote__git_mirror_fetch(git_repository *repo, const char *path, const char *url,
	const promote__credentials *creds, const promote__events *events);

/*
 * Push `commit` of the mirror `repo` at `path` to `ref` (a full name, such as
 * "refs/heads/main") of `url`, through a ref of this process's own: a fetch
 * by another process sharing the mirror cannot change what is pushed.
 * PROMOTE_ECONFLICT when the remote ref moved (not a fast-forward): fetch,
 * plan again, retry. `force` replaces the ref (a change branch of promote's
 * own). `commit` NULL removes the remote's ref (and the mirror's).
 * `expected` (may be NULL: unknown; zero: no such ref): what the caller
 * believes the remote's ref holds, which spares a round trip over HTTP.
 * `kept` (may be NULL): a pack made already, sent as it is over HTTP when it
 * is the pack of `commit` on what the remote's ref holds.
 */
int promote__git_push(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__events *events, const git_oid *commit, const git_oid *expected, const char *ref, bool force,
	const promote__git_pack_kept *kept);

/*
 * Push the `count` updates of the mirror `repo` at `path` to `url` in one
 * atomic request (promote__git_http_push_atomic(): *atomic remembers whether
 * the server takes one), then the mirror holds them. PROMOTE_ENOTSUPPORTED,
 * nothing sent, for a remote that is not smart HTTP or has no atomic push:
 * the caller pushes the refs one by one. `kept` (may be NULL): as
 * promote__git_push()'s.
 */
int promote__git_push_atomic(git_repository *repo, const char *path, const char *url, const promote__credentials *creds,
	const promote__events *events, const promote__git_ref_update *updates, size_t count, int *atomic,
	const promote__git_pack_kept *kept);

#endif
