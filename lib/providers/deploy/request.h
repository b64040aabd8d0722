/*
 * Internal: the objects behind the deploy backend's opaque requests and
 * statuses (promote/sys/deploy_backend.h). Dispatch fills a request, hands it
 * to a backend with an empty status, and reads the status back.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_REQUEST_H
#define PROMOTE_PROVIDERS_DEPLOY_REQUEST_H

#include "core/common.h"
#include "config/schema.h"

/* An argv: `argc` strings, owned. */
typedef struct promote__argv {
	char **argv;
	size_t argc;
} promote__argv;

void promote__argv_free(promote__argv *args);

/* What both requests carry. Strings are borrowed (from the caller's target
 * and the configuration), never NULL; they outlive the call. */
typedef struct promote__deploy_subject {
	const char *product;
	const char *environment;
	const char *revision;
	const char *version;
	const char *release;
	const char *products; /* a sync's "NAME=VERSION ..." ("" for one product) */
	uint32_t timeout_s;
	const promote__cluster *clusters;
	size_t cluster_count;
} promote__deploy_subject;

struct promote_deploy_request {
	promote__deploy_subject s;
	promote__argv sync;
	promote__argv health;
};

struct promote_workflow_request {
	promote__deploy_subject s;
	const char *name;
	const char *run_id;
	promote__argv args;
};

struct promote_deploy_status {
	int sync;
	int health;
	char *revision;
	char *message;
};

/* No exit status set: the state says it (0 succeeded, 1 failed). */
#define PROMOTE__EXIT_UNSET INT32_MIN

struct promote_workflow_status {
	char *run_id;
	int state;
	int exit_status;
	char *output;       /* NUL-terminated; at most PROMOTE_WORKFLOW_OUTPUT_MAX bytes */
	size_t output_size;
};

/* A status in its defaults, and its strings released (the struct stays). */
void promote__deploy_status_init(promote_deploy_status *status);
void promote__deploy_status_dispose(promote_deploy_status *status);
void promote__workflow_status_init(promote_workflow_status *status);
void promote__workflow_status_dispose(promote_workflow_status *status);

/* The workflow's exit status: as set, else what its state implies. */
int promote__workflow_status_exit(const promote_workflow_status *status);

/* The last `max` bytes of `size` at `data`: where they start, moved past
 * UTF-8 continuation bytes (at most 3) so that no character is cut. */
size_t promote__tail_start(const char *data, size_t size, size_t max);

#endif
