/* promote release status|approve|abort|retry ID: one release recorded in the repository (list: cmd_release_list.c). */
#include "release_table.h"

static const char *id, *env, *by, *reason, *timeout;

#define ID_OPT { CLI_OPT_ARG, "ID", 0, &id, 0, NULL, "the release (what run printed; see release list)", CLI_OPT_REQUIRED }
#define TIMEOUT_OPT(what) { CLI_OPT_VALUE, "timeout", 0, &timeout, 0, "DURATION", what, 0 }

static const cli_opt status_opts[] = {
	ID_OPT,
	TIMEOUT_OPT("advance it for up to DURATION, e.g. 10m (default: only what can be done without waiting)"),
	{ CLI_OPT_END }
};
static const cli_opt approve_opts[] = {
	ID_OPT,
	{ CLI_OPT_VALUE, "env", 0, &env, 0, "ENV", "the step waiting for approval", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "by", 0, &by, 0, "NAME", "who approves (default: $PROMOTE_AUTHOR_NAME, $USER, promote)", 0 },
	TIMEOUT_OPT("then advance it for up to DURATION (default: until done or waiting, within its timeout)"),
	{ CLI_OPT_END }
};
static const cli_opt abort_opts[] = {
	ID_OPT,
	{ CLI_OPT_VALUE, "reason", 0, &reason, 0, "TEXT", "why (recorded, and the comment closing its changes)", 0 },
	{ CLI_OPT_END }
};
static const cli_opt retry_opts[] = {
	ID_OPT,
	{ CLI_OPT_VALUE, "env", 0, &env, 0, "ENV", "only this failed step (default: every failed step)", 0 },
	TIMEOUT_OPT("advance it for up to DURATION (default: until done or waiting, within its timeout)"),
	{ CLI_OPT_END }
};

enum verb { STATUS, APPROVE, ABORT, RETRY };

/* Open the release, do `verb`, and show it (advanced, but for abort). */
static int act(const cli *c, enum verb verb)
{
	uint32_t timeout_ms;
	promote_release_options ropts = PROMOTE_RELEASE_OPTIONS_INIT;
	promote_context *ctx;
	int rc = cli_release_begin(&ctx, &timeout_ms, timeout, &ropts, c);
	if (rc)
		return rc;
	promote_release *release = NULL;
	int err = promote_release_open(&release, ctx, id, &ropts);
	if (err == 0)
		err = verb == APPROVE ? promote_release_approve(release, env, by)
			: verb == ABORT ? promote_release_abort(release, reason)
			: verb == RETRY ? promote_release_retry(release, env)
			: 0;
	if (err < 0)
		rc = cli_fail(c);
	else if (verb == ABORT)
		/* Aborted is what was asked: success. */
		rc = cli_release_view_finish(c, release) == EXIT_FAILED ? EXIT_OK : EXIT_FAILED;
	else
		rc = cli_release_advance(c, release, timeout_ms, verb == STATUS && !timeout);
	promote_release_free(release);
	promote_context_free(ctx);
	return rc;
}

static int status_run(const cli *c) { return act(c, STATUS); }
static int approve_run(const cli *c) { return act(c, APPROVE); }
static int abort_run(const cli *c) { return act(c, ABORT); }
static int retry_run(const cli *c) { return act(c, RETRY); }

static const cli_command status = {
	"status", "a release's steps: state, commit or change, reason; advanced as far as it goes without waiting",
	"Exit status 0 succeeded, 1 failed or aborted, 3 waiting or still running.", status_opts, status_run, NULL, 0
};
static const cli_command approve = {
	"approve", "approve a release's manual step, then advance the release",
	"A draft change request is marked ready (and merged when its checks pass); a manual commit step writes.\n"
	"Exit status as for status.",
	approve_opts, approve_run, NULL, 0
};
static const cli_command abort_cmd = {
	"abort", "stop a release: no further writes; its open change requests are closed", NULL, abort_opts, abort_run,
	NULL, 0
};
static const cli_command retry = {
	"retry", "resume a failed release from its failed steps (what succeeded stays), then advance it",
	"Exit status as for status.", retry_opts, retry_run, NULL, 0
};

const cli_command cmd_release = {
	"release", "releases recorded in the repository: see, approve, stop, resume",
	"A release is one run of a flow for one product at one version (promote run, promote apply); its record\n"
	"is kept in the repository at refs/promote/releases/ID, so any machine can approve or resume it.",
	NULL, NULL, (const cli_command *const[]){ &cmd_release_list, &status, &approve, &abort_cmd, &retry, NULL }, 0
};
