/* Reading a release and its steps: the public getters, names and JSON. */
#include "release_json.h"
#include "release_record.h"

#include "core/error.h"
#include "core/options.h"

#include <string.h>

const char *promote_step_state_name(int state)
{
	static const char *const names[] = { "pending", "pre_check", "promoting", "awaiting_approval",
		"awaiting_merge", "deploying", "post_check", "succeeded", "failed", "skipped", "aborted" };
	return PROMOTE__NAME_OF(names, state);
}

const char *promote_release_state_name(int state)
{
	static const char *const names[] = { "running", "waiting", "succeeded", "failed", "aborted" };
	return PROMOTE__NAME_OF(names, state);
}

void promote_release_free(promote_release *release)
{
	promote__release_free(release);
}

/* A string field, "" for a NULL object or an unset field. */
#define TEXT(object, field) ((object) && (object)->field ? (object)->field : "")

const char *promote_release_id(const promote_release *r) { return TEXT(r, id); }
const char *promote_release_product(const promote_release *r) { return TEXT(r, product); }
const char *promote_release_version(const promote_release *r) { return TEXT(r, version); }
const char *promote_release_flow(const promote_release *r) { return TEXT(r, flow); }
const char *promote_release_reason(const promote_release *r) { return TEXT(r, reason); }
int promote_release_state(const promote_release *r) { return r ? r->state : PROMOTE_RELEASE_FAILED; }
int64_t promote_release_created(const promote_release *r) { return r ? r->created : 0; }
int64_t promote_release_finished(const promote_release *r) { return r ? r->finished : 0; }
size_t promote_release_step_count(const promote_release *r) { return r ? r->step_count : 0; }

const promote_release_step *promote_release_step_at(const promote_release *r, size_t index)
{
	return r && index < r->step_count ? &r->steps[index] : NULL;
}

const promote_release_step *promote_release_step_lookup(const promote_release *r, const char *env)
{
	return r ? promote__release_step((promote_release *)r, env) : NULL;
}

const char *promote_release_step_environment(const promote_release_step *s) { return TEXT(s, environment); }
const char *promote_release_step_reason(const promote_release_step *s) { return TEXT(s, reason); }
const char *promote_release_step_commit(const promote_release_step *s) { return TEXT(s, commit); }
const char *promote_release_step_change(const promote_release_step *s) { return TEXT(s, change); }
const char *promote_release_step_head(const promote_release_step *s) { return TEXT(s, head); }
const char *promote_release_step_merge_commit(const promote_release_step *s) { return TEXT(s, merge_commit); }
const char *promote_release_step_error(const promote_release_step *s) { return TEXT(s, error); }
const char *promote_release_step_gate(const promote_release_step *s) { return TEXT(s, gate); }
int promote_release_step_state(const promote_release_step *s) { return s ? s->state : PROMOTE_STEP_PENDING; }
unsigned int promote_release_step_attempts(const promote_release_step *s) { return s ? s->attempts : 0; }
int promote_release_step_strategy(const promote_release_step *s) { return s ? s->strategy : PROMOTE_STRATEGY_AUTO; }
int promote_release_step_action(const promote_release_step *s) { return s ? s->action : PROMOTE_ACTION_COMMIT; }
int64_t promote_release_step_started(const promote_release_step *s) { return s ? s->started : 0; }
int64_t promote_release_step_finished(const promote_release_step *s) { return s ? s->finished : 0; }
size_t promote_release_step_check_count(const promote_release_step *s) { return s ? s->check_count : 0; }

static const promote__check *check_at(const promote_release_step *s, size_t index)
{
	return s && index < s->check_count ? &s->checks[index] : NULL;
}

const char *promote_release_step_check_name_at(const promote_release_step *s, size_t index)
{
	const promote__check *c = check_at(s, index);
	return c && c->name ? c->name : NULL;
}

const char *promote_release_step_check_phase_at(const promote_release_step *s, size_t index)
{
	const promote__check *c = check_at(s, index);
	return c ? (c->post ? "post" : "pre") : NULL;
}

int promote_release_step_check_status_at(const promote_release_step *s, size_t index)
{
	const promote__check *c = check_at(s, index);
	return c && c->done ? c->status : -1;
}

const char *promote_release_step_check_output_at(const promote_release_step *s, size_t index)
{
	const promote__check *c = check_at(s, index);
	return c ? (c->output ? c->output : "") : NULL;
}

int promote_release_to_json(promote_buf *out, const promote_release *release)
{
	if (!out || !release)
		return promote__error_arg(__func__, !out ? "out" : "release");
	promote_buf fresh = PROMOTE_BUF_INIT;
	int rc = promote__release_sync_read(release);
	if (rc == 0)
		rc = promote__release_to_json_whole(&fresh, release);
	if (rc == 0)
		*out = fresh;
	else
		promote_buf_dispose(&fresh);
	return rc;
}
