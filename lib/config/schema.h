/*
 * Internal: the configuration as loaded from promote.yaml — the structures
 * behind the public opaque handles. The config layer fills them (structure,
 * types, enums, keys); the model layer resolves references between them,
 * orders flows and merges policies.
 *
 * Everything lives in the context's arena; names that refer to other
 * objects keep their source location for messages.
 */
#ifndef PROMOTE_CONFIG_SCHEMA_H
#define PROMOTE_CONFIG_SCHEMA_H

#include "core/common.h"
#include "core/arena.h"
#include "core/error.h"

/* A name in the file that refers to another object, and where it stands. */
typedef struct promote__ref {
	const char *name;
	promote__location where;
} promote__ref;

typedef struct promote__pair {
	const char *key;
	const char *value;
} promote__pair;

typedef struct promote__cluster {
	const char *name;
	const char *namespace_;
} promote__cluster;

/* deploy: of backend argocd — which Argo CD server and application (providers/deploy/argocd*.c). */
typedef struct promote__argocd_config {
	const char *server;               /* server: the API's base URL, "https://argocd.example.com"; NULL: not argocd */
	const char *application;          /* application: the name, placeholders {product} {env}; NULL: "{product}-{env}" */
	const char *project;              /* project: or NULL */
	const char *app_namespace;        /* appNamespace: or NULL (the server's own namespace) */
	bool insecure;                    /* insecure: true — TLS not verified */
	uint32_t hold_s;                  /* hold: how long it must stay Healthy; 0: PROMOTE__ARGOCD_HOLD_DEFAULT */
	/* argoWorkflows: where the workflows whose `workflowTemplate` is given are submitted. */
	const char *workflows_server;     /* argoWorkflows.server: Argo Workflows' base URL; NULL: none */
	const char *workflows_namespace;  /* argoWorkflows.namespace; NULL: "argo" */
	const char *workflows_account;    /* argoWorkflows.serviceAccount: the runs' service account, or NULL */
	bool workflows_insecure;          /* argoWorkflows.insecure: true — TLS not verified */
	promote__location workflows_where;
} promote__argocd_config;

struct promote_repository {
	const char *name;
	const char *url;
	const char *provider;
	promote__location provider_where; /* file NULL: the default, "local" */
	const char *branch;
	promote__location where;
	const char *api;                  /* api: a forge provider's API base URL; NULL: derived from url */
	const char *graphql;              /* graphql: GitHub's GraphQL endpoint; NULL: derived from the API's base */
	const char *merge_method;         /* mergeMethod: merge (NULL) | squash | rebase */
};

struct promote_env {
	const char *name;
	const char *path;
	const char *branch;               /* own branch, or NULL */
	int kind;
	int strategy;
	int deploy_mode;
	promote__ref repository_ref;      /* name NULL: the first repository */
	const promote_repository *repository;
	promote__pair *labels;
	size_t label_count;
	promote__cluster *clusters;
	size_t cluster_count;
	promote__ref deploy_backend;      /* deploy.backend; name NULL: none */
	const char **deploy_sync;         /* deploy.sync: argv of the exec backend, or NULL */
	size_t deploy_sync_count;
	const char **deploy_health;       /* deploy.health: argv (exit 0 healthy, 75 progressing) */
	size_t deploy_health_count;
	uint32_t deploy_timeout_s;        /* deploy.timeout; 0: the default (10 min) */
	promote__argocd_config argocd;    /* deploy.server, application, ...: backend argocd's */
	struct promote__window *windows;  /* windows: freeze windows (window.h) */
	size_t window_count;
	promote__location where;
};

/* workflows: {NAME: {run: [argv...], timeout: 10m}} — a check that policies
 * name in pre/post, run by the environment's deploy backend: `run` by exec,
 * `workflowTemplate` by argocd (submitted to Argo Workflows). */
typedef struct promote__workflow {
	const char *name;
	const char **argv;                /* run: argv[0] is the program; "{env}" etc. expanded when run; NULL: none */
	size_t argc;
	const char *workflow_template;    /* workflowTemplate: a WorkflowTemplate's name; NULL: none */
	const char **parameters;          /* parameters: "NAME=VALUE" each, placeholders expanded when submitted */
	size_t parameter_count;
	uint32_t timeout_s;               /* 0: the default (10 min) */
	promote__location where;
} promote__workflow;

/* Which events of a release a notification is sent for (PROMOTE__NOTIFY_* bits). */
enum {
	PROMOTE__NOTIFY_RELEASE_STARTED = 1u << 0,
	PROMOTE__NOTIFY_STEP_WAITING = 1u << 1,     /* a step waits for a person: an approval, a change's merge */
	PROMOTE__NOTIFY_STEP_FAILED = 1u << 2,
	PROMOTE__NOTIFY_RELEASE_SUCCEEDED = 1u << 3,
	PROMOTE__NOTIFY_RELEASE_FAILED = 1u << 4,
	PROMOTE__NOTIFY_RELEASE_ABORTED = 1u << 5
};
#define PROMOTE__NOTIFY_EVENT_COUNT 6

