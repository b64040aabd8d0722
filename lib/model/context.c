/* Opening and freeing contexts. */
#define _DEFAULT_SOURCE /* realpath */
#include "context.h"
#include "names.h"
#include "validate.h"
#include "core/file.h"
#include "core/options.h"

#include "config/loader.h"
#include "git/clone.h"
#include "git/mirror.h"
#include "git/session.h"
#include "git/global_git.h"
#include "yaml/tree.h"

#include <errno.h>
#include <git2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_MAX_DEPTH 64
#define DEFAULT_MAX_CONFIG_SIZE (1024 * 1024)
#define DEFAULT_MAX_ALIAS_NODES 100000

/* How long the struct was in each version: 1 ended before cache_dir, 2 before credentials_cb,
 * 3 before event_cb, 4 before clock_cb. */
static const size_t options_sizes[] = {
	offsetof(promote_context_options, cache_dir),
	offsetof(promote_context_options, credentials_cb),
	offsetof(promote_context_options, event_cb),
	offsetof(promote_context_options, clock_cb),
	sizeof(promote_context_options),
};
PROMOTE__OPTIONS_SIZES_CHECK(options_sizes, PROMOTE_CONTEXT_OPTIONS_VERSION);

int promote_context_options_init(promote_context_options *opts, unsigned int version)
{
	static const promote_context_options defaults = PROMOTE_CONTEXT_OPTIONS_INIT;
	return promote__options_init(opts, &defaults, options_sizes, version, PROMOTE_CONTEXT_OPTIONS_VERSION,
		"promote_context_options", __func__);
}

/* Copy the prefix of the caller's options that its version had; default the rest. */
static int copy_options(promote_context_options *dst, const promote_context_options *src)
{
	*dst = (promote_context_options)PROMOTE_CONTEXT_OPTIONS_INIT;
	int rc = promote__options_copy(dst, src, options_sizes, PROMOTE_CONTEXT_OPTIONS_VERSION,
		"promote_context_options");
	if (rc)
		return rc;
	if (!dst->max_depth)
		dst->max_depth = DEFAULT_MAX_DEPTH;
	if (!dst->max_config_size)
		dst->max_config_size = DEFAULT_MAX_CONFIG_SIZE;
	if (!dst->max_alias_nodes)
		dst->max_alias_nodes = DEFAULT_MAX_ALIAS_NODES;
	return 0;
}

void promote__context_ref(promote_context *ctx)
{
	ctx->refcount++;
}

void promote__context_unref(promote_context *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return;
	if (ctx->deploy_runs_free)
		ctx->deploy_runs_free(ctx->deploy_runs);
	promote__registry_clear(&ctx->git_providers, true);
	promote__registry_clear(&ctx->deploy_backends, false);
	promote__arena_free(ctx->cfg.arena);
	free(ctx->config_dir);
	promote__git_session_free(ctx->session);
	promote__repo_set_dispose(&ctx->repos);
	free(ctx->repo_path);
	free(ctx->remote_url);
	free(ctx->remote_name);
	free(ctx->cache_dir);
	free(ctx->folder);
	free(ctx);
}

void promote_context_free(promote_context *ctx)
{
	promote__context_unref(ctx);
}

int64_t promote__context_now(const promote_context *ctx)
{
	if (ctx && ctx->options.clock_cb)
		return ctx->options.clock_cb(ctx->options.clock_payload);
	return (int64_t)time(NULL);
}

const char *promote_context_source(const promote_context *ctx)
{
	return ctx ? ctx->cfg.source : NULL;
}

/* The longest log line delivered: a line longer is cut on purpose, ending in
 * "…" (a log line is for reading, and one this long is a runaway value). */
#define LOG_LINE_MAX (64 * 1024)
static const char ellipsis[] = "\xe2\x80\xa6";

void promote__log(const promote_context *ctx, int level, const char *domain, const char *fmt, ...)
{
	if (!ctx || !ctx->options.log_cb || level > ctx->options.log_level)
		return;
	/* Not a promote__strbuf: logging must leave promote_error_last() as it
	 * is, and a strbuf that fails records an error. Most lines fit the stack
	 * buffer; a longer one is formatted again into an allocation. */
	char text[1024];
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	char *line = NULL;
	if (n >= (int)sizeof text) {
		size_t size = (size_t)n < LOG_LINE_MAX ? (size_t)n + 1 : LOG_LINE_MAX + 1;
		if ((line = malloc(size)) != NULL)
			vsnprintf(line, size, fmt, again);
		/* Cut (or out of memory: the stack buffer's part), said with "…". */
		if ((size_t)n >= size || !line) {
			char *cut = line ? line : text;
			size_t room = line ? size : sizeof text;
			size_t at = room - sizeof ellipsis;
			while (at > 0 && ((unsigned char)cut[at] & 0xC0) == 0x80)
				at--; /* not inside a UTF-8 character */
			memcpy(cut + at, ellipsis, sizeof ellipsis);
		}
	}
	va_end(again);
	ctx->options.log_cb(level, domain, line ? line : n < 0 ? "(a log line that could not be formatted)" : text,
		ctx->options.log_payload);
	free(line);
}

