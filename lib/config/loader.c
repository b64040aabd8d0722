/* Reads each section of promote.yaml into the schema structures. */
#include "loader.h"

#include "reader.h"
#include "labels.h"
#include "loader_deploy.h"
#include "loader_concurrency.h"
#include "loader_windows.h"
#include "loader_notify.h"

#include "core/value.h"
#include "git/refname.h"
#include "net/forge_url.h"

#include "core/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const promote__kind_names[2] = { "non-production", "production" };
const char *const promote__strategy_names[3] = { "auto", "manual", "never" };
const char *const promote__deploy_mode_names[2] = { "auto", "manual" };
const char *const promote__action_names[4] = { "unset", "commit", "pull-request", "none" };

/* A branch of an environment or a repository: a name git accepts for a
 * branch, given short ("main", not "refs/heads/main"). */
static const char *read_branch(promote__reader *r, const promote__ynode *node, const char *what)
{
	const char *branch = promote__read_string(r, node, what);
	if (!branch)
		return NULL;
	bool full = strncmp(branch, "refs/", 5) == 0;
	const char *why = full ? "starts with 'refs/'" : promote__branch_name_problem(branch);
	if (!why)
		return branch;
	char *shown = promote__value_shown(branch);
	if (full)
		promote__reader_error(r, node, "%s is '%s', which %s; write the branch's short name, e.g. 'main' for "
			"refs/heads/main", what, shown ? shown : "?", why);
	else
		promote__reader_error(r, node, "%s is '%s', which %s; %s", what, shown ? shown : "?", why,
			PROMOTE__BRANCH_RULES);
	free(shown);
	return NULL;
}

/* ---- repositories ---------------------------------------------------- */

/* What an api: or graphql: that is not an http(s) URL should be. */
#define API_HINT "the API's base, such as https://api.github.com or https://github.example.com/api/v3"

static const char *read_merge_method(promote__reader *r, const promote__ynode *node, const char *what)
{
	const char *method = promote__read_string(r, node, what);
	if (method && strcmp(method, "merge") != 0 && strcmp(method, "squash") != 0 && strcmp(method, "rebase") != 0) {
		promote__reader_error(r, node, "%s is '%s'; use merge, squash or rebase", what, method);
		return NULL;
	}
	return method;
}

/* A forge's repository (github, gitea, gitlab) names its owner (a GitLab group path) and name in its URL's
 * path, and needs an API to talk to: one derived from the URL's host, or `api`. */
static void check_forge(promote__reader *r, promote_repository *repo, const promote__ynode *map, const char *what)
{
	const promote__ynode *url = promote__map_get(map, "url");
	bool gitlab = strcmp(repo->provider, "gitlab") == 0;
	if (!url) {
		promote__reader_error(r, promote__map_get(map, "provider"), "%s has provider %s but no url: give the "
			"repository's URL (%s), from which the owner, the name and the API are taken", what, repo->provider,
			gitlab ? "https://gitlab.com/GROUP/PROJECT.git" :
			strcmp(repo->provider, "github") == 0 ? "https://github.com/OWNER/REPO.git" : "https://HOST/OWNER/REPO.git");
		return;
	}
	promote__forge_url parts;
	int rc = repo->url ? promote__forge_url_parse(&parts, repo->url) : 0;
	if (rc == 0 && repo->url)
		promote__forge_url_dispose(&parts);
	if (rc == PROMOTE_EINVALID)
		promote__reader_error(r, url, "%s has provider %s, and its url '%s' does not end in %s; use "
			"https://HOST/%s(.git)", what, repo->provider, repo->url, gitlab ? "GROUP/PROJECT" : "OWNER/REPO",
			gitlab ? "GROUP/PROJECT" : "OWNER/REPO");
}