/* notifications: {NAME: {events: [...], products: [...], environments: [...], url: ... | run: [argv...],
 * secretEnv: NAME, timeout: 10s, attempts: 5}} — who is told of what (lib/engine/notify*.c). */
typedef struct promote__notification {
	const char *name;
	unsigned events;                  /* PROMOTE__NOTIFY_* bits; never 0 */
	const char **products;            /* globs (wildmatch) of the products; NULL: every product */
	size_t product_count;
	promote__ref *environments;       /* step events only in these; release events of releases with a step in one */
	size_t environment_count;
	const char *url;                  /* url: a JSON POST to it; NULL: urlEnv or run */
	const char *url_env;              /* urlEnv: the variable that holds the URL (a URL with a token in it) */
	const char **argv;                /* run: the hook, the event's JSON on its standard input; NULL: none */
	size_t argc;
	const char *secret_env;           /* secretEnv: the variable that holds the HMAC key; NULL: not signed */
	bool insecure;                    /* insecure: true — TLS not verified */
	uint32_t timeout_s;               /* one attempt's bound */
	uint32_t attempts;                /* how many attempts before it is given up */
	promote__location where;
} promote__notification;

typedef struct promote__attribute {
	const char *file;
	const char *path;
	promote__location where;          /* the file's list of YAML paths */
} promote__attribute;

typedef struct promote__template {
	const char *name;                 /* NULL for a product's inline template */
	promote__ref *files;              /* globs, each where it is written */
	size_t file_count;
	promote__attribute *attributes;
	size_t attribute_count;
	const char *version_file;
	const char *version_path;
	promote__location version_where;
	promote__location where;
} promote__template;

struct promote_product {
	const char *name;
	const char *path;                 /* "." : the environment's folder, shared with other products */
	promote__location path_where;
	bool discovery;
	promote__pair *vars;              /* vars: {NAME: VALUE}, the template's {NAME} placeholders */
	size_t var_count;
	promote__location vars_where;
	promote__ref template_ref;        /* a named template, or name NULL */
	const promote__template *tmpl;
	promote__ref *flows;              /* flows: [NAME...] — the first that applies runs its releases */
	size_t flow_count;
	promote__location where;
};

/* Bits of promote_policy.sets: which fields the policy sets. */
#define PROMOTE__SETS(field) (1u << (field))

struct promote_policy {
	const char *name;
	bool is_inline;
	int32_t priority;
	unsigned sets;
	int action;
	const char **pre;
	size_t pre_count;
	const char **post;
	size_t post_count;
	const promote__location *pre_where;  /* where each workflow name of pre and post stands */
	const promote__location *post_where;
	const char **match_products;
	size_t match_product_count;
	promote__ref *match_envs;
	size_t match_env_count;
	int match_kind;                   /* -1: any */
	promote__pair *match_labels;
	size_t match_label_count;
	size_t order;                     /* declaration order, for ties */
	promote__location where;
};

struct promote_flow_step {
	promote__ref env_ref;
	const promote_env *env;
	promote__ref *depends_refs;
	size_t depends_count;
	const promote_env **deps;         /* resolved: dependsOn, or the trigger */
	size_t dep_count;
	const promote_policy *policy;     /* inline, or NULL */
	size_t wave;
	uint32_t soak_s;                  /* soak: its dependents start this long after it succeeded (0: at once) */
};

struct promote_flow {
	const char *name;
	promote__ref trigger_ref;
	const promote_env *trigger;
	promote_flow_step *steps;
	size_t step_count;
	const promote_flow_step **order;  /* steps by wave, then declaration order */
	size_t *wave_start;               /* wave w is order[wave_start[w] .. wave_start[w+1]) */
	size_t wave_count;
	uint32_t timeout_s;               /* timeout: a release's bound; the loader sets the default (24 h) */
	uint32_t retries;                 /* retries: transient errors retried per step, 0..20; the loader
	                                     sets the default (3), so 0 means no retry */
	int concurrency;                  /* concurrency: PROMOTE__CONCURRENCY_* (loader_concurrency.h) */
	uint32_t queue_limit;             /* queueLimit: releases waiting for one environment, 1..10000 (50) */
	promote__location where;
};

typedef struct promote__config {
	promote__arena *arena;
	const char *source;
	promote_repository *repositories;
	size_t repository_count;
	promote_env *envs;
	size_t env_count;
	promote__template *templates;
	size_t template_count;
	promote_product *products;
	size_t product_count;
	promote_policy *policies;
	size_t policy_count;
	promote_flow *flows;
	size_t flow_count;
	promote__workflow *workflows;
	size_t workflow_count;
	promote__notification *notifications;
	size_t notification_count;
} promote__config;

#endif
