/* Deploy and workflow requests (getters) and statuses (copying setters). */
#include "request.h"

#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

void promote__argv_free(promote__argv *args)
{
	for (size_t i = 0; i < args->argc; i++)
		free(args->argv[i]);
	free(args->argv);
	args->argv = NULL;
	args->argc = 0;
}

static const char *arg_at(const promote__argv *args, size_t index)
{
	return index < args->argc ? args->argv[index] : NULL;
}

/* ---- requests ------------------------------------------------------------ */

/* The getters both requests have, on their subject `s`. */
#define SUBJECT_GETTERS(type)                                                                     \
	const char *promote_##type##_request_product(const promote_##type##_request *r)           \
	{                                                                                         \
		return r ? r->s.product : "";                                                     \
	}                                                                                         \
	const char *promote_##type##_request_environment(const promote_##type##_request *r)       \
	{                                                                                         \
		return r ? r->s.environment : "";                                                 \
	}                                                                                         \
	const char *promote_##type##_request_revision(const promote_##type##_request *r)          \
	{                                                                                         \
		return r ? r->s.revision : "";                                                    \
	}                                                                                         \
	const char *promote_##type##_request_version(const promote_##type##_request *r)           \
	{                                                                                         \
		return r ? r->s.version : "";                                                     \
	}                                                                                         \
	const char *promote_##type##_request_release(const promote_##type##_request *r)           \
	{                                                                                         \
		return r ? r->s.release : "";                                                     \
	}                                                                                         \
	const char *promote_##type##_request_products(const promote_##type##_request *r)          \
	{                                                                                         \
		return r ? r->s.products : "";                                                    \
	}                                                                                         \
	uint32_t promote_##type##_request_timeout(const promote_##type##_request *r)              \
	{                                                                                         \
		return r ? r->s.timeout_s : 0;                                                    \
	}                                                                                         \
	size_t promote_##type##_request_cluster_count(const promote_##type##_request *r)          \
	{                                                                                         \
		return r ? r->s.cluster_count : 0;                                                \
	}                                                                                         \
	const char *promote_##type##_request_cluster_name_at(const promote_##type##_request *r,   \
		size_t index)                                                                     \
	{                                                                                         \
		return r && index < r->s.cluster_count ? r->s.clusters[index].name : NULL;        \
	}                                                                                         \
	const char *promote_##type##_request_cluster_namespace_at(                                \
		const promote_##type##_request *r, size_t index)                                  \
	{                                                                                         \
		if (!r || index >= r->s.cluster_count)                                            \
			return NULL;                                                              \
		return r->s.clusters[index].namespace_ ? r->s.clusters[index].namespace_ : "";    \
	}

SUBJECT_GETTERS(deploy)
SUBJECT_GETTERS(workflow)

size_t promote_deploy_request_sync_arg_count(const promote_deploy_request *r) { return r ? r->sync.argc : 0; }
size_t promote_deploy_request_health_arg_count(const promote_deploy_request *r) { return r ? r->health.argc : 0; }
size_t promote_workflow_request_arg_count(const promote_workflow_request *r) { return r ? r->args.argc : 0; }

const char *promote_deploy_request_sync_arg_at(const promote_deploy_request *r, size_t index)
{
	return r ? arg_at(&r->sync, index) : NULL;
}

const char *promote_deploy_request_health_arg_at(const promote_deploy_request *r, size_t index)
{
	return r ? arg_at(&r->health, index) : NULL;
}

const char *promote_workflow_request_arg_at(const promote_workflow_request *r, size_t index)
{
	return r ? arg_at(&r->args, index) : NULL;
}

const char *promote_workflow_request_name(const promote_workflow_request *r) { return r ? r->name : ""; }
const char *promote_workflow_request_run_id(const promote_workflow_request *r) { return r ? r->run_id : ""; }

/* ---- statuses ------------------------------------------------------------ */

void promote__deploy_status_init(promote_deploy_status *status)
{
	memset(status, 0, sizeof *status);
	status->sync = PROMOTE_SYNC_UNKNOWN;
	status->health = PROMOTE_HEALTH_UNKNOWN;
}

void promote__deploy_status_dispose(promote_deploy_status *status)
{
	free(status->revision);
	free(status->message);
	status->revision = status->message = NULL;
}

