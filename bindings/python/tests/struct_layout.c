/*
 * Prints, as JSON, what the C compiler says about the public structs the
 * Python bindings mirror with ctypes (size, alignment, every member's offset
 * and size), the values of the enum constants and version macros they
 * mirror, and the compile-time version. test_layout.py compares it with the
 * ctypes declarations, so a reordered or retyped member fails a test instead
 * of corrupting memory at run time.
 */
#include <promote.h>

#include <stddef.h>
#include <stdio.h>

static int first_struct = 1;
static int first_member;

static void struct_begin(const char *name, size_t size, size_t align)
{
	printf("%s\n    \"%s\": {\"size\": %zu, \"align\": %zu, \"members\": {", first_struct ? "" : ",", name, size,
		align);
	first_struct = 0;
	first_member = 1;
}

static void member(const char *name, size_t offset, size_t size)
{
	printf("%s\n      \"%s\": {\"offset\": %zu, \"size\": %zu}", first_member ? "" : ",", name, offset, size);
	first_member = 0;
}

static void struct_end(void)
{
	printf("\n    }}");
}

#define STRUCT(type) struct_begin(#type, sizeof(type), _Alignof(type))
#define MEMBER(type, m) member(#m, offsetof(type, m), sizeof(((type *)0)->m))

static int first_constant = 1;

static void constant(const char *name, long long value)
{
	printf("%s\n    \"%s\": %lld", first_constant ? "" : ",", name, value);
	first_constant = 0;
}

#define CONSTANT(c) constant(#c, (long long)(c))

