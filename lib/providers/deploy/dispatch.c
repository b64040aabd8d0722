/*
 * Asking an environment's deploy backend (deploy.h): the one registered on
 * the context under the name its deploy.backend gives, else the built-in
 * "none" or "exec". A registered backend that replaces a built-in one may
 * answer PROMOTE_PASSTHROUGH to have the built-in one do it. Each call builds
 * the request from the target and the configuration (commands with their
 * placeholders expanded) and reads the status the backend wrote.
 */
#include "deploy.h"
#include "argocd.h"
#include "exec.h"
#include "none.h"
#include "request.h"

#include "providers/call.h"
#include "plan/plan.h"
#include "model/context.h"
#include "model/names.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TIMEOUT_S 600u

typedef struct backend {
	const promote_deploy_backend *vtable;
	void *payload;
	const char *name;
	const promote_deploy_backend *builtin;  /* the built-in one of this name, or NULL */
	promote_context *ctx;                   /* its payload */
	const promote_env *env;
} backend;

static const promote_env *env_named(promote_context *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->cfg.env_count; i++)
		if (strcmp(ctx->cfg.envs[i].name, name) == 0)
			return &ctx->cfg.envs[i];
	return NULL;
}

static int find_backend(backend *out, promote_context *ctx, const char *environment)
{
	const void *found = NULL;
	int rc = promote__lookup_named(&found, __func__, "environment", ctx->cfg.envs, ctx->cfg.env_count,
		sizeof *ctx->cfg.envs, environment);
	if (rc)
		return rc;
	out->env = found;
	out->name = out->env->deploy_backend.name ? out->env->deploy_backend.name : "none";
	out->ctx = ctx;
	out->builtin = strcmp(out->name, "none") == 0 ? promote__none_backend()
		: strcmp(out->name, "exec") == 0 ? promote__exec_backend()
		: strcmp(out->name, "argocd") == 0 ? promote__argocd_backend() : NULL;
	out->vtable = out->builtin;
	out->payload = ctx;
	const promote__registration *registered = promote__registry_find(&ctx->deploy_backends, out->name);
	if (registered) {
		out->vtable = &registered->vtable.deploy;
		out->payload = registered->payload;
	}
	if (!out->vtable)
		return promote__error(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_DEPLOY,
			"environment '%s' names deploy backend '%s', which is neither built in ('none', 'exec', 'argocd') nor "
			"registered on this context (promote_deploy_backend_register())", environment, out->name);
	return 0;
}

static int unsupported(const backend *b, const char *operation)
{
	return promote__error(PROMOTE_ENOTSUPPORTED, PROMOTE_ERROR_CLASS_DEPLOY,
		"the deploy backend '%s' of environment '%s' cannot %s", b->name, b->env->name, operation);
}

/* rc = the backend's `slot`(args..., payload), by the rules of call.h. */
#define CALL(rc, b, slot, verb, object, ...)                                                        \
	do {                                                                                        \
		PROMOTE__CALL_SLOT(rc, b, slot, unsupported(&(b), verb " " object), __VA_ARGS__);    \
		(rc) = promote__callback_result((rc), PROMOTE_ERROR_CLASS_DEPLOY, "deploy backend", \
			(b).name, (verb), (object));                                                \
	} while (0)

static int check_target(promote_context *ctx, const promote__deploy_target *t, const char *function)
{
	if (!ctx || !t)
		return promote__error_arg(function, !ctx ? "ctx" : "target");
	if (!t->release || !t->product || !t->environment || !t->version || !t->commit)
		return promote__error_arg(function, !t->release ? "target->release" : !t->product ? "target->product"
			: !t->environment ? "target->environment" : !t->version ? "target->version" : "target->commit");
	return 0;
}

/* The commit to deploy or check: the target's, else (a check before the
 * step wrote anything) the tip of the environment's branch; "" for a
 * context without a repository. */
static int revision_of(promote__commit_id *out, promote_context *ctx, const promote_env *env, const char *commit)
{
	memset(out, 0, sizeof *out);
	if (*commit || !promote__context_repository(ctx)) {
		size_t n = strlen(commit);
		if (n >= sizeof out->hex)
			return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
				"'%.16s...' is no commit id: too long", commit);
		memcpy(out->hex, commit, n + 1);
		return 0;
	}
	const promote__tree_reader *r;
	char *branch = NULL;
	int rc = promote__context_reader(&r, ctx);
	if (rc == 0)
		rc = promote__plan_branch_of(&branch, r, env);
	if (rc == 0)
		rc = r->tip(out, r->self, branch);
	free(branch);
	return rc;
}

