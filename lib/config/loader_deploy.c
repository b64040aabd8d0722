/*
 * workflows: and deploy: — the commands a release runs. A command line is
 * a list (argv, run without a shell): a single string would be ambiguous
 * between a program and a shell line, so it is refused.
 *
 * deploy.backend is checked against the registered backends later
 * (promote_context_check()): a program registers its own after opening the
 * context. sync and health are the `exec` backend's commands, both
 * optional: sync deploys the commit (without it nothing is run to sync: the
 * commit is the deploy, or a controller that watches the branch makes it),
 * health says how it is (exit 0 healthy, 75 progressing, anything else
 * degraded; without it the deploy is healthy once synced). exec with
 * neither only runs the workflows the policies name. With any other
 * backend, or none, sync and health are an error.
 */
#include "loader_deploy.h"
#include "loader_argocd.h"

#include "labels.h"

#include "core/strutil.h"

#include <ctype.h>
#include <string.h>

bool promote__read_argv(promote__reader *r, const promote__ynode *node, const char *what, const char ***argv,
	size_t *argc)
{
	*argv = NULL;
	*argc = 0;
	const promote__ynode *seq = promote__ynode_resolve(node);
	if (seq && seq->type == PROMOTE__YSCALAR && !promote__yscalar_is_null(seq)) {
		promote__reader_error(r, node, "%s must be a list: the program and its arguments, run without a shell, "
			"e.g. [./checks/smoke.sh, \"{env}\"]", what);
		return false;
	}
	if (!(seq = promote__expect(r, node, PROMOTE__YSEQUENCE, what)))
		return false;
	if (seq->count == 0) {
		promote__reader_error(r, node, "%s is empty; give the program to run and its arguments, e.g. "
			"[./checks/smoke.sh, \"{env}\"]", what);
		return false;
	}
	if (seq->count > PROMOTE__ARGV_MAX) {
		promote__reader_error(r, node, "%s has %zu arguments, more than the %d allowed; pass the rest in a "
			"file or a script", what, seq->count, PROMOTE__ARGV_MAX);
		return false;
	}
	for (size_t i = 0; i < seq->count; i++) {
		const promote__ynode *item = promote__ynode_resolve(seq->items[i]);
		if (item && item->type == PROMOTE__YSCALAR && item->length > PROMOTE__ARG_MAX) {
			promote__reader_error(r, seq->items[i], "argument #%zu of %s is %zu bytes long, more than the %d "
				"allowed; pass it in a file", i + 1, what, item->length, PROMOTE__ARG_MAX);
			return false;
		}
	}
	const char **list;
	size_t count;
	if (!promote__read_string_list(r, node, what, &list, &count) || count != seq->count)
		return false;
	*argv = list;
	*argc = count;
	return true;
}

/* "KEY=VALUE" in the configuration's arena; NULL when out of memory. */
static const char *joined(promote__reader *r, const char *key, const char *value)
{
	size_t k = strlen(key), v = strlen(value);
	char *s = promote__arena_alloc(r->arena, k + v + 2);
	if (s) {
		memcpy(s, key, k);
		s[k] = '=';
		memcpy(s + k + 1, value, v + 1);
	}
	return s;
}

/* parameters: {NAME: VALUE} as Argo Workflows' submit takes them, "NAME=VALUE" each (names as Argo
 * allows them: letters, digits, '-' and '_'); bounded as a command line. */
static void read_parameters(promote__reader *r, promote__workflow *w, const promote__ynode *node, const char *what)
{
	promote__pair *pairs = NULL;
	size_t count = 0;
	if (!promote__read_string_map(r, node, what, &pairs, &count))
		return;
	if (count > PROMOTE__ARGV_MAX) {
		promote__reader_error(r, node, "%s has %zu parameters, more than the %d allowed", what, count,
			PROMOTE__ARGV_MAX);
		return;
	}
	w->parameters = promote__reader_array(r, count, sizeof *w->parameters);
	const promote__ynode *map = promote__ynode_resolve(node);
	for (size_t i = 0; w->parameters && i < count; i++) {
		bool ok = *pairs[i].key != '\0';
		for (const char *p = pairs[i].key; *p && ok; p++)
			ok = isalnum((unsigned char)*p) || *p == '-' || *p == '_';
		size_t length = strlen(pairs[i].value);
		if (!ok)
			promote__reader_error(r, map->items[2 * i], "parameter '%s' of %s is no Argo Workflows parameter "
				"name: use letters, digits, '-' and '_'", pairs[i].key, what);
		else if (length > PROMOTE__ARG_MAX)
			promote__reader_error(r, map->items[2 * i + 1], "parameter '%s' of %s is %zu bytes long, more than "
				"the %d allowed", pairs[i].key, what, length, PROMOTE__ARG_MAX);
		else if ((w->parameters[w->parameter_count] = joined(r, pairs[i].key, pairs[i].value)))
			w->parameter_count++;
	}
}

