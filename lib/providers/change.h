/* Internal: the change request and change info objects behind the public handles. */
#ifndef PROMOTE_PROVIDERS_CHANGE_H
#define PROMOTE_PROVIDERS_CHANGE_H

#include "core/common.h"
#include "core/array.h"

/* A list of distinct strings, each owned (items.ptr[0 .. items.size)). */
typedef struct promote__strset {
	PROMOTE__ARRAY(char *) items;
} promote__strset;

/* Add `s` unless it is there already. */
int promote__strset_add(promote__strset *set, const char *s);
bool promote__strset_has(const promote__strset *set, const char *s);
void promote__strset_clear(promote__strset *set);

struct promote_change_request {
	char *head;
	char *base;
	char *title;
	char *body;
	bool draft;
	promote__strset labels;
	promote__strset environments;
};

struct promote_change_info {
	char *id;
	char *url;
	char *head;
	char *base;
	char *title;
	char *merge_commit;
	promote_change_state state;
	promote_checks_state checks;
	bool draft;
	unsigned approvals;
	bool reused;
	char *waiting;
	/* Open, its checks running, and the forge would take a merge asked now and carry it out itself once
	 * they pass (GitLab's merge when pipeline succeeds): a release asks the merge instead of waiting for
	 * the checks. Set by the built-in forge providers only. */
	bool hand_over;
	/* Why its checks fail, in the forge's words ("its pipeline 41 failed"), or NULL: said by a release whose
	 * step fails on them. Set by the built-in forge providers only. */
	char *checks_why;
};

promote_change_info *promote__change_info_new(void);

/* Who approves or comments when the caller does not say: `by`, else
 * $PROMOTE_AUTHOR_NAME, else $USER, else "promote". */
const char *promote__change_actor(const char *by);

#endif
