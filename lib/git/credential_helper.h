/*
 * Internal: git's credential helpers (credential.helper), through the git
 * program as git's credential protocol describes it: `git credential fill`
 * is given protocol, host, path (and the user name the URL names) and
 * answers with a user name and password; after the server accepted them,
 * `git credential approve` (the helpers store them), after it refused them,
 * `git credential reject` (the helpers forget them). Used only when git is
 * installed and a helper is configured for the URL (`git config
 * --get-urlmatch credential.helper URL`); git never prompts. The answer is
 * never logged and is wiped when done.
 */
#ifndef PROMOTE_GIT_CREDENTIAL_HELPER_H
#define PROMOTE_GIT_CREDENTIAL_HELPER_H

#include "core/common.h"
#include "git_program.h"

typedef struct promote__git_credential {
	char *request;   /* "protocol=..\nhost=..\npath=..\n", NULL before a fill */
	char *username;  /* the answer, NULL when there is none */
	char *password;
} promote__git_credential;

#define PROMOTE__GIT_CREDENTIAL_INIT { NULL, NULL, NULL }

/* What a repository session learned of git's helpers, so that its fetches
 * and pushes ask git once, not once each (as git asks once per command):
 * whether a helper is configured for one URL, as `git config` said it, and
 * the helpers' answer once a server accepted it. */
typedef struct promote__git_helper_memo {
	char *url;        /* the URL asked about, without user information; NULL: not asked yet */
	bool configured;
	promote__git_program asking; /* `git config` still answering for `url`, asked ahead */
	promote__git_credential accepted; /* request NULL until then; wiped when disposed */
} promote__git_helper_memo;

void promote__git_helper_memo_dispose(promote__git_helper_memo *memo);

/*
 * Start asking git whether a helper is configured for the http(s) `url`
 * without waiting for its answer, which a fill takes when a server first
 * wants credentials: git (6 ms, a process) runs while libgit2 starts and
 * the first request travels. Nothing when `memo` asked already, or git
 * cannot be started (a fill asks then, as always).
 */
void promote__git_helper_ask_ahead(promote__git_helper_memo *memo, const char *url);

/*
 * Ask the helpers for credentials for the http(s) `url` (`user`, may be
 * NULL: the user name the URL names). 0 with username and password set;
 * PROMOTE_ENOTFOUND (no error set) when git is not installed, no helper is
 * configured for the URL, or the helpers have nothing for it. `memo` (may
 * be NULL) remembers whether a helper is configured for the URL.
 */
int promote__git_credential_fill(promote__git_credential *cred, const char *url, const char *user,
	promote__git_helper_memo *memo);

/* What the server said of credentials from a fill: approved (> 0), refused
 * (< 0, the helpers forget them) or unknown (0, nothing is said). Then the
 * credentials are wiped; nothing is done when there were none. */
void promote__git_credential_done(promote__git_credential *cred, int verdict);

/*
 * A connection is over, and `verdict` is what the server said of the
 * credentials from the helpers it was offered (as promote__git_credential_done()):
 * `filled` the ones a fill answered for it, or, when `from_kept`, the ones
 * `memo` had accepted. Accepted ones from a fill are approved and move into
 * `memo` (when not NULL) for the session's later connections to the same
 * remote; accepted ones refused now are rejected and forgotten. `filled` is
 * wiped in every case.
 */
void promote__git_credential_settle(promote__git_helper_memo *memo, promote__git_credential *filled, bool from_kept,
	int verdict);

#endif
