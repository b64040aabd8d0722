/* promote providers: the git providers and deploy backends there are, and what names them. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* One kind: git providers or deploy backends. */
typedef struct kind {
	const char *title;    /* "git provider" */
	const char *key;      /* the JSON member */
	const char *(*builtin_at)(size_t index);
	size_t (*registered_count)(const promote_context *ctx);
	const char *(*registered_at)(const promote_context *ctx, size_t index);
	size_t (*user_count)(const promote_context *ctx);
	const char *(*user_name_at)(const promote_context *ctx, size_t index);  /* a repository or an environment */
	const char *(*user_uses_at)(const promote_context *ctx, size_t index);  /* the provider or backend it names */
	const char *user_kind;  /* "repository" */
} kind;

static const char *repo_name_at(const promote_context *ctx, size_t i)
{
	return promote_repository_name(promote_repository_at(ctx, i));
}

static const char *repo_provider_at(const promote_context *ctx, size_t i)
{
	return promote_repository_provider(promote_repository_at(ctx, i));
}

static const char *env_name_at(const promote_context *ctx, size_t i)
{
	return promote_env_name(promote_env_at(ctx, i));
}

/* "none" for an environment that names no backend (promote_env_deploy_backend() says so). */
static const char *env_backend_at(const promote_context *ctx, size_t i)
{
	return promote_env_deploy_backend(promote_env_at(ctx, i));
}

static const kind kinds[] = {
	{ "git provider", "git_providers", promote_git_provider_builtin_at, promote_git_provider_count,
		promote_git_provider_name_at, promote_repository_count, repo_name_at, repo_provider_at, "repository" },
	{ "deploy backend", "deploy_backends", promote_deploy_backend_builtin_at, promote_deploy_backend_count,
		promote_deploy_backend_name_at, promote_env_count, env_name_at, env_backend_at, "environment" },
};

static bool is_builtin(const kind *k, const char *name)
{
	for (size_t i = 0; k->builtin_at(i); i++)
		if (strcmp(k->builtin_at(i), name) == 0)
			return true;
	return false;
}

static bool is_registered(const kind *k, const promote_context *ctx, const char *name)
{
	for (size_t i = 0; i < k->registered_count(ctx); i++)
		if (strcmp(k->registered_at(ctx, i), name) == 0)
			return true;
	return false;
}

/* Where `name` comes from: a registered one stands in front of a built-in one of its name. */
static const char *origin(const kind *k, const promote_context *ctx, const char *name)
{
	return is_registered(k, ctx, name) ? "registered" : is_builtin(k, name) ? "builtin" : "unknown";
}

/* The names of this kind, each once: built in, registered, then named by the configuration only. */
static size_t names_of(const kind *k, const promote_context *ctx, const char **names, size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 3; pass++) {
		size_t count = pass == 0 ? SIZE_MAX : pass == 1 ? k->registered_count(ctx) : k->user_count(ctx);
		for (size_t i = 0; i < count; i++) {
			const char *name = pass == 0 ? k->builtin_at(i) : pass == 1 ? k->registered_at(ctx, i)
											: k->user_uses_at(ctx, i);
			if (!name)
				break;
			bool seen = false;
			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(names[j], name) == 0;
			if (!seen && n < max)
				names[n++] = name;
		}
	}
	return n;
}

static json_object *users_json(const kind *k, const promote_context *ctx, const char *name)
{
	json_object *users = json_object_new_array();
	for (size_t i = 0; i < k->user_count(ctx); i++)
		if (strcmp(k->user_uses_at(ctx, i), name) == 0)
			json_object_array_add(users, cli_json_string(k->user_name_at(ctx, i)));
	return users;
}

static void print_users(const kind *k, const promote_context *ctx, const char *name)
{
	size_t shown = 0;
	for (size_t i = 0; i < k->user_count(ctx); i++)
		if (strcmp(k->user_uses_at(ctx, i), name) == 0)
			printf("%s%s", shown++ ? ", " : "", k->user_name_at(ctx, i));
	printf("%s\n", shown ? "" : "-");
}

#define MAX_NAMES 256

static const cli_opt opts[] = { { CLI_OPT_END } };

static int run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	const char *names[MAX_NAMES];
	json_object *out = c->json ? json_object_new_object() : NULL;
	if (!c->json)
		printf("%-24s %-15s %-11s %s\n", "NAME", "KIND", "ORIGIN", "USED BY");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t n = names_of(&kinds[k], ctx, names, MAX_NAMES);
		json_object *list = c->json ? json_object_new_array() : NULL;
		for (size_t i = 0; i < n; i++) {
			if (c->json) {
				json_object *o = json_object_new_object();
				json_object_object_add(o, "name", cli_json_string(names[i]));
				json_object_object_add(o, "origin", cli_json_string(origin(&kinds[k], ctx, names[i])));
				json_object_object_add(o, "used_by", users_json(&kinds[k], ctx, names[i]));
				json_object_array_add(list, o);
			} else {
				printf("%-24s %-15s %-11s ", names[i], kinds[k].title, origin(&kinds[k], ctx, names[i]));
				print_users(&kinds[k], ctx, names[i]);
			}
		}
		if (c->json)
			json_object_object_add(out, kinds[k].key, list);
	}
	if (c->json)
		cli_print_json(out);
	promote_context_free(ctx);
	return EXIT_OK;
}

const cli_command cmd_providers = {
	"providers", "the git providers and deploy backends, and what uses each",
	"Every git provider and deploy backend: the built-in ones, the ones a program registered on its\n"
	"context, and any name the configuration gives that is neither (origin 'unknown': validate refuses\n"
	"it). USED BY names the repositories that name a git provider and the environments that name a\n"
	"deploy backend (one without deploy: uses 'none').",
	opts, run, NULL, 0
};