static int check_ready(promote_context **out, const char *function)
{
	if (!out)
		return promote__error_arg(function, "out");
	*out = NULL;
	if (!promote__initialized())
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_INVALID,
			"%s: libpromote is not initialised; call promote_init() first", function);
	return 0;
}

/* Parse, load and validate `data`; on success *out owns a new context. */
static int open_from_bytes(promote_context **out, const char *data, size_t size, const char *name,
	const promote_context_options *opts)
{
	promote_context *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return promote__error_oom();
	ctx->refcount = 1;
	int rc = copy_options(&ctx->options, opts);
	ctx->creds.cb = ctx->options.credentials_cb;
	ctx->creds.payload = ctx->options.credentials_payload;
	ctx->events.cb = ctx->options.event_cb;
	ctx->events.payload = ctx->options.event_payload;
	ctx->creds.net_timeout_s = ctx->options.net_timeout;
	/* The caller's string need only live through this call; the session may open later. */
	if (rc == 0 && ctx->options.cache_dir && !(ctx->options.cache_dir = ctx->cache_dir = strdup(ctx->options.cache_dir)))
		rc = promote__error_oom();
	if (rc || !(ctx->cfg.arena = promote__arena_new()) ||
		!(ctx->cfg.source = promote__arena_strdup(ctx->cfg.arena, name))) {
		promote__context_unref(ctx);
		return rc ? rc : promote__error_oom();
	}
	promote__ylimits limits = { ctx->options.max_config_size, ctx->options.max_depth,
		ctx->options.max_alias_nodes };
	promote__ydoc *doc = NULL;
	if ((rc = promote__ydoc_parse(&doc, data, size, ctx->cfg.source, &limits)) < 0) {
		promote__context_unref(ctx);
		return rc;
	}
	promote__errlist *errors = promote__errlist_new();
	if (!errors) {
		promote__ydoc_free(doc);
		promote__context_unref(ctx);
		return promote__error_oom();
	}
	/* Validate even after load errors, so that one run reports everything. */
	promote__config_load(&ctx->cfg, doc, errors);
	promote__model_validate(&ctx->cfg, errors);
	promote__ydoc_free(doc);
	rc = promote__errlist_publish(errors);
	promote__errlist_free(errors);
	if (rc) {
		promote__context_unref(ctx);
		return rc;
	}
	promote__log(ctx, PROMOTE_LOG_DEBUG, "config",
		"%s: %zu environments, %zu products, %zu policies, %zu flows", name, ctx->cfg.env_count,
		ctx->cfg.product_count, ctx->cfg.policy_count, ctx->cfg.flow_count);
	*out = ctx;
	return 0;
}

int promote_context_open_buffer(promote_context **out, const char *data, size_t size, const char *name,
	const promote_context_options *opts)
{
	int rc = check_ready(out, __func__);
	if (rc)
		return rc;
	if (!data && size)
		return promote__error_arg(__func__, "data");
	return open_from_bytes(out, data ? data : "", size, name ? name : "<buffer>", opts);
}

/* Read a whole regular file of at most `limit` bytes. */
static int read_file(char **out, size_t *size, const char *path, uint64_t limit)
{
	promote__location where = { path, 0, 0 };
	struct stat st;
	FILE *f = promote__fopen_status(path, &st); /* a FIFO does not block */
	if (!f)
		return promote__error_at(errno == ENOENT ? PROMOTE_ENOTFOUND : PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS,
			&where, "cannot open the configuration: %s; check the path",
			strerror(errno));
	if (!S_ISREG(st.st_mode)) {
		fclose(f);
		return promote__error_at(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where,
			"the configuration is not a regular file; name a promote.yaml file");
	}
	if ((uint64_t)st.st_size > limit) {
		fclose(f);
		return promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_CONFIG, &where,
			"the configuration has %lld bytes, more than the limit of %llu; raise max_config_size "
			"or make it smaller", (long long)st.st_size, (unsigned long long)limit);
	}
	char *data = malloc((size_t)st.st_size + 1);
	if (!data) {
		fclose(f);
		return promote__error_oom();
	}
	size_t n = fread(data, 1, (size_t)st.st_size, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		free(data);
		return promote__error_at(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, &where, "cannot read the configuration");
	}
	data[n] = '\0';
	*out = data;
	*size = n;
	return 0;
}

