/* The built-in "exec" deploy backend (see exec.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "exec.h"
#include "process.h"

#include "git/checkout.h"
#include "git/session.h"
#include "plan/plan.h"
#include "model/context.h"
#include "config/duration.h"
#include "core/array.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/file.h"
#include "core/strbuf.h"
#include "core/strutil.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One command: a workflow's run, or a deploy's sync or health check. */
typedef struct run {
	char *id;                 /* a workflow's run id; NULL for a deploy's command */
	char *what;               /* for messages: "workflow 'smoke-test'", "deploy.sync" */
	char *dir;                /* its scratch folder, removed when it ends */
	promote__process *proc;   /* NULL once it ended */
	uint32_t timeout_s;
	int exit_status;
	bool timed_out;
	promote_buf output;       /* once it ended: the last bytes, and a line when it timed out */
} run;

typedef enum phase {
	SYNCING,   /* deploy.sync runs */
	CHECKING,  /* deploy.health runs */
	RESTING,   /* deploy.health said progressing; it runs again at next_check_ms */
	SETTLED    /* synced and healthy, or failed, or degraded */
} phase;

/* A deploy of one product in one environment. */
typedef struct deployment {
	char *environment;
	char *product;
	char *revision;
	phase phase;
	run *current;             /* the command of SYNCING or CHECKING */
	int sync;
	int health;
	char *message;
	int64_t deadline_ms;
	int64_t next_check_ms;
} deployment;

/* The runs of one context (kept in it: see model/context.h). */
typedef struct exec_state {
	PROMOTE__ARRAY(run *) runs;
	PROMOTE__ARRAY(deployment *) deployments;
	char *prefix;             /* "exec-PID-TIME": run ids of this process, not of one before it */
	unsigned long next;
} exec_state;

/* What to run, read from either request. */
typedef struct command {
	const char *what;
	const char **argv;        /* borrowed from the request */
	size_t argc;
	const char *environment;
	const char *product;
	const char *version;
	const char *release;
	const char *revision;
	const char *products;
	uint32_t timeout_s;
} command;

/* ---- runs ---------------------------------------------------------------- */

static void run_free(run *r)
{
	if (!r)
		return;
	promote__process_free(r->proc);
	if (r->dir)
		promote__remove_tree(r->dir);
	free(r->dir);
	free(r->id);
	free(r->what);
	promote_buf_dispose(&r->output);
	free(r);
}

/* The run ended: its output kept, its process and folder gone. */
static int settle(run *r, int exit_status)
{
	r->exit_status = exit_status;
	r->timed_out = promote__process_timed_out(r->proc);
	int rc = promote__process_output(&r->output, r->proc, PROMOTE_WORKFLOW_OUTPUT_MAX);
	if (rc == 0 && r->timed_out) {
		char *line = promote__strdupf("%spromote: %s timed out after %s; its process group was killed\n",
			r->output.size && r->output.ptr[r->output.size - 1] != '\n' ? "\n" : "", r->what,
			promote__duration(r->timeout_s).text);
		rc = line ? promote__buf_puts(&r->output, line) : PROMOTE_ENOMEM;
		free(line);
	}
	promote__process_free(r->proc);
	r->proc = NULL;
	promote__remove_tree(r->dir);
	free(r->dir);
	r->dir = NULL;
	return rc;
}

/* Drive a run: true once it has ended (settled). */
static int advance_run(bool *ended, run *r)
{
	int exit_status, rc = 0;
	if (r->proc && promote__process_poll(r->proc, &exit_status))
		rc = settle(r, exit_status);
	*ended = !r->proc;
	return rc;
}

/* The last line of a run's output (at most 200 bytes of it), for a message. */
static char *last_line(const run *r)
{
	return promote__last_line(r->output.ptr, r->output.size, 200);
}

/* ---- starting a command -------------------------------------------------- */

/* A program given by a relative path ("./checks/smoke.sh"): in the
 * repository, from the configuration's folder; "a/b" from its root in *out. */
