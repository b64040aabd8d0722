/*
 * Every configuration error the loader and the model report: the exact
 * message (what is wrong and what to do) and its file:line:column. One run
 * reports every problem, in source order.
 */
#include "helpers.h"

static void test_bad_action(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"policies:\n"
		"  - name: p\n"
		"    action: pull_request\n",
		"promote.yaml:5:13: 'action' of policy 'p' is 'pull_request' (did you mean 'pull-request'?); use one of: commit, pull-request, none");
}

static void test_bad_deploy_mode(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, deployMode: [auto]}\n",
		"promote.yaml:3:37: 'deployMode' of environment 'dev' must be one of auto, manual, not a sequence");
}

static void test_bad_kind(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  prod: {path: envs/prod, kind: prod}\n",
		"promote.yaml:3:33: 'kind' of environment 'prod' is 'prod'; use one of: non-production, production");
}

static void test_bad_strategy(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, strategy: manul}\n"
		"  qa: {path: envs/qa, strategy: sometimes}\n",
		"promote.yaml:3:35: 'strategy' of environment 'dev' is 'manul' (did you mean 'manual'?); use one of: auto, manual, never",
		"promote.yaml:4:33: 'strategy' of environment 'qa' is 'sometimes'; use one of: auto, manual, never");
}

static void test_cycle(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa}\n"
		"  staging: {path: envs/staging}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      qa: {dependsOn: [prod]}\n"
		"      staging: {dependsOn: [qa]}\n"
		"      prod: {dependsOn: [staging]}\n",
		"promote.yaml:12:29: flow 'default' has a cycle: qa → prod → staging → qa; a step cannot wait for itself, remove one of these dependencies");
}

static void test_dependency_not_a_step(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      prod: {dependsOn: [qa]}\n",
		"promote.yaml:10:26: step 'prod' of flow 'default' depends on 'qa', which is neither the trigger nor a step of the flow; add 'qa' under steps or depend on an existing step");
}

static void test_duplicate_env(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  qa: {path: envs/qa}\n"
		"  dev: {path: envs/dev2}\n",
		"promote.yaml:5:3: duplicate key 'dev' (first at line 3, column 3); each name may appear once, remove or rename one");
}

static void test_duplicate_policy(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"policies:\n"
		"  - name: prod-pr\n"
		"    action: pull-request\n"
		"  - name: prod-pr\n"
		"    action: commit\n",
		"promote.yaml:6:11: duplicate policy name 'prod-pr' (first at line 4, column 5); give each policy a unique name");
}

static void test_duplicate_product(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"products:\n"
		"  shop: {path: apps/shop, template: {files: [\"*.yaml\"]}}\n"
		"  shop: {path: apps/shop2, template: {files: [\"*.yaml\"]}}\n",
		"promote.yaml:5:3: duplicate key 'shop' (first at line 4, column 3); each name may appear once, remove or rename one");
}

static void test_empty_flow(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps: {}\n"
		"  other:\n"
		"    trigger: dev\n",
		"promote.yaml:7:12: flow 'default' has no steps; add the environments it promotes into under 'steps', e.g. 'steps: {staging: {}}'",
		"promote.yaml:8:3: flow 'other' has no steps; add the environments it promotes into under 'steps', e.g. 'steps: {staging: {}}'");
}

static void test_env_path(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: /srv/envs/dev}\n"
		"  qa: {path: \"envs//qa\"}\n"
		"  prod: {}\n",
		"promote.yaml:3:15: 'path' of environment 'dev' is '/srv/envs/dev', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'",
		"promote.yaml:4:14: 'path' of environment 'qa' is 'envs//qa', which has an empty or '.' component; write it without '//', './' or a trailing '/'",
		"promote.yaml:5:3: environment 'prod' has no 'path'; add the folder that holds it, e.g. 'path: envs/prod'");
}

static void test_missing_version(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"environments: {dev: {path: envs/dev}}\n",
		"promote.yaml:1:1: no 'version'; add 'version: 1' as the first line");
}

static void test_multi_doc(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"---\n"
		"version: 1\n",
		"promote.yaml:4:1: the configuration holds 2 YAML documents; keep one (remove the '---' separators)");
}

static void test_no_environments(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n",
		"promote.yaml:1:1: no 'environments'; add at least one, e.g. 'environments: {dev: {path: envs/dev}}'");
}

