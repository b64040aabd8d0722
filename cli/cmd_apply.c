/*
 * promote apply PRODUCT --to ENV [--from ENV] [--version V] [--force --reason TEXT] [--dry-run]:
 * one promotion, made as a one-step release (flow "manual"): the policy's
 * checks run, and the release is recorded in the repository beside the
 * releases of `promote run`.
 * promote apply P1 P2 ... --to ENV, promote apply --all --to ENV: several
 * products in one change, as `promote sync` writes it (cmd_sync.c).
 */
#include "release_table.h"

#include <string.h>

static const char *product, *to, *from, *version, *reason;
static cli_list products;
static int dry_run, force, all;

static const cli_opt opts[] = {
	{ CLI_OPT_ARG, "PRODUCT", 0, &products, 0, NULL,
	  "the product to promote; several are promoted in one change", CLI_OPT_MULTIPLE },
	{ CLI_OPT_VALUE, "to", 0, &to, 0, "ENV", "the environment to promote into", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "from", 0, &from, 0, "ENV", "the source environment (default: the step before ENV in the flow)", 0 },
	{ CLI_OPT_VALUE, "version", 0, &version, 0, "V", "the version to promote (default: the source's; one product only)", 0 },
	{ CLI_OPT_SWITCH, "all", 0, &all, 0, NULL, "every product of the source environment, in one change", 0 },
	{ CLI_OPT_SWITCH, "force", 0, &force, 0, NULL,
	  "promote a version the environments before ENV in the default flow never held (needs --reason)", 0 },
	{ CLI_OPT_VALUE, "reason", 0, &reason, 0, "TEXT", "why --force skips the flow (recorded in the release)", 0 },
	{ CLI_OPT_SWITCH, "dry-run", 0, &dry_run, 0, NULL, "print what plan prints and write nothing", 0 },
	{ CLI_OPT_END }
};

