/*
 * libpromote — the context: one loaded configuration (promote.yaml) and
 * everything registered on it.
 *
 * A context is used by one thread at a time; separate contexts may be used
 * from separate threads. Call promote_init() before opening one.
 */
#ifndef PROMOTE_CONTEXT_H
#define PROMOTE_CONTEXT_H

#include "common.h"
#include "errors.h"
#include "event.h"

PROMOTE_BEGIN_DECL

typedef enum promote_log_level {
	PROMOTE_LOG_ERROR = 0,
	PROMOTE_LOG_WARNING = 1,
	PROMOTE_LOG_INFO = 2,
	PROMOTE_LOG_DEBUG = 3,
	PROMOTE_LOG_TRACE = 4
} promote_log_level;

/* Receives the library's log lines; the library itself never prints.
 * `domain` names the layer ("config", "git", ...). Both strings are
 * borrowed for the duration of the call. A message longer than 64 KiB is
 * cut, ending in "…". */
typedef void (*promote_log_cb)(int level, const char *domain, const char *message, void *payload);

/* What a remote may be offered (the `allowed` bits of a credentials callback). */
typedef enum promote_credential_type {
	PROMOTE_CREDENTIAL_USERPASS = 1 << 0,  /* a user name and password or token (http, https) */
	PROMOTE_CREDENTIAL_SSH_KEY = 1 << 1    /* an ssh key (ssh) */
} promote_credential_type;

/* The answer of a credentials callback, written with the setters below. */
typedef struct promote_credential promote_credential;

/*
 * Asked when a remote wants credentials, once per connection: `url` (its user
 * information removed), the user the URL names (NULL if none), and the
 * `allowed` promote_credential_type bits. Answer with one setter and return
 * 0; return PROMOTE_PASSTHROUGH to use the environment variables
 * (PROMOTE_GIT_USERNAME, ...); return PROMOTE_EAUTH when there is nothing to
 * offer, or PROMOTE_EUSER to stop. The strings are copied and wiped after
 * use; the library never logs them.
 */
typedef int (*promote_credential_cb)(promote_credential *out, const char *url, const char *user_from_url,
	unsigned int allowed, void *payload);

/* Offer a user name and password (or token) over http(s). */
PROMOTE_EXTERN(int) promote_credential_set_userpass(promote_credential *cred, const char *user, const char *password);
/* Offer an ssh key: the private key file (its public key derived when
 * `public_key_path` is NULL) and its passphrase (NULL: none). */
PROMOTE_EXTERN(int) promote_credential_set_ssh_key(promote_credential *cred, const char *user,
	const char *public_key_path, const char *private_key_path, const char *passphrase);

/*
 * The wall clock a context reads: the seconds since 1970-01-01 00:00 UTC
 * (Unix time) it is now. It cannot fail; it is called on the thread that
 * uses the context, whenever the engine needs the time. Tests and
 * simulations set it to run releases at another time or faster than real.
 */
typedef int64_t (*promote_clock_cb)(void *payload);

/*
 * Options for opening a context. Initialise with PROMOTE_CONTEXT_OPTIONS_INIT
 * or promote_context_options_init(); a NULL options pointer means defaults.
 * Fields are only appended; each new one says "since vN".
 */
