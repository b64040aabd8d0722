/*
 * promote rollback PRODUCT --env ENV [--to VERSION]: promote an older version
 * into ENV as a one-step release (as apply does), then pin it there, so that
 * automatic releases of PRODUCT into ENV wait until `promote unhold ENV
 * --product PRODUCT` or until a person applies a version there.
 */
#include "release_table.h"

static const char *product, *env, *version, *timeout;

static const cli_opt opts[] = {
	{ CLI_OPT_ARG, "PRODUCT", 0, &product, 0, NULL, "the product to roll back", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "env", 0, &env, 0, "ENV", "the environment", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "to", 0, &version, 0, "VERSION",
	  "the version to go back to (default: the one before the current one, from the release history)", 0 },
	{ CLI_OPT_VALUE, "timeout", 0, &timeout, 0, "DURATION",
	  "advance it for up to DURATION (default: until done or waiting, within its timeout)", 0 },
	{ CLI_OPT_END }
};

static int run(const cli *c)
{
	uint32_t timeout_ms;
	promote_release_options ropts = PROMOTE_RELEASE_OPTIONS_INIT;
	promote_context *ctx;
	int rc = cli_release_begin(&ctx, &timeout_ms, timeout, &ropts, c);
	if (rc)
		return rc;
	promote_release *release = NULL;
	int made = promote_release_rollback(&release, ctx, product, env, version, &ropts);
	return cli_release_started(c, ctx, release, made, timeout_ms);
}

const cli_command cmd_rollback = {
	"rollback", "go back to an older version in an environment, and pin it there",
	"A one-step release (flow manual) of VERSION into ENV — by default the version before the current one: that\n"
	"of the newest release of PRODUCT that succeeded into ENV with a version ENV does not hold now. Then\n"
	"automatic releases of PRODUCT into ENV wait (\"pinned at VERSION by rollback ID\") until\n"
	"promote unhold ENV --product PRODUCT, or until a person applies a version into ENV.\n"
	"Exit status as for run.",
	opts, run, NULL, 0
};