static void load_repository(promote__reader *r, promote_repository *repo, const promote__ynode *value)
{
	const char *what = promote__label_named(r, "repository", repo->name);
	repo->provider = "local";
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("url", "provider", "branch", "api", "graphql", "mergeMethod"), what);
	const promote__ynode *n;
	if ((n = promote__map_get(map, "url")))
		repo->url = promote__read_string(r, n, promote__label_field(r, "url", what));
	if ((n = promote__map_get(map, "api")))
		repo->api = promote__read_http_url(r, n, promote__label_field(r, "api", what), API_HINT);
	if ((n = promote__map_get(map, "graphql")))
		repo->graphql = promote__read_http_url(r, n, promote__label_field(r, "graphql", what), API_HINT);
	if ((n = promote__map_get(map, "mergeMethod")))
		repo->merge_method = read_merge_method(r, n, promote__label_field(r, "mergeMethod", what));
	if ((n = promote__map_get(map, "provider"))) {
		const char *p = promote__read_string(r, n, promote__label_field(r, "provider", what));
		if (p) {
			repo->provider = p;
			repo->provider_where = promote__reader_where(r, n);
		}
	}
	if ((n = promote__map_get(map, "branch")))
		repo->branch = read_branch(r, n, promote__label_field(r, "branch", what));
	if (strcmp(repo->provider, "github") == 0 || strcmp(repo->provider, "gitea") == 0 ||
		strcmp(repo->provider, "forgejo") == 0 || strcmp(repo->provider, "gitlab") == 0)
		check_forge(r, repo, map, what);
}

static void load_repositories(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = node ? promote__expect(r, node, PROMOTE__YMAPPING, "'repositories'") : NULL;
	size_t count = map ? promote__ymap_size(map) : 0;
	if (count == 0) {
		/* The repository that holds promote.yaml. */
		cfg->repositories = promote__reader_array(r, 1, sizeof *cfg->repositories);
		if (!cfg->repositories)
			return;
		cfg->repositories[0].name = "default";
		cfg->repositories[0].provider = "local";
		cfg->repositories[0].where = promote__reader_where(r, node);
		cfg->repository_count = 1;
		return;
	}
	cfg->repositories = promote__reader_array(r, count, sizeof *cfg->repositories);
	if (!cfg->repositories)
		return;
	for (size_t i = 0; i < count; i++) {
		promote_repository *repo = &cfg->repositories[cfg->repository_count];
		if (!(repo->name = promote__entry_name(r, map, i)))
			continue;
		repo->where = promote__reader_where(r, map->items[2 * i]);
		load_repository(r, repo, map->items[2 * i + 1]);
		cfg->repository_count++;
	}
}

/* ---- environments ---------------------------------------------------- */

static void load_clusters(promote__reader *r, promote_env *env, const promote__ynode *node, const char *what)
{
	const char *field = promote__label_field(r, "clusters", what), *cluster = NULL;
	const promote__ynode *seq = promote__expect(r, node, PROMOTE__YSEQUENCE, field);
	if (!seq || seq->count == 0)
		return;
	env->clusters = promote__reader_array(r, seq->count, sizeof *env->clusters);
	if (!env->clusters)
		return;
	for (size_t i = 0; i < seq->count; i++) {
		const promote__ynode *item = promote__ynode_resolve(seq->items[i]);
		promote__cluster *c = &env->clusters[env->cluster_count];
		cluster = promote__labelf(r, "cluster #%zu of %s", i + 1, what);
		if (item->type == PROMOTE__YSCALAR) {
			if ((c->name = promote__read_string(r, seq->items[i], cluster)))
				env->cluster_count++;
			continue;
		}
		if (!(item = promote__expect(r, seq->items[i], PROMOTE__YMAPPING, cluster)))
			continue;
		promote__check_keys(r, item, KEYS("name", "namespace"), cluster);
		const promote__ynode *n = promote__map_get(item, "name");
		if (!n) {
			promote__reader_error(r, seq->items[i], "%s has no 'name'; add 'name: CLUSTER'", cluster);
			continue;
		}
		c->name = promote__read_string(r, n, promote__label_field(r, "name", cluster));
		if ((n = promote__map_get(item, "namespace")))
			c->namespace_ = promote__read_string(r, n, promote__label_field(r, "namespace", cluster));
		if (c->name)
			env->cluster_count++;
	}
}

