/* The web view's /metrics: the snapshot counted, in Prometheus's text format (doc/WEB.md#metrics). */
#include "web_pages.h"

#include "core/civil.h"
#include "web_hooks.h"

#include <string.h>

/* Step durations' histogram buckets, in seconds (+Inf after). */
static const int buckets[] = { 1, 5, 15, 60, 300, 900, 3600, 14400, 86400 };
#define BUCKETS (sizeof buckets / sizeof *buckets)

/* A label value as the format wants it: \ " and newline escaped. */
static void label(web_buf *out, const char *value)
{
	for (const char *p = value; *p; p++) {
		char c[3] = { *p, '\0', '\0' };
		if (*p == '\\' || *p == '"' || *p == '\n') {
			c[0] = '\\';
			c[1] = *p == '\n' ? 'n' : *p;
		}
		web_buf_add(out, c);
	}
}

static void help(web_buf *out, const char *name, const char *type, const char *text)
{
	web_buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

static size_t count_releases(const web_snapshot *s, const char *state)
{
	size_t n = 0;
	for (size_t i = 0; i < s->release_count; i++)
		n += strcmp(web_json_str(json_object_array_get_idx(s->releases, i), "state"), state) == 0;
	return n;
}

/* Calls `each` for every step of every release recorded. */
static void each_step(const web_snapshot *s, void (*each)(json_object *step, void *payload), void *payload)
{
	for (size_t i = 0; i < s->release_count; i++) {
		json_object *steps = web_json_get(json_object_array_get_idx(s->releases, i), "steps");
		for (size_t k = 0; steps && k < json_object_array_length(steps); k++)
			each(json_object_array_get_idx(steps, k), payload);
	}
}

typedef struct tally {
	const char *environment, *state;  /* what is counted (NULL: any) */
	size_t count;
	size_t le[BUCKETS];               /* durations: at most buckets[i] */
	int64_t sum;
} tally;

static void count_step(json_object *step, void *payload)
{
	tally *t = payload;
	if ((t->environment && strcmp(web_json_str(step, "environment"), t->environment) != 0) ||
		(t->state && strcmp(web_json_str(step, "state"), t->state) != 0))
		return;
	if (t->state) {
		t->count++;
		return;
	}
	int64_t from, to;
	if (!promote__parse_rfc3339(&from, web_json_str(step, "started")) ||
		!promote__parse_rfc3339(&to, web_json_str(step, "finished")) || to < from)
		return;
	t->count++;
	t->sum += to - from;
	for (size_t b = 0; b < BUCKETS; b++)
		t->le[b] += to - from <= buckets[b];
}

static void steps_by_state(web_buf *out, const web_snapshot *s, json_object *envs)
{
	help(out, "promote_steps", "gauge", "Steps of the releases recorded, by environment and state.");
	for (size_t e = 0; envs && e < json_object_array_length(envs); e++)
		for (int st = PROMOTE_STEP_PENDING; st <= PROMOTE_STEP_ABORTED; st++) {
			tally t = { json_object_get_string(json_object_array_get_idx(envs, e)), promote_step_state_name(st), 0,
				{ 0 }, 0 };
			each_step(s, count_step, &t);
			web_buf_add(out, "promote_steps{environment=\"");
			label(out, t.environment);
			web_buf_addf(out, "\",state=\"%s\"} %zu\n", t.state, t.count);
		}
}

static void step_durations(web_buf *out, const web_snapshot *s, json_object *envs)
{
	help(out, "promote_step_duration_seconds", "histogram",
		"How long finished steps took, from started to finished, by environment.");
	for (size_t e = 0; envs && e < json_object_array_length(envs); e++) {
		tally t = { json_object_get_string(json_object_array_get_idx(envs, e)), NULL, 0, { 0 }, 0 };
		each_step(s, count_step, &t);
		for (size_t b = 0; b <= BUCKETS; b++) {
			web_buf_add(out, "promote_step_duration_seconds_bucket{environment=\"");
			label(out, t.environment);
			if (b < BUCKETS)
				web_buf_addf(out, "\",le=\"%d\"} %zu\n", buckets[b], t.le[b]);
			else
				web_buf_addf(out, "\",le=\"+Inf\"} %zu\n", t.count);
		}
		const char *const parts[] = { "sum", "count" };
		for (size_t k = 0; k < 2; k++) {
			web_buf_addf(out, "promote_step_duration_seconds_%s{environment=\"", parts[k]);
			label(out, t.environment);
			web_buf_addf(out, "\"} %lld\n", (long long)(k ? (int64_t)t.count : t.sum));
		}
	}
}

/* What the steps of open releases wait for: a person (approval), a merge, or a gate. */
typedef struct waits {
	size_t approval, merge, hold, window, soak, queue;
} waits;

static void count_wait(json_object *step, void *payload)
{
	waits *w = payload;
	const char *state = web_json_str(step, "state"), *gate = web_json_str(step, "gate");
	w->approval += strcmp(state, "awaiting_approval") == 0;
	w->merge += strcmp(state, "awaiting_merge") == 0;
	w->hold += strcmp(gate, "hold") == 0;
	w->window += strcmp(gate, "window") == 0;
	w->soak += strcmp(gate, "soak") == 0;
	w->queue += strcmp(gate, "queue") == 0;
}

/* What the snapshot of the repository says: releases, steps, durations, waits. */
static void repository_metrics(web_buf *out, const web_snapshot *s)
{
	json_object *envs = web_json_get(s->status, "environments");
	help(out, "promote_releases", "gauge", "Releases recorded in the repository, by state.");
	for (int st = PROMOTE_RELEASE_RUNNING; st <= PROMOTE_RELEASE_ABORTED; st++)
		web_buf_addf(out, "promote_releases{state=\"%s\"} %zu\n", promote_release_state_name(st),
			count_releases(s, promote_release_state_name(st)));
	steps_by_state(out, s, envs);
	step_durations(out, s, envs);
	waits w = { 0, 0, 0, 0, 0, 0 };
	each_step(s, count_wait, &w);
	help(out, "promote_waits", "gauge", "Steps waiting, by what they wait for.");
	web_buf_addf(out, "promote_waits{reason=\"approval\"} %zu\npromote_waits{reason=\"merge\"} %zu\n"
		"promote_waits{reason=\"hold\"} %zu\npromote_waits{reason=\"window\"} %zu\n"
		"promote_waits{reason=\"soak\"} %zu\npromote_waits{reason=\"queue\"} %zu\n",
		w.approval, w.merge, w.hold, w.window, w.soak, w.queue);
}

/* What the watcher counted: its passes, its transfers with the remote, the webhooks. */
static void pass_metrics(web_buf *out, const web_snapshot *s)
{
	help(out, "promote_watcher_pass_duration_seconds", "gauge", "How long the watcher's last pass took.");
	web_buf_addf(out, "promote_watcher_pass_duration_seconds %.3f\n", s->pass_seconds);
	help(out, "promote_watcher_passes_total", "counter", "Passes the watcher made since it started.");
	web_buf_addf(out, "promote_watcher_passes_total %llu\n", (unsigned long long)s->passes);
	help(out, "promote_watcher_pass_failures_total", "counter",
		"Passes that failed (the repository could not be fetched or read) since it started.");
	web_buf_addf(out, "promote_watcher_pass_failures_total %llu\n", (unsigned long long)s->pass_failures);
	help(out, "promote_watcher_last_pass_timestamp_seconds", "gauge", "When the last pass ended (Unix time).");
	web_buf_addf(out, "promote_watcher_last_pass_timestamp_seconds %lld\n", (long long)s->taken);
	help(out, "promote_git_fetches_total", "counter",
		"Fetches of the remote repository since the watcher started (its first included), by result.");
	web_buf_addf(out, "promote_git_fetches_total{result=\"ok\"} %llu\npromote_git_fetches_total{result=\"error\"} %llu\n",
		(unsigned long long)s->fetches[PROMOTE_TRANSFER_OK], (unsigned long long)s->fetches[PROMOTE_TRANSFER_FAILED]);
	help(out, "promote_git_pushes_total", "counter",
		"Pushes to the remote repository since the watcher started, by result (rejected: the ref had moved).");
	web_buf_addf(out, "promote_git_pushes_total{result=\"ok\"} %llu\npromote_git_pushes_total{result=\"rejected\"} %llu\n"
		"promote_git_pushes_total{result=\"error\"} %llu\n", (unsigned long long)s->pushes[PROMOTE_TRANSFER_OK],
		(unsigned long long)s->pushes[PROMOTE_TRANSFER_REFUSED], (unsigned long long)s->pushes[PROMOTE_TRANSFER_FAILED]);
	help(out, "promote_webhook_deliveries_total", "counter",
		"Forges' webhook deliveries since the watcher started, by forge and the status they were answered with.");
	for (int f = WEB_HOOK_GITHUB; f <= WEB_HOOK_GITEA; f++)
		for (size_t i = 0; i < sizeof web_hook_statuses / sizeof *web_hook_statuses; i++)
			web_buf_addf(out, "promote_webhook_deliveries_total{forge=\"%s\",status=\"%d\"} %llu\n",
				web_hook_forge_name((web_hook_forge)f), web_hook_statuses[i],
				(unsigned long long)web_hook_counted((web_hook_forge)f, web_hook_statuses[i]));
}

int web_page_metrics(web_buf *out, const web_snapshot *s)
{
	/* A pass that could not read the repository leaves no releases to count, not zero of them. */
	if (!s->error)
		repository_metrics(out, s);
	pass_metrics(out, s);
	return 200;
}