int promote_context_open_file(promote_context **out, const char *path, const promote_context_options *opts)
{
	int rc = check_ready(out, __func__);
	if (rc)
		return rc;
	if (!path)
		return promote__error_arg(__func__, "path");
	promote_context_options effective;
	if ((rc = copy_options(&effective, opts)))
		return rc;
	char *data = NULL;
	size_t size = 0;
	if ((rc = read_file(&data, &size, path, effective.max_config_size)))
		return rc;
	rc = open_from_bytes(out, data, size, path, opts);
	free(data);
	if (rc == 0) {
		/* Remember where the file is: its repository is found when first needed. */
		const char *slash = strrchr(path, '/');
		(*out)->config_dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
		if (!(*out)->config_dir) {
			promote_context_free(*out);
			*out = NULL;
			return promote__error_oom();
		}
	}
	return rc;
}

int promote_context_open_repository(promote_context **out, const char *repository, const char *config_path,
	const promote_context_options *opts)
{
	int rc = check_ready(out, __func__);
	if (rc)
		return rc;
	if (!repository)
		return promote__error_arg(__func__, "repository");
	if (!config_path)
		config_path = "promote.yaml";
	promote_context_options effective;
	if ((rc = copy_options(&effective, opts)))
		return rc;
	/* The session: a remote repository is read from its mirror in the cache, fetched now. */
	promote__credentials creds = { effective.credentials_cb, effective.credentials_payload, effective.net_timeout,
		NULL };
	promote__events events = { effective.event_cb, effective.event_payload };
	promote__git_location where = { repository, NULL, effective.cache_dir, &creds, &events, false };
	promote__git_session *session = NULL;
	if ((rc = promote__git_session_open(&session, &where)))
		return rc;
	/* Its size from the object's header first: a huge file is refused before it is read. */
	git_oid head, blob;
	uint64_t size = 0;
	/* No HEAD (unborn, missing) is "no configuration"; a HEAD that cannot be read is that error. */
	int git_rc = git_reference_name_to_id(&head, session->repo, "HEAD");
	if (git_rc == 0)
		rc = promote__git_file_at(&blob, &size, NULL, session->repo, &head, config_path);
	else if (git_rc == GIT_ENOTFOUND || git_rc == GIT_EUNBORNBRANCH)
		rc = PROMOTE_ENOTFOUND;
	else
		rc = promote__git_failed(git_rc, "cannot read", "HEAD");
	if (rc == PROMOTE_ENOTFOUND) {
		char *shown = promote__redact_url(repository);
		rc = shown ? promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_CONFIG,
				     "the repository '%s' has no '%s' at HEAD; commit one, or name the file that holds "
				     "the configuration (config_path)",
				     shown, config_path)
			   : promote__error_oom();
		free(shown);
	}
	if (rc) {
		promote__git_session_free(session);
		return rc;
	}
	promote_buf bytes = PROMOTE_BUF_INIT;
	if (size > effective.max_config_size) {
		promote__location at = { config_path, 0, 0 };
		rc = promote__error_at(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_CONFIG, &at,
			"the configuration has %llu bytes, more than the limit of %llu; raise max_config_size",
			(unsigned long long)size, (unsigned long long)effective.max_config_size);
	} else if ((rc = promote__git_read(&bytes, session->repo, &head, config_path, (size_t)size)) == 0 &&
		   (rc = open_from_bytes(out, bytes.ptr ? bytes.ptr : "", bytes.size, config_path, opts)) == 0) {
		(*out)->repo_searched = true;
		const char *slash = strrchr(config_path, '/');
		if (!((*out)->repo_path = strdup(session->path)) ||
			(slash && slash > config_path && !((*out)->folder = strndup(config_path, (size_t)(slash - config_path)))) ||
			(session->remote_url && !((*out)->remote_url = strdup(session->remote_url)))) {
			promote_context_free(*out);
			*out = NULL;
			rc = promote__error_oom();
		} else {
			/* Opened once: planning, discovery, applying and the providers share it. */
			promote__git_session_adopt(session, &(*out)->creds, &(*out)->events);
			(*out)->session = session;
			session = NULL;
		}
	}
	promote_buf_dispose(&bytes);
	promote__git_session_free(session);
	return rc;
}

/* The folder `dir` below the work tree `root` ("" for the root itself), or
 * NULL when it is not below it or out of memory. */
