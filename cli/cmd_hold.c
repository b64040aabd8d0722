/*
 * promote hold ENV [--product P] --reason TEXT, promote unhold ENV [--product P]:
 * stop (and let go again) the automatic steps into an environment, for every
 * product or one; recorded in the repository (refs/promote/holds), so every
 * watcher sees them. unhold with --product lifts a rollback's pin too.
 */
#include "cli.h"

static const char *env, *product, *reason;

static const cli_opt hold_opts[] = {
	{ CLI_OPT_ARG, "ENV", 0, &env, 0, NULL, "the environment to hold", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "product", 0, &product, 0, "P", "hold only this product's steps (default: every product)", 0 },
	{ CLI_OPT_VALUE, "reason", 0, &reason, 0, "TEXT", "why (shown on every step it stops)", CLI_OPT_REQUIRED },
	{ CLI_OPT_END }
};
static const cli_opt unhold_opts[] = {
	{ CLI_OPT_ARG, "ENV", 0, &env, 0, NULL, "the environment", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "product", 0, &product, 0, "P",
	  "lift this product's hold and rollback pin (default: the hold of every product)", 0 },
	{ CLI_OPT_END }
};

static int report(const cli *c, const char *verb, size_t removed)
{
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "action", json_object_new_string(verb));
		json_object_object_add(o, "environment", json_object_new_string(env));
		json_object_object_add(o, "product", cli_json_string(product));
		json_object_object_add(o, "reason", cli_json_string(reason));
		json_object_object_add(o, "removed", json_object_new_int((int)removed));
		cli_print_json(o);
	} else if (c->verbosity >= 0) {
		printf("%s %s%s%s%s%s\n", verb, env, product ? " for " : "", product ? product : "",
			reason ? ": " : "", reason ? reason : "");
	}
	return EXIT_OK;
}

static int hold_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	rc = promote_hold_add(ctx, env, product, reason, NULL) < 0 ? cli_fail(c) : report(c, "held", 0);
	promote_context_free(ctx);
	return rc;
}

static int unhold_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	size_t removed = 0;
	rc = promote_hold_remove(&removed, ctx, env, product, NULL) < 0 ? cli_fail(c) : report(c, "unheld", removed);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_hold = {
	"hold", "stop the automatic steps into an environment (every product, or one) until unhold",
	"Steps into ENV stay pending with the reason \"held by NAME: TEXT\" (NAME: the author of promote's commits,\n"
	"$PROMOTE_AUTHOR_NAME first). Recorded in the repository (refs/promote/holds), so every watcher and machine\n"
	"sees it. A one-step release made by a person (apply, rollback) is not held.",
	hold_opts, hold_run, NULL, 0
};

const cli_command cmd_unhold = {
	"unhold", "lift a hold (with --product: that product's hold and rollback pin)", NULL, unhold_opts, unhold_run,
	NULL, 0
};
