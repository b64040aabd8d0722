/* Internal: pushing one commit over git's smart HTTP protocol (see smart_http.c). */
#ifndef PROMOTE_GIT_SMART_HTTP_H
#define PROMOTE_GIT_SMART_HTTP_H

#include "repo.h"
#include "remote_auth.h"
#include "core/progress.h"

/*
 * Push `commit` to `ref` of the http(s) remote `url` with git's smart HTTP
 * protocol (receive-pack), sending only what the commit adds to its first
 * parent (promote__git_pack_added()), with the ref's current value on the
 * server as the expected old value. Not `force`: that value must be an
 * ancestor of `commit`, else PROMOTE_ECONFLICT. `expected` (may be NULL:
 * unknown; zero: no such ref) is what the caller believes the ref holds:
 * the push is then tried from it first, without asking the server. PROMOTE_EAUTH, PROMOTE_ENET,
 * PROMOTE_EGIT (refused for another reason) as for a push;
 * PROMOTE_ENOTSUPPORTED, before anything is sent, for a server that does
 * not answer as a smart HTTP server (the caller uses libgit2's push).
 * Its progress goes to `events` (may be NULL): the objects packed, then
 * sent (before the request and once the server answered); a stop before
 * the pack is sent is PROMOTE_EUSER, nothing sent. `kept` (may be NULL):
 * the pack sent instead of one made here when it is `commit`'s on what the
 * ref holds.
 */
int promote__git_http_push(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, const git_oid *commit, const git_oid *expected, const char *ref, bool force,
	const promote__git_pack_kept *kept);

/* One ref of a push of several: `ref` (a full name) from `expected` (zero: no such ref) to `target`. */
typedef struct promote__git_ref_update {
	const char *ref;
	git_oid target, expected;
} promote__git_ref_update;

/*
 * Push the `count` updates in one request, atomically: the server updates
 * every ref or none (git's "atomic" capability). *atomic remembers whether
 * the server has it (0: not known yet — its advertisement is read once, a
 * request more; 1: yes; -1: no). PROMOTE_ENOTSUPPORTED, nothing sent, when
 * it has not (the caller pushes the refs one by one) or does not answer as
 * a smart HTTP server. PROMOTE_ECONFLICT when a ref was not at its
 * `expected` value: none was updated. Otherwise as promote__git_http_push();
 * `kept`: the pack one of the updates' commit was stored as, joined to the
 * others' (promote__git_pack_join()).
 */
int promote__git_http_push_atomic(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, const promote__git_ref_update *updates, size_t count, int *atomic,
	const promote__git_pack_kept *kept);

#endif