/* Each word of a command with the target's placeholders replaced. */
static int expand(promote__argv *out, const char *const *argv, size_t argc, const promote__deploy_target *t,
	const char *revision)
{
	static const char *const names[] = { "{env}", "{product}", "{version}", "{release}", "{commit}" };
	const char *const values[] = { t->environment, t->product, t->version, t->release, revision };
	out->argc = 0;
	out->argv = argc ? calloc(argc, sizeof *out->argv) : NULL;
	if (argc && !out->argv)
		return promote__error_oom();
	for (; out->argc < argc; out->argc++)
		if (!(out->argv[out->argc] = promote__expand(argv[out->argc], names, values, PROMOTE_ARRAY_SIZE(names))))
			return PROMOTE_ENOMEM;
	return 0;
}

static void subject_of(promote__deploy_subject *s, const promote__deploy_target *t, const promote_env *env,
	const char *revision, uint32_t timeout_s)
{
	s->product = t->product;
	s->environment = t->environment;
	s->revision = revision;
	s->version = t->version;
	s->release = t->release;
	s->products = t->products ? t->products : "";
	s->timeout_s = timeout_s;
	s->clusters = env->clusters;
	s->cluster_count = env->cluster_count;
}

/* ---- workflows ----------------------------------------------------------- */

typedef struct workflow_call {
	backend b;
	promote__commit_id revision;
	struct promote_workflow_request request;
	promote_workflow_status status;
} workflow_call;

static void workflow_call_dispose(workflow_call *c)
{
	promote__argv_free(&c->request.args);
	promote__workflow_status_dispose(&c->status);
}

static int workflow_call_init(workflow_call *c, promote_context *ctx, const char *workflow,
	const promote__deploy_target *t, const char *run_id, const char *function)
{
	memset(c, 0, sizeof *c);
	promote__workflow_status_init(&c->status);
	int rc = check_target(ctx, t, function);
	if (rc == 0 && !workflow)
		rc = promote__error_arg(function, "workflow");
	const void *found = NULL;
	if (rc == 0)
		rc = find_backend(&c->b, ctx, t->environment);
	if (rc == 0)
		rc = promote__lookup_named(&found, function, "workflow", ctx->cfg.workflows, ctx->cfg.workflow_count,
			sizeof *ctx->cfg.workflows, workflow);
	if (rc == 0)
		rc = revision_of(&c->revision, ctx, c->b.env, t->commit);
	const promote__workflow *w = found;
	/* argocd submits the WorkflowTemplate with its parameters ("NAME=VALUE", as Argo's submit takes
	 * them); every other backend is given the command. */
	bool submitted = rc == 0 && c->b.builtin == promote__argocd_backend();
	if (rc == 0 && submitted)
		rc = expand(&c->request.args, w->parameters, w->parameter_count, t, c->revision.hex);
	else if (rc == 0)
		rc = expand(&c->request.args, w->argv, w->argc, t, c->revision.hex);
	if (rc == 0) {
		subject_of(&c->request.s, t, c->b.env, c->revision.hex, promote__workflow_timeout(ctx, workflow));
		c->request.name = w->name;
		c->request.run_id = run_id ? run_id : "";
	}
	return rc;
}

int promote__workflow_start(char **run_id, promote_context *ctx, const char *workflow,
	const promote__deploy_target *target)
{
	if (!run_id)
		return promote__error_arg(__func__, "run_id");
	*run_id = NULL;
	workflow_call c;
	int rc = workflow_call_init(&c, ctx, workflow, target, NULL, __func__);
	if (rc == 0)
		CALL(rc, c.b, run_workflow, "run", "the workflow", &c.status, &c.request);
	if (rc == 0 && (!c.status.run_id || !*c.status.run_id))
		rc = promote__error(PROMOTE_ERROR, PROMOTE_ERROR_CLASS_DEPLOY,
			"the deploy backend '%s' did not say which run of workflow '%s' it started (no run id)", c.b.name,
			workflow);
	if (rc == 0) {
		*run_id = c.status.run_id;
		c.status.run_id = NULL;
	}
	workflow_call_dispose(&c);
	return rc;
}

int promote__workflow_poll(int *state, int *exit_status, promote_buf *output, promote_context *ctx,
	const char *workflow, const char *run_id, const promote__deploy_target *target)
{
	if (!state || !exit_status || !run_id)
		return promote__error_arg(__func__, !state ? "state" : !exit_status ? "exit_status" : "run_id");
	workflow_call c;
	int rc = workflow_call_init(&c, ctx, workflow, target, run_id, __func__);
	if (rc == 0)
		CALL(rc, c.b, workflow_status, "read", "the workflow's run", &c.status, &c.request);
	if (rc == 0) {
		*state = c.status.state;
		bool finished = *state == PROMOTE_WORKFLOW_SUCCEEDED || *state == PROMOTE_WORKFLOW_FAILED;
		*exit_status = finished ? promote__workflow_status_exit(&c.status) : 0;
		if (output) {
			promote__buf_clear(output);
			rc = promote__buf_put(output, c.status.output ? c.status.output : "", c.status.output_size);
		}
	}
	workflow_call_dispose(&c);
	return rc;
}