typedef struct promote_context_options {
	uint32_t version;
	/* Deepest nesting of collections in the configuration; 0 = 64. */
	uint32_t max_depth;
	/* Largest configuration accepted, in bytes; 0 = 1 MiB. */
	uint64_t max_config_size;
	/* Most YAML nodes after expanding aliases (billion-laughs guard); 0 = 100000. */
	uint64_t max_alias_nodes;
	/* Log sink; NULL = no logging. */
	promote_log_cb log_cb;
	void *log_payload;
	/* The most verbose level delivered to log_cb (a promote_log_level). */
	int32_t log_level;
	uint32_t reserved;
	/* since v2: where mirrors of remote repositories are kept; NULL:
	 * $PROMOTE_CACHE_DIR, else $XDG_CACHE_HOME/promote, else ~/.cache/promote. */
	const char *cache_dir;
	/* since v3: credentials for remotes; NULL: from the environment only. */
	promote_credential_cb credentials_cb;
	void *credentials_payload;
	/* since v4: the progress of transfers with remotes (clone, fetch, push)
	 * and of other long operations (event.h); NULL: none. */
	promote_event_cb event_cb;
	void *event_payload;
	/* since v4: seconds the network may keep a fetch, clone or push waiting —
	 * for a connection, and then without receiving (or having acknowledged)
	 * a byte; then PROMOTE_ETIMEOUT. 0: $PROMOTE_NET_TIMEOUT, else 30. */
	uint32_t net_timeout;
	/* since v5: the wall clock of releases (their times, claims, timeouts,
	 * freeze windows, soak); NULL: the system's. Network deadlines keep the
	 * monotonic clock. */
	promote_clock_cb clock_cb;
	void *clock_payload;
} promote_context_options;

#define PROMOTE_CONTEXT_OPTIONS_VERSION 5
#define PROMOTE_CONTEXT_OPTIONS_INIT \
	{ PROMOTE_CONTEXT_OPTIONS_VERSION, 0, 0, 0, NULL, NULL, PROMOTE_LOG_INFO, 0, NULL, NULL, NULL, NULL, NULL, 0, \
	  NULL, NULL }

/* Fill `opts` with the defaults of `version` (1 .. PROMOTE_CONTEXT_OPTIONS_VERSION).
 * PROMOTE_EVERSION for a version this library does not know. */
PROMOTE_EXTERN(int) promote_context_options_init(promote_context_options *opts, unsigned int version);

/*
 * Open a context from a configuration file. On failure *out is NULL and
 * promote_error_last() holds every problem found (chained through `next`),
 * each with file, line and column.
 */
PROMOTE_EXTERN(int) promote_context_open_file(
	promote_context **out, const char *path, const promote_context_options *opts);

/* The same from bytes in memory. `name` is used in messages (NULL = "<buffer>");
 * the bytes are copied. */
PROMOTE_EXTERN(int) promote_context_open_buffer(
	promote_context **out, const char *data, size_t size, const char *name,
	const promote_context_options *opts);

/*
 * The same from a git repository without a working tree: reads `config_path`
 * (NULL = "promote.yaml") at the repository's HEAD. `repository` is a local
 * path (bare or not), a file:// URL, or a remote URL (http(s)://, ssh://,
 * user@host:path), which is mirrored in the cache (options' cache_dir) and
 * fetched; promotions then commit in the mirror and push.
 */
PROMOTE_EXTERN(int) promote_context_open_repository(
	promote_context **out, const char *repository, const char *config_path,
	const promote_context_options *opts);

/* Release the context and everything it owns. NULL is fine. Objects created
 * from it (effective policies) keep it alive until they are freed too. */
PROMOTE_EXTERN(void) promote_context_free(promote_context *ctx);

/* The name the configuration was loaded from, as used in messages. Borrowed. */
PROMOTE_EXTERN(const char *) promote_context_source(const promote_context *ctx);

/* The git repository promotions read and write: the one opened with
 * promote_context_open_repository(), or the one holding the configuration
 * file; NULL when there is none. Borrowed. */
PROMOTE_EXTERN(const char *) promote_context_repository_path(const promote_context *ctx);

/* The name of the remote ("origin") that a context opened from a
 * configuration file in an ordinary (non-bare) clone promotes into: the
 * clone's current branch's upstream remote, else origin. Plans read its
 * mirror (or, for a path, the repository itself) and apply pushes to it;
 * the clone itself is not changed. NULL when the context's repository is no
 * clone's remote (a bare repository, a clone without remotes, a context
 * opened on a repository or a buffer), and for NULL. Borrowed. */