static void test_path_escapes(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"products:\n"
		"  a: {path: ../common, template: {files: [\"*.yaml\"]}}\n"
		"  b: {path: /etc/apps, template: {files: [\"*.yaml\"]}}\n"
		"  c: {path: apps/../../x, template: {files: [\"*.yaml\"]}}\n"
		"  d: {path: apps/d, template: {files: [\"../*.yaml\"], attributes: {/values.yaml: [image.tag]}}}\n",
		"promote.yaml:5:13: 'path' of product 'a' is '../common', which contains '..' and could escape its folder; name the folder directly",
		"promote.yaml:6:13: 'path' of product 'b' is '/etc/apps', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'",
		"promote.yaml:7:13: 'path' of product 'c' is 'apps/../../x', which contains '..' and could escape its folder; name the folder directly",
		"promote.yaml:8:40: 'files' of the template of product 'd' is '../*.yaml', which contains '..' and could escape its folder; name the folder directly",
		"promote.yaml:8:67: 'attributes' of the template of product 'd' is '/values.yaml', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'");
}

static void test_policy_unknown_env(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  staging: {path: envs/staging}\n"
		"policies:\n"
		"  - name: p\n"
		"    match: {environments: {names: [stagng], kind: prod}}\n"
		"    pre: smoke\n",
		"promote.yaml:6:36: policy 'p' names unknown environment 'stagng' (did you mean 'staging'?)",
		"promote.yaml:6:51: 'match.environments.kind' of policy 'p' is 'prod'; use one of: non-production, production",
		"promote.yaml:7:10: policy 'p' names unknown workflow 'smoke' in 'pre'; define it under 'workflows', e.g. "
		"'workflows: {smoke: {run: [./checks/smoke.sh, \"{env}\"]}}'");
}

static void test_repository_unknown(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {url: https://git.example.com/org/gitops.git, provider: github}\n"
		"environments:\n"
		"  dev: {path: envs/dev, repository: gitopz}\n",
		"promote.yaml:5:37: environment 'dev' names unknown repository 'gitopz' (did you mean 'gitops'?); define it under 'repositories'");
}

/* provider: github needs a url ending in OWNER/REPO; api is an http(s) URL; mergeMethod one of three. */
static void test_github_repository(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {provider: github}\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n",
		"promote.yaml:3:22: repository 'gitops' has provider github but no url: give the repository's URL "
		"(https://github.com/OWNER/REPO.git), from which the owner, the name and the API are taken");
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {provider: gitea}\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n",
		"promote.yaml:3:22: repository 'gitops' has provider gitea but no url: give the repository's URL "
		"(https://HOST/OWNER/REPO.git), from which the owner, the name and the API are taken");
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {provider: gitlab}\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n",
		"promote.yaml:3:22: repository 'gitops' has provider gitlab but no url: give the repository's URL "
		"(https://gitlab.com/GROUP/PROJECT.git), from which the owner, the name and the API are taken");
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {url: https://gitlab.com/gitops.git, provider: gitlab}\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n",
		"promote.yaml:3:17: repository 'gitops' has provider gitlab, and its url 'https://gitlab.com/gitops.git' "
		"does not end in GROUP/PROJECT; use https://HOST/GROUP/PROJECT(.git)");
	ASSERT_REJECTED(
		"version: 1\n"
		"repositories:\n"
		"  gitops: {url: https://github.com/gitops.git, provider: github, api: ftp://x, mergeMethod: fast}\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n",
		"promote.yaml:3:17: repository 'gitops' has provider github, and its url 'https://github.com/gitops.git' "
		"does not end in OWNER/REPO; use https://HOST/OWNER/REPO(.git)",
		"promote.yaml:3:71: 'api' of repository 'gitops' is 'ftp://x', which is not an http(s) URL; give the API's "
		"base, such as https://api.github.com or https://github.example.com/api/v3",
		"promote.yaml:3:93: 'mergeMethod' of repository 'gitops' is 'fast'; use merge, squash or rebase");
}

static void test_scalar_root(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"just a string\n",
		"promote.yaml:1:1: the configuration must be a mapping, not a scalar (write 'key: value' entries)");
}

static void test_self_dependency(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      prod: {dependsOn: [prod]}\n",
		"promote.yaml:9:26: step 'prod' of flow 'default' depends on itself; remove 'prod' from its dependsOn");
}

static void test_step_policy(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      prod: {policy: {action: merge, priority: 5}, depends: [dev]}\n",
		"promote.yaml:9:31: 'action' of 'policy' of step 'prod' of flow 'default' is 'merge'; use one of: commit, pull-request, none",
		"promote.yaml:9:38: unknown key 'priority' in 'policy' of step 'prod' of flow 'default'; the keys allowed here are: action, pre, post",
		"promote.yaml:9:52: unknown key 'depends' in step 'prod' of flow 'default' (did you mean 'dependsOn'?); the keys allowed here are: dependsOn, policy, soak");
}