static void load_environment(promote__reader *r, promote_env *env, const promote__ynode *key,
	const promote__ynode *value)
{
	const char *what = promote__label_named(r, "environment", env->name);
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map,
		KEYS("path", "kind", "strategy", "deployMode", "deploy", "repository", "branch", "labels", "clusters",
			"windows"),
		what);
	const promote__ynode *n;
	if ((n = promote__map_get(map, "path")))
		env->path = promote__read_relative_path(r, n, promote__label_field(r, "path", what),
			PROMOTE__PATH_DOT);
	else
		promote__reader_error(r, key, "%s has no 'path'; add the folder that holds it, e.g. 'path: envs/%s'",
			what, env->name);
	int v;
	if ((n = promote__map_get(map, "kind")) &&
		(v = promote__read_enum(r, n, promote__label_field(r, "kind", what), promote__kind_names, 2)) >= 0)
		env->kind = v;
	if ((n = promote__map_get(map, "strategy")) &&
		(v = promote__read_enum(r, n, promote__label_field(r, "strategy", what), promote__strategy_names,
			 3)) >= 0)
		env->strategy = v;
	if ((n = promote__map_get(map, "deployMode")) &&
		(v = promote__read_enum(r, n, promote__label_field(r, "deployMode", what),
			 promote__deploy_mode_names, 2)) >= 0)
		env->deploy_mode = v;
	if ((n = promote__map_get(map, "repository"))) {
		env->repository_ref.name = promote__read_string(r, n, promote__label_field(r, "repository", what));
		env->repository_ref.where = promote__reader_where(r, n);
	}
	if ((n = promote__map_get(map, "branch")))
		env->branch = read_branch(r, n, promote__label_field(r, "branch", what));
	if ((n = promote__map_get(map, "labels")))
		promote__read_string_map(r, n, promote__label_field(r, "labels", what), &env->labels,
			&env->label_count);
	if ((n = promote__map_get(map, "clusters")))
		load_clusters(r, env, n, what);
	if ((n = promote__map_get(map, "deploy")))
		promote__load_deploy(r, env, n, promote__label_field(r, "deploy", what));
	if ((n = promote__map_get(map, "windows")))
		promote__load_windows(r, env, n, promote__label_field(r, "windows", what));
}

static void load_environments(promote__reader *r, promote__config *cfg, const promote__ynode *root,
	const promote__ynode *node)
{
	if (!node) {
		promote__reader_error(r, root,
			"no 'environments'; add at least one, e.g. 'environments: {dev: {path: envs/dev}}'");
		return;
	}
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'environments'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	if (count == 0) {
		promote__reader_error(r, node, "'environments' is empty; add at least one environment");
		return;
	}
	cfg->envs = promote__reader_array(r, count, sizeof *cfg->envs);
	if (!cfg->envs)
		return;
	for (size_t i = 0; i < count; i++) {
		promote_env *env = &cfg->envs[cfg->env_count];
		if (!(env->name = promote__entry_name(r, map, i)))
			continue;
		env->where = promote__reader_where(r, map->items[2 * i]);
		promote__check_config_name(r, map->items[2 * i], "environment", env->name);
		load_environment(r, env, map->items[2 * i], map->items[2 * i + 1]);
		cfg->env_count++;
	}
}

/* ---- templates and products ------------------------------------------ */

static void load_attributes(promote__reader *r, promote__template *t, const promote__ynode *node,
	const char *what)
{
	const char *field = promote__label_field(r, "attributes", what);
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, field);
	if (!map)
		return;
	size_t total = 0;
	for (size_t i = 0; i < promote__ymap_size(map); i++) {
		const promote__ynode *paths = promote__ynode_resolve(map->items[2 * i + 1]);
		total += paths && paths->type == PROMOTE__YSEQUENCE ? paths->count : 1;
	}
	t->attributes = promote__reader_array(r, total, sizeof *t->attributes);
	if (total && !t->attributes)
		return;
	for (size_t i = 0; i < promote__ymap_size(map); i++) {
		const char *file = promote__read_relative_path(r, map->items[2 * i], field, 0);
		const char **paths;
		size_t path_count;
		const char *paths_what = promote__labelf(r, "the YAML paths of '%s' in %s", file ? file : "?", field);
		promote__read_string_list(r, map->items[2 * i + 1], paths_what, &paths, &path_count);
		if (path_count == 0 && file)
			promote__reader_error(r, map->items[2 * i + 1],
				"%s: file '%s' lists no YAML paths; add one, e.g. '%s: [image.tag]'", field, file, file);
		for (size_t j = 0; file && j < path_count; j++) {
			t->attributes[t->attribute_count].file = file;
			t->attributes[t->attribute_count].path = paths[j];
			t->attributes[t->attribute_count].where = promote__reader_where(r, map->items[2 * i + 1]);
			t->attribute_count++;
		}
	}
}