static int program_in_repository(char **out, const char *folder, const char *program, const char *what)
{
	promote__strbuf path;
	promote__strbuf_init(&path, PROMOTE__PATH_MAX, "a program's path in the repository");
	int rc = promote__strbuf_adds(&path, folder);
	for (const char *p = program; rc == 0 && *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && strncmp(p, "..", 2) == 0)
			rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
				"%s: the program '%s' goes out of the configuration's folder with '..'; a relative path "
				"names a file in the repository, from the folder of promote.yaml", what, program);
		else if (len && !(len == 1 && *p == '.'))
			rc = promote__strbuf_addf(&path, "%s%.*s", promote__strbuf_len(&path) ? "/" : "", (int)len, p);
		p += len + (p[len] == '/');
	}
	if (rc == 0)
		*out = promote__strbuf_take(&path);
	promote__strbuf_free(&path);
	return rc == 0 && !*out ? PROMOTE_ENOMEM : rc;
}

/* Folder `a` holds folder `b` (or is it): "" and "." are the root. */
static bool holds(const char *a, const char *b)
{
	size_t n = strlen(a);
	return !*a || strcmp(a, ".") == 0 || (strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/'));
}

static int write_folder(git_repository *repo, const git_oid *commit, const char *files, const char *path,
	unsigned flags)
{
	bool root = !*path || strcmp(path, ".") == 0;
	char *dest = root ? strdup(files) : promote__strdupf("%s/%s", files, path);
	int rc = dest ? promote__git_write_folder(repo, commit, root ? "" : path, dest, flags) : promote__error_oom();
	free(dest);
	return rc;
}

/* The files of the checkout: the environment's folder (empty when it is not
 * there yet: a new environment's check), for a program in the repository
 * the folder holding it (its neighbours with it), and the files beside
 * promote.yaml in `folder` (a FREEZE file a check looks for, the
 * configuration itself) — not the other folders of the repository. */
static int check_out(git_repository *repo, const git_oid *commit, const char *files, const char *folder,
	const char *env_dir, const char *program_dir)
{
	int rc = 0;
	if (program_dir && holds(program_dir, env_dir))
		rc = write_folder(repo, commit, files, program_dir, 0);
	else
		rc = write_folder(repo, commit, files, env_dir, PROMOTE__CHECKOUT_MISSING_EMPTY);
	if (rc == 0 && program_dir && !holds(program_dir, env_dir) && !holds(env_dir, program_dir))
		rc = write_folder(repo, commit, files, program_dir, 0);
	if (rc == 0 && !holds(env_dir, folder) && !(program_dir && holds(program_dir, folder)))
		rc = write_folder(repo, commit, files, folder, PROMOTE__CHECKOUT_FILES_ONLY | PROMOTE__CHECKOUT_MISSING_EMPTY);
	return rc;
}

/* The environment the command sees: ours, with the PROMOTE_* variables set. */
static int make_env(char ***out, const command *c)
{
	const char *const names[] = { "PROMOTE_RELEASE", "PROMOTE_PRODUCT", "PROMOTE_ENV", "PROMOTE_VERSION",
		"PROMOTE_COMMIT", "PROMOTE_PRODUCTS" };
	const char *const values[] = { c->release, c->product, c->environment, c->version, c->revision,
		c->products ? c->products : "" };
	return promote__process_environ(out, names, values, PROMOTE_ARRAY_SIZE(names));
}

/* A fresh scratch folder under $TMPDIR (or /tmp), by its real path. */
static int scratch(char **out)
{
	const char *tmp = getenv("TMPDIR");
	char *templ = promote__strdupf("%s/promote-exec-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!templ)
		return PROMOTE_ENOMEM;
	if (!mkdtemp(templ)) {
		int rc = promote__error(PROMOTE_EIO, PROMOTE_ERROR_CLASS_OS, "cannot create a scratch folder '%s': %s",
			templ, strerror(errno));
		free(templ);
		return rc;
	}
	char *real = realpath(templ, NULL);
	if (!real) {
		promote__remove_tree(templ);
		free(templ);
		return promote__error_oom();
	}
	free(templ);
	*out = real;
	return 0;
}

/* Where the command runs and what it executes, worked out in `r->dir`. */
typedef struct layout {
	char *program;       /* what is executed */
	char *program_dir;   /* for a program in the repository: its folder there */
	char *env_dir;       /* the environment's folder in the repository */
	char *env_path;      /* ... in the checkout */
	char *cwd;           /* the configuration's folder in the checkout */
} layout;

static void layout_dispose(layout *l)
{
	free(l->program);
	free(l->program_dir);
	free(l->env_dir);
	free(l->env_path);
	free(l->cwd);
}

static int plan_layout(layout *l, promote_context *ctx, const command *c, const char *files)
{
	const promote_env *env;
	const char *argv0 = c->argv[0];
	int rc = promote_env_lookup(&env, ctx, c->environment);
	if (rc == 0 && !(l->env_dir = promote__plan_env_dir(ctx, env)))
		rc = promote__error_oom();
	if (rc == 0 && !strchr(argv0, '/')) {
		rc = promote__process_find(&l->program, argv0, c->what);
	} else if (rc == 0 && argv0[0] == '/') {
		l->program = strdup(argv0);
	} else if (rc == 0) {
		char *in_repo = NULL;
		rc = program_in_repository(&in_repo, promote__context_folder(ctx), argv0, c->what);
		if (rc == 0) {
			char *slash = strrchr(in_repo, '/');
			l->program_dir = slash ? strndup(in_repo, (size_t)(slash - in_repo)) : strdup("");
			l->program = promote__strdupf("%s/%s", files, in_repo);
		}
		free(in_repo);
	}
	const char *folder = promote__context_folder(ctx);
	bool root = l->env_dir && strcmp(l->env_dir, ".") == 0;
	if (rc == 0 && !(l->env_path = root ? strdup(files) : promote__strdupf("%s/%s", files, l->env_dir)))
		rc = promote__error_oom();
	if (rc == 0 && !(l->cwd = *folder ? promote__strdupf("%s/%s", files, folder) : strdup(files)))
		rc = promote__error_oom();
	if (rc == 0 && (!l->program || (argv0[0] != '/' && strchr(argv0, '/') && !l->program_dir)))
		rc = promote__error_oom();
	return rc;
}

static int start_run(run **out, promote_context *ctx, const command *c)
{
	*out = NULL;
	if (!c->argc)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			"%s has no command for the exec backend of environment '%s' to run; give it one in promote.yaml",
			c->what, c->environment);
	if (!promote__context_repository(ctx))
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_DEPLOY,
			"the exec backend runs %s in a checkout of the repository, and this context has none: open it "
			"with promote_context_open_repository() or from a promote.yaml in a repository", c->what);
	git_oid commit;
	if (git_oid_fromstr(&commit, c->revision) < 0)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_DEPLOY,
			"%s: '%s' is not a commit id to check out", c->what, c->revision);
	promote__git_session *s;
	run *r = calloc(1, sizeof *r);
	layout l = { 0 };
	char *files = NULL, **envp = NULL;
	const char **argv = calloc(c->argc + 1, sizeof *argv);
	int rc = r && argv && (r->what = strdup(c->what)) ? 0 : promote__error_oom();
	if (rc == 0)
		rc = promote__context_session(&s, ctx);
	if (rc == 0)
		rc = scratch(&r->dir);
	if (rc == 0 && !(files = promote__strdupf("%s/files", r->dir)))
		rc = PROMOTE_ENOMEM;
	if (rc == 0)
		rc = plan_layout(&l, ctx, c, files);
	if (rc == 0)
		rc = check_out(s->repo, &commit, files, promote__context_folder(ctx), l.env_dir, l.program_dir);
	/* In the program's folder, the environment's may not be there yet. */
	if (rc == 0)
		rc = promote__make_folders(l.env_path);
	if (rc == 0)
		rc = promote__make_folders(l.cwd);
	if (rc == 0)
		rc = make_env(&envp, c);
	if (rc == 0) {
		argv[0] = l.program_dir ? l.program : c->argv[0];
		for (size_t i = 1; i < c->argc; i++)
			argv[i] = c->argv[i];
		promote__process_spec spec = { l.program, (char *const *)argv, envp, l.cwd, r->dir, c->timeout_s,
			c->argv[0], NULL, 0 };
		rc = promote__process_start(&r->proc, &spec);
	}
	if (rc == 0) {
		r->timeout_s = c->timeout_s;
		*out = r;
	} else {
		run_free(r);
	}
	promote__process_environ_free(envp);
	free(argv);
	free(files);
	layout_dispose(&l);
	return rc;
}