void promote__workflow_status_init(promote_workflow_status *status)
{
	memset(status, 0, sizeof *status);
	status->state = PROMOTE_WORKFLOW_RUNNING;
	status->exit_status = PROMOTE__EXIT_UNSET;
}

void promote__workflow_status_dispose(promote_workflow_status *status)
{
	free(status->run_id);
	free(status->output);
	status->run_id = status->output = NULL;
	status->output_size = 0;
}

int promote__workflow_status_exit(const promote_workflow_status *status)
{
	if (status->exit_status != PROMOTE__EXIT_UNSET)
		return status->exit_status;
	return status->state == PROMOTE_WORKFLOW_FAILED ? 1 : 0;
}

size_t promote__tail_start(const char *data, size_t size, size_t max)
{
	if (size <= max)
		return 0;
	size_t start = size - max;
	for (int i = 0; i < 3 && start < size && ((unsigned char)data[start] & 0xC0) == 0x80; i++)
		start++;
	return start;
}

int promote_deploy_status_set_sync(promote_deploy_status *status, int sync)
{
	if (!status || sync < PROMOTE_SYNC_UNKNOWN || sync > PROMOTE_SYNC_FAILED)
		return promote__error_arg(__func__, !status ? "status" : "sync");
	status->sync = sync;
	return 0;
}

int promote_deploy_status_set_health(promote_deploy_status *status, int health)
{
	if (!status || health < PROMOTE_HEALTH_UNKNOWN || health > PROMOTE_HEALTH_SUSPENDED)
		return promote__error_arg(__func__, !status ? "status" : "health");
	status->health = health;
	return 0;
}

int promote_deploy_status_set_revision(promote_deploy_status *status, const char *revision)
{
	return status ? promote__string_replace(&status->revision, revision, __func__, "revision") : promote__error_arg(__func__, "status");
}

int promote_deploy_status_set_message(promote_deploy_status *status, const char *message)
{
	return status ? promote__string_replace(&status->message, message, __func__, "message") : promote__error_arg(__func__, "status");
}

int promote_workflow_status_set_run_id(promote_workflow_status *status, const char *run_id)
{
	if (!status || !run_id || !*run_id)
		return promote__error_arg(__func__, !status ? "status" : "run_id");
	return promote__string_replace(&status->run_id, run_id, __func__, "run_id");
}

int promote_workflow_status_set_state(promote_workflow_status *status, int state)
{
	if (!status || state < PROMOTE_WORKFLOW_PENDING || state > PROMOTE_WORKFLOW_FAILED)
		return promote__error_arg(__func__, !status ? "status" : "state");
	status->state = state;
	return 0;
}

int promote_workflow_status_set_exit_status(promote_workflow_status *status, int exit_status)
{
	if (!status || exit_status == PROMOTE__EXIT_UNSET)
		return promote__error_arg(__func__, !status ? "status" : "exit_status");
	status->exit_status = exit_status;
	return 0;
}

int promote_workflow_status_set_output(promote_workflow_status *status, const char *output, size_t size)
{
	if (!status || (!output && size))
		return promote__error_arg(__func__, !status ? "status" : "output");
	size_t start = promote__tail_start(output, size, PROMOTE_WORKFLOW_OUTPUT_MAX);
	char *copy = malloc(size - start + 1);
	if (!copy)
		return promote__error_oom();
	if (size)
		memcpy(copy, output + start, size - start);
	copy[size - start] = '\0';
	free(status->output);
	status->output = copy;
	status->output_size = size - start;
	return 0;
}

const char *promote_sync_state_name(int sync)
{
	static const char *const names[] = { "unknown", "synced", "out-of-sync", "syncing", "failed" };
	return PROMOTE__NAME_OF(names, sync);
}

const char *promote_health_state_name(int health)
{
	static const char *const names[] = { "unknown", "healthy", "progressing", "degraded", "missing", "suspended" };
	return PROMOTE__NAME_OF(names, health);
}

const char *promote_workflow_state_name(int state)
{
	static const char *const names[] = { "pending", "running", "succeeded", "failed" };
	return PROMOTE__NAME_OF(names, state);
}