static void load_version(promote__reader *r, promote__template *t, const promote__ynode *node, const char *what)
{
	const char *field = promote__label_field(r, "version", what);
	const char *v = promote__read_string(r, node, field);
	if (!v)
		return;
	const char *hash = strchr(v, '#');
	if (!hash || hash == v || !hash[1]) {
		promote__reader_error(r, node,
			"%s is '%s'; write FILE#PATH, the attribute that is the version, e.g. 'values.yaml#image.tag'",
			field, v);
		return;
	}
	t->version_file = promote__arena_strndup(r->arena, v, (size_t)(hash - v));
	t->version_path = hash + 1;
	promote__location where = promote__reader_where(r, node);
	t->version_where = where;
	if (t->version_file)
		promote__check_relative_path(r, &where, "the FILE of 'version'", t->version_file, 0);
}

static void load_template(promote__reader *r, promote__template *t, const promote__ynode *node, const char *what)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	t->where = promote__reader_where(r, node);
	promote__check_keys(r, map, KEYS("files", "attributes", "version"), what);
	const promote__ynode *n;
	size_t errors_before = promote__errlist_count(r->errors);
	if ((n = promote__map_get(map, "files")))
		promote__read_path_list(r, n, promote__label_field(r, "files", what), PROMOTE__PATH_GLOB, &t->files,
			&t->file_count);
	if ((n = promote__map_get(map, "attributes")))
		load_attributes(r, t, n, what);
	if ((n = promote__map_get(map, "version")))
		load_version(r, t, n, what);
	/* Only when nothing else was wrong: a bad entry already explains an empty template. */
	if (t->file_count == 0 && t->attribute_count == 0 && promote__errlist_count(r->errors) == errors_before)
		promote__reader_error(r, node,
			"%s moves nothing; add 'files' (copied whole) or 'attributes' (YAML paths)", what);
}

static void load_templates(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'templates'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	cfg->templates = promote__reader_array(r, count, sizeof *cfg->templates);
	for (size_t i = 0; cfg->templates && i < count; i++) {
		promote__template *t = &cfg->templates[cfg->template_count];
		if (!(t->name = promote__entry_name(r, map, i)))
			continue;
		load_template(r, t, map->items[2 * i + 1], promote__label_named(r, "template", t->name));
		cfg->template_count++;
	}
}

static void load_product(promote__reader *r, promote_product *p, const promote__ynode *key,
	const promote__ynode *value)
{
	const char *what = promote__label_named(r, "product", p->name);
	p->discovery = strcmp(p->name, "*") == 0;
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("path", "template", "flows", "vars"), what);
	const promote__ynode *n;
	/* "." : the environment's folder, where the product's files are shared with others (layout.h). A
	 * discovery product's path without '*' is checked with its template (validate_layouts.c). */
	if ((n = promote__map_get(map, "path"))) {
		p->path = promote__read_relative_path(r, n, promote__label_field(r, "path", what),
			PROMOTE__PATH_DOT | (p->discovery ? PROMOTE__PATH_GLOB : 0));
		p->path_where = promote__reader_where(r, n);
	} else
		promote__reader_error(r, key, "%s has no 'path'; add its folder under each environment, e.g. "
			"'path: apps/%s' ('path: .' for files the product shares with others in the environment's "
			"folder)", what, p->discovery ? "*" : p->name);
	if ((n = promote__map_get(map, "vars"))) {
		promote__read_string_map(r, n, promote__label_field(r, "vars", what), &p->vars, &p->var_count);
		p->vars_where = promote__reader_where(r, n);
	}
	if ((n = promote__map_get(map, "flows")))
		promote__read_ref_list(r, n, promote__label_field(r, "flows", what), &p->flows, &p->flow_count);
	n = promote__map_get(map, "template");
	const promote__ynode *t = promote__ynode_resolve(n);
	if (!n) {
		promote__reader_error(r, key, "%s has no 'template'; say what a promotion moves, e.g. "
			"'template: {attributes: {values.yaml: [image.tag]}}'", what);
	} else if (t->type == PROMOTE__YSCALAR) {
		p->template_ref.name = promote__read_string(r, n, promote__label_field(r, "template", what));
		p->template_ref.where = promote__reader_where(r, n);
	} else {
		promote__template *inline_t = promote__arena_alloc(r->arena, sizeof *inline_t);
		if (!inline_t)
			return;
		const char *tw = promote__labelf(r, "the template of %s", what);
		load_template(r, inline_t, n, tw);
		p->tmpl = inline_t;
	}
}

