/* promote plan|apply PRODUCT --to ENV [--from ENV] [--version V] [--release ID]: one promotion. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *product, *to, *from, *version, *release;
static int dry_run, exit_code;

#define PROMOTION_OPTS \
	{ CLI_OPT_ARG, "PRODUCT", 0, &product, 0, NULL, "the product to promote", CLI_OPT_REQUIRED }, \
	{ CLI_OPT_VALUE, "to", 0, &to, 0, "ENV", "the environment to promote into", CLI_OPT_REQUIRED }, \
	{ CLI_OPT_VALUE, "from", 0, &from, 0, "ENV", "the source environment (default: the step before ENV in the flow)", 0 }, \
	{ CLI_OPT_VALUE, "version", 0, &version, 0, "V", "the version to promote (default: the source's)", 0 }

static const cli_opt plan_opts[] = {
	PROMOTION_OPTS,
	{ CLI_OPT_SWITCH, "exit-code", 0, &exit_code, 0, NULL,
	  "exit status 4 when there are changes, 0 when there are none (1, 2 and 3 keep their meaning)", 0 },
	{ CLI_OPT_END }
};

static const cli_opt apply_opts[] = {
	PROMOTION_OPTS,
	{ CLI_OPT_VALUE, "release", 0, &release, 0, "ID", "the release this promotion belongs to (names the change branch)", 0 },
	{ CLI_OPT_SWITCH, "dry-run", 0, &dry_run, 0, NULL, "print what plan prints and write nothing", 0 },
	{ CLI_OPT_END }
};

static int run(const cli *c, bool applying)
{
	promote_plan_options opts = PROMOTE_PLAN_OPTIONS_INIT;
	promote_apply_options apply = PROMOTE_APPLY_OPTIONS_INIT;
	opts.from = from;
	opts.set_version = version;
	apply.release = release;
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_plan *plan = NULL;
	promote_buf diff = PROMOTE_BUF_INIT, commit = PROMOTE_BUF_INIT;
	int outcome = PROMOTE_APPLY_UNCHANGED;
	/* The diff after applying: a re-plan on a moved branch changes what is committed. */
	if (promote_plan_create(&plan, ctx, product, to, &opts) ||
		(applying && promote_plan_apply(&commit, &outcome, plan, &apply)) || promote_plan_diff(&diff, plan)) {
		rc = cli_fail(c);
	} else if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "product", cli_json_string(promote_plan_product(plan)));
		json_object_object_add(o, "from", cli_json_string(promote_plan_from(plan)));
		json_object_object_add(o, "to", cli_json_string(promote_plan_to(plan)));
		json_object_object_add(o, "version", cli_json_string(promote_plan_version(plan)));
		json_object_object_add(o, "branch", cli_json_string(promote_plan_branch(plan)));
		json_object_object_add(o, "base", cli_json_string(promote_plan_base(plan)));
		json_object *files = json_object_new_array();
		for (size_t i = 0; i < promote_plan_change_count(plan); i++)
			json_object_array_add(files, cli_json_string(promote_plan_change_path_at(plan, i)));
		json_object_object_add(o, "changes", files);
		json_object_object_add(o, "diff", json_object_new_string(diff.ptr));
		cli_json_add_remote(o, ctx);
		if (applying) {
			json_object_object_add(o, "outcome", json_object_new_string(promote_apply_outcome_name(outcome)));
			json_object_object_add(o, "commit", cli_json_string(commit.ptr));
			json_object_object_add(o, "change", cli_json_string(promote_plan_change_id(plan)));
		}
		cli_print_json(o);
	} else {
		const char *promoted = promote_plan_version(plan);
		if (!applying || c->verbosity > 0 || outcome != PROMOTE_APPLY_UNCHANGED)
			fputs(diff.ptr, stdout);
		if (promote_plan_change_count(plan) == 0)
			printf("%s%s%s is already in %s: nothing to change\n", product, promoted ? " " : "", promoted ? promoted : "",
				to);
		else if (!applying)
			printf("%zu file%s would change in %s on branch %s\n", promote_plan_change_count(plan),
				promote_plan_change_count(plan) == 1 ? "" : "s", to, promote_plan_branch(plan));
		else if (outcome == PROMOTE_APPLY_COMMITTED)
			printf("committed %.12s on %s: %s %s to %s\n", commit.ptr, promote_plan_branch(plan), product,
				promoted ? promoted : "", to);
		else if (outcome == PROMOTE_APPLY_PROPOSED)
			printf("proposed %.12s as change %s (the policy asks for a pull request)\n", commit.ptr,
				promote_plan_change_id(plan));
		else if (outcome == PROMOTE_APPLY_SKIPPED)
			printf("nothing written: the policy's action for %s in %s is none\n", product, to);
		/* In a clone, the promotion went to its remote: the clone learns it as any push. */
		if ((outcome == PROMOTE_APPLY_COMMITTED || outcome == PROMOTE_APPLY_PROPOSED) && promote_context_remote_name(ctx))
			printf("pushed to %s; git pull to see it\n", promote_context_remote_name(ctx));
	}
	if (rc == 0 && exit_code && promote_plan_change_count(plan) > 0)
		rc = EXIT_CHANGES;
	promote_buf_dispose(&diff);
	promote_buf_dispose(&commit);
	promote_plan_free(plan);
	promote_context_free(ctx);
	return rc;
}

static int plan_run(const cli *c)
{
	return run(c, false);
}

static int apply_run(const cli *c)
{
	return run(c, !dry_run);
}

const cli_command cmd_plan = {
	"plan", "the diff a promotion would make; writes nothing",
	"The unified diff of every file promoting PRODUCT into ENV would change, on ENV's branch.\n"
	"With --exit-code the exit status says whether there are changes: 4 there are, 0 there are none.",
	plan_opts, plan_run, NULL, 0
};

const cli_command cmd_apply = {
	"apply", "one promotion: one commit, or a change request, as the policy says",
	"Makes the change plan shows: one commit on ENV's branch, or a change request when the policy asks\n"
	"for a pull request. Applying what is already in place changes nothing.",
	apply_opts, apply_run, NULL, 0
};
