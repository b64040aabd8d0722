/*
 * promote sync --to B [--from A] [--update-only] [--only GLOB]... [--exclude GLOB]... [--dry-run]:
 * one change making B hold every product of A at A's version (sync.h).
 * `promote apply P1 P2 ... --to B` and `apply --all --to B` print through
 * cli_sync_run() too.
 */
#include "cli.h"

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

static void print_summary(const promote_sync *sync, const promote_sync_options *opts, int outcome, const char *commit)
{
	size_t updated = promote_sync_count_of(sync, PROMOTE_SYNC_UPDATE);
	size_t added = promote_sync_count_of(sync, PROMOTE_SYNC_ADD);
	size_t skipped = promote_sync_count_of(sync, PROMOTE_SYNC_SKIP);
	const char *target = promote_sync_to(sync), *source = promote_sync_from(sync);
	if (outcome == PROMOTE_APPLY_COMMITTED)
		printf("committed %.12s on %s: %s synced with %s, %zu updated, %zu added\n", commit,
			promote_sync_branch(sync), target, source, updated, added);
	else if (outcome == PROMOTE_APPLY_PROPOSED)
		printf("proposed %.12s as change %s: %s synced with %s, %zu updated, %zu added\n", commit,
			promote_sync_change_id(sync), target, source, updated, added);
	else if (outcome == PROMOTE_APPLY_SKIPPED)
		printf("nothing written: the policy's action in %s is none for every product\n", target);
	else if (promote_sync_product_count(sync) == 0 && (opts->only_count || opts->exclude_count || opts->product_count))
		printf("no product of %s is chosen: nothing to change\n", source);
	else if (promote_sync_product_count(sync) == 0)
		printf("%s has no product: nothing to change\n", source);
	else
		printf("%s holds every product of %s at its version: nothing to change\n", target, source);
	if (skipped)
		printf("%zu product%s left out (not in %s with --update-only, or the policy's action is none)\n", skipped,
			skipped == 1 ? "" : "s", target);
}

int cli_sync_run(const cli *c, const char *source, const char *target, const promote_sync_options *opts, bool dry)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_sync *sync = NULL;
	promote_buf diff = PROMOTE_BUF_INIT, commit = PROMOTE_BUF_INIT;
	int outcome = PROMOTE_APPLY_UNCHANGED;
	/* The diff of thousands of files is made only to be shown. */
	bool show_diff = dry || c->verbosity > 0;
	if (promote_sync_create(&sync, ctx, source, target, opts) || (show_diff && promote_sync_diff(&diff, sync)) ||
		(!dry && promote_sync_apply(&commit, &outcome, sync, NULL))) {
		rc = cli_fail(c);
	} else if (c->json) {
		cli_print_json(sync_json(sync, dry ? NULL : promote_apply_outcome_name(outcome), commit.ptr,
			show_diff ? diff.ptr : NULL));
	} else {
		if (show_diff)
			fputs(diff.ptr, stdout);
		if (c->verbosity >= 0)
			print_products(sync, dry ? "would " : "");
		if (dry)
			printf("%zu file%s would change in %s on branch %s\n", promote_sync_change_count(sync),
				promote_sync_change_count(sync) == 1 ? "" : "s", target,
				promote_sync_branch(sync) ? promote_sync_branch(sync) : "-");
		else
			print_summary(sync, opts, outcome, commit.ptr);
		if (!dry && (outcome == PROMOTE_APPLY_COMMITTED || outcome == PROMOTE_APPLY_PROPOSED) &&
			promote_context_remote_name(ctx))
			printf("pushed to %s; git pull to see it\n", promote_context_remote_name(ctx));
	}
	promote_buf_dispose(&diff);
	promote_buf_dispose(&commit);
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
	"asks for a pull request or ENV's strategy is manual. Nothing to change writes nothing (exit status 0).",
	sync_opts, run, NULL, 0
};