/* ---- the context's runs -------------------------------------------------- */

static void state_free(void *payload)
{
	exec_state *st = payload;
	for (size_t i = 0; i < st->runs.size; i++)
		run_free(st->runs.ptr[i]);
	for (size_t i = 0; i < st->deployments.size; i++) {
		deployment *d = st->deployments.ptr[i];
		run_free(d->current);
		free(d->environment);
		free(d->product);
		free(d->revision);
		free(d->message);
		free(d);
	}
	promote__array_free(&st->runs);
	promote__array_free(&st->deployments);
	free(st->prefix);
	free(st);
}

static int state_of(exec_state **out, promote_context *ctx)
{
	if (!ctx->deploy_runs) {
		exec_state *st = calloc(1, sizeof *st);
		if (!st || !(st->prefix = promote__strdupf("exec-%ld-%lx", (long)getpid(), (unsigned long)time(NULL)))) {
			free(st);
			return promote__error_oom();
		}
		ctx->deploy_runs = st;
		ctx->deploy_runs_free = state_free;
	}
	*out = ctx->deploy_runs;
	return 0;
}

/* ---- workflows ----------------------------------------------------------- */

static int exec_run_workflow(promote_workflow_status *out, const promote_workflow_request *req, void *payload)
{
	exec_state *st = NULL;
	int rc = state_of(&st, payload);
	if (rc)
		return rc;
	size_t argc = promote_workflow_request_arg_count(req);
	const char **argv = calloc(argc + 1, sizeof *argv);
	char *what = promote__strdupf("workflow '%s'", promote_workflow_request_name(req));
	for (size_t i = 0; argv && i < argc; i++)
		argv[i] = promote_workflow_request_arg_at(req, i);
	command c = { what, argv, argc, promote_workflow_request_environment(req),
		promote_workflow_request_product(req), promote_workflow_request_version(req),
		promote_workflow_request_release(req), promote_workflow_request_revision(req),
		promote_workflow_request_products(req), promote_workflow_request_timeout(req) };
	run *r = NULL;
	rc = argv && what ? start_run(&r, payload, &c) : promote__error_oom();
	if (rc == 0 && !(r->id = promote__strdupf("%s-%lu", st->prefix, ++st->next)))
		rc = PROMOTE_ENOMEM;
	if (rc == 0 && (rc = promote__array_push(&st->runs, r)) < 0)
		rc = promote__error_oom();
	if (rc == 0)
		rc = promote_workflow_status_set_run_id(out, r->id);
	else
		run_free(r);
	if (rc == 0)
		rc = promote_workflow_status_set_state(out, PROMOTE_WORKFLOW_RUNNING);
	free(argv);
	free(what);
	return rc;
}