static void load_products(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'products'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	cfg->products = promote__reader_array(r, count, sizeof *cfg->products);
	for (size_t i = 0; cfg->products && i < count; i++) {
		promote_product *p = &cfg->products[cfg->product_count];
		if (!(p->name = promote__entry_name(r, map, i)))
			continue;
		p->where = promote__reader_where(r, map->items[2 * i]);
		if (strcmp(p->name, "*") != 0)
			promote__check_config_name(r, map->items[2 * i], "product", p->name);
		load_product(r, p, map->items[2 * i], map->items[2 * i + 1]);
		cfg->product_count++;
	}
}

/* ---- policies -------------------------------------------------------- */

/* pre / post: workflow names, each with where it stands (the model checks them). */
static bool read_workflow_names(promote__reader *r, const promote__ynode *node, const char *what,
	const char ***names, const promote__location **where, size_t *count)
{
	promote__ref *refs;
	bool ok = promote__read_ref_list(r, node, what, &refs, count);
	*names = NULL;
	*where = NULL;
	const char **n = promote__reader_array(r, *count, sizeof *n);
	promote__location *w = promote__reader_array(r, *count, sizeof *w);
	if (*count && (!n || !w))
		return false;
	for (size_t i = 0; i < *count; i++) {
		n[i] = refs[i].name;
		w[i] = refs[i].where;
	}
	*names = n;
	*where = w;
	return ok;
}

/* action / pre / post: shared by top-level policies and inline step policies. */
static void load_policy_fields(promote__reader *r, promote_policy *p, const promote__ynode *map, const char *what)
{
	const promote__ynode *n;
	if ((n = promote__map_get(map, "action"))) {
		int v = promote__read_enum(r, n, promote__label_field(r, "action", what), promote__action_names + 1, 3);
		if (v >= 0) {
			p->action = v + 1;
			p->sets |= PROMOTE__SETS(PROMOTE_POLICY_FIELD_ACTION);
		}
	}
	if ((n = promote__map_get(map, "pre")) &&
		read_workflow_names(r, n, promote__label_field(r, "pre", what), &p->pre, &p->pre_where, &p->pre_count))
		p->sets |= PROMOTE__SETS(PROMOTE_POLICY_FIELD_PRE);
	if ((n = promote__map_get(map, "post")) &&
		read_workflow_names(r, n, promote__label_field(r, "post", what), &p->post, &p->post_where,
			&p->post_count))
		p->sets |= PROMOTE__SETS(PROMOTE_POLICY_FIELD_POST);
}

static void load_match(promote__reader *r, promote_policy *p, const promote__ynode *node, const char *what)
{
	const char *field = promote__label_field(r, "match", what);
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, field);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("products", "environments"), field);
	const promote__ynode *n;
	if ((n = promote__map_get(map, "products")))
		promote__read_string_list(r, n, promote__label_field(r, "match.products", what), &p->match_products,
			&p->match_product_count);
	if (!(n = promote__map_get(map, "environments")))
		return;
	field = promote__label_field(r, "match.environments", what);
	const promote__ynode *envs = promote__expect(r, n, PROMOTE__YMAPPING, field);
	if (!envs)
		return;
	promote__check_keys(r, envs, KEYS("names", "kind", "labels"), field);
	if ((n = promote__map_get(envs, "names")))
		promote__read_ref_list(r, n, promote__label_field(r, "match.environments.names", what), &p->match_envs,
			&p->match_env_count);
	if ((n = promote__map_get(envs, "kind")))
		p->match_kind = promote__read_enum(r, n, promote__label_field(r, "match.environments.kind", what),
			promote__kind_names, 2);
	if ((n = promote__map_get(envs, "labels")))
		promote__read_string_map(r, n, promote__label_field(r, "match.environments.labels", what),
			&p->match_labels, &p->match_label_count);
}