static void test_template_problems(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"templates:\n"
		"  helm:\n"
		"    attributes: {values.yaml: []}\n"
		"    version: \"#image.tag\"\n"
		"products:\n"
		"  a: {path: apps/a, template: helmm}\n"
		"  b: {path: apps/b}\n"
		"  \"*\": {path: apps, template: helm}\n",
		"promote.yaml:5:31: 'attributes' of template 'helm': file 'values.yaml' lists no YAML paths; add one, e.g. 'values.yaml: [image.tag]'",
		"promote.yaml:6:14: 'version' of template 'helm' is '#image.tag'; write FILE#PATH, the attribute that is the version, e.g. 'values.yaml#image.tag'",
		"promote.yaml:8:31: product 'a' uses unknown template 'helmm' (did you mean 'helm'?); define it under 'templates' or write the template inline",
		"promote.yaml:9:3: product 'b' has no 'template'; say what a promotion moves, e.g. 'template: {attributes: {values.yaml: [image.tag]}}'",
		"promote.yaml:10:15: 'path' of the discovery product '*' is 'apps'; it needs a '*' where product folders stand, e.g. 'apps/*', or, when the products are the entries of a list, its template's version a selector '[FIELD={product}]' where they stand, e.g. 'helmfile.yaml#releases[name={product}].version'");
}

static void test_trigger_as_step(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      dev: {}\n"
		"      prod: {}\n",
		"promote.yaml:9:7: flow 'default' has its trigger 'dev' as a step; a flow promotes out of its trigger, remove the step");
}

static void test_unknown_dependency(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  staging: {path: envs/staging}\n"
		"  prod: {path: envs/prod}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      staging: {}\n"
		"      prod: {dependsOn: [stagin]}\n",
		"promote.yaml:11:26: step 'prod' of flow 'default' names unknown environment 'stagin' (did you mean 'staging'?)");
}

static void test_unknown_env_key(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev:\n"
		"    path: envs/dev\n"
		"    stratgy: auto\n",
		"promote.yaml:5:5: unknown key 'stratgy' in environment 'dev' (did you mean 'strategy'?); the keys allowed here are: path, kind, strategy, deployMode, deploy, repository, branch, labels, clusters, windows");
}

/* A message quoting a long value is whole, its advice included. */
static void test_long_value_message_whole(void **state)
{
	(void)state;
	enum { LONG = 1200 };
	char value[LONG + 1], yaml[LONG + 128], message[LONG + 256];
	memset(value, 'v', LONG);
	value[LONG] = '\0';
	snprintf(yaml, sizeof yaml, "version: 1\nenvironments:\n  dev:\n    path: envs/dev\n    strategy: %s\n", value);
	snprintf(message, sizeof message, "promote.yaml:5:15: 'strategy' of environment 'dev' is '%s'; use one of: "
		"auto, manual, never", value);
	const char *expected[] = { message };
	assert_rejected(yaml, PROMOTE_EINVALID, expected, 1);
}

/* Freeze windows: a bad day, time or zone is an error at its value; deny and allow exclude each other. */
static void test_bad_windows(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  prod:\n"
		"    path: envs/prod\n"
		"    windows:\n"
		"      - {deny: \"Fry 16:00 - Mon 08:00\"}\n"
		"      - {allow: \"Mon-Fri 09:00 - 17:00\", timezone: Europe/Berlin}\n"
		"      - {deny: \"Fri 16:00 - Mon 08:00\", allow: \"Mon 09:00 - 10:00\"}\n"
		"      - {deny: \"22:00 - 06:00\", timezone: \"+2\"}\n"
		"      - {deny: \"Sat 00:00 - 24:00\", zone: UTC}\n",
		"promote.yaml:6:16: 'deny' of window #1 of environment 'prod' is 'Fry 16:00 - Mon 08:00': write it as "
		"'Fri 16:00 - Mon 08:00', 'Mon-Fri 09:00 - 17:00' or '22:00 - 06:00'",
		"promote.yaml:7:52: 'timezone' of window #2 of environment 'prod' is 'Europe/Berlin': time zone names "
		"(IANA, such as Europe/Berlin) are not supported yet; give UTC or a fixed offset such as +01:00 (which "
		"does not follow daylight saving time)",
		"promote.yaml:8:9: window #3 of environment 'prod' needs one of 'deny' or 'allow' (a window is one or "
		"the other), e.g. {deny: \"Fri 16:00 - Mon 08:00\", timezone: UTC}",
		"promote.yaml:9:43: 'timezone' of window #4 of environment 'prod' is '+2': use UTC or a fixed offset "
		"such as +02:00 or -05:30",
		"promote.yaml:10:37: unknown key 'zone' in window #5 of environment 'prod'; the keys allowed here are: "
		"deny, allow, timezone");
}

