/*
 * Shared by the deploy backend tests: a repository built in the test (two
 * commits, scripts under checks/), its context, the commands of workflows and
 * deploys set on it, and polling through deploy.h (what the release engine
 * calls) until a run ends.
 */
#ifndef PROMOTE_TEST_DEPLOY_HELPERS_H
#define PROMOTE_TEST_DEPLOY_HELPERS_H

#include "helpers.h"

#include "providers/deploy/deploy.h"
#include "model/context.h"
#include "core/arena.h"

#include <time.h>

/*
 * DIR/gitops.git holding `yaml` as promote.yaml: commit 1 with
 * envs/dev/apps/shop/values.yaml at tag 1, then commit 2 (the tip of main)
 * at tag 2. `scripts` is a shell command run in the work tree DIR/work first,
 * writing the scripts into checks/ (made executable). The first commit's id
 * goes into `first` (at least 41 bytes).
 */
static inline int make_deploy_repo(const char *dir, const char *yaml, const char *scripts, char *first, size_t size)
{
	FILE *f;
	char path[512];
	snprintf(path, sizeof path, "%s/work", dir);
	if (sh(NULL, 0, "mkdir -p %s/checks %s/envs/dev/apps/shop %s/envs/prod/apps/shop", path, path, path))
		return -1;
	snprintf(path, sizeof path, "%s/work/promote.yaml", dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fputs(yaml, f);
	fclose(f);
	return sh(NULL, 0,
		"cd %s/work && %s && chmod +x checks/* && "
		"printf 'image:\\n  tag: \"1\"\\n' > envs/dev/apps/shop/values.yaml && "
		"printf 'image:\\n  tag: \"0\"\\n' > envs/prod/apps/shop/values.yaml && "
		GIT "init -q -b main && " GIT "add -A && " GIT "commit -qm one && "
		"printf 'image:\\n  tag: \"2\"\\n' > envs/dev/apps/shop/values.yaml && "
		GIT "commit -qam two && " GIT "clone -q --bare . %s/gitops.git",
		dir, scripts, dir) ||
		sh(first, size, "cd %s/work && " GIT "rev-parse HEAD~1", dir);
}

/* A NULL-terminated argv copied into the context's arena. */
static inline const char **arena_argv(promote_context *ctx, size_t *argc, const char *const *argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	const char **copy = promote__arena_alloc(ctx->cfg.arena, (n + 1) * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = promote__arena_strdup(ctx->cfg.arena, argv[i]);
	*argc = n;
	return copy;
}

/* workflows: {NAME: {run: [argv...], timeout: TIMEOUT}} on the loaded context. */
static inline void set_workflow(promote_context *ctx, const char *name, uint32_t timeout_s, const char *const *argv)
{
	promote__config *cfg = &ctx->cfg;
	promote__workflow *all = promote__arena_alloc(cfg->arena, (cfg->workflow_count + 1) * sizeof *all);
	if (cfg->workflow_count)
		memcpy(all, cfg->workflows, cfg->workflow_count * sizeof *all);
	promote__workflow *w = &all[cfg->workflow_count];
	w->name = promote__arena_strdup(cfg->arena, name);
	w->argv = arena_argv(ctx, &w->argc, argv);
	w->timeout_s = timeout_s;
	cfg->workflows = all;
	cfg->workflow_count++;
}

/* deploy: {sync: [...], health: [...], timeout: T} of environment `env` (NULL argv: none). */
static inline void set_deploy(promote_context *ctx, const char *env, const char *const *sync,
	const char *const *health, uint32_t timeout_s)
{
	for (size_t i = 0; i < ctx->cfg.env_count; i++) {
		promote_env *e = &ctx->cfg.envs[i];
		if (strcmp(e->name, env) != 0)
			continue;
		e->deploy_sync = sync ? arena_argv(ctx, &e->deploy_sync_count, sync) : NULL;
		e->deploy_health = health ? arena_argv(ctx, &e->deploy_health_count, health) : NULL;
		if (!sync)
			e->deploy_sync_count = 0;
		if (!health)
			e->deploy_health_count = 0;
		e->deploy_timeout_s = timeout_s;
		return;
	}
	fail_msg("no environment %s", env);
}

static inline void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Poll workflow run `id` every 20 ms until it ends (at most 30 s): its state. */
static inline int wait_workflow(promote_context *ctx, const char *workflow, const char *id,
	const promote__deploy_target *t, int *exit_status, promote_buf *output)
{
	for (int i = 0; i < 1500; i++) {
		int state = -1;
		int rc = promote__workflow_poll(&state, exit_status, output, ctx, workflow, id, t);
		if (rc)
			fail_msg("poll %s: %s", workflow, promote_error_last()->message);
		if (state == PROMOTE_WORKFLOW_SUCCEEDED || state == PROMOTE_WORKFLOW_FAILED)
			return state;
		assert_int_equal(state, PROMOTE_WORKFLOW_RUNNING);
		pause_ms(20);
	}
	fail_msg("workflow %s still running after 30 s", workflow);
	return -1;
}

#endif
