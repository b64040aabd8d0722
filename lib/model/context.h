/* Internal: the context behind the public handle. */
#ifndef PROMOTE_MODEL_CONTEXT_H
#define PROMOTE_MODEL_CONTEXT_H

#include "config/schema.h"
#include "core/progress.h"
#include "git/reader.h"
#include "git/remote_auth.h"
#include "names.h"
#include "registry_list.h"
#include "repo_set.h"

typedef struct promote__git_session promote__git_session;

struct promote_context {
	unsigned refcount;           /* the caller's handle + every object that keeps it alive */
	promote__config cfg;
	promote_context_options options;
	promote__registry git_providers;
	promote__registry deploy_backends;
	char *config_dir;            /* the folder of the configuration file, or NULL */
	char *repo_path;             /* the repository promotions use (a remote's mirror); found on first request */
	char *remote_url;            /* the remote it mirrors, or NULL for a local repository */
	bool repo_searched;
	char *remote_name;           /* a clone's remote that is the repository ("origin"), or NULL */
	bool worktree;               /* a clone without remote: its checked-out branch moves with its work tree */
	bool config_elsewhere;       /* the configuration file is in no folder of its repository's work tree */
	char *folder;                /* the configuration's folder in its repository ("a/b"; NULL: the root):
	                                where environment paths start */
	char *cache_dir;             /* the options' cache_dir, copied: the session may open after the call */
	promote__credentials creds;  /* the options' credentials callback */
	promote__events events;      /* the options' event callback */
	promote__git_session *session; /* the repository, opened on first use (at once for a repository's context) */
	promote__repo_set repos;     /* the other repositories environments live in (context_repos.c) */
	void *deploy_runs;           /* the built-in exec deploy backend's runs (providers/deploy/exec.c), or NULL */
	void (*deploy_runs_free)(void *runs); /* ends them (kills what runs, removes its files) with the context */
};

/* The wall clock of releases (Unix seconds): the options' clock_cb, else the system's. */
int64_t promote__context_now(const promote_context *ctx);

/* The repository promotions read and write (see promote_context_repository_path()). */
const char *promote__context_repository(promote_context *ctx);

/* The configuration is the repository's own: read from it, or a file in
 * its work tree (not, say, a file in a bare repository's folder). */
bool promote__context_config_in_repository(promote_context *ctx);

/* The folder of the configuration file in its repository, where the
 * environments' paths start: "" at the root (and without a repository),
 * else "a/b" — promote.yaml in a clone's subfolder (promote_context_open_file),
 * or a config_path in a folder (promote_context_open_repository). */
const char *promote__context_folder(promote_context *ctx);

/*
 * The context's repository session, opened on first use and kept until the
 * context is freed (see git/session.h). PROMOTE_ESTATE when the context has
 * no repository; the errors of promote__git_session_open().
 */
int promote__context_session(promote__git_session **out, promote_context *ctx);

/* The read-only view of that session (for lib/plan). */
int promote__context_reader(const promote__tree_reader **out, promote_context *ctx);

/* Another read-only view of it, for one other thread (promote__git_session_reader_open()); closed
 * with promote__context_reader_close(). */
int promote__context_reader_open(promote__tree_reader **out, promote_context *ctx);
void promote__context_reader_close(promote__tree_reader *reader);

/*
 * The repository `env` lives in, when it is not the context's: *out the
 * location its `repositories.NAME.url` names (a relative path resolved from
 * the configuration file's folder, or, for a configuration read from a
 * repository, from that repository's path or URL), owned by the context; NULL
 * for the context's own repository (no url, or the context's). PROMOTE_EINVALID
 * (file:line:column) for a relative url that climbs too far.
 */
int promote__context_env_elsewhere(const char **out, promote_context *ctx, const promote_env *env);

/*
 * What planning reads `env` through: the context's reader for an environment
 * in the context's repository, else a read-only session on the other one (a
 * remote mirrored in the cache, fetched once per context, with the context's
 * credentials and events; a path opened as it is), kept by location until
 * the context is freed. Nothing is written through it. The errors of
 * promote__context_reader(); the session's, told which environment and
 * repository needed it.
 */
int promote__context_env_reader(const promote__tree_reader **out, promote_context *ctx, const promote_env *env);

/* Keep the context alive for an object made from it; release with promote__context_unref. */
void promote__context_ref(promote_context *ctx);
void promote__context_unref(promote_context *ctx);

/* Deliver a log line if the context asked for that level. */
void promote__log(const promote_context *ctx, int level, const char *domain, const char *fmt, ...)
	PROMOTE_PRINTF(4, 5);

#endif
