/*
 * Internal: what a connection to a remote is offered and accepts —
 * credentials (from the environment, offered once) and the server's identity
 * (a TLS certificate libgit2 verified, or an ssh host key listed in the known
 * hosts) — and how its failures are reported, without secrets.
 */
#ifndef PROMOTE_GIT_REMOTE_AUTH_H
#define PROMOTE_GIT_REMOTE_AUTH_H

#include "core/common.h"
#include "core/strbuf.h"
#include "credential_helper.h"
#include "net_stream.h"

#include <git2.h>

/* Where credentials come from besides the environment: the context's
 * callback (promote_context_options.credentials_cb), or none; and the
 * context's bound on waiting for the network (net_timeout, 0: unset). */
typedef struct promote__credentials {
	promote_credential_cb cb;
	void *payload;
	uint32_t net_timeout_s;
	promote__git_helper_memo *helpers;  /* the session's memo of git's helpers (NULL: none) */
} promote__credentials;

/* One connection's state: the payload of the callbacks (first member of any
 * larger payload). */
typedef struct promote__remote_auth {
	const char *url;        /* the URL connected to: an ssh alias resolved (ssh_config.h) */
	const promote__credentials *creds;  /* may be NULL */
	int offered;            /* times credentials were asked for */
	bool auth_failed;
	int callback_error;     /* what the credentials callback returned, if it failed */
	promote__strbuf refused;  /* why the server's identity was refused (empty if it was not) */
	promote__git_credential helper;  /* what git's credential helpers answered, if they were asked */
	bool from_kept;         /* offered the session's accepted credentials instead (promote__git_helper_memo) */
	char *ssh_url;          /* the ssh URL ~/.ssh/config made of the caller's (NULL when none) */
	char *ssh_identity;     /* the key file it names for the host (NULL when none) */
	promote__git_watch watch; /* the network's bound while libgit2 talks to the remote */
} promote__remote_auth;

/* 0, or a negative code (error set, nothing to finish): out of memory, or a
 * value of ~/.ssh/config too long. */
PROMOTE_WARN_UNUSED int promote__remote_auth_init(promote__remote_auth *auth, const char *url,
	const promote__credentials *creds);

/* The connection is over, `rc` its outcome: git's credential helpers learn
 * whether the server took their credentials (approve) or refused them
 * (reject), the credentials are wiped and what `auth` holds is freed. Call
 * once after every promote__remote_auth_init() that succeeded. */
void promote__remote_auth_finish(promote__remote_auth *auth, int rc);

/* The user name and password offered over http(s) after the context's
 * callback and git's credential helpers — $PROMOTE_GIT_PASSWORD
 * (else $PROMOTE_GIT_TOKEN), $PROMOTE_GIT_USERNAME (else `url_user`, else
 * "x-access-token" for a token) — each NULL when there is none. */
void promote__remote_userpass(const char **user, const char **password, const char *url_user);

/* What the callback answered, kept for one connection and wiped after. */
struct promote_credential {
	unsigned int type;   /* one promote_credential_type, 0 before an answer */
	char *user;
	char *password;
	char *public_key;
	char *private_key;
	char *passphrase;
};

/* Ask the callback of `creds` (not NULL) for credentials of `allowed` types:
 * 0 with `out` set, PROMOTE_PASSTHROUGH for "use the environment", or a
 * negative code (PROMOTE_EAUTH when the answer does not fit). */
int promote__credentials_ask(struct promote_credential *out, const promote__credentials *creds, const char *url,
	const char *user_from_url, unsigned int allowed);
/* Wipe and free what an answer holds. */
void promote__credential_clear(struct promote_credential *cred);

/* `url` is an http:// or https:// one. */
bool promote__git_is_http(const char *url);

/* libgit2's exchanges with the remote between these two are bounded by the
 * context's net_timeout (else $PROMOTE_NET_TIMEOUT); promote__remote_failed()
 * then reports a bound that ran out (PROMOTE_ETIMEOUT). `auth` must not move
 * in between. */
void promote__remote_watch_begin(promote__remote_auth *auth);
void promote__remote_watch_end(promote__remote_auth *auth);

/* Set the credentials and certificate callbacks, with `auth` as payload. */
void promote__remote_auth_callbacks(git_remote_callbacks *callbacks, promote__remote_auth *auth);

/*
 * A libgit2 failure talking to `url` as ours: PROMOTE_EAUTH for refused
 * credentials, PROMOTE_ENET otherwise (an untrusted certificate or host key
 * says so); the URL and libgit2's message without user information.
 * `what` is "cannot fetch" and the like.
 */
int promote__remote_failed(int git_rc, const promote__remote_auth *auth, const char *what, const char *url);

#endif
