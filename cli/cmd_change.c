/* promote change show|approve|merge|close|comment ID: change requests at the git provider. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = { "open", "merged", "closed" };
static const char *const checks_names[] = { "none", "pending", "passing", "failing" };

static void print_info(const cli *c, const promote_change_info *info)
{
	int state = promote_change_info_state(info), checks = promote_change_info_checks(info);
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", cli_json_string(promote_change_info_id(info)));
		json_object_object_add(o, "title", cli_json_string(promote_change_info_title(info)));
		json_object_object_add(o, "head", cli_json_string(promote_change_info_head(info)));
		json_object_object_add(o, "base", cli_json_string(promote_change_info_base(info)));
		json_object_object_add(o, "state", json_object_new_string(state_names[state]));
		json_object_object_add(o, "draft", json_object_new_boolean(promote_change_info_draft(info)));
		json_object_object_add(o, "approvals", json_object_new_int((int)promote_change_info_approvals(info)));
		json_object_object_add(o, "checks", json_object_new_string(checks_names[checks]));
		const char *merged = promote_change_info_merge_commit(info);
		json_object_object_add(o, "mergeCommit", *merged ? json_object_new_string(merged) : NULL);
		json_object_object_add(o, "url", cli_json_string(promote_change_info_url(info)));
		cli_print_json(o);
		return;
	}
	if (c->verbosity < 0)
		return;
	printf("change %s: %s\n", promote_change_info_id(info), promote_change_info_title(info));
	printf("  %s into %s: %s%s, %u approval%s, checks %s\n", promote_change_info_head(info),
		promote_change_info_base(info), state_names[state], promote_change_info_draft(info) ? " (draft)" : "",
		promote_change_info_approvals(info), promote_change_info_approvals(info) == 1 ? "" : "s",
		checks_names[checks]);
	if (*promote_change_info_merge_commit(info))
		printf("  merged as %s\n", promote_change_info_merge_commit(info));
}

static const char usage_text[] =
	"usage: promote change show|approve|merge|close ID [--provider NAME] [--by NAME]\n"
	"       promote change comment ID TEXT [--provider NAME]";

int cmd_change(const cli *c)
{
	const char *verb = NULL, *id = NULL, *text = NULL, *provider = NULL, *by = NULL;
	for (int i = 0; i < c->argc; i++) {
		const char *a = c->argv[i];
		const char **value = strcmp(a, "--provider") == 0 ? &provider : strcmp(a, "--by") == 0 ? &by : NULL;
		if (value) {
			if (++i >= c->argc)
				return cli_usage_error("%s needs a value", a);
			*value = c->argv[i];
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("unknown option '%s'\n%s", a, usage_text);
		} else if (!verb) {
			verb = a;
		} else if (!id) {
			id = a;
		} else if (!text && strcmp(verb, "comment") == 0) {
			text = a;
		} else {
			return cli_usage_error("unexpected argument '%s'\n%s", a, usage_text);
		}
	}
	static const char *const verbs[] = { "show", "approve", "merge", "close", "comment" };
	size_t v = 0;
	while (verb && v < sizeof verbs / sizeof *verbs && strcmp(verb, verbs[v]) != 0)
		v++;
	if (!verb || v == sizeof verbs / sizeof *verbs || !id || (v == 4 && !text))
		return cli_usage_error("%s", usage_text);
	if (by && v != 1)
		return cli_usage_error("--by goes with approve");
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_change_info *info = NULL;
	int err = v == 0 ? promote_change_get(&info, ctx, provider, id)
		: v == 1 ? promote_change_approve(&info, ctx, provider, id, by)
		: v == 2 ? promote_change_merge(&info, ctx, provider, id)
		: v == 3 ? promote_change_close(ctx, provider, id)
		: promote_change_comment(ctx, provider, id, text);
	/* Closing and commenting answer with the change as it is now. */
	if (err == 0 && !info)
		err = promote_change_get(&info, ctx, provider, id);
	if (err)
		rc = cli_fail(c);
	else
		print_info(c, info);
	promote_change_info_free(info);
	promote_context_free(ctx);
	return rc;
}
