/* promote change show|approve|merge|close|comment ID: change requests at the git provider. */
#include "cli.h"

#include <stdio.h>

/* The change; for a dry run, `would` names what was not done. */
static void print_info(const cli *c, const promote_context *ctx, const promote_change_info *info, const char *would)
{
	int state = promote_change_info_state(info), checks = promote_change_info_checks(info);
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", cli_json_string(promote_change_info_id(info)));
		json_object_object_add(o, "title", cli_json_string(promote_change_info_title(info)));
		json_object_object_add(o, "head", cli_json_string(promote_change_info_head(info)));
		json_object_object_add(o, "base", cli_json_string(promote_change_info_base(info)));
		json_object_object_add(o, "state", json_object_new_string(promote_change_state_name(state)));
		json_object_object_add(o, "draft", json_object_new_boolean(promote_change_info_draft(info)));
		json_object_object_add(o, "approvals", json_object_new_int((int)promote_change_info_approvals(info)));
		json_object_object_add(o, "checks", json_object_new_string(promote_checks_state_name(checks)));
		const char *merged = promote_change_info_merge_commit(info);
		json_object_object_add(o, "mergeCommit", *merged ? json_object_new_string(merged) : NULL);
		json_object_object_add(o, "url", cli_json_string(promote_change_info_url(info)));
		cli_json_add_remote(o, ctx);
		if (would) {
			json_object_object_add(o, "dryRun", json_object_new_boolean(1));
			json_object_object_add(o, "action", json_object_new_string(would));
		}
		cli_print_json(o);
		return;
	}
	if (c->verbosity < 0)
		return;
	printf("change %s: %s\n", promote_change_info_id(info), promote_change_info_title(info));
	printf("  %s into %s: %s%s, %u approval%s, checks %s\n", promote_change_info_head(info),
		promote_change_info_base(info), promote_change_state_name(state), promote_change_info_draft(info) ? " (draft)" : "",
		promote_change_info_approvals(info), promote_change_info_approvals(info) == 1 ? "" : "s",
		promote_checks_state_name(checks));
	if (*promote_change_info_merge_commit(info))
		printf("  merged as %s\n", promote_change_info_merge_commit(info));
	if (would)
		printf("dry run: would %s change %s; nothing written\n", would, promote_change_info_id(info));
}

enum verb { SHOW, APPROVE, MERGE, CLOSE, COMMENT };

static const char *id, *text, *provider, *by;
static int dry_run;
static const char *const verb_names[] = { "show", "approve", "merge", "close", "comment" };

#define ID_OPT { CLI_OPT_ARG, "ID", 0, &id, 0, NULL, "the change (what apply printed)", CLI_OPT_REQUIRED }
#define PROVIDER_OPT { CLI_OPT_VALUE, "provider", 0, &provider, 0, "NAME", \
	"the git provider (default: that of the first repository, else local)", 0 }
#define DRY_RUN_OPT { CLI_OPT_SWITCH, "dry-run", 0, &dry_run, 0, NULL, \
	"print the change as it is and what would be done; write nothing", 0 }

static const cli_opt show_opts[] = { ID_OPT, PROVIDER_OPT, { CLI_OPT_END } };
static const cli_opt approve_opts[] = {
	ID_OPT, PROVIDER_OPT, DRY_RUN_OPT,
	{ CLI_OPT_VALUE, "by", 0, &by, 0, "NAME", "who approves (default: $PROMOTE_AUTHOR_NAME, $USER, promote)", 0 },
	{ CLI_OPT_END }
};
static const cli_opt merge_opts[] = { ID_OPT, PROVIDER_OPT, DRY_RUN_OPT, { CLI_OPT_END } };
static const cli_opt close_opts[] = { ID_OPT, PROVIDER_OPT, DRY_RUN_OPT, { CLI_OPT_END } };
static const cli_opt comment_opts[] = {
	ID_OPT,
	{ CLI_OPT_ARG, "TEXT", 0, &text, 0, NULL, "the comment", CLI_OPT_REQUIRED },
	PROVIDER_OPT, DRY_RUN_OPT,
	{ CLI_OPT_END }
};

static int run(const cli *c, enum verb requested)
{
	enum verb v = requested;
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_change_info *info = NULL;
	if (dry_run)
		v = SHOW;
	int err = v == SHOW ? promote_change_get(&info, ctx, provider, id)
		: v == APPROVE ? promote_change_approve(&info, ctx, provider, id, by)
		: v == MERGE ? promote_change_merge(&info, ctx, provider, id)
		: v == CLOSE ? promote_change_close(ctx, provider, id)
		: promote_change_comment(ctx, provider, id, text);
	/* Closing and commenting answer with the change as it is now. */
	if (err == 0 && !info)
		err = promote_change_get(&info, ctx, provider, id);
	if (err)
		rc = cli_fail(c);
	else
		print_info(c, ctx, info, dry_run ? verb_names[requested] : NULL);
	promote_change_info_free(info);
	promote_context_free(ctx);
	return rc;
}

static int show_run(const cli *c) { return run(c, SHOW); }
static int approve_run(const cli *c) { return run(c, APPROVE); }
static int merge_run(const cli *c) { return run(c, MERGE); }
static int close_run(const cli *c) { return run(c, CLOSE); }
static int comment_run(const cli *c) { return run(c, COMMENT); }

static const cli_command show = { "show", "print a change request", NULL, show_opts, show_run, NULL, 0 };
static const cli_command approve = {
	"approve", "record an approval (one per person; a draft approved is ready to merge)", NULL,
	approve_opts, approve_run, NULL, 0
};
static const cli_command merge = {
	"merge", "merge the change branch into its base branch",
	"A fast-forward when the base has not moved, else a merge commit. Refused for a draft (approve it\n"
	"first), a closed change, or when both changed the same lines.",
	merge_opts, merge_run, NULL, 0
};
static const cli_command close_cmd = { "close", "close a change request without merging", NULL, close_opts, close_run,
	NULL, 0 };
static const cli_command comment = { "comment", "add a comment to a change request", NULL, comment_opts, comment_run,
	NULL, 0 };

const cli_command cmd_change = {
	"change", "change requests at their git provider (local: in the repository)",
	"Each prints the change as it is afterwards.", NULL, NULL,
	(const cli_command *const[]){ &show, &approve, &merge, &close_cmd, &comment, NULL }, 0
};
