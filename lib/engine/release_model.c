/* A release's record in memory: made, cleared, freed. */
#include "release_model.h"

#include "model/context.h"
#include "core/error.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int promote__set_string(char **field, const char *value)
{
	char *copy = strdup(value ? value : "");
	if (!copy)
		return promote__error_oom();
	free(*field);
	*field = copy;
	return 0;
}

static void free_strings(char **items, size_t count)
{
	for (size_t i = 0; items && i < count; i++)
		free(items[i]);
	free(items);
}

static void clear_step(promote_release_step *s)
{
	free(s->environment);
	free(s->reason);
	free_strings(s->depends_on, s->depends_count);
	free(s->from);
	free_strings(s->pre, s->pre_count);
	free_strings(s->post, s->post_count);
	free(s->group);
	free(s->commit);
	free(s->change);
	free(s->head);
	free(s->merge_commit);
	for (size_t i = 0; i < s->approval_count; i++)
		free(s->approvals[i].by);
	free(s->approvals);
	for (size_t i = 0; i < s->check_count; i++) {
		free(s->checks[i].name);
		free(s->checks[i].run_id);
		free(s->checks[i].output);
	}
	free(s->checks);
	free(s->deploy);
	free(s->gate);
	free(s->error);
	free(s->claim);
	memset(s, 0, sizeof *s);
}

void promote__release_products_free(promote__release_product *products, size_t count)
{
	for (size_t i = 0; products && i < count; i++) {
		free(products[i].name);
		free(products[i].version);
		free(products[i].previous);
	}
	free(products);
}

static void free_sync(promote__release_sync *sync)
{
	if (!sync)
		return;
	promote__release_products_free(sync->products, sync->product_count);
	free(sync->products_file);
	free_strings(sync->filters, sync->filter_count);
	free(sync->source_commit);
	free(sync->listed);
	free(sync);
}

void promote__release_clear(promote_release *r)
{
	free_sync(r->sync);
	for (size_t i = 0; i < r->step_count; i++)
		clear_step(&r->steps[i]);
	free(r->steps);
	free(r->id);
	free(r->flow);
	free(r->product);
	free(r->version);
	free(r->reason);
	free(r->trigger);
	free(r->trigger_commit);
	free(r->forced);
	json_object_put(r->notices);
	promote_context *ctx = r->ctx;
	promote_release_options opts = r->opts;
	bool listed = r->listed;
	promote_sync *prepared = r->prepared_sync;
	promote__release_base *bases = r->bases; /* this process's, not the record's */
	size_t base_count = r->base_count;
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->opts = opts;
	r->listed = listed;
	r->prepared_sync = prepared;
	r->bases = bases;
	r->base_count = base_count;
}

int promote__release_alloc(promote_release **out, promote_context *ctx)
{
	promote_release *r = calloc(1, sizeof *r);
	if (!r)
		return promote__error_oom();
	promote_release_options defaults = PROMOTE_RELEASE_OPTIONS_INIT;
	r->opts = defaults;
	r->ctx = ctx;
	promote__context_ref(ctx);
	*out = r;
	return 0;
}

void promote__release_free(promote_release *r)
{
	if (!r)
		return;
	promote__release_clear(r);
	for (size_t i = 0; i < r->base_count; i++)
		free(r->bases[i].branch);
	free(r->bases);
	promote_sync_free(r->prepared_sync);
	promote__context_unref(r->ctx);
	free(r);
}

int promote__release_step_blank(promote_release_step *s)
{
	char **fields[] = { &s->reason, &s->group, &s->commit, &s->change, &s->head, &s->merge_commit, &s->deploy,
		&s->gate, &s->error, &s->claim };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < PROMOTE_ARRAY_SIZE(fields); i++)
		rc = promote__set_string(fields[i], "");
	return rc;
}

const char *promote__release_sync_products(const promote_release *r)
{
	promote__release_sync *sync = r->sync;
	if (!sync->listed) {
		size_t size = 1;
		for (size_t i = 0; i < sync->product_count; i++)
			size += strlen(sync->products[i].name) + strlen(sync->products[i].version) + 2;
		if (!(sync->listed = malloc(size)))
			return "";
		size_t at = 0;
		for (size_t i = 0; i < sync->product_count; i++)
			at += (size_t)snprintf(sync->listed + at, size - at, "%s%s=%s", i ? " " : "", sync->products[i].name,
				sync->products[i].version);
		sync->listed[at] = '\0';
	}
	return sync->listed;
}

const char *promote__release_subject(const promote_release *r)
{
	return r->sync ? "sync" : r->product;
}

promote_release_step *promote__release_step(promote_release *r, const char *env)
{
	for (size_t i = 0; env && i < r->step_count; i++)
		if (strcmp(r->steps[i].environment, env) == 0)
			return &r->steps[i];
	return NULL;
}