PROMOTE_EXTERN(const char *) promote_context_remote_name(const promote_context *ctx);

/* How many transfers of `kind` (PROMOTE_TRANSFER_FETCH or _PUSH, a
 * promote_transfer_kind) with the remote of a context opened on a remote
 * repository ended with `outcome` (a promote_transfer_outcome) since the
 * context was opened — the clone or fetch that opened it is a fetch, every
 * fetch and push after it counted, whatever made it (plans, applies, a
 * watcher's passes), with or without the event callback. For a monitor: a
 * watcher reads the counts between its passes. 0 for a repository on this
 * machine (nothing is transferred), another kind or outcome, and NULL.
 * It cannot fail, and leaves the calling thread's error chain alone. */
PROMOTE_EXTERN(uint64_t) promote_context_transfers(const promote_context *ctx, int kind, int outcome);

/* ---- checking a configuration against its repository --------------------- */

/* Warnings found by promote_context_check(); freed by the caller. */
typedef struct promote_warnings promote_warnings;

/*
 * Check what opening the context could not. Errors: each git provider
 * (repositories.*.provider) and deploy backend (environments.*.deploy.backend)
 * the configuration names must be built in ("local"; "none", "exec", "argocd") or
 * registered on `ctx` by now; otherwise PROMOTE_EINVALID, every unknown name
 * in the error chain at its file:line:column with a "did you mean", and *out
 * NULL. Warnings: a flow step of a `never` environment that other steps wait
 * for (they can never run), at the step's file:line:column; with a
 * repository and a default flow, each template `files` glob
 * that matches no file of its product's folder on the trigger environment's
 * branch (the promotion would copy nothing for it), at the glob's
 * file:line:column. On success *out is a new list, possibly empty.
 */
PROMOTE_EXTERN(int) promote_context_check(promote_warnings **out, promote_context *ctx);
PROMOTE_EXTERN(size_t) promote_warnings_count(const promote_warnings *warnings);
/* Warning `index` (sorted by file, line, column) as a promote_error: code,
 * class, message with its "file:line:column: " prefix; NULL past the end.
 * Owned by the list. */
PROMOTE_EXTERN(const promote_error *) promote_warnings_at(const promote_warnings *warnings, size_t index);
PROMOTE_EXTERN(void) promote_warnings_free(promote_warnings *warnings);

/* ---- what a crash left behind --------------------------------------------- */

/* Flags of promote_context_doctor(). */
typedef enum promote_doctor_flag {
	PROMOTE_DOCTOR_FIX = 1 << 0  /* remove the stale locks found */
} promote_doctor_flag;

/*
 * Look in the repository promotions write (the context's, or the mirror of
 * its remote) for what a git or promote process that was killed left behind
 * and that makes later runs fail: lock files (refs/heads/main.lock,
 * refs/promote/changes/...lock, packed-refs.lock, HEAD.lock, config.lock,
 * index.lock, ...). git records no owner in a lock file, so its age tells:
 * one older than $PROMOTE_STALE_LOCK_AGE seconds (default 600) is stale,
 * a younger one may belong to a process at work and is never removed. A
 * mirror in the cache is promote's own: its locks are removed whenever it is
 * opened under its flock, this call included.
 *
 * With PROMOTE_DOCTOR_FIX the stale locks are removed. *out receives one
 * entry per lock found (file: its path): code PROMOTE_EBUSY while it stays
 * in the way, PROMOTE_OK once removed; `in_the_way` (may be NULL) how many
 * stay. 0 when the repository could be examined, even if locks stay; the
 * errors of opening the repository otherwise (*out NULL).
 */
PROMOTE_EXTERN(int) promote_context_doctor(promote_warnings **out, size_t *in_the_way, promote_context *ctx,
	unsigned int flags);

PROMOTE_END_DECL

#endif