static int exec_workflow_status(promote_workflow_status *out, const promote_workflow_request *req, void *payload)
{
	exec_state *st = NULL;
	int rc = state_of(&st, payload);
	const char *id = promote_workflow_request_run_id(req);
	run *r = NULL;
	for (size_t i = 0; rc == 0 && i < st->runs.size && !r; i++)
		if (strcmp(st->runs.ptr[i]->id, id) == 0)
			r = st->runs.ptr[i];
	if (rc == 0 && !r)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY,
			"workflow '%s' has no run '%s' in this process: the process that started it is gone; start it "
			"again", promote_workflow_request_name(req), id);
	bool ended = false;
	if (rc == 0)
		rc = advance_run(&ended, r);
	if (rc == 0 && !ended)
		return promote_workflow_status_set_state(out, PROMOTE_WORKFLOW_RUNNING);
	if (rc == 0)
		rc = promote_workflow_status_set_state(out,
			r->exit_status == 0 ? PROMOTE_WORKFLOW_SUCCEEDED : PROMOTE_WORKFLOW_FAILED);
	if (rc == 0)
		rc = promote_workflow_status_set_exit_status(out, r->exit_status);
	if (rc == 0)
		rc = promote_workflow_status_set_output(out, r->output.ptr ? r->output.ptr : "", r->output.size);
	return rc;
}

/* ---- deploys ------------------------------------------------------------- */

static int set_message(deployment *d, char *message)
{
	if (!message)
		return promote__error_oom();
	free(d->message);
	d->message = message;
	return 0;
}

