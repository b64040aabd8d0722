/*
 * embed — the smallest complete libpromote program.
 *
 * Loads a promote.yaml, prints its environments and the order in which the
 * default flow promotes into them, and shows how a caller reports errors:
 * every problem the library found, one per line, with file:line:column.
 *
 * Given a repository, a product and a version, it also promotes: it plans
 * the product into the first environment the default flow promotes into and
 * prints the plan's diff, applies that plan (a commit or a change request,
 * as the policy says), then runs a release of the product at the version
 * through the whole flow until it ends or waits for a person, and prints
 * each step.
 *
 *   cc -o embed embed.c $(pkg-config --cflags --libs libpromote)
 *   ./embed [path/to/promote.yaml]
 *   ./embed REPOSITORY PRODUCT VERSION
 *
 * Exit status: 0 on success (a release that waits for an approval
 * included), 1 if the library reported an error or the release failed.
 */
#include <promote.h>

#include <stdio.h>

#ifndef EMBED_DEFAULT_CONFIG
#define EMBED_DEFAULT_CONFIG "examples/gitops/promote.yaml"
#endif

/* Print every error of the last failure on this thread; valid until the next
 * libpromote call, so this runs before anything else touches the library. */
static void print_errors(const char *what)
{
	const promote_error *err;

	fprintf(stderr, "embed: %s failed:\n", what);
	for (err = promote_error_last(); err != NULL; err = err->next)
		fprintf(stderr, "  %s\n", err->message);
}

static void print_environments(const promote_context *ctx)
{
	size_t i, count = promote_env_count(ctx);

	printf("environments (%zu):\n", count);
	for (i = 0; i < count; i++) {
		const promote_env *env = promote_env_at(ctx, i);

		printf("  %-10s %-15s %-7s %s\n", promote_env_name(env),
			promote_environment_kind_name(promote_env_kind(env)),
			promote_strategy_name(promote_env_strategy(env)),
			promote_env_path(env));
	}
}

static int print_default_flow(const promote_context *ctx)
{
	const promote_flow *flow;
	size_t wave, waves, i;
	int rc;

	/* NULL: the flow named "default", or the only flow there is. */
	rc = promote_flow_lookup(&flow, ctx, NULL);
	if (rc < 0) {
		print_errors("finding the default flow");
		return rc;
	}

	waves = promote_flow_wave_count(flow);
	printf("flow %s: from %s, %zu wave%s\n", promote_flow_name(flow),
		promote_env_name(promote_flow_trigger(flow)), waves, waves == 1 ? "" : "s");
	for (wave = 0; wave < waves; wave++) {
		size_t size = promote_flow_wave_size(flow, wave);

		printf("  wave %zu:", wave);
		for (i = 0; i < size; i++) {
			const promote_flow_step *step = promote_flow_wave_step_at(flow, wave, i);

			printf(" %s", promote_env_name(promote_flow_step_env(step)));
		}
		printf("\n");
	}
	return 0;
}

/* Plan `product` into the first environment of the default flow, print the
 * diff, and apply it. */
static int plan_and_apply(promote_context *ctx, const char *product)
{
	const promote_flow *flow;
	promote_plan *plan = NULL;
	promote_buf diff = PROMOTE_BUF_INIT, commit = PROMOTE_BUF_INIT;
	const char *to;
	int outcome = 0, rc;

	rc = promote_flow_lookup(&flow, ctx, NULL);
	if (rc < 0) {
		print_errors("finding the default flow");
		return rc;
	}
	to = promote_env_name(promote_flow_step_env(promote_flow_wave_step_at(flow, 0, 0)));
	rc = promote_plan_create(&plan, ctx, product, to, NULL);
	if (rc == 0)
		rc = promote_plan_diff(&diff, plan);
	if (rc < 0) {
		print_errors("planning");
		promote_plan_free(plan);
		return rc;
	}
	printf("plan: %s %s from %s to %s, %zu file%s\n", promote_plan_product(plan),
		promote_plan_version(plan) ? promote_plan_version(plan) : "(no version)", promote_plan_from(plan),
		promote_plan_to(plan), promote_plan_change_count(plan), promote_plan_change_count(plan) == 1 ? "" : "s");
	fwrite(diff.ptr, 1, diff.size, stdout);
	/* NULL options: the defaults (the author from git's configuration). */
	rc = promote_plan_apply(&commit, &outcome, plan, NULL);
	if (rc < 0)
		print_errors("applying");
	else
		printf("apply: %s%s%.*s\n", promote_apply_outcome_name(outcome), commit.size ? " " : "",
			(int)commit.size, commit.ptr ? commit.ptr : "");
	promote_buf_dispose(&diff);
	promote_buf_dispose(&commit);
	promote_plan_free(plan);
	return rc;
}

/* Run a release of `product` at `version` through its flow until it ends or
 * waits for a person; print its steps. */
static int release(promote_context *ctx, const char *product, const char *version)
{
	promote_release_options opts = PROMOTE_RELEASE_OPTIONS_INIT;
	promote_release *r = NULL;
	size_t i;
	int rc;

	opts.set_version = version;
	rc = promote_release_start(&r, ctx, product, &opts);
	if (rc == 0)
		rc = promote_release_run(r, 0);
	if (rc < 0) {
		print_errors("the release");
		promote_release_free(r);
		return rc;
	}
	printf("release %s: %s\n", promote_release_id(r), promote_release_state_name(promote_release_state(r)));
	for (i = 0; i < promote_release_step_count(r); i++) {
		const promote_release_step *s = promote_release_step_at(r, i);

		printf("  %-10s %-18s %s\n", promote_release_step_environment(s),
			promote_step_state_name(promote_release_step_state(s)), promote_release_step_reason(s));
	}
	rc = promote_release_state(r) == PROMOTE_RELEASE_FAILED || promote_release_state(r) == PROMOTE_RELEASE_ABORTED
		? PROMOTE_ERROR : 0;
	promote_release_free(r);
	return rc;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : EMBED_DEFAULT_CONFIG;
	promote_context *ctx = NULL;
	int major = 0, rc;

	if (argc > 2 && argc != 4) {
		fprintf(stderr, "usage: %s [promote.yaml]\n       %s REPOSITORY PRODUCT VERSION\n", argv[0], argv[0]);
		return 2;
	}

	rc = promote_init();
	if (rc < 0) {
		print_errors("promote_init");
		return 1;
	}

	/* The headers we compiled against and the library we run with. */
	promote_version(&major, NULL, NULL);
	printf("libpromote %s (headers %s)\n", promote_version_string(), PROMOTE_VERSION);
	if (major != PROMOTE_VERSION_MAJOR)
		fprintf(stderr, "embed: warning: library major version %d, headers %d\n",
			major, PROMOTE_VERSION_MAJOR);

	/* NULL options: the defaults. A repository: its promote.yaml at HEAD. */
	rc = argc == 4 ? promote_context_open_repository(&ctx, path, NULL, NULL)
		       : promote_context_open_file(&ctx, path, NULL);
	if (rc < 0) {
		print_errors(path);
	} else {
		printf("configuration: %s\n", promote_context_source(ctx));
		print_environments(ctx);
		rc = print_default_flow(ctx);
	}
	if (rc == 0 && argc == 4)
		rc = plan_and_apply(ctx, argv[2]);
	if (rc == 0 && argc == 4)
		rc = release(ctx, argv[2], argv[3]);

	promote_context_free(ctx);
	promote_shutdown();
	return rc < 0 ? 1 : 0;
}
