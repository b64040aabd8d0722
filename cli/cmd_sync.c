/*
 * promote sync --to B [--from A] [--update-only] [--only GLOB]... [--exclude GLOB]... [--dry-run]:
 * one change making B hold every product of A at A's version (sync.h), as a
 * release of one step (promote_sync_release()).
 * `promote apply P1 P2 ... --to B` and `apply --all --to B` print through
 * cli_sync_run() too.
 */
#include "cli.h"
#include "release_table.h"

#include <stdio.h>
#include <string.h>

static const char *to, *from;
static cli_list only, exclude;
static int update_only, dry_run;

static const cli_opt sync_opts[] = {
	{ CLI_OPT_VALUE, "to", 0, &to, 0, "ENV", "the environment to bring in line", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "from", 0, &from, 0, "ENV", "the environment it takes its products from (default: the step before ENV in the flow)", 0 },
	{ CLI_OPT_SWITCH, "update-only", 0, &update_only, 0, NULL, "only update the products ENV has; add none", 0 },
	{ CLI_OPT_VALUE, "only", 0, &only, 0, "GLOB", "only the products matching GLOB (repeatable)", CLI_OPT_MULTIPLE },
	{ CLI_OPT_VALUE, "exclude", 0, &exclude, 0, "GLOB", "leave out the products matching GLOB (repeatable)", CLI_OPT_MULTIPLE },
	{ CLI_OPT_SWITCH, "dry-run", 0, &dry_run, 0, NULL, "print the diff and what would change; write nothing", 0 },
	{ CLI_OPT_END }
};

static json_object *sync_json(const promote_sync *sync, const char *outcome, const char *commit, const char *diff)
{
	promote_buf text = PROMOTE_BUF_INIT;
	json_object *o = promote_sync_to_json(&text, sync) == 0 ? json_tokener_parse(text.ptr) : NULL;
	promote_buf_dispose(&text);
	if (!o)
		return NULL;
	json_object_object_add(o, "outcome", cli_json_string(outcome));
	json_object_object_add(o, "commit", cli_json_string(commit));
	json_object_object_add(o, "change", cli_json_string(promote_sync_change_id(sync)));
	if (diff)
		json_object_object_add(o, "diff", json_object_new_string(diff));
	return o;
}

/* One line per product that changes: "update shop 1.3.2 -> 1.4.0", "add cart 2.0.0". */
static void print_products(const promote_sync *sync, const char *would)
{
	for (size_t i = 0; i < promote_sync_product_count(sync); i++) {
		int kind = promote_sync_product_kind_at(sync, i);
		const char *version = promote_sync_product_version_at(sync, i);
		const char *previous = promote_sync_product_previous_at(sync, i);
		if (kind == PROMOTE_SYNC_UPDATE)
			printf("%supdate %s %s -> %s\n", would, promote_sync_product_at(sync, i), previous ? previous : "(none)",
				version ? version : "(no version)");
		else if (kind == PROMOTE_SYNC_ADD)
			printf("%sadd %s %s\n", would, promote_sync_product_at(sync, i), version ? version : "(no version)");
	}
}

/* What the sync release wrote, in one line; "nothing to change" when there was no release to make. */
static void print_summary(const promote_sync *sync, const promote_sync_options *opts, enum cli_outcome outcome,
	const promote_release *release)
{
	size_t updated = promote_sync_count_of(sync, PROMOTE_SYNC_UPDATE);
	size_t added = promote_sync_count_of(sync, PROMOTE_SYNC_ADD);
	size_t skipped = promote_sync_count_of(sync, PROMOTE_SYNC_SKIP);
	const char *target = promote_sync_to(sync), *source = promote_sync_from(sync);
	const promote_release_step *step = release ? promote_release_step_at(release, 0) : NULL;
	if (outcome == CLI_COMMITTED)
		printf("committed %.12s on %s: %s synced with %s, %zu updated, %zu added\n",
			promote_release_step_commit(step), promote_sync_branch(sync), target, source, updated, added);
	else if (outcome == CLI_PROPOSED)
		printf("proposed %.12s as change %s: %s synced with %s, %zu updated, %zu added\n",
			promote_release_step_head(step), promote_release_step_change(step), target, source, updated, added);
	else if (outcome == CLI_SKIPPED)
		printf("nothing written: the policy's action in %s is none for every product\n", target);
	else if (outcome == CLI_UNCHANGED && promote_sync_product_count(sync) == 0 &&
		(opts->only_count || opts->exclude_count || opts->product_count))
		printf("no product of %s is chosen: nothing to change\n", source);
	else if (outcome == CLI_UNCHANGED && promote_sync_product_count(sync) == 0)
		printf("%s has no product: nothing to change\n", source);
	else if (outcome == CLI_UNCHANGED)
		printf("%s holds every product of %s at its version: nothing to change\n", target, source);
	if (step && *promote_release_step_merge_commit(step))
		printf("merged change %s as %.12s\n", promote_release_step_change(step),
			promote_release_step_merge_commit(step));
	if (skipped)
		printf("%zu product%s left out (not in %s with --update-only, or the policy's action is none)\n", skipped,
			skipped == 1 ? "" : "s", target);
	if (release)
		cli_release_print_result(stdout, release);
}