static void load_workflow(promote__reader *r, promote__workflow *w, const promote__ynode *key,
	const promote__ynode *value)
{
	const char *what = promote__label_named(r, "workflow", w->name);
	const promote__ynode *map = promote__expect(r, value, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("run", "workflowTemplate", "parameters", "timeout"), what);
	const promote__ynode *n, *tmpl = promote__map_get(map, "workflowTemplate");
	if ((n = promote__map_get(map, "run")))
		promote__read_argv(r, n, promote__label_field(r, "run", what), &w->argv, &w->argc);
	else if (!tmpl)
		promote__reader_error(r, key, "%s has no 'run' and no 'workflowTemplate'; give the command it runs, e.g. "
			"'run: [./checks/%s.sh, \"{env}\"]' (deploy backend exec), or the Argo Workflows WorkflowTemplate it "
			"submits, e.g. 'workflowTemplate: %s' (deploy backend argocd)", what, w->name, w->name);
	if (tmpl && (w->workflow_template = promote__read_string(r, tmpl, promote__label_field(r, "workflowTemplate",
			     what))) && !promote__kubernetes_name(w->workflow_template))
		promote__reader_error(r, tmpl, "%s is '%s', which is no WorkflowTemplate name (lower-case letters, "
			"digits, '-' and '.')", promote__label_field(r, "workflowTemplate", what), w->workflow_template);
	if ((n = promote__map_get(map, "parameters"))) {
		if (!tmpl)
			promote__reader_error(r, n, "'parameters' of %s are passed to an Argo Workflows WorkflowTemplate, but "
				"it has no 'workflowTemplate'; give one or remove 'parameters'", what);
		else
			read_parameters(r, w, n, promote__label_field(r, "parameters", what));
	}
	if ((n = promote__map_get(map, "timeout")))
		promote__read_duration(r, n, promote__label_field(r, "timeout", what), PROMOTE__CHECK_TIMEOUT_MAX,
			&w->timeout_s);
}

void promote__load_workflows(promote__reader *r, promote__config *cfg, const promote__ynode *node)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, "'workflows'");
	if (!map)
		return;
	size_t count = promote__ymap_size(map);
	cfg->workflows = promote__reader_array(r, count, sizeof *cfg->workflows);
	for (size_t i = 0; cfg->workflows && i < count; i++) {
		promote__workflow *w = &cfg->workflows[cfg->workflow_count];
		if (!(w->name = promote__entry_name(r, map, i)))
			continue;
		w->where = promote__reader_where(r, map->items[2 * i]);
		promote__check_config_name(r, map->items[2 * i], "workflow", w->name);
		load_workflow(r, w, map->items[2 * i], map->items[2 * i + 1]);
		cfg->workflow_count++;
	}
}

/* sync or health given to a backend that does not read them. */
static void not_for_backend(promote__reader *r, const promote__ynode *n, const char *field, const char *what,
	const char *backend)
{
	if (backend)
		promote__reader_error(r, n, "'%s' of %s is a command of the exec backend, but the backend is '%s'; "
			"remove '%s' or write 'backend: exec'", field, what, backend, field);
	else
		promote__reader_error(r, n, "'%s' of %s is a command of the exec backend, but no backend is named; "
			"add 'backend: exec'", field, what);
}

void promote__load_deploy(promote__reader *r, promote_env *env, const promote__ynode *node, const char *what)
{
	const promote__ynode *map = promote__expect(r, node, PROMOTE__YMAPPING, what);
	if (!map)
		return;
	promote__check_keys(r, map, KEYS("backend", "sync", "health", "timeout", "server", "application",
		"project", "appNamespace", "hold", "insecure", "argoWorkflows"), what);
	const promote__ynode *n = promote__map_get(map, "backend");
	const char *backend = NULL;
	if (n && (backend = promote__read_string(r, n, promote__label_field(r, "backend", what)))) {
		env->deploy_backend.name = backend;
		env->deploy_backend.where = promote__reader_where(r, n);
	}
	bool exec = backend && strcmp(backend, "exec") == 0;
	promote__load_argocd(r, env, map, what, backend);
	const promote__ynode *sync = promote__map_get(map, "sync"), *health = promote__map_get(map, "health");
	if (sync && !exec && (backend || !n))
		not_for_backend(r, sync, "sync", what, backend);
	else if (sync)
		promote__read_argv(r, sync, promote__label_field(r, "sync", what), &env->deploy_sync, &env->deploy_sync_count);
	if (health && !exec && (backend || !n))
		not_for_backend(r, health, "health", what, backend);
	else if (health)
		promote__read_argv(r, health, promote__label_field(r, "health", what), &env->deploy_health,
			&env->deploy_health_count);
	if (!(n = promote__map_get(map, "timeout")))
		return;
	if (!backend || strcmp(backend, "none") == 0)
		promote__reader_error(r, n, "'timeout' of %s bounds a deploy backend's sync and health, but %s; remove "
			"it or name a backend", what, backend ? "the backend is 'none'" : "no backend is named");
	else
		promote__read_duration(r, n, promote__label_field(r, "timeout", what), PROMOTE__CHECK_TIMEOUT_MAX,
			&env->deploy_timeout_s);
}
