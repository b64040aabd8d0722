/*
 * promote_scaffold_from_jx() (scaffold.h): a starting configuration from a
 * Jenkins X jx-requirements.yml — its environments (`spec.environments`, or
 * `environments` at the top of the older files), with the defaults Jenkins X
 * gives them (jx-api's EnvironmentConfig; jx-promote's EnvironmentNamespace):
 *
 *   - strategy: promotionStrategy Auto, Manual or Never; empty, `dev` Never
 *     (its development environment, the flow's trigger), `staging` Auto,
 *     any other Manual;
 *   - namespace: `namespace`, else `jx` for dev (Jenkins X's own) and
 *     `jx-KEY` for the others, made a valid Kubernetes name;
 *   - folder: helmfiles/NAMESPACE, where Jenkins X 3 keeps an environment's
 *     helmfile;
 *   - a remoteCluster environment lives in its own repository, named after
 *     it under `repositories:`: gitServer/owner/repository, defaulting to
 *     the cluster's gitServer and environmentGitOwner and Jenkins X's
 *     repository name environment-CLUSTER-KEY;
 *   - the default flow in the file's order: dev the trigger, each other
 *     environment but the Never ones after the one before it.
 *
 * Every problem of the file is reported at its file:line:column, all in one
 * call, and nothing is made.
 */
#include "scaffold.h"

#include "core/error.h"
#include "core/strbuf.h"
#include "reader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JX_MAX_SIZE (4 * 1024 * 1024)

/* What a jx-requirements.yml says of an environment. */
typedef struct jx_env {
	const char *key, *owner, *repository, *git_server, *ns;
	int strategy;      /* -1: not given (or empty); else an index of strategies[] */
	bool remote;
	const promote__ynode *node;
} jx_env;

static const char *const strategies[] = { "Auto", "Manual", "Never" };
static const char *const promote_strategies[] = { "auto", "manual", "never" };

/* A string member of `map`; NULL when absent, null or empty. */
static const char *string_of(promote__reader *r, const promote__ynode *map, const char *key, const char *what)
{
	const promote__ynode *n = map ? promote__map_get(map, key) : NULL;
	if (!n || promote__yscalar_is_null(n))
		return NULL;
	const char *s = promote__read_string(r, n, what);
	return s && *s ? s : NULL;
}