static void load_policies(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *seq = promote__expect(r, node, PROMOTE__YSEQUENCE, "'policies'");
	if (!seq)
		return;
	cfg->policies = promote__reader_array(r, seq->count, sizeof *cfg->policies);
	for (size_t i = 0; cfg->policies && i < seq->count; i++) {
		const char *what = promote__labelf(r, "policy #%zu", i + 1);
		const promote__ynode *map = promote__expect(r, seq->items[i], PROMOTE__YMAPPING, what);
		if (!map)
			continue;
		promote_policy *p = &cfg->policies[cfg->policy_count];
		p->match_kind = -1;
		p->order = cfg->policy_count;
		p->where = promote__reader_where(r, seq->items[i]);
		const promote__ynode *n = promote__map_get(map, "name");
		if (!n) {
			promote__reader_error(r, seq->items[i], "%s has no 'name'; give each policy a unique name", what);
			continue;
		}
		if (!(p->name = promote__read_string(r, n, "a policy's 'name'")))
			continue;
		for (size_t j = 0; j < cfg->policy_count; j++)
			if (strcmp(cfg->policies[j].name, p->name) == 0) {
				promote__reader_error(r, n,
					"duplicate policy name '%s' (first at line %u, column %u); give each policy a "
					"unique name", p->name, (unsigned)cfg->policies[j].where.line,
					(unsigned)cfg->policies[j].where.column);
				break;
			}
		what = promote__label_named(r, "policy", p->name);
		promote__check_keys(r, map, KEYS("name", "priority", "match", "action", "pre", "post"), what);
		if ((n = promote__map_get(map, "priority")))
			promote__read_int32(r, n, promote__label_field(r, "priority", what), &p->priority);
		if ((n = promote__map_get(map, "match")))
			load_match(r, p, n, what);
		load_policy_fields(r, p, map, what);
		cfg->policy_count++;
	}
}

/* ---- flows ----------------------------------------------------------- */

static void load_step(promote__reader *r, const promote_flow *flow, promote_flow_step *step,
	const promote__ynode *value)
{
	const char *what = promote__labelf(r, "step '%s' of flow '%s'", step->env_ref.name, flow->name);
	const promote__ynode *v = promote__ynode_resolve(value);
	if (promote__yscalar_is_null(v))
		return; /* `staging:` — no options */
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("dependsOn", "policy", "soak"), what);
	const promote__ynode *n;
	if ((n = promote__map_get(map, "dependsOn")))
		promote__read_ref_list(r, n, promote__label_field(r, "dependsOn", what), &step->depends_refs,
			&step->depends_count);
	promote__load_step_soak(r, step, map, what);
	if (!(n = promote__map_get(map, "policy")))
		return;
	const char *field = promote__label_field(r, "policy", what);
	const promote__ynode *pmap = promote__expect(r, n, PROMOTE__YMAPPING, field);
	if (!pmap)
		return;
	promote__check_keys(r, pmap, KEYS("action", "pre", "post"), field);
	promote_policy *p = promote__arena_alloc(r->arena, sizeof *p);
	if (!p)
		return;
	/* "FLOW/STEP", whole: a cut name could be another step's. */
	size_t flow_len = strlen(flow->name), step_len = strlen(step->env_ref.name);
	char *name = promote__arena_alloc(r->arena, flow_len + step_len + 2);
	if (name) {
		memcpy(name, flow->name, flow_len);
		name[flow_len] = '/';
		memcpy(name + flow_len + 1, step->env_ref.name, step_len + 1);
	}
	p->name = name;
	p->is_inline = true;
	p->match_kind = -1;
	p->order = (size_t)-1;
	p->where = promote__reader_where(r, n);
	load_policy_fields(r, p, pmap, field);
	step->policy = p;
}