/* ---- deploys ------------------------------------------------------------- */

typedef struct deploy_call {
	backend b;
	promote__commit_id revision;
	struct promote_deploy_request request;
	promote_deploy_status status;
} deploy_call;

static void deploy_call_dispose(deploy_call *c)
{
	promote__argv_free(&c->request.sync);
	promote__argv_free(&c->request.health);
	promote__deploy_status_dispose(&c->status);
}

static int deploy_call_init(deploy_call *c, promote_context *ctx, const promote__deploy_target *t,
	const char *function)
{
	memset(c, 0, sizeof *c);
	promote__deploy_status_init(&c->status);
	int rc = check_target(ctx, t, function);
	if (rc == 0)
		rc = find_backend(&c->b, ctx, t->environment);
	const promote_env *env = c->b.env;
	if (rc == 0 && c->b.vtable != promote__none_backend())
		rc = revision_of(&c->revision, ctx, env, t->commit);
	if (rc == 0)
		rc = expand(&c->request.sync, env->deploy_sync, env->deploy_sync_count, t, c->revision.hex);
	if (rc == 0)
		rc = expand(&c->request.health, env->deploy_health, env->deploy_health_count, t, c->revision.hex);
	if (rc == 0)
		subject_of(&c->request.s, t, env, c->revision.hex, promote__deploy_timeout(ctx, t->environment));
	return rc;
}

/* The backend's sync, or (`stop`) its abort, of the target. */
static int deploy_ask(promote_context *ctx, const promote__deploy_target *target, bool stop, const char *function)
{
	deploy_call c;
	int rc = deploy_call_init(&c, ctx, target, function);
	if (rc == 0 && stop)
		CALL(rc, c.b, abort, "stop", "the sync", &c.status, &c.request);
	else if (rc == 0)
		CALL(rc, c.b, sync, "sync", "the application", &c.status, &c.request);
	deploy_call_dispose(&c);
	return rc;
}

int promote__deploy_sync(promote_context *ctx, const promote__deploy_target *target)
{
	return deploy_ask(ctx, target, false, __func__);
}

int promote__deploy_abort(promote_context *ctx, const promote__deploy_target *target)
{
	return deploy_ask(ctx, target, true, __func__);
}

/* What the step's reason says of a deploy: the backend's message, else its states. */
static int describe(promote_buf *detail, const promote_deploy_status *s)
{
	promote__buf_clear(detail);
	if (s->message && *s->message)
		return promote__buf_puts(detail, s->message);
	int rc = s->sync == PROMOTE_SYNC_SYNCED ? 0 : promote__buf_puts(detail, "sync ");
	if (rc == 0 && s->sync != PROMOTE_SYNC_SYNCED)
		rc = promote__buf_puts(detail, promote_sync_state_name(s->sync));
	if (rc == 0)
		rc = promote__buf_puts(detail, s->sync == PROMOTE_SYNC_SYNCED ? "health " : ", health ");
	if (rc == 0)
		rc = promote__buf_puts(detail, promote_health_state_name(s->health));
	return rc;
}

int promote__deploy_poll(int *sync, int *health, promote_buf *detail, promote_context *ctx,
	const promote__deploy_target *target)
{
	if (!sync || !health)
		return promote__error_arg(__func__, !sync ? "sync" : "health");
	deploy_call c;
	int rc = deploy_call_init(&c, ctx, target, __func__);
	if (rc == 0)
		CALL(rc, c.b, status, "read", "the application's status", &c.status, &c.request);
	if (rc == 0) {
		*sync = c.status.sync;
		*health = c.status.health;
		if (detail)
			rc = describe(detail, &c.status);
	}
	deploy_call_dispose(&c);
	return rc;
}

/* ---- configuration ------------------------------------------------------- */

bool promote__deploy_configured(promote_context *ctx, const char *environment)
{
	const promote_env *env = ctx && environment ? env_named(ctx, environment) : NULL;
	const char *name = env ? env->deploy_backend.name : NULL;
	return name && (strcmp(name, "none") != 0 || promote__registry_find(&ctx->deploy_backends, name));
}

uint32_t promote__deploy_timeout(promote_context *ctx, const char *environment)
{
	const promote_env *env = ctx && environment ? env_named(ctx, environment) : NULL;
	return env && env->deploy_timeout_s ? env->deploy_timeout_s : DEFAULT_TIMEOUT_S;
}

uint32_t promote__workflow_timeout(promote_context *ctx, const char *workflow)
{
	for (size_t i = 0; ctx && workflow && i < ctx->cfg.workflow_count; i++)
		if (strcmp(ctx->cfg.workflows[i].name, workflow) == 0 && ctx->cfg.workflows[i].timeout_s)
			return ctx->cfg.workflows[i].timeout_s;
	return DEFAULT_TIMEOUT_S;
}