/* A deploy's command (sync or health) from the request. */
static int start_deploy_command(deployment *d, promote_context *ctx, const promote_deploy_request *req, bool health)
{
	size_t argc = health ? promote_deploy_request_health_arg_count(req) : promote_deploy_request_sync_arg_count(req);
	const char **argv = calloc(argc + 1, sizeof *argv);
	for (size_t i = 0; argv && i < argc; i++)
		argv[i] = health ? promote_deploy_request_health_arg_at(req, i) : promote_deploy_request_sync_arg_at(req, i);
	int64_t left = d->deadline_ms - promote__now_ms();
	command c = { health ? "deploy.health" : "deploy.sync", argv, argc, d->environment, d->product,
		promote_deploy_request_version(req), promote_deploy_request_release(req), d->revision,
		promote_deploy_request_products(req), left > 1000 ? (uint32_t)((left + 999) / 1000) : 1 };
	int rc = argv ? start_run(&d->current, ctx, &c) : promote__error_oom();
	free(argv);
	/* A health check run again keeps saying what the last one said. */
	if (rc == 0 && (!health || d->health == PROMOTE_HEALTH_UNKNOWN))
		rc = set_message(d, strdup(health ? "deploy.health running" : "deploy.sync running"));
	return rc;
}

/* Synced: check health, or, with nothing to check it, healthy. */
static int begin_health(deployment *d, promote_context *ctx, const promote_deploy_request *req)
{
	d->sync = PROMOTE_SYNC_SYNCED;
	if (!promote_deploy_request_health_arg_count(req)) {
		d->health = PROMOTE_HEALTH_HEALTHY;
		d->phase = SETTLED;
		return set_message(d, strdup("synced; no deploy.health to check"));
	}
	d->phase = CHECKING;
	return start_deploy_command(d, ctx, req, true);
}

/* "deploy.sync exited 2: LAST LINE", "deploy.health timed out after 10m",
 * "progressing: LAST LINE" (what health said with exit 75). */
static int ended_message(deployment *d)
{
	char *line = last_line(d->current);
	int status = d->current->exit_status;
	char *message = !line ? NULL : d->current->timed_out
		? promote__strdupf("%s timed out after %s", d->current->what, promote__duration(d->current->timeout_s).text)
		: d->phase == RESTING ? promote__strdupf("progressing%s%s", *line ? ": " : "", line)
		: promote__strdupf("%s exited %d%s%s", d->current->what, status, *line ? ": " : "", line);
	free(line);
	return set_message(d, message);
}

/* The deploy's timeout ran out while its sync or health command runs: the command's process group is
 * killed now (its own bound, rounded up to a second, could come later), and the deploy has failed. */
static int out_of_time(deployment *d, const promote_deploy_request *req)
{
	char *message = promote__strdupf("%s timed out after %s (deploy.timeout); its process group was killed",
		d->current->what, promote__duration(promote_deploy_request_timeout(req)).text);
	if (d->phase == SYNCING)
		d->sync = PROMOTE_SYNC_FAILED;
	else
		d->health = PROMOTE_HEALTH_DEGRADED;
	d->phase = SETTLED;
	run_free(d->current);
	d->current = NULL;
	return set_message(d, message);
}

static int advance_deployment(deployment *d, promote_context *ctx, const promote_deploy_request *req)
{
	bool ended = false;
	int rc = 0;
	if (d->phase == RESTING) {
		if (promote__now_ms() >= d->deadline_ms) {
			d->health = PROMOTE_HEALTH_DEGRADED;
			d->phase = SETTLED;
			return set_message(d, promote__strdupf("still progressing after %s (deploy.timeout)",
				promote__duration(promote_deploy_request_timeout(req)).text));
		}
		if (promote__now_ms() >= d->next_check_ms)
			rc = (d->phase = CHECKING, start_deploy_command(d, ctx, req, true));
		return rc;
	}
	if (d->phase != SETTLED && d->current && promote__now_ms() >= d->deadline_ms)
		return out_of_time(d, req);
	if (d->phase == SETTLED || (rc = advance_run(&ended, d->current)) || !ended)
		return rc;
	int status = d->current->exit_status;
	bool timed_out = d->current->timed_out;
	if (d->phase == SYNCING && status == 0) {
		run_free(d->current);
		d->current = NULL;
		return begin_health(d, ctx, req);
	}
	if (d->phase == SYNCING) {
		d->sync = PROMOTE_SYNC_FAILED;
		d->phase = SETTLED;
	} else if (status == 0) {
		d->health = PROMOTE_HEALTH_HEALTHY;
		d->phase = SETTLED;
	} else if (status == 75 && !timed_out) {
		d->health = PROMOTE_HEALTH_PROGRESSING;
		d->phase = RESTING;
		d->next_check_ms = promote__now_ms() + PROMOTE__EXEC_HEALTH_INTERVAL_MS;
	} else {
		d->health = PROMOTE_HEALTH_DEGRADED;
		d->phase = SETTLED;
	}
	rc = d->health == PROMOTE_HEALTH_HEALTHY ? set_message(d, strdup("healthy")) : ended_message(d);
	run_free(d->current);
	d->current = NULL;
	return rc;
}