static bool bool_of(promote__reader *r, const promote__ynode *map, const char *key, const char *what)
{
	const promote__ynode *n = promote__map_get(map, key);
	if (!n || promote__yscalar_is_null(n))
		return false;
	const char *s = promote__read_string(r, n, what);
	if (s && strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
		promote__reader_error(r, n, "%s is '%s'; write true or false", what, s);
	return s && strcmp(s, "true") == 0;
}

static void read_env(promote__reader *r, jx_env *e, const promote__ynode *item, size_t index)
{
	char what[96];
	snprintf(what, sizeof what, "environment %zu of 'environments'", index + 1);
	const promote__ynode *map = promote__expect(r, item, PROMOTE__YMAPPING, what);
	e->node = item;
	e->strategy = -1;
	if (!map)
		return;
	if (!(e->key = string_of(r, map, "key", "'key'")))
		promote__reader_error(r, item, "%s has no 'key'; give its name, e.g. 'key: staging'", what);
	e->owner = string_of(r, map, "owner", "'owner'");
	e->repository = string_of(r, map, "repository", "'repository'");
	e->git_server = string_of(r, map, "gitServer", "'gitServer'");
	e->ns = string_of(r, map, "namespace", "'namespace'");
	e->remote = bool_of(r, map, "remoteCluster", "'remoteCluster'");
	const promote__ynode *n = promote__map_get(map, "promotionStrategy");
	if (n && !promote__yscalar_is_null(n) && n->type == PROMOTE__YSCALAR && n->length == 0)
		n = NULL; /* "": Jenkins X's default */
	if (n && !promote__yscalar_is_null(n))
		e->strategy = promote__read_enum(r, n, "'promotionStrategy'", strategies, 3);
}

/* Jenkins X's default strategy (an index of strategies[]). */
static int default_strategy(const char *key)
{
	return strcmp(key, "dev") == 0 ? 2 : strcmp(key, "staging") == 0 ? 0 : 1;
}

/* A valid Kubernetes name as jx-promote makes one (naming.ToValidName): lower case, anything but letters,
 * digits and '-' a '-'. */
static char *valid_name(promote__arena *a, const char *prefix, const char *key)
{
	char *s = promote__arena_alloc(a, strlen(prefix) + strlen(key) + 1);
	if (!s)
		return NULL;
	strcpy(s, prefix);
	strcat(s, key);
	for (char *p = s; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
	return s;
}

typedef struct cluster_info {
	const char *name, *owner, *git_server;
} cluster_info;

static int add_repository(promote__scaffold *s, const jx_env *e, const cluster_info *c, const char **name)
{
	const char *server = e->git_server ? e->git_server : c->git_server ? c->git_server : "https://github.com";
	const char *owner = e->owner ? e->owner : c->owner;
	char *repo_name = e->repository ? promote__strdupf("%s", e->repository)
		: c->name ? promote__strdupf("environment-%s-%s", c->name, e->key) : promote__strdupf("environment-%s", e->key);
	if (!repo_name)
		return promote__error_oom();
	size_t len = strlen(server);
	char *url = promote__strdupf("%.*s/%s/%s.git", (int)(len && server[len - 1] == '/' ? len - 1 : len), server,
		owner ? owner : "OWNER", repo_name);
	char *note = promote__strdupf("remoteCluster: %s runs on a cluster of its own, from a repository of its own%s",
		e->key, owner ? "" : " (no owner given, nor cluster.environmentGitOwner: replace OWNER)");
	promote__scaffold_repo *r = url && note ? promote__array_alloc(&s->repos) : NULL;
	if (r) {
		r->name = *name = promote__arena_strdup(s->arena, e->key);
		r->url = promote__arena_strdup(s->arena, url);
		r->note = promote__arena_strdup(s->arena, note);
	}
	free(url);
	free(note);
	free(repo_name);
	return r && r->name && r->url && r->note ? 0 : promote__error_oom();
}

static int add_env(promote__scaffold *s, const jx_env *e, const cluster_info *c, bool trigger)
{
	promote__scaffold_env *env = promote__array_alloc(&s->envs);
	if (!env)
		return PROMOTE_ENOMEM;
	int strategy = e->strategy >= 0 ? e->strategy : default_strategy(e->key);
	env->name = e->key;
	env->ns = e->ns ? e->ns : strcmp(e->key, "dev") == 0 ? "jx" : valid_name(s->arena, "jx-", e->key);
	char *path = env->ns ? promote__strdupf("helmfiles/%s", env->ns) : NULL;
	env->path = path ? promote__arena_strdup(s->arena, path) : NULL;
	free(path);
	env->strategy = promote_strategies[strategy];
	env->production = strcmp(e->key, "production") == 0 || strcmp(e->key, "prod") == 0;
	env->cluster = e->remote ? e->key : c->name ? c->name : "in-cluster";
	if (!env->ns || !env->path)
		return promote__error_oom();
	char *note = promote__strdupf("%s: promotionStrategy %s%s%s", e->key, strategies[strategy],
		e->strategy >= 0 ? "" : " (Jenkins X's default)",
		trigger ? "; the flow's trigger" : strategy == 2 ? "; never promoted into: not in the flow" : "");
	env->note = note ? promote__arena_strdup(s->arena, note) : NULL;
	free(note);
	if (!env->note)
		return promote__error_oom();
	return e->remote ? add_repository(s, e, c, &env->repository) : 0;
}

/* The flow in the file's order: each step after the step before it (the first after the trigger). */
static void order_flow(promote__scaffold *s)
{
	bool have_last = false;
	size_t last = 0;
	for (size_t i = 0; i < s->envs.size; i++) {
		promote__scaffold_env *e = &s->envs.ptr[i];
		if (i == s->trigger || strcmp(e->strategy, "never") == 0)
			continue;
		e->step = true;
		if (have_last)
			e->deps[e->dep_count++] = last;
		last = i;
		have_last = true;
	}
}

static void read_document(promote__reader *r, promote__scaffold *s, const promote__ydoc *doc, jx_env **envs,
	size_t *count, cluster_info *cluster)
{
	const promote__ynode *root = doc->count ? doc->documents[0] : NULL;
	if (!root) {
		promote__errlist_add(r->errors, PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_CONFIG,
			&(promote__location){ r->file, 1, 1 }, "%s is empty; give a jx-requirements.yml with environments",
			r->file);
		return;
	}
	const promote__ynode *map = promote__expect(r, root, PROMOTE__YMAPPING, "a jx-requirements.yml");
	const promote__ynode *spec = map ? promote__map_get(map, "spec") : NULL;
	const promote__ynode *base = spec ? promote__expect(r, spec, PROMOTE__YMAPPING, "'spec'") : map;
	if (!base)
		return;
	const promote__ynode *c = promote__map_get(base, "cluster");
	if (c && !(c = promote__expect(r, c, PROMOTE__YMAPPING, "'cluster'")))
		return;
	cluster->name = string_of(r, c, "clusterName", "'clusterName'");
	cluster->owner = string_of(r, c, "environmentGitOwner", "'environmentGitOwner'");
	cluster->git_server = string_of(r, c, "gitServer", "'gitServer'");
	const promote__ynode *list = promote__map_get(base, "environments");
	if (!list) {
		promote__reader_error(r, base, "no '%senvironments' in this jx-requirements.yml; list them, e.g. "
			"'environments: [{key: dev}, {key: staging}]'", spec ? "spec." : "");
		return;
	}
	if (!(list = promote__expect(r, list, PROMOTE__YSEQUENCE, "'environments'")))
		return;
	if (!list->count) {
		promote__reader_error(r, list, "'environments' is empty; list them, e.g. [{key: dev}, {key: staging}]");
		return;
	}
	if (!(*envs = promote__arena_alloc(s->arena, list->count * sizeof **envs))) {
		promote__errlist_add(r->errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
		return;
	}
	memset(*envs, 0, list->count * sizeof **envs);
	*count = list->count;
	for (size_t i = 0; i < list->count; i++) {
		read_env(r, &(*envs)[i], list->items[i], i);
		for (size_t j = 0; j < i && (*envs)[i].key; j++)
			if ((*envs)[j].key && strcmp((*envs)[j].key, (*envs)[i].key) == 0)
				promote__reader_error(r, list->items[i], "environment '%s' is listed twice; give each "
					"environment one entry", (*envs)[i].key);
	}
}

static int make(promote__scaffold *s, const jx_env *envs, size_t count, const cluster_info *cluster, const char *name)
{
	s->trigger = 0;
	for (size_t i = 0; i < count; i++)
		if (strcmp(envs[i].key, "dev") == 0)
			s->trigger = i;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		rc = add_env(s, &envs[i], cluster, i == s->trigger);
	if (rc)
		return rc;
	order_flow(s);
	char *origin = promote__strdupf("promote.yaml made from the Jenkins X requirements %s:\nits %zu environment%s with "
		"Jenkins X's defaults (doc/INIT.md); each environment's folder is\nhelmfiles/NAMESPACE, where Jenkins X 3 "
		"keeps its helmfile.", name, count, count == 1 ? "" : "s");
	s->origin = origin ? promote__arena_strdup(s->arena, origin) : NULL;
	free(origin);
	s->flow_note = "In the order of jx-requirements.yml: each environment after the one before it.";
	s->products_note = "None yet: Jenkins X keeps an environment's products as releases in its helmfile. Name each\n"
		"product here, or have the repository's folders looked at (doc/INIT.md).";
	return s->origin ? 0 : promote__error_oom();
}

int promote_scaffold_from_jx(promote_buf *out, const char *data, size_t size, const char *name)
{
	if (!out || !data)
		return promote__error_arg(__func__, !out ? "out" : "data");
	const char *file = name ? name : "jx-requirements.yml";
	promote__ylimits limits = { JX_MAX_SIZE, 64, 100000 };
	promote__ydoc *doc = NULL;
	int rc = promote__ydoc_parse(&doc, data, size, file, &limits);
	if (rc)
		return rc;
	promote__scaffold s;
	promote__errlist *errors = promote__errlist_new();
	rc = promote__scaffold_init(&s);
	if (rc == 0 && !errors)
		rc = promote__error_oom();
	jx_env *envs = NULL;
	size_t count = 0;
	cluster_info cluster = { NULL, NULL, NULL };
	if (rc == 0) {
		promote__reader r = { s.arena, errors, file, s.arena };
		read_document(&r, &s, doc, &envs, &count, &cluster);
		rc = promote__errlist_publish(errors);
	}
	if (rc == 0)
		rc = make(&s, envs, count, &cluster, file);
	if (rc == 0)
		rc = promote__scaffold_write(out, &s);
	promote__errlist_free(errors);
	promote__scaffold_dispose(&s);
	promote__ydoc_free(doc);
	return rc;
}