static void load_flow(promote__reader *r, promote_flow *flow, const promote__ynode *key,
	const promote__ynode *value)
{
	const char *what = promote__label_named(r, "flow", flow->name);
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("trigger", "steps", "timeout", "retries", "concurrency", "queueLimit"), what);
	const promote__ynode *n;
	flow->timeout_s = PROMOTE__RELEASE_TIMEOUT_DEFAULT;
	flow->retries = PROMOTE__RETRIES_DEFAULT;
	if ((n = promote__map_get(map, "timeout")))
		promote__read_duration(r, n, promote__label_field(r, "timeout", what), PROMOTE__RELEASE_TIMEOUT_MAX,
			&flow->timeout_s);
	int32_t retries;
	if ((n = promote__map_get(map, "retries")) &&
		promote__read_bounded(r, n, promote__label_field(r, "retries", what), 0, PROMOTE__RETRIES_MAX, &retries))
		flow->retries = (uint32_t)retries;
	promote__load_flow_concurrency(r, flow, map, what);
	if ((n = promote__map_get(map, "trigger"))) {
		flow->trigger_ref.name = promote__read_string(r, n, promote__label_field(r, "trigger", what));
		flow->trigger_ref.where = promote__reader_where(r, n);
	} else {
		promote__reader_error(r, key, "%s has no 'trigger'; name the environment new versions arrive in, "
			"e.g. 'trigger: dev'", what);
	}
	n = promote__map_get(map, "steps");
	const promote__ynode *steps = n ? promote__expect(r, n, PROMOTE__YMAPPING, promote__label_field(r, "steps", what)) : NULL;
	if (!n || (steps && steps->count == 0)) {
		promote__reader_error(r, n ? n : key, "%s has no steps; add the environments it promotes into under "
			"'steps', e.g. 'steps: {staging: {}}'", what);
		return;
	}
	if (!steps)
		return;
	size_t count = promote__ymap_size(steps);
	flow->steps = promote__reader_array(r, count, sizeof *flow->steps);
	for (size_t i = 0; flow->steps && i < count; i++) {
		promote_flow_step *step = &flow->steps[flow->step_count];
		if (!(step->env_ref.name = promote__entry_name(r, steps, i)))
			continue;
		step->env_ref.where = promote__reader_where(r, steps->items[2 * i]);
		load_step(r, flow, step, steps->items[2 * i + 1]);
		flow->step_count++;
	}
}

static void load_flows(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'flows'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	cfg->flows = promote__reader_array(r, count, sizeof *cfg->flows);
	for (size_t i = 0; cfg->flows && i < count; i++) {
		promote_flow *flow = &cfg->flows[cfg->flow_count];
		if (!(flow->name = promote__entry_name(r, map, i)))
			continue;
		flow->where = promote__reader_where(r, map->items[2 * i]);
		load_flow(r, flow, map->items[2 * i], map->items[2 * i + 1]);
		cfg->flow_count++;
	}
}

/* ---- the document ---------------------------------------------------- */

static void load_document(promote__reader *r, promote__config *cfg, const promote__ydoc *doc)
{
	if (doc->count > 1) {
		promote__reader_error(r, doc->documents[1],
			"the configuration holds %zu YAML documents; keep one (remove the '---' separators)", doc->count);
	}
	const promote__ynode *root = doc->count ? doc->documents[0] : NULL;
	if (!root || promote__yscalar_is_null(root)) {
		promote__reader_error(r, root, "the configuration is empty; start with 'version: 1' and "
			"'environments:' (see doc/CONFIG.md)");
		return;
	}
	promote__check_duplicate_keys(r, root);
	const promote__ynode *map = promote__expect(r, root, PROMOTE__YMAPPING, "the configuration");
	if (!map)
		return;
	promote__check_keys(r, map,
		KEYS("version", "repositories", "environments", "templates", "products", "workflows", "policies",
			"flows", "notifications"),
		"the configuration");
	const promote__ynode *n = promote__map_get(map, "version");
	int32_t version = 0;
	if (!n)
		promote__reader_error(r, root, "no 'version'; add 'version: 1' as the first line");
	else if (promote__read_int32(r, n, "'version'", &version) && version != 1)
		promote__reader_error(r, n, "'version' is %d but this libpromote reads version 1; write 'version: 1' "
			"or upgrade libpromote", (int)version);
	load_repositories(r, cfg, promote__map_get(map, "repositories"));
	load_environments(r, cfg, root, promote__map_get(map, "environments"));
	if ((n = promote__map_get(map, "templates")))
		load_templates(r, cfg, n);
	if ((n = promote__map_get(map, "products")))
		load_products(r, cfg, n);
	if ((n = promote__map_get(map, "workflows")))
		promote__load_workflows(r, cfg, n);
	if ((n = promote__map_get(map, "policies")))
		load_policies(r, cfg, n);
	if ((n = promote__map_get(map, "flows")))
		load_flows(r, cfg, n);
	if ((n = promote__map_get(map, "notifications")))
		promote__load_notifications(r, cfg, n);
}

bool promote__config_load(promote__config *cfg, const promote__ydoc *doc, promote__errlist *errors)
{
	promote__reader r = { cfg->arena, errors, cfg->source, promote__arena_new() };
	size_t before = promote__errlist_count(errors);
	if (!r.scratch)
		promote__errlist_add(errors, PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, NULL, "out of memory");
	else
		load_document(&r, cfg, doc);
	promote__arena_free(r.scratch);
	return promote__errlist_count(errors) == before;
}