static deployment *find_deployment(exec_state *st, const promote_deploy_request *req)
{
	for (size_t i = 0; i < st->deployments.size; i++) {
		deployment *d = st->deployments.ptr[i];
		if (strcmp(d->environment, promote_deploy_request_environment(req)) == 0 &&
			strcmp(d->product, promote_deploy_request_product(req)) == 0)
			return d;
	}
	return NULL;
}

static int report(promote_deploy_status *out, const deployment *d)
{
	int rc = promote_deploy_status_set_sync(out, d->sync);
	if (rc == 0)
		rc = promote_deploy_status_set_health(out, d->health);
	if (rc == 0 && d->sync == PROMOTE_SYNC_SYNCED)
		rc = promote_deploy_status_set_revision(out, d->revision);
	if (rc == 0 && d->message)
		rc = promote_deploy_status_set_message(out, d->message);
	return rc;
}

static int exec_sync(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	exec_state *st = NULL;
	int rc = state_of(&st, payload);
	deployment *d = rc == 0 ? find_deployment(st, req) : NULL;
	if (rc == 0 && !d) {
		d = calloc(1, sizeof *d);
		if (!d || !(d->environment = strdup(promote_deploy_request_environment(req))) ||
			!(d->product = strdup(promote_deploy_request_product(req))) || promote__array_push(&st->deployments, d) < 0) {
			if (d) {
				free(d->environment);
				free(d->product);
			}
			free(d);
			return promote__error_oom();
		}
	}
	if (rc)
		return rc;
	/* A sync asked again starts over: what ran for the last one is stopped. */
	run_free(d->current);
	d->current = NULL;
	free(d->revision);
	if (!(d->revision = strdup(promote_deploy_request_revision(req))))
		return promote__error_oom();
	d->health = PROMOTE_HEALTH_UNKNOWN;
	d->deadline_ms = promote__now_ms() + (int64_t)promote_deploy_request_timeout(req) * 1000;
	if (promote_deploy_request_sync_arg_count(req)) {
		d->sync = PROMOTE_SYNC_SYNCING;
		d->phase = SYNCING;
		rc = start_deploy_command(d, payload, req, false);
	} else {
		rc = begin_health(d, payload, req);
	}
	if (rc) {
		d->sync = PROMOTE_SYNC_FAILED;
		d->phase = SETTLED;
		return rc;
	}
	return report(out, d);
}

static int exec_status(promote_deploy_status *out, const promote_deploy_request *req, void *payload)
{
	exec_state *st = NULL;
	int rc = state_of(&st, payload);
	deployment *d = rc == 0 ? find_deployment(st, req) : NULL;
	if (rc == 0 && !d)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY,
			"no sync of product '%s' in environment '%s' was asked for in this process: ask for it again",
			promote_deploy_request_product(req), promote_deploy_request_environment(req));
	if (rc == 0)
		rc = advance_deployment(d, payload, req);
	return rc ? rc : report(out, d);
}

const promote_deploy_backend *promote__exec_backend(void)
{
	static const promote_deploy_backend vtable = {
		.version = PROMOTE_DEPLOY_BACKEND_VERSION,
		.sync = exec_sync,
		.status = exec_status,
		.run_workflow = exec_run_workflow,
		.workflow_status = exec_workflow_status,
	};
	return &vtable;
}