static void test_unknown_key_no_suggestion(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, color: blue}\n",
		"promote.yaml:3:25: unknown key 'color' in environment 'dev'; the keys allowed here are: path, kind, strategy, deployMode, deploy, repository, branch, labels, clusters, windows");
}

static void test_unknown_step_env(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  staging: {path: envs/staging}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: dev\n"
		"    steps:\n"
		"      stagin: {}\n",
		"promote.yaml:9:7: a step of flow 'default' names unknown environment 'stagin' (did you mean 'staging'?)");
}

static void test_unknown_top(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"flow: {}\n",
		"promote.yaml:3:1: unknown key 'flow' in the configuration (did you mean 'flows'?); the keys allowed here are: version, repositories, environments, templates, products, workflows, policies, flows, notifications");
}

static void test_unknown_trigger(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev}\n"
		"  staging: {path: envs/staging}\n"
		"flows:\n"
		"  default:\n"
		"    trigger: development\n"
		"    steps: {staging: {}}\n",
		"promote.yaml:7:14: the trigger of flow 'default' names unknown environment 'development'; define it under 'environments'");
}

static void test_wrong_type_env(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: envs/dev\n",
		"promote.yaml:3:8: environment 'dev' must be a mapping, not a scalar (write 'key: value' entries)");
}

static void test_wrong_type_environments(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: [dev, prod]\n",
		"promote.yaml:2:15: 'environments' must be a mapping, not a sequence (write 'key: value' entries)");
}

static void test_wrong_type_labels(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments:\n"
		"  dev: {path: envs/dev, labels: [tier]}\n",
		"promote.yaml:3:33: 'labels' of environment 'dev' must be a mapping, not a sequence (write 'key: value' entries)");
}

static void test_wrong_type_policies(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"policies: {name: p}\n",
		"promote.yaml:3:11: 'policies' must be a list, not a mapping (write a list: [a, b] or '- a' lines)");
}

static void test_wrong_type_priority(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"policies:\n"
		"  - {name: p, priority: high}\n"
		"  - {name: q, priority: 99999999999}\n",
		"promote.yaml:4:25: 'priority' of policy 'p' must be a whole number between -2147483648 and 2147483647, not 'high'",
		"promote.yaml:5:25: 'priority' of policy 'q' must be a whole number between -2147483648 and 2147483647, not '99999999999'");
}

static void test_wrong_version(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 2\n"
		"environments: {dev: {path: envs/dev}}\n",
		"promote.yaml:1:10: 'version' is 2 but this libpromote reads version 1; write 'version: 1' or upgrade libpromote");
}

static void test_empty_values_and_dot_paths(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {\"\": {path: \"\"}, dev: {path: d, branch: \"\", clusters: [\"\"]}}\n"
		"templates:\n"
		"  t1: {files: [~, \"/abs\"]}\n"
		"  t2: {files: [], attributes: {}}\n"
		"  t3: {attributes: {v.yaml: [a]}, version: \"/etc/passwd#a\"}\n"
		"products:\n"
		"  p: {path: ., template: {files: [\".\"]}}\n"
		"  q: {path: \"a:b\", template: t1}\n"
		"policies:\n"
		"  - {name: x, priority: \"5\"}\n",
		"promote.yaml:2:16: a name here is empty; give every entry a name",
		"promote.yaml:2:55: 'branch' of environment 'dev' is an empty string; give it a value",
		"promote.yaml:2:70: cluster #1 of environment 'dev' is an empty string; give it a value",
		"promote.yaml:4:16: 'files' of template 't1' must be a non-empty string, not a null",
		"promote.yaml:4:19: 'files' of template 't1' is '/abs', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'",
		"promote.yaml:5:7: template 't2' moves nothing; add 'files' (copied whole) or 'attributes' (YAML paths)",
		"promote.yaml:6:44: the FILE of 'version' is '/etc/passwd', an absolute path; paths are relative to the repository or environment folder, remove the leading '/'",
		"promote.yaml:8:35: 'files' of the template of product 'p' is '.', which names the folder itself; name a file or folder inside it",
		"promote.yaml:11:25: 'priority' of policy 'x' must be a whole number between -2147483648 and 2147483647, not '5' (write the number without quotes)");
}

