/*
 * Internal: what an Argo CD application (GET /api/v1/applications/NAME, the
 * contract's v1alpha1Application) says of one release's sync — a pure
 * function over the JSON, no calls. The rules (doc/PROVIDERS.md, "argocd"):
 * a deploy is healthy only when OUR operation (tagged with the release id
 * and the promoted revision) finished Succeeded at that revision, Argo CD
 * compared the application after it finished (reconciledAt not older than
 * finishedAt), it is Synced at that revision, and Healthy for the hold.
 * A Healthy read before then never counts.
 */
#ifndef PROMOTE_PROVIDERS_DEPLOY_ARGOCD_JUDGE_H
#define PROMOTE_PROVIDERS_DEPLOY_ARGOCD_JUDGE_H

#include "core/common.h"

#include <json-c/json.h>

/* The names of the operation's infos that tag it as a release's. */
#define PROMOTE__ARGOCD_INFO_RELEASE "promote.release"
#define PROMOTE__ARGOCD_INFO_ENV "promote.environment"

typedef enum promote__argocd_kind {
	PROMOTE__ARGOCD_NONE = 0,  /* no operation of this release, none running: a sync may be started */
	PROMOTE__ARGOCD_BUSY,      /* another operation runs: wait for it before syncing */
	PROMOTE__ARGOCD_OURS       /* this release's operation: sync, health and message say how it stands */
} promote__argocd_kind;

typedef struct promote__argocd_verdict {
	promote__argocd_kind kind;
	int sync;       /* promote_sync_state */
	int health;     /* promote_health_state: HEALTHY only when every rule holds */
	bool refresh;   /* Argo CD should compare the application again (GET ?refresh=normal) */
	bool running;   /* OURS: its operation is asked for or Running (it can be terminated) */
	char *message;  /* a sentence a person reads in the step's reason (malloc'd) */
} promote__argocd_verdict;

typedef struct promote__argocd_subject {
	const char *application;  /* its name, for messages */
	const char *release;      /* the release id the operation is tagged with */
	const char *revision;     /* the promoted commit, hex */
	uint32_t hold_s;          /* how long Argo CD must have seen it Healthy after our operation */
} promote__argocd_subject;

/* The verdict on `app` for `subject`: 0, or PROMOTE_ENOMEM. */
int promote__argocd_judge(promote__argocd_verdict *out, json_object *app, const promote__argocd_subject *subject);
void promote__argocd_verdict_dispose(promote__argocd_verdict *v);

/* Whether Argo CD's error message says a sync was refused because an operation already runs. */
bool promote__argocd_busy_message(const char *message);

#endif
