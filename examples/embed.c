/*
 * embed — the smallest complete libpromote program.
 *
 * Loads a promote.yaml, prints its environments and the order in which the
 * default flow promotes into them, and shows how a caller reports errors:
 * every problem the library found, one per line, with file:line:column.
 *
 *   cc -o embed embed.c $(pkg-config --cflags --libs libpromote)
 *   ./embed [path/to/promote.yaml]
 *
 * Exit status: 0 on success, 1 if the library reported an error.
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

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : EMBED_DEFAULT_CONFIG;
	promote_context *ctx = NULL;
	int major = 0, rc;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [promote.yaml]\n", argv[0]);
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

	/* NULL options: the defaults. */
	rc = promote_context_open_file(&ctx, path, NULL);
	if (rc < 0) {
		print_errors(path);
	} else {
		printf("configuration: %s\n", promote_context_source(ctx));
		print_environments(ctx);
		rc = print_default_flow(ctx);
	}

	promote_context_free(ctx);
	promote_shutdown();
	return rc < 0 ? 1 : 0;
}