static void print_json(const promote_sync *sync, enum cli_outcome outcome, const promote_release *release,
	const char *diff)
{
	const promote_release_step *step = release ? promote_release_step_at(release, 0) : NULL;
	const char *commit = !step ? NULL : outcome == CLI_PROPOSED ? promote_release_step_head(step)
		: promote_release_step_commit(step);
	json_object *o = sync_json(sync, cli_outcome_names[outcome], commit && *commit ? commit : NULL, diff);
	if (o) {
		json_object_object_add(o, "change", cli_json_string(step && *promote_release_step_change(step)
				? promote_release_step_change(step) : NULL));
		json_object_object_add(o, "release", cli_json_string(release ? promote_release_id(release) : NULL));
		json_object_object_add(o, "state", cli_json_string(release
				? promote_release_state_name(promote_release_state(release)) : NULL));
		const char *error = step ? promote_release_step_error(step) : "";
		json_object_object_add(o, "error", cli_json_string(*error ? error : NULL));
	}
	cli_print_json(o);
}

/* The sync as a release (sync.h): started, or an unfinished one of the same two environments resumed,
 * and run until it is done or waits for a person. No release when there is nothing to write. */
static int write_sync(const cli *c, promote_context *ctx, promote_sync *sync, const promote_sync_options *opts,
	const char *diff)
{
	promote_release_options ropts = PROMOTE_RELEASE_OPTIONS_INIT;
	promote_release *release = NULL;
	int outcome = PROMOTE_APPLY_UNCHANGED;
	if (promote_sync_release(&release, sync, &ropts))
		return cli_fail(c);
	/* Nothing to write: applying writes nothing, and removes a lock a killed run may have left. */
	if (!release && promote_sync_apply(NULL, &outcome, sync, NULL))
		return cli_fail(c);
	int err = release ? promote_release_run(release, 0) : 0;
	if (err < 0 && err != PROMOTE_ETIMEOUT) {
		int rc = cli_fail(c);
		promote_release_free(release);
		return rc;
	}
	enum cli_outcome shown = release ? cli_step_outcome(promote_release_step_at(release, 0))
		: outcome == PROMOTE_APPLY_SKIPPED ? CLI_SKIPPED : CLI_UNCHANGED;
	const promote_release_step *step = release ? promote_release_step_at(release, 0) : NULL;
	if (c->json) {
		print_json(sync, shown, release, diff);
	} else if (step && *promote_release_step_error(step)) {
		cli_release_print_failure(release);
	} else {
		if (diff)
			fputs(diff, stdout);
		if (c->verbosity >= 0)
			print_products(sync, "");
		print_summary(sync, opts, shown, release);
		if ((shown == CLI_COMMITTED || shown == CLI_PROPOSED) && promote_context_remote_name(ctx))
			printf("pushed to %s; git pull to see it\n", promote_context_remote_name(ctx));
	}
	int rc = release ? cli_release_exit_code(release) : EXIT_OK;
	promote_release_free(release);
	return rc;
}

int cli_sync_run(const cli *c, const char *source, const char *target, const promote_sync_options *opts, bool dry)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_sync *sync = NULL;
	promote_buf diff = PROMOTE_BUF_INIT;
	/* The diff of thousands of files is made only to be shown. */
	bool show_diff = dry || c->verbosity > 0;
	if (promote_sync_create(&sync, ctx, source, target, opts) || (show_diff && promote_sync_diff(&diff, sync))) {
		rc = cli_fail(c);
	} else if (!dry) {
		rc = write_sync(c, ctx, sync, opts, show_diff ? diff.ptr : NULL);
	} else if (c->json) {
		cli_print_json(sync_json(sync, NULL, NULL, diff.ptr));
	} else {
		fputs(diff.ptr, stdout);
		if (c->verbosity >= 0)
			print_products(sync, "would ");
		printf("%zu file%s would change in %s on branch %s\n", promote_sync_change_count(sync),
			promote_sync_change_count(sync) == 1 ? "" : "s", target,
			promote_sync_branch(sync) ? promote_sync_branch(sync) : "-");
	}
	promote_buf_dispose(&diff);
	promote_sync_free(sync);
	promote_context_free(ctx);
	return rc;
}

static int run(const cli *c)
{
	promote_sync_options opts = PROMOTE_SYNC_OPTIONS_INIT;
	opts.update_only = update_only ? 1 : 0;
	opts.only = only.items;
	opts.only_count = only.count;
	opts.exclude = exclude.items;
	opts.exclude_count = exclude.count;
	return cli_sync_run(c, from, to, &opts, dry_run);
}

const cli_command cmd_sync = {
	"sync", "one change making ENV hold every product of another environment at its version",
	"Every product the source environment has is planned into ENV: updated through its template when ENV\n"
	"has it (only the promoted bytes change), added when it does not (unless --update-only). All of it is\n"
	"written as one commit on ENV's branch, or one change request when ENV's policy for any of the products\n"
	"asks for a pull request or ENV's strategy is manual, as a release of one step (flow \"sync\"): the\n"
	"policies' checks run, a manual ENV waits for promote release approve, an unfinished sync of the same\n"
	"environments is resumed. Nothing to change writes nothing (exit status 0). Exit status 0 done, 1 failed,\n"
	"3 waiting (an approval).",
	sync_opts, run, NULL, 0
};
