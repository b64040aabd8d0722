/* promote run [--flow F] PRODUCT [--version V] [--no-group] [--timeout DURATION]: a release through a whole flow. */
#include "release_table.h"

static const char *product, *flow, *version, *timeout, *reason;
static int no_group, force;

static const cli_opt opts[] = {
	{ CLI_OPT_ARG, "PRODUCT", 0, &product, 0, NULL, "the product to release", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "flow", 0, &flow, 0, "FLOW",
	  "the flow (default: the first of the product's flows that applies, else default)", 0 },
	{ CLI_OPT_VALUE, "version", 0, &version, 0, "V",
	  "set the trigger environment's version to V first (default: release the version it holds)", 0 },
	{ CLI_OPT_SWITCH, "no-group", 0, &no_group, 0, NULL,
	  "every step gets its own commit or change request (default: auto steps ready together share one)", 0 },
	{ CLI_OPT_VALUE, "timeout", 0, &timeout, 0, "DURATION",
	  "stop waiting after DURATION, e.g. 10m (the release stays as it is; default: the flow's timeout)", 0 },
	{ CLI_OPT_SWITCH, "force", 0, &force, 0, NULL, "go through the environments' freeze windows (needs --reason)", 0 },
	{ CLI_OPT_VALUE, "reason", 0, &reason, 0, "TEXT", "why --force overrides the windows (recorded in the release)",
	  0 },
	{ CLI_OPT_END }
};

static int run(const cli *c)
{
	uint32_t timeout_ms;
	if (force != (reason != NULL))
		return cli_usage_error("--force and --reason go together: --force needs --reason TEXT, why the freeze "
				       "windows are overridden (it is recorded in the release)");
	promote_release_options ropts = PROMOTE_RELEASE_OPTIONS_INIT;
	ropts.force = force ? 1 : 0;
	ropts.reason = reason;
	ropts.flow = flow;
	ropts.set_version = version;
	ropts.no_group = no_group ? 1 : 0;
	promote_context *ctx;
	int rc = cli_release_begin(&ctx, &timeout_ms, timeout, &ropts, c);
	if (rc)
		return rc;
	promote_release *release = NULL;
	int made = promote_release_start(&release, ctx, product, &ropts);
	return cli_release_started(c, ctx, release, made, timeout_ms);
}

const cli_command cmd_run = {
	"run", "a release: the product's version through a whole flow",
	"Starts a release of PRODUCT (recorded in the repository at refs/promote/releases/ID) and advances it\n"
	"until it is done or waits for a person: each step promotes into its environment as the policy says\n"
	"(pre-checks, a commit or a change request, the deploy, post-checks) once the steps it depends on\n"
	"succeeded. Exit status 0 succeeded, 1 failed, 3 waiting (an approval; a merge, or --timeout passed):\n"
	"promote release approve|status|retry ID goes on from there.",
	opts, run, NULL, 0
};