static char *folder_below(const char *root, const char *dir)
{
	char *r = realpath(root, NULL), *d = realpath(dir, NULL), *out = NULL;
	size_t n = r ? strlen(r) : 0;
	if (n == 1) /* the root of the file system */
		n = 0;
	if (r && d && strncmp(r, d, n) == 0 && (d[n] == '\0' || d[n] == '/'))
		out = strdup(d[n] == '/' ? d + n + 1 : d + n);
	free(r);
	free(d);
	return out;
}

/*
 * The repository that holds the configuration file. In an ordinary clone
 * the repository promoted into is its upstream remote (a mirror in the cache
 * for a URL, the repository itself for a path); a clone without one is
 * itself, its checked-out branch moving with its work tree.
 */
static void find_repository(promote_context *ctx, const char *found)
{
	git_repository *repo = NULL;
	char *name = NULL, *url = NULL;
	if (git_repository_open_ext(&repo, found, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
		promote__git_upstream(&name, &url, repo) < 0) {
		/* Unreadable as a clone: the repository itself, as found. */
		promote_error_clear();
		git_error_clear();
	}
	bool clone = repo && !git_repository_is_bare(repo);
	/* Where in the work tree the configuration file is: its environments' paths start there. */
	char *folder = clone ? folder_below(git_repository_workdir(repo), ctx->config_dir) : NULL;
	ctx->config_elsewhere = !folder;
	if (folder && *folder)
		ctx->folder = folder;
	else
		free(folder);
	git_repository_free(repo);
	if (url) {
		ctx->repo_path = promote__git_mirror_folder(url, ctx->cache_dir);
		ctx->remote_url = promote__git_is_remote(url) ? url : NULL;
		ctx->remote_name = name;
		if (!ctx->remote_url)
			free(url);
	} else {
		ctx->repo_path = strdup(found);
		ctx->worktree = clone;
		free(name);
	}
}

const char *promote__context_repository(promote_context *ctx)
{
	if (ctx->repo_searched || !ctx->config_dir)
		return ctx->repo_path;
	ctx->repo_searched = true;
	git_buf found = { 0 };
	/* Not finding one is an answer (NULL), not an error: libgit2's own error is left alone. */
	if (promote__need_git() == 0 && git_repository_discover(&found, ctx->config_dir, 0, NULL) == 0)
		find_repository(ctx, found.ptr);
	git_buf_dispose(&found);
	return ctx->repo_path;
}

bool promote__context_config_in_repository(promote_context *ctx)
{
	return promote__context_repository(ctx) && (!ctx->config_dir || !ctx->config_elsewhere);
}

const char *promote__context_folder(promote_context *ctx)
{
	promote__context_repository(ctx);
	return ctx->folder ? ctx->folder : "";
}

int promote__context_session(promote__git_session **out, promote_context *ctx)
{
	*out = ctx->session;
	if (ctx->session)
		return 0;
	const char *path = promote__context_repository(ctx);
	if (!path)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_CONFIG,
			"%s is not in a git repository; open the context from a repository", promote_context_source(ctx));
	promote__git_location where = { ctx->remote_url ? ctx->remote_url : path, ctx->remote_name, ctx->cache_dir,
		&ctx->creds, &ctx->events, ctx->worktree };
	int rc = promote__git_session_open(&ctx->session, &where);
	*out = ctx->session;
	return rc;
}

int promote__context_reader(const promote__tree_reader **out, promote_context *ctx)
{
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, ctx);
	*out = rc ? NULL : promote__git_session_reader(session);
	return rc;
}

int promote__context_reader_open(promote__tree_reader **out, promote_context *ctx)
{
	promote__git_session *session = NULL;
	int rc = promote__context_session(&session, ctx);
	*out = NULL;
	return rc ? rc : promote__git_session_reader_open(out, session);
}

void promote__context_reader_close(promote__tree_reader *reader)
{
	promote__git_session_reader_close(reader);
}

const char *promote_context_remote_name(const promote_context *ctx)
{
	/* Finding the repository once and remembering it does not change what the context is. */
	return ctx && promote__context_repository((promote_context *)ctx) ? ctx->remote_name : NULL;
}

uint64_t promote_context_transfers(const promote_context *ctx, int kind, int outcome)
{
	const promote__git_session *s = ctx ? ctx->session : NULL;
	if (!s || !s->remote_url || outcome < PROMOTE_TRANSFER_OK || outcome > PROMOTE_TRANSFER_REFUSED)
		return 0;
	return kind == PROMOTE_TRANSFER_FETCH ? s->fetches[outcome] : kind == PROMOTE_TRANSFER_PUSH ? s->pushes[outcome]
		: 0;
}

const char *promote_context_repository_path(const promote_context *ctx)
{
	/* Finding it once and remembering it does not change what the context is. */
	return ctx ? promote__context_repository((promote_context *)ctx) : NULL;
}