/* Layouts: placeholders a product does not define, vars named like the built-in ones or not as a name, a
 * discovery product that finds neither folders nor the entries of a list. */
static void test_layout_placeholders_and_vars(void **state)
{
	(void)state;
	ASSERT_REJECTED(
		"version: 1\n"
		"environments: {dev: {path: envs/dev}}\n"
		"products:\n"
		"  a:\n"
		"    path: .\n"
		"    vars: {env: x, 9x: y}\n"
		"    template:\n"
		"      attributes: {\"{app}.yaml\": [\"releases[name={release}].version\"]}\n"
		"      version: \"helmfile.yaml#releases[name={product].version\"\n"
		"  \"*\":\n"
		"    path: .\n"
		"    template: {attributes: {values.yaml: [image.tag]}, version: values.yaml#image.tag}\n",
		"promote.yaml:6:11: 'vars' of product 'a' defines 'env', a placeholder of its own ({env} is the environment's name); give the var another name",
		"promote.yaml:6:11: 'vars' of product 'a' defines '9x'; a var's name is a letter, then letters, digits, '_' or '-' (it is written {NAME} in the template)",
		"promote.yaml:8:34: the attribute file '{app}.yaml' names the placeholder {app}, which product 'a' does not define; use {env}, {product}, {env}, {9x}, or give the product 'vars: {app: VALUE}'",
		"promote.yaml:8:34: the YAML path 'releases[name={release}].version' of '{app}.yaml' names the placeholder {release}, which product 'a' does not define; use {env}, {product}, {env}, {9x}, or give the product 'vars: {release: VALUE}'",
		"promote.yaml:9:16: the YAML path of 'version' 'releases[name={product].version' opens a placeholder with '{' and never closes it; write {env}, {product} or {NAME} of the product's 'vars'",
		"promote.yaml:11:11: 'path' of the discovery product '*' is '.'; it needs a '*' where product folders stand, e.g. 'apps/*', or, when the products are the entries of a list, its template's version a selector '[FIELD={product}]' where they stand, e.g. 'helmfile.yaml#releases[name={product}].version'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_placeholders_and_vars),
		cmocka_unit_test(test_empty_values_and_dot_paths),
		cmocka_unit_test(test_bad_action),
		cmocka_unit_test(test_bad_deploy_mode),
		cmocka_unit_test(test_bad_kind),
		cmocka_unit_test(test_bad_strategy),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_dependency_not_a_step),
		cmocka_unit_test(test_duplicate_env),
		cmocka_unit_test(test_duplicate_policy),
		cmocka_unit_test(test_duplicate_product),
		cmocka_unit_test(test_empty_flow),
		cmocka_unit_test(test_env_path),
		cmocka_unit_test(test_missing_version),
		cmocka_unit_test(test_multi_doc),
		cmocka_unit_test(test_no_environments),
		cmocka_unit_test(test_path_escapes),
		cmocka_unit_test(test_policy_unknown_env),
		cmocka_unit_test(test_repository_unknown),
		cmocka_unit_test(test_github_repository),
		cmocka_unit_test(test_scalar_root),
		cmocka_unit_test(test_self_dependency),
		cmocka_unit_test(test_step_policy),
		cmocka_unit_test(test_bad_windows),
		cmocka_unit_test(test_template_problems),
		cmocka_unit_test(test_trigger_as_step),
		cmocka_unit_test(test_unknown_dependency),
		cmocka_unit_test(test_unknown_env_key),
		cmocka_unit_test(test_unknown_key_no_suggestion),
		cmocka_unit_test(test_unknown_step_env),
		cmocka_unit_test(test_unknown_top),
		cmocka_unit_test(test_unknown_trigger),
		cmocka_unit_test(test_wrong_type_env),
		cmocka_unit_test(test_wrong_type_environments),
		cmocka_unit_test(test_wrong_type_labels),
		cmocka_unit_test(test_wrong_type_policies),
		cmocka_unit_test(test_wrong_type_priority),
		cmocka_unit_test(test_wrong_version),
		cmocka_unit_test(test_long_value_message_whole),
	};
	return cmocka_run_group_tests_name("config errors", tests, helpers_init, helpers_shutdown);
}
