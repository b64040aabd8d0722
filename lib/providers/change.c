/* Change requests and change infos: plain data with getters and copying setters. */
#include "change.h"

#include "core/value.h"
#include "git/refname.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

int promote__strset_add(promote__strset *set, const char *s)
{
	if (promote__strset_has(set, s))
		return 0;
	char *copy = strdup(s);
	if (!copy)
		return promote__error_oom();
	int rc = promote__array_push(&set->items, copy);
	if (rc < 0)
		free(copy);
	return rc;
}

bool promote__strset_has(const promote__strset *set, const char *s)
{
	for (size_t i = 0; i < set->items.size; i++)
		if (strcmp(set->items.ptr[i], s) == 0)
			return true;
	return false;
}

void promote__strset_clear(promote__strset *set)
{
	for (size_t i = 0; i < set->items.size; i++)
		free(set->items.ptr[i]);
	promote__array_free(&set->items);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* ---- requests ------------------------------------------------------------ */

int promote_change_request_new(promote_change_request **out, const char *head, const char *base)
{
	if (!out || !head || !base || !*head || !*base)
		return promote__error_arg(__func__, !out ? "out" : !head || !*head ? "head" : "base");
	*out = NULL;
	promote_change_request *r = calloc(1, sizeof *r);
	if (!r || !(r->head = strdup(head)) || !(r->base = strdup(base))) {
		promote_change_request_free(r);
		return promote__error_oom();
	}
	*out = r;
	return 0;
}

void promote_change_request_free(promote_change_request *r)
{
	if (!r)
		return;
	free(r->head);
	free(r->base);
	free(r->title);
	free(r->body);
	promote__strset_clear(&r->labels);
	promote__strset_clear(&r->environments);
	free(r);
}

/* A title, a label and an environment's name go into commit messages (a
 * merge's "Merge change ID: TITLE") and a forge's one-line fields: one line. */
int promote_change_request_set_title(promote_change_request *r, const char *title)
{
	if (!r)
		return promote__error_arg(__func__, "request");
	int rc = title ? promote__value_check("the change request's title", title, PROMOTE__TITLE_MAX) : 0;
	return rc ? rc : promote__string_replace(&r->title, title, __func__, "title");
}

int promote_change_request_set_body(promote_change_request *r, const char *body)
{
	return r ? promote__string_replace(&r->body, body, __func__, "body") : promote__error_arg(__func__, "request");
}

int promote_change_request_set_draft(promote_change_request *r, int draft)
{
	if (!r)
		return promote__error_arg(__func__, "request");
	r->draft = draft != 0;
	return 0;
}

int promote_change_request_add_label(promote_change_request *r, const char *label)
{
	if (!r || !label || !*label)
		return promote__error_arg(__func__, !r ? "request" : "label");
	int rc = promote__value_check("the change request's label", label, PROMOTE__TITLE_MAX);
	return rc ? rc : promote__strset_add(&r->labels, label);
}

int promote_change_request_add_environment(promote_change_request *r, const char *environment)
{
	if (!r || !environment || !*environment)
		return promote__error_arg(__func__, !r ? "request" : "environment");
	int rc = promote__name_check("environment", environment);
	return rc ? rc : promote__strset_add(&r->environments, environment);
}

const char *promote_change_request_head(const promote_change_request *r) { return r ? r->head : ""; }
const char *promote_change_request_base(const promote_change_request *r) { return r ? r->base : ""; }
const char *promote_change_request_title(const promote_change_request *r) { return r ? or_empty(r->title) : ""; }
const char *promote_change_request_body(const promote_change_request *r) { return r ? or_empty(r->body) : ""; }
int promote_change_request_draft(const promote_change_request *r) { return r && r->draft ? 1 : 0; }
size_t promote_change_request_label_count(const promote_change_request *r)
{
	return r ? r->labels.items.size : 0;
}
size_t promote_change_request_environment_count(const promote_change_request *r)
{
	return r ? r->environments.items.size : 0;
}

const char *promote_change_request_label_at(const promote_change_request *r, size_t index)
{
	return r && index < r->labels.items.size ? r->labels.items.ptr[index] : NULL;
}

const char *promote_change_request_environment_at(const promote_change_request *r, size_t index)
{
	return r && index < r->environments.items.size ? r->environments.items.ptr[index] : NULL;
}

/* ---- infos --------------------------------------------------------------- */

promote_change_info *promote__change_info_new(void)
{
	promote_change_info *info = calloc(1, sizeof *info);
	if (!info)
		promote__error_oom();
	return info;
}

void promote_change_info_free(promote_change_info *info)
{
	if (!info)
		return;
	free(info->id);
	free(info->url);
	free(info->head);
	free(info->base);
	free(info->title);
	free(info->merge_commit);
	free(info->waiting);
	free(info->checks_why);
	free(info);
}

const char *promote_change_info_id(const promote_change_info *i) { return i ? or_empty(i->id) : ""; }
const char *promote_change_info_url(const promote_change_info *i) { return i ? or_empty(i->url) : ""; }
const char *promote_change_info_head(const promote_change_info *i) { return i ? or_empty(i->head) : ""; }
const char *promote_change_info_base(const promote_change_info *i) { return i ? or_empty(i->base) : ""; }
const char *promote_change_info_title(const promote_change_info *i) { return i ? or_empty(i->title) : ""; }
const char *promote_change_info_merge_commit(const promote_change_info *i) { return i ? or_empty(i->merge_commit) : ""; }
int promote_change_info_state(const promote_change_info *i) { return i ? i->state : PROMOTE_CHANGE_OPEN; }
int promote_change_info_checks(const promote_change_info *i) { return i ? i->checks : PROMOTE_CHECKS_NONE; }
int promote_change_info_draft(const promote_change_info *i) { return i && i->draft ? 1 : 0; }
unsigned int promote_change_info_approvals(const promote_change_info *i) { return i ? i->approvals : 0; }
int promote_change_info_reused(const promote_change_info *i) { return i && i->reused ? 1 : 0; }
const char *promote_change_info_waiting(const promote_change_info *i) { return i ? or_empty(i->waiting) : ""; }

#define STRING_SETTER(field)                                                              \
	int promote_change_info_set_##field(promote_change_info *info, const char *value) \
	{                                                                                 \
		if (!info)                                                                \
			return promote__error_arg(__func__, "info");                      \
		return promote__string_replace(&info->field, value, __func__, #field);    \
	}
STRING_SETTER(id)
STRING_SETTER(url)
STRING_SETTER(head)
STRING_SETTER(base)
STRING_SETTER(title)
STRING_SETTER(merge_commit)
STRING_SETTER(waiting)

const char *promote_change_state_name(int state)
{
	static const char *const names[] = { "open", "merged", "closed" };
	return PROMOTE__NAME_OF(names, state);
}

const char *promote_checks_state_name(int checks)
{
	static const char *const names[] = { "none", "pending", "passing", "failing" };
	return PROMOTE__NAME_OF(names, checks);
}

int promote_change_info_set_state(promote_change_info *info, int state)
{
	if (!info || state < PROMOTE_CHANGE_OPEN || state > PROMOTE_CHANGE_CLOSED)
		return promote__error_arg(__func__, !info ? "info" : "state");
	info->state = state;
	return 0;
}

int promote_change_info_set_checks(promote_change_info *info, int checks)
{
	if (!info || checks < PROMOTE_CHECKS_NONE || checks > PROMOTE_CHECKS_FAILING)
		return promote__error_arg(__func__, !info ? "info" : "checks");
	info->checks = checks;
	return 0;
}

int promote_change_info_set_draft(promote_change_info *info, int draft)
{
	if (!info)
		return promote__error_arg(__func__, "info");
	info->draft = draft != 0;
	return 0;
}

int promote_change_info_set_approvals(promote_change_info *info, unsigned int approvals)
{
	if (!info)
		return promote__error_arg(__func__, "info");
	info->approvals = approvals;
	return 0;
}

int promote_change_info_set_reused(promote_change_info *info, int reused)
{
	if (!info)
		return promote__error_arg(__func__, "info");
	info->reused = reused != 0;
	return 0;
}

const char *promote__change_actor(const char *by)
{
	const char *env;
	if (by && *by)
		return by;
	if ((env = getenv("PROMOTE_AUTHOR_NAME")) && *env)
		return env;
	if ((env = getenv("USER")) && *env)
		return env;
	return "promote";
}
