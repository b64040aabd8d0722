/*
 * Internal: the structures behind promote_release and promote_release_step
 * — a release's record in memory — and their memory: made, cleared, freed.
 * The record's JSON is release_json.h's; where it is kept, release_record.h's.
 */
#ifndef PROMOTE_ENGINE_RELEASE_MODEL_H
#define PROMOTE_ENGINE_RELEASE_MODEL_H

#include "core/common.h"
#include "core/array.h"

#include <promote.h>

#include "git/repo.h"

#include <git2.h>
#include <stdbool.h>

/*
 * The record's JSON (doc/RELEASES.md documents it for users; keys are only
 * added). Times are UTC "2026-12-05T03:20:00Z" or null; strings "" when none.
 *
 * {"schema": 1, "id": "shop-1.4.0-3fa9c1", "flow": "default", "product": "shop",
 *  "version": "1.4.0", "state": "waiting", "reason": "waiting for approval of ...",
 *  "trigger": {"environment": "dev", "set_version": true, "commit": "<hex>"},
 *  "group": true, "forced": "", "timeout": 86400,
 *  "created": "...", "updated": "...", "finished": null, "restarted": null,
 *  "steps": [{"environment": "qa", "from": "dev", "depends_on": ["dev"],
 *             "strategy": "auto", "action": "commit", "pre": ["smoke"], "post": [],
 *             "group": "qa+staging", "state": "succeeded", "reason": "", "attempts": 1,
 *             "commit": "<hex>", "change": "", "head": "", "merge_commit": "",
 *             "approvals": [{"by": "alice", "at": "..."}],
 *             "checks": [{"name": "smoke", "phase": "pre", "run_id": "", "done": true,
 *                         "status": 0, "output": "...", "started": "...", "finished": "..."}],
 *             "deploy": "", "gate": "", "error": "", "claim": {"owner": "", "at": null},
 *             "next_attempt": null,
 *             "started": "...", "finished": "..."}],
 *  "notifications": [{"key": "step.failed/prod/1", "to": "chat", "state": "sent", "attempts": 1,
 *                     "owner": "host:pid:nonce", "at": "...", "next": null, "error": ""}]}
 * ("notifications" only once one was sent: engine/notify.h.)
 */

#define PROMOTE__RELEASES_PREFIX PROMOTE__GIT_RELEASES_PREFIX
/* The record's JSON is bounded (a step keeps the last 4 KiB of each check). */
#define PROMOTE__RELEASE_RECORD_MAX (4u << 20)
#define PROMOTE__CHECK_OUTPUT_MAX 4096u
#define PROMOTE__RELEASE_ID_MAX 64u
#define PROMOTE__RELEASE_SCHEMA 1
#define PROMOTE__STEP_STATE_COUNT 11
#define PROMOTE__RELEASE_STATE_COUNT 5

/* One pre- or post-action workflow run by a step. */
typedef struct promote__check {
	char *name;
	bool post;            /* "post" phase, else "pre" */
	int status;           /* exit status; -1 running or killed at its timeout */
	bool done;
	char *run_id;         /* the backend's id of the run ("" when not started) */
	char *output;         /* the last PROMOTE__CHECK_OUTPUT_MAX bytes */
	int64_t started, finished;
} promote__check;

typedef struct promote__approval {
	char *by;
	int64_t at;
} promote__approval;

struct promote_release_step {
	char *environment;
	int state;            /* promote_step_state */
	char *reason;         /* "" when none */
	unsigned attempts;
	char **depends_on;    /* environment names; the trigger for a first-wave step */
	size_t depends_count;
	char *from;           /* the environment the step copies from */
	/* The effective policy and strategy, fixed when the release starts. */
	int strategy;         /* promote_strategy */
	int action;           /* promote_action */
	char **pre, **post;
	size_t pre_count, post_count;
	char *group;          /* steps written together share this ("" alone) */
	char *commit, *change, *head, *merge_commit; /* "" when none */
	promote__approval *approvals;
	size_t approval_count;
	promote__check *checks;
	size_t check_count;
	char *deploy;         /* the deploy's last status in words ("" when none) */
	char *gate;           /* pending: the gate that stops it (release_admit.h: "hold", ...; "" none) */
	char *error;          /* the first error that failed the step */
	char *claim;          /* who acts on the step now: "host:pid:nonce" ("" none) */
	int64_t claimed;      /* when the claim was made */
	int64_t next_attempt; /* a transient error: not before then (0: now) */
	int64_t started, finished;
};