static bool same_version(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* A release of this very promotion that is not over (an earlier apply that
 * waits for its approval or merge, or was killed): applying again goes on
 * with it rather than making a second change — even when the change is in
 * place already, so that the release is recorded as done. *id NULL when
 * there is none (owned by *list). */
static int open_release(const char **id, promote_release_list **list, promote_context *ctx, const char *promoted)
{
	*id = NULL;
	promote_release_list_options lopts = PROMOTE_RELEASE_LIST_OPTIONS_INIT;
	lopts.product = product;
	int rc = promote_release_list_new(list, ctx, &lopts);
	for (size_t i = 0; rc == 0 && !*id && i < promote_release_list_count(*list); i++) {
		const promote_release *r = promote_release_list_at(*list, i);
		int state = promote_release_state(r);
		if ((state == PROMOTE_RELEASE_RUNNING || state == PROMOTE_RELEASE_WAITING) &&
			strcmp(promote_release_flow(r), "manual") == 0 && promote_release_step_count(r) == 1 &&
			promote_release_step_lookup(r, to) && same_version(promote_release_version(r), promoted))
			*id = promote_release_id(r);
	}
	return rc;
}

static void print_text(const cli *c, promote_context *ctx, const promote_plan *plan, const char *diff,
	const promote_release *release, enum cli_outcome outcome)
{
	const promote_release_step *step = promote_release_step_at(release, 0);
	const char *promoted = promote_plan_version(plan);
	if (c->verbosity >= 0 && (c->verbosity > 0 || outcome != CLI_UNCHANGED))
		fputs(diff, stdout);
	if (outcome == CLI_COMMITTED)
		printf("committed %.12s on %s: %s %s to %s\n", promote_release_step_commit(step), promote_plan_branch(plan),
			product, promoted ? promoted : "", to);
	else if (outcome == CLI_PROPOSED)
		printf("proposed %.12s as change %s (the policy asks for a pull request)\n", promote_release_step_head(step),
			promote_release_step_change(step));
	else if (outcome == CLI_SKIPPED && promote_release_step_action(step) == PROMOTE_ACTION_NONE)
		printf("nothing written: the policy's action for %s in %s is none\n", product, to);
	else if (outcome == CLI_SKIPPED)
		printf("nothing written: %s\n", promote_release_step_reason(step));
	else if (outcome == CLI_UNCHANGED)
		cli_plan_print_unchanged(plan);
	if (outcome == CLI_PROPOSED && *promote_release_step_merge_commit(step))
		printf("merged change %s as %.12s\n", promote_release_step_change(step),
			promote_release_step_merge_commit(step));
	cli_release_print_result(stdout, release);
	/* In a clone, the promotion went to its remote: the clone learns it as any push. */
	if ((outcome == CLI_COMMITTED || outcome == CLI_PROPOSED) && promote_context_remote_name(ctx))
		printf("pushed to %s; git pull to see it\n", promote_context_remote_name(ctx));
}

static void print_unchanged(const cli *c, promote_context *ctx, const promote_plan *plan, const char *diff)
{
	if (!c->json) {
		cli_plan_print_unchanged(plan);
		return;
	}
	json_object *o = cli_plan_json(ctx, plan, diff);
	json_object_object_add(o, "outcome", json_object_new_string(cli_outcome_names[CLI_UNCHANGED]));
	json_object_object_add(o, "commit", NULL);
	json_object_object_add(o, "change", NULL);
	json_object_object_add(o, "release", NULL);
	json_object_object_add(o, "state", NULL);
	cli_print_json(o);
}

static int apply(const cli *c, promote_context *ctx, promote_plan *plan, const char *diff, const char *going)
{
	promote_release_options ropts = PROMOTE_RELEASE_OPTIONS_INIT;
	ropts.to = to;
	ropts.from = from;
	ropts.set_version = version;
	ropts.force = force ? 1 : 0;
	ropts.reason = reason;
	promote_release *release = NULL;
	int err = going ? promote_release_open(&release, ctx, going, &ropts)
		: promote_release_start(&release, ctx, product, &ropts);
	if (err < 0) {
		/* A version the flow has not brought this far is refused: bad input. */
		int rc = cli_fail(c);
		promote_release_free(release);
		return err == PROMOTE_ESTATE ? EXIT_USAGE : rc;
	}
	err = promote_release_run(release, 0);
	int rc;
	if (err < 0 && err != PROMOTE_ETIMEOUT) {
		rc = cli_fail(c);
	} else {
		enum cli_outcome outcome = cli_step_outcome(promote_release_step_at(release, 0));
		if (c->json) {
			const promote_release_step *step = promote_release_step_at(release, 0);
			json_object *o = cli_plan_json(ctx, plan, diff);
			const char *commit = outcome == CLI_PROPOSED ? promote_release_step_head(step)
				: promote_release_step_commit(step);
			json_object_object_add(o, "outcome", json_object_new_string(cli_outcome_names[outcome]));
			json_object_object_add(o, "commit", *commit ? json_object_new_string(commit) : NULL);
			const char *change = promote_release_step_change(step);
			json_object_object_add(o, "change", *change ? json_object_new_string(change) : NULL);
			json_object_object_add(o, "release", json_object_new_string(promote_release_id(release)));
			json_object_object_add(o, "state",
				json_object_new_string(promote_release_state_name(promote_release_state(release))));
			const char *error = promote_release_step_error(step);
			json_object_object_add(o, "error", *error ? json_object_new_string(error) : NULL);
			cli_print_json(o);
		} else if (*promote_release_step_error(promote_release_step_at(release, 0))) {
			cli_release_print_failure(release);
		} else {
			print_text(c, ctx, plan, diff, release, outcome);
		}
		rc = cli_release_exit_code(release);
	}
	promote_release_free(release);
	return rc;
}

/* Several products (or --all): one change of them all, as sync writes it. */
static int apply_several(const cli *c)
{
	if (version || force || reason)
		return cli_usage_error("--version, --force and --reason are for one product: name one PRODUCT, "
				       "or name several without them (each at the source's version)");
	promote_sync_options sopts = PROMOTE_SYNC_OPTIONS_INIT;
	sopts.products = all ? NULL : products.items;
	sopts.product_count = all ? 0 : products.count;
	return cli_sync_run(c, from, to, &sopts, dry_run);
}

static int run(const cli *c)
{
	if (all && products.count)
		return cli_usage_error("--all promotes every product: name no PRODUCT with it");
	if (!all && products.count == 0)
		return cli_usage_error("name the PRODUCT to promote (several for one change of them all), or --all");
	if (all || products.count > 1)
		return apply_several(c);
	product = products.items[0];
	if (force && !reason)
		return cli_usage_error("--force needs --reason TEXT: why the flow is skipped (it is recorded in the release)");
	if (reason && !force)
		return cli_usage_error("--reason goes with --force: it says why the flow is skipped");
	if (dry_run)
		return cli_plan_print(c, product, to, from, version, false);
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_plan_options popts = PROMOTE_PLAN_OPTIONS_INIT;
	popts.from = from;
	popts.set_version = version;
	promote_plan *plan = NULL;
	promote_buf diff = PROMOTE_BUF_INIT;
	promote_release_list *list = NULL;
	const char *going = NULL;
	int outcome;
	if (promote_plan_create(&plan, ctx, product, to, &popts) || promote_plan_diff(&diff, plan) ||
		open_release(&going, &list, ctx, promote_plan_version(plan)))
		rc = cli_fail(c);
	else if (going || promote_plan_change_count(plan) > 0)
		rc = apply(c, ctx, plan, diff.ptr, going);
	/* Already in place, and no release of it to finish: nothing to release. Applying the plan writes
	 * nothing then, and removes a lock on the branch that a killed run may have left. */
	else if (promote_plan_apply(NULL, &outcome, plan, NULL))
		rc = cli_fail(c);
	else
		print_unchanged(c, ctx, plan, diff.ptr);
	promote_release_list_free(list);
	promote_buf_dispose(&diff);
	promote_plan_free(plan);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_apply = {
	"apply", "one promotion as a release of one step: a commit, or a change request, as the policy says",
	"Makes the change plan shows, as a release of flow \"manual\" (see promote release list): the policy's\n"
	"pre-checks, one commit on ENV's branch or a change request when the policy asks for a pull request,\n"
	"the deploy and post-checks. A version the environments before ENV in the default flow never held is\n"
	"refused (exit status 2) unless ENV held it before (a rollback) or --force --reason TEXT is given.\n"
	"Applying what is already in place changes nothing. Exit status 0 done, 1 failed, 3 waiting (an approval).",
	opts, run, NULL, 0
};
