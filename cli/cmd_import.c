/*
 * promote import NEW --from A [--path P] [--namespace NS] [--only GLOB]... [--kind K] [--strategy S]
 * [--label KEY=VALUE]...: a new environment made from an existing one, in one commit (doc/IMPORT.md).
 */
#include "cli.h"

#include <string.h>

static const char *name, *from, *path, *namespace_, *kind, *strategy;
static cli_list only, labels;

static const cli_opt opts[] = {
	{ CLI_OPT_ARG, "NEW", 0, &name, 0, NULL, "the environment to make", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "from", 0, &from, 0, "A", "the environment to make it from", CLI_OPT_REQUIRED },
	{ CLI_OPT_VALUE, "path", 0, &path, 0, "P", "its folder (default: A's path with A's last component replaced by NEW)", 0 },
	{ CLI_OPT_VALUE, "namespace", 0, &namespace_, 0, "NS",
	  "the namespace its files get where A's is set (default: A's with A's name replaced by NEW, else NEW)", 0 },
	{ CLI_OPT_VALUE, "only", 0, &only, 0, "GLOB", "copy only A's files and folders this matches (repeatable)",
	  CLI_OPT_MULTIPLE },
	{ CLI_OPT_VALUE, "kind", 0, &kind, 0, "K", "production or non-production (default: A's)", 0 },
	{ CLI_OPT_VALUE, "strategy", 0, &strategy, 0, "S", "auto, manual or never (default: manual)", 0 },
	{ CLI_OPT_VALUE, "label", 0, &labels, 0, "KEY=VALUE", "its labels instead of A's (repeatable)", CLI_OPT_MULTIPLE },
	{ CLI_OPT_END }
};

/* The value of `option` among `count` names (its index), or -1 after a usage error naming `expected`. */
static int choice(const char *option, const char *value, const char *(*name_of)(int), int count,
	const char *expected)
{
	for (int i = 0; i < count; i++)
		if (strcmp(value, name_of(i)) == 0)
			return i;
	cli_usage_error("--%s takes %s, not '%s'", option, expected, value);
	return -1;
}

static int run(const cli *c)
{
	promote_env_import_options o = PROMOTE_ENV_IMPORT_OPTIONS_INIT;
	o.path = path;
	o.target_namespace = namespace_;
	o.only = only.items;
	o.only_count = only.count;
	o.labels = labels.items;
	o.label_count = labels.count;
	if (kind && (o.kind = choice("kind", kind, promote_environment_kind_name, 2, "non-production or production")) < 0)
		return EXIT_USAGE;
	if (strategy && (o.strategy = choice("strategy", strategy, promote_strategy_name, 3, "auto, manual or never")) < 0)
		return EXIT_USAGE;
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_buf commit = PROMOTE_BUF_INIT;
	int outcome = PROMOTE_APPLY_UNCHANGED;
	if (promote_env_import(&commit, &outcome, ctx, name, from, &o) < 0) {
		rc = cli_fail(c);
	} else if (c->json) {
		json_object *out = json_object_new_object();
		json_object_object_add(out, "outcome", json_object_new_string(promote_apply_outcome_name(outcome)));
		json_object_object_add(out, "environment", json_object_new_string(name));
		json_object_object_add(out, "from", json_object_new_string(from));
		json_object_object_add(out, "commit", cli_json_string(commit.ptr));
		cli_json_add_remote(out, ctx);
		cli_print_json(out);
	} else if (c->verbosity >= 0) {
		if (outcome == PROMOTE_APPLY_COMMITTED)
			printf("committed %.12s: environment %s imported from %s\n", commit.ptr, name, from);
		else
			printf("environment %s already imported in %.12s: nothing to do\n", name, commit.ptr);
		if (outcome == PROMOTE_APPLY_COMMITTED && promote_context_remote_name(ctx))
			printf("pushed to %s; git pull to see it\n", promote_context_remote_name(ctx));
	}
	promote_buf_dispose(&commit);
	promote_context_free(ctx);
	return rc;
}

const cli_command cmd_import = {
	"import", "make a new environment from an existing one, in one commit",
	"Copies A's files (or those --only selects) into NEW's folder with A's namespace rewritten wherever it is\n"
	"set (kustomizations, manifests, helmfiles, Argo CD and Flux resources) and the names and paths that\n"
	"contain A's name renamed, and adds NEW to promote.yaml with a surgical edit: path, kind, strategy, A's\n"
	"labels and deploy, in the style of the environments there; every other byte stays. NEW joins no flow:\n"
	"add its step by hand. Refuses a NEW that is configured already or whose folder exists; run again after\n"
	"a crash, it says \"already imported in COMMIT\" rather than committing twice. See doc/IMPORT.md.",
	opts, run, NULL, 0
};
