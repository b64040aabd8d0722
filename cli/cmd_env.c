/* promote env list: the configured environments. */
#include "cli.h"

#include <stdio.h>

static json_object *env_to_json(const promote_env *env)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", cli_json_string(promote_env_name(env)));
	json_object_object_add(o, "path", cli_json_string(promote_env_path(env)));
	json_object_object_add(o, "kind", cli_json_string(promote_environment_kind_name(promote_env_kind(env))));
	json_object_object_add(o, "strategy", cli_json_string(promote_strategy_name(promote_env_strategy(env))));
	json_object_object_add(o, "deployMode", cli_json_string(promote_deploy_mode_name(promote_env_deploy_mode(env))));
	json_object_object_add(o, "repository", cli_json_string(promote_repository_name(promote_env_repository(env))));
	json_object_object_add(o, "branch", cli_json_string(promote_env_branch(env)));
	json_object *labels = json_object_new_object();
	for (size_t i = 0; i < promote_env_label_count(env); i++)
		json_object_object_add(labels, promote_env_label_key_at(env, i),
			cli_json_string(promote_env_label_value_at(env, i)));
	json_object_object_add(o, "labels", labels);
	json_object *clusters = json_object_new_array();
	for (size_t i = 0; i < promote_env_cluster_count(env); i++) {
		json_object *cl = json_object_new_object();
		json_object_object_add(cl, "name", cli_json_string(promote_env_cluster_name_at(env, i)));
		json_object_object_add(cl, "namespace", cli_json_string(promote_env_cluster_namespace_at(env, i)));
		json_object_array_add(clusters, cl);
	}
	json_object_object_add(o, "clusters", clusters);
	return o;
}

static void print_env(const promote_env *env)
{
	char labels[512] = "-";
	size_t used = 0;
	for (size_t i = 0; i < promote_env_label_count(env) && used < sizeof labels; i++)
		used += (size_t)snprintf(labels + used, sizeof labels - used, "%s%s=%s", i ? "," : "",
			promote_env_label_key_at(env, i), promote_env_label_value_at(env, i));
	const char *branch = promote_env_branch(env);
	printf("%-16s %-15s %-8s %-24s %-12s %s\n", promote_env_name(env),
		promote_environment_kind_name(promote_env_kind(env)), promote_strategy_name(promote_env_strategy(env)),
		promote_env_path(env), branch ? branch : "(default)", labels);
}

static const cli_opt list_opts[] = { { CLI_OPT_END } };

static int list_run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	if (c->json) {
		json_object *list = json_object_new_array(), *o = json_object_new_object();
		for (size_t i = 0; i < promote_env_count(ctx); i++)
			json_object_array_add(list, env_to_json(promote_env_at(ctx, i)));
		json_object_object_add(o, "environments", list);
		cli_print_json(o);
	} else {
		printf("%-16s %-15s %-8s %-24s %-12s %s\n", "NAME", "KIND", "STRATEGY", "PATH", "BRANCH", "LABELS");
		for (size_t i = 0; i < promote_env_count(ctx); i++)
			print_env(promote_env_at(ctx, i));
	}
	promote_context_free(ctx);
	return EXIT_OK;
}

static const cli_command list = {
	"list", "the configured environments",
	"In declaration order: name, kind, strategy, path, branch ((default): the repository's default\n"
	"branch) and labels; --json adds deploy mode, repository and clusters.",
	list_opts, list_run, NULL, 0
};

const cli_command cmd_env = {
	"env", "the configured environments", NULL, NULL, NULL, (const cli_command *const[]){ &list, NULL }, 0
};
