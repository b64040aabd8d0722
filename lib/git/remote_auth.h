/*
 * Internal: what a connection to a remote is offered and accepts —
 * credentials (from the environment, offered once) and the server's identity
 * (a TLS certificate libgit2 verified, or an ssh host key listed in the known
 * hosts) — and how its failures are reported, without secrets.
 */
#ifndef PROMOTE_GIT_REMOTE_AUTH_H
#define PROMOTE_GIT_REMOTE_AUTH_H

#include "core/common.h"

#include <git2.h>

/* One connection's state: the payload of the callbacks (first member of any
 * larger payload). */
typedef struct promote__remote_auth {
	const char *url;
	int offered;            /* times credentials were asked for */
	bool auth_failed;
	char refused[768];      /* why the server's identity was refused ("" if it was not) */
} promote__remote_auth;

void promote__remote_auth_init(promote__remote_auth *auth, const char *url);

/* The user name and password offered over http(s) — $PROMOTE_GIT_PASSWORD
 * (else $PROMOTE_GIT_TOKEN), $PROMOTE_GIT_USERNAME (else `url_user`, else
 * "x-access-token" for a token) — each NULL when there is none. */
void promote__remote_userpass(const char **user, const char **password, const char *url_user);

/* Set the credentials and certificate callbacks, with `auth` as payload. */
void promote__remote_auth_callbacks(git_remote_callbacks *callbacks, promote__remote_auth *auth);

/*
 * A libgit2 failure talking to `url` as ours: PROMOTE_EAUTH for refused
 * credentials, PROMOTE_ENET otherwise (an untrusted certificate or host key
 * says so); the URL and libgit2's message without user information.
 * `what` is "cannot fetch" and the like.
 */
int promote__remote_failed(int git_rc, const promote__remote_auth *auth, const char *what, const char *url);

/*
 * Is `key` the ssh host key the known-hosts files list for `host` (port
 * `port`)? The files: $PROMOTE_GIT_SSH_KNOWN_HOSTS (':'-separated), else
 * ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. 0 when listed; otherwise
 * -1 with the reason and what to do in `why`: not listed, listed with
 * another key (changed: refused), or revoked. Hashed host names (|1|...) are
 * not read.
 */
int promote__known_hosts_check(const git_cert_hostkey *key, const char *host, int port, char *why, size_t size);

#endif