int main(void)
{
	printf("{\n  \"version\": {\"major\": %d, \"minor\": %d, \"patch\": %d, \"string\": \"%s\"},\n",
		PROMOTE_VERSION_MAJOR, PROMOTE_VERSION_MINOR, PROMOTE_VERSION_PATCH, PROMOTE_VERSION);
	printf("  \"pointer_size\": %zu,\n", sizeof(void *));
	printf("  \"structs\": {");

	STRUCT(promote_error);
	MEMBER(promote_error, code);
	MEMBER(promote_error, klass);
	MEMBER(promote_error, message);
	MEMBER(promote_error, file);
	MEMBER(promote_error, line);
	MEMBER(promote_error, column);
	MEMBER(promote_error, next);
	struct_end();

	STRUCT(promote_buf);
	MEMBER(promote_buf, ptr);
	MEMBER(promote_buf, reserved);
	MEMBER(promote_buf, size);
	struct_end();

	STRUCT(promote_strarray);
	MEMBER(promote_strarray, strings);
	MEMBER(promote_strarray, count);
	struct_end();

	STRUCT(promote_context_options);
	MEMBER(promote_context_options, version);
	MEMBER(promote_context_options, max_depth);
	MEMBER(promote_context_options, max_config_size);
	MEMBER(promote_context_options, max_alias_nodes);
	MEMBER(promote_context_options, log_cb);
	MEMBER(promote_context_options, log_payload);
	MEMBER(promote_context_options, log_level);
	MEMBER(promote_context_options, reserved);
	MEMBER(promote_context_options, cache_dir);
	MEMBER(promote_context_options, credentials_cb);
	MEMBER(promote_context_options, credentials_payload);
	MEMBER(promote_context_options, event_cb);
	MEMBER(promote_context_options, event_payload);
	MEMBER(promote_context_options, net_timeout);
	MEMBER(promote_context_options, clock_cb);
	MEMBER(promote_context_options, clock_payload);
	struct_end();

	STRUCT(promote_git_provider);
	MEMBER(promote_git_provider, version);
	MEMBER(promote_git_provider, reserved);
	MEMBER(promote_git_provider, open_change);
	MEMBER(promote_git_provider, get_change);
	MEMBER(promote_git_provider, find_change);
	MEMBER(promote_git_provider, merge_change);
	MEMBER(promote_git_provider, comment_change);
	MEMBER(promote_git_provider, close_change);
	MEMBER(promote_git_provider, approve_change);
	MEMBER(promote_git_provider, free_payload);
	struct_end();

	STRUCT(promote_deploy_backend);
	MEMBER(promote_deploy_backend, version);
	MEMBER(promote_deploy_backend, reserved);
	MEMBER(promote_deploy_backend, sync);
	MEMBER(promote_deploy_backend, status);
	MEMBER(promote_deploy_backend, run_workflow);
	MEMBER(promote_deploy_backend, workflow_status);
	MEMBER(promote_deploy_backend, free_payload);
	MEMBER(promote_deploy_backend, abort);
	struct_end();

	STRUCT(promote_plan_options);
	MEMBER(promote_plan_options, version);
	MEMBER(promote_plan_options, reserved);
	MEMBER(promote_plan_options, from);
	MEMBER(promote_plan_options, set_version);
	struct_end();

	STRUCT(promote_release_list_options);
	MEMBER(promote_release_list_options, version);
	MEMBER(promote_release_list_options, product);
	MEMBER(promote_release_list_options, state);
	MEMBER(promote_release_list_options, limit);
	struct_end();

	STRUCT(promote_sync_options);
	MEMBER(promote_sync_options, version);
	MEMBER(promote_sync_options, update_only);
	MEMBER(promote_sync_options, only);
	MEMBER(promote_sync_options, only_count);
	MEMBER(promote_sync_options, exclude);
	MEMBER(promote_sync_options, exclude_count);
	MEMBER(promote_sync_options, products);
	MEMBER(promote_sync_options, product_count);
	struct_end();

	STRUCT(promote_status_options);
	MEMBER(promote_status_options, version);
	MEMBER(promote_status_options, reserved);
	MEMBER(promote_status_options, product);
	MEMBER(promote_status_options, environment);
	struct_end();

	STRUCT(promote_scaffold_options);
	MEMBER(promote_scaffold_options, version);
	MEMBER(promote_scaffold_options, reserved);
	MEMBER(promote_scaffold_options, branch);
	struct_end();

	STRUCT(promote_drift_options);
	MEMBER(promote_drift_options, version);
	MEMBER(promote_drift_options, reserved);
	MEMBER(promote_drift_options, product);
	MEMBER(promote_drift_options, from);
	MEMBER(promote_drift_options, to);
	struct_end();

	STRUCT(promote_release_options);
	MEMBER(promote_release_options, version);
	MEMBER(promote_release_options, no_group);
	MEMBER(promote_release_options, flow);
	MEMBER(promote_release_options, set_version);
	MEMBER(promote_release_options, to);
	MEMBER(promote_release_options, from);
	MEMBER(promote_release_options, force);
	MEMBER(promote_release_options, reserved);
	MEMBER(promote_release_options, reason);
	MEMBER(promote_release_options, author_name);
	MEMBER(promote_release_options, author_email);
	MEMBER(promote_release_options, event_cb);
	MEMBER(promote_release_options, event_payload);
	struct_end();

	STRUCT(promote_watcher_options);
	MEMBER(promote_watcher_options, version);
	MEMBER(promote_watcher_options, no_group);
	MEMBER(promote_watcher_options, author_name);
	MEMBER(promote_watcher_options, author_email);
	MEMBER(promote_watcher_options, release_event_cb);
	MEMBER(promote_watcher_options, watch_event_cb);
	MEMBER(promote_watcher_options, payload);
	struct_end();

	STRUCT(promote_apply_options);
	MEMBER(promote_apply_options, version);
	MEMBER(promote_apply_options, max_retries);
	MEMBER(promote_apply_options, author_name);
	MEMBER(promote_apply_options, author_email);
	MEMBER(promote_apply_options, release);
	struct_end();

	STRUCT(promote_env_import_options);
	MEMBER(promote_env_import_options, version);
	MEMBER(promote_env_import_options, path);
	MEMBER(promote_env_import_options, target_namespace);
	MEMBER(promote_env_import_options, only);
	MEMBER(promote_env_import_options, only_count);
	MEMBER(promote_env_import_options, kind);
	MEMBER(promote_env_import_options, strategy);
	MEMBER(promote_env_import_options, labels);
	MEMBER(promote_env_import_options, label_count);
	MEMBER(promote_env_import_options, author_name);
	MEMBER(promote_env_import_options, author_email);
	MEMBER(promote_env_import_options, max_retries);
	struct_end();

	STRUCT(promote_yaml_options);
	MEMBER(promote_yaml_options, version);
	MEMBER(promote_yaml_options, max_depth);
	MEMBER(promote_yaml_options, max_size);
	MEMBER(promote_yaml_options, max_alias_nodes);
	struct_end();

	printf("\n  },\n  \"constants\": {");

	CONSTANT(PROMOTE_OK);
	CONSTANT(PROMOTE_ERROR);
	CONSTANT(PROMOTE_ENOMEM);
	CONSTANT(PROMOTE_ENOTFOUND);
	CONSTANT(PROMOTE_EEXISTS);
	CONSTANT(PROMOTE_EINVALID);
	CONSTANT(PROMOTE_ELIMIT);
	CONSTANT(PROMOTE_EVERSION);
	CONSTANT(PROMOTE_EUSER);
	CONSTANT(PROMOTE_EIO);
	CONSTANT(PROMOTE_EGIT);
	CONSTANT(PROMOTE_ENET);
	CONSTANT(PROMOTE_EAUTH);
	CONSTANT(PROMOTE_ECONFLICT);
	CONSTANT(PROMOTE_EBUSY);
	CONSTANT(PROMOTE_ETIMEOUT);
	CONSTANT(PROMOTE_ENOTSUPPORTED);
	CONSTANT(PROMOTE_ESTATE);
	CONSTANT(PROMOTE_PASSTHROUGH);
	CONSTANT(PROMOTE_ITEROVER);

	CONSTANT(PROMOTE_ERROR_CLASS_NONE);
	CONSTANT(PROMOTE_ERROR_CLASS_OS);
	CONSTANT(PROMOTE_ERROR_CLASS_NOMEMORY);
	CONSTANT(PROMOTE_ERROR_CLASS_INVALID);
	CONSTANT(PROMOTE_ERROR_CLASS_CONFIG);
	CONSTANT(PROMOTE_ERROR_CLASS_YAML);
	CONSTANT(PROMOTE_ERROR_CLASS_GIT);
	CONSTANT(PROMOTE_ERROR_CLASS_NET);
	CONSTANT(PROMOTE_ERROR_CLASS_PROVIDER);
	CONSTANT(PROMOTE_ERROR_CLASS_DEPLOY);
	CONSTANT(PROMOTE_ERROR_CLASS_RELEASE);
	CONSTANT(PROMOTE_ERROR_CLASS_CALLBACK);

	CONSTANT(PROMOTE_LOG_ERROR);
	CONSTANT(PROMOTE_LOG_WARNING);
	CONSTANT(PROMOTE_LOG_INFO);
	CONSTANT(PROMOTE_LOG_DEBUG);
	CONSTANT(PROMOTE_LOG_TRACE);

	CONSTANT(PROMOTE_ENV_NON_PRODUCTION);
	CONSTANT(PROMOTE_ENV_PRODUCTION);
	CONSTANT(PROMOTE_STRATEGY_AUTO);
	CONSTANT(PROMOTE_STRATEGY_MANUAL);
	CONSTANT(PROMOTE_STRATEGY_NEVER);
	CONSTANT(PROMOTE_DEPLOY_AUTO);
	CONSTANT(PROMOTE_DEPLOY_MANUAL);

	CONSTANT(PROMOTE_ACTION_UNSET);
	CONSTANT(PROMOTE_ACTION_COMMIT);
	CONSTANT(PROMOTE_ACTION_PULL_REQUEST);
	CONSTANT(PROMOTE_ACTION_NONE);
	CONSTANT(PROMOTE_POLICY_FIELD_ACTION);
	CONSTANT(PROMOTE_POLICY_FIELD_PRE);
	CONSTANT(PROMOTE_POLICY_FIELD_POST);

	CONSTANT(PROMOTE_DRIFT_EQUAL);
	CONSTANT(PROMOTE_DRIFT_BEHIND);
	CONSTANT(PROMOTE_DRIFT_AHEAD);
	CONSTANT(PROMOTE_DRIFT_MISSING);
	CONSTANT(PROMOTE_DRIFT_EXTRA);
	CONSTANT(PROMOTE_DRIFT_UNKNOWN);
	CONSTANT(PROMOTE_DRIFT_NOT_COMPARED);
	CONSTANT(PROMOTE_DRIFT_SEMVER);
	CONSTANT(PROMOTE_DRIFT_TEXT);

	CONSTANT(PROMOTE_CONTEXT_OPTIONS_VERSION);
	CONSTANT(PROMOTE_GIT_PROVIDER_VERSION);
	CONSTANT(PROMOTE_DEPLOY_BACKEND_VERSION);
	CONSTANT(PROMOTE_YAML_OPTIONS_VERSION);
	CONSTANT(PROMOTE_PLAN_OPTIONS_VERSION);
	CONSTANT(PROMOTE_SYNC_OPTIONS_VERSION);
	CONSTANT(PROMOTE_CREDENTIAL_USERPASS);
	CONSTANT(PROMOTE_CREDENTIAL_SSH_KEY);
	CONSTANT(PROMOTE_APPLY_OPTIONS_VERSION);
	CONSTANT(PROMOTE_ENV_IMPORT_OPTIONS_VERSION);
	CONSTANT(PROMOTE_RELEASE_LIST_OPTIONS_VERSION);
	CONSTANT(PROMOTE_RELEASE_OPTIONS_VERSION);
	CONSTANT(PROMOTE_APPLY_UNCHANGED);
	CONSTANT(PROMOTE_APPLY_COMMITTED);
	CONSTANT(PROMOTE_APPLY_PROPOSED);
	CONSTANT(PROMOTE_APPLY_SKIPPED);
	CONSTANT(PROMOTE_CHANGE_OPEN);
	CONSTANT(PROMOTE_CHANGE_MERGED);
	CONSTANT(PROMOTE_CHANGE_CLOSED);
	CONSTANT(PROMOTE_CHECKS_NONE);
	CONSTANT(PROMOTE_CHECKS_PENDING);
	CONSTANT(PROMOTE_CHECKS_PASSING);
	CONSTANT(PROMOTE_CHECKS_FAILING);

	CONSTANT(PROMOTE_TRANSFER_CLONE);
	CONSTANT(PROMOTE_TRANSFER_FETCH);
	CONSTANT(PROMOTE_TRANSFER_PUSH);
	CONSTANT(PROMOTE_TRANSFER_RECEIVING);
	CONSTANT(PROMOTE_TRANSFER_RESOLVING);
	CONSTANT(PROMOTE_TRANSFER_PACKING);
	CONSTANT(PROMOTE_TRANSFER_WRITING);

	CONSTANT(PROMOTE_YAML_CREATE);
	CONSTANT(PROMOTE_YAML_TYPED);
	CONSTANT(PROMOTE_YAML_EDIT_ANCHORS);

	printf("\n  }\n}\n");
	return 0;
}