/* A product a sync release writes: what its start found. */
typedef struct promote__release_product {
	char *name;
	int kind;              /* promote_sync_kind: update or add */
	char *version;         /* the source's ("" none) */
	char *previous;        /* the target's before ("" none) */
} promote__release_product;

/* What makes a release a sync's (flow "sync", no product, one step into the
 * target from the trigger): the source's commit it takes every product from
 * (so that the step writes what was checked and approved, even if the
 * source moved on), and the products it writes. */
typedef struct promote__release_sync {
	char *source_commit;
	bool update_only;
	char **filters;        /* the request, as promote_sync keeps it: resumed only by the same */
	size_t filter_count;
	/* The products, kept beside the record in its commit's tree, in the file named here (written once, with
	 * the record's creation; read only where they are needed: promote__release_sync_read()); "" in older
	 * records, which hold them in their JSON. */
	char *products_file;
	bool products_read;    /* products and product_count hold them (always, for an older record) */
	promote__release_product *products;
	size_t product_count;
	char *listed;          /* "NAME=VERSION ..." made once for deploys and checks (not recorded) */
} promote__release_sync;

/* The file a sync release's products are kept in, beside its record. */
#define PROMOTE__RELEASE_PRODUCTS_FILE "products.json"
/* Its bound: about 100 bytes a product. */
#define PROMOTE__RELEASE_PRODUCTS_MAX (256u << 20)

/* A branch of the context's repository and its tip when this process created a release (release_effects.c). */
typedef struct promote__release_base {
	char *branch;
	git_oid tip;
} promote__release_base;

struct promote_release {
	promote_context *ctx;  /* kept alive (a reference) */
	char *id, *flow, *product, *version;
	int state;             /* promote_release_state */
	char *reason;
	char *trigger;         /* the trigger environment */
	char *trigger_commit;  /* the commit that set its version ("" none) */
	bool set_version;      /* the release sets the trigger's version first */
	bool group;            /* steps ready together share a commit */
	char *forced;          /* --force's reason ("" none) */
	int64_t created, updated, finished;
	int64_t restarted;     /* the last retry: the release's timeout counts from it (0: from created) */
	uint32_t timeout_s;    /* the whole release's bound */
	promote_release_step *steps;
	size_t step_count;
	promote__release_sync *sync; /* a sync's release; NULL for a product's */
	promote_sync *prepared_sync; /* the sync it was started with, written by its step here (a reference) */
	/* Where the record is: the commit the snapshot was read from. */
	git_oid tip;
	bool has_tip;
	promote_release_options opts; /* author and events (strings borrowed from the caller) */
	bool listed;           /* a list's item: read-only */
	bool just_started;     /* made by promote_release_start() and not polled yet */
	struct json_object *notices; /* "notifications": what was sent of its events (engine/notify.h); NULL: none */
	int64_t notify_due;    /* not recorded: when a notification is to be tried again (0: none) */
	/* Not recorded: its environments' branches as this process found them before it created the release
	 * (none for a release opened). Every commit made for the release is above them: the search for one
	 * stops there (promote__effect_make(), promote__effect_trigger()). */
	promote__release_base *bases;
	size_t base_count;
};

/* An empty release for `ctx` (a reference is taken). */
int promote__release_alloc(promote_release **out, promote_context *ctx);
/* Free `count` products. */
void promote__release_products_free(promote__release_product *products, size_t count);
/* Free the fields of `r`, keeping ctx/opts (and what this process knows of it), so it can be parsed again. */
void promote__release_clear(promote_release *r);
/* Free `r` and drop its reference on the context. */
void promote__release_free(promote_release *r);

/* What the release's leases and queue are taken for: its product, or for a
 * sync (which has none) "sync" — a product of that name shares them: the
 * two wait for each other, never both act. */
const char *promote__release_subject(const promote_release *r);

/* A sync release's products as deploys and checks are told them, once read
 * (promote__release_sync_read()): "NAME=VERSION NAME=VERSION" ("" when out
 * of memory). */
const char *promote__release_sync_products(const promote_release *r);

/* Steps' small helpers, shared by the machine and the CLI-facing getters. */
promote_release_step *promote__release_step(promote_release *r, const char *env);
int promote__set_string(char **field, const char *value); /* copies; NULL becomes "" */
/* A new step's text fields that start empty (reason, group, commit, change, ...) set to "". */
int promote__release_step_blank(promote_release_step *s);

#endif
