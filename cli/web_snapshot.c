/* The state the web view serves, taken after each watcher pass (web_snapshot.h says why a snapshot). */
#include "web_snapshot.h"

#include "cli.h"
#include "release_table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static web_snapshot *published;

static void snapshot_free(web_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->release_count; i++)
		free(s->release_texts[i]);
	json_object *docs[] = { s->status, s->releases, s->newest };
	void *texts[] = { s->status_text, s->releases_text, s->error, s->release_texts };
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
		json_object_put(docs[i]);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		free(texts[i]);
	free(s);
}

/* "text\n", as the commands print it. */
static char *printed(json_object *o)
{
	const char *text = cli_json_text(o);
	size_t n = strlen(text);
	char *out = malloc(n + 2);
	if (out) {
		memcpy(out, text, n);
		memcpy(out + n, "\n", 2);
	}
	return out;
}

static int take_status(web_snapshot *s, promote_context *ctx)
{
	promote_status *st = NULL;
	promote_buf json = PROMOTE_BUF_INIT;
	int rc = promote_status_new(&st, ctx, NULL);
	if (rc == 0)
		rc = promote_status_to_json(&json, st);
	if (rc == 0) {
		s->status_text = strdup(json.ptr);
		s->status = json_tokener_parse(json.ptr);
		rc = s->status_text && s->status ? 0 : PROMOTE_ENOMEM;
	}
	promote_buf_dispose(&json);
	promote_status_free(st);
	return rc;
}

/* Every text is made here, on the watcher's thread: json-c keeps an object's text inside the object, so
 * making it while pages read the object would be a data race. */
static int take_releases(web_snapshot *s, promote_context *ctx)
{
	promote_release_list *list = NULL;
	int rc = promote_release_list_new(&list, ctx, NULL);
	if (rc < 0)
		return rc;
	json_object *doc = cli_release_list_json(list);
	promote_release_list_free(list);
	json_object *items = NULL;
	if (!doc || !json_object_object_get_ex(doc, "releases", &items) || !(s->releases_text = printed(doc))) {
		json_object_put(doc);
		return PROMOTE_ENOMEM;
	}
	s->releases = json_object_get(items);
	json_object_put(doc);
	s->release_count = json_object_array_length(items);
	s->release_texts = calloc(s->release_count ? s->release_count : 1, sizeof *s->release_texts);
	if (!s->release_texts)
		return PROMOTE_ENOMEM;
	if (!(s->newest = json_object_new_object()))
		return PROMOTE_ENOMEM;
	for (size_t i = 0; i < s->release_count; i++) {
		json_object *r = json_object_array_get_idx(items, i), *product;
		if (!(s->release_texts[i] = printed(r)))
			return PROMOTE_ENOMEM;
		if (json_object_object_get_ex(r, "product", &product) && json_object_is_type(product, json_type_string) &&
			*json_object_get_string(product) && !json_object_object_get_ex(s->newest, json_object_get_string(product), NULL))
			json_object_object_add(s->newest, json_object_get_string(product), json_object_get(r));
	}
	return 0;
}

static void publish(web_snapshot *s)
{
	pthread_mutex_lock(&lock);
	web_snapshot *old = published;
	published = s;
	bool last = old && --old->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		snapshot_free(old);
}

void web_snapshot_refresh(promote_context *ctx, const web_pass *pass, const web_links *links)
{
	web_snapshot *s = calloc(1, sizeof *s);
	if (!s)
		return;
	s->refs = 1;
	s->taken = (int64_t)time(NULL);
	if (take_status(s, ctx) < 0 || take_releases(s, ctx) < 0) {
		const char *why = promote_error_last()->message;
		web_snapshot *failed = calloc(1, sizeof *failed);
		if (!failed) {
			snapshot_free(s);
			return;
		}
		failed->refs = 1;
		failed->taken = s->taken;
		failed->error = strdup(why && *why ? why : "the repository could not be read");
		snapshot_free(s);
		s = failed;
	}
	s->links = *links;
	s->pass_seconds = pass->seconds;
	s->passes = pass->passes;
	s->pass_failures = pass->failures;
	for (int outcome = PROMOTE_TRANSFER_OK; outcome <= PROMOTE_TRANSFER_REFUSED; outcome++) {
		s->fetches[outcome] = promote_context_transfers(ctx, PROMOTE_TRANSFER_FETCH, outcome);
		s->pushes[outcome] = promote_context_transfers(ctx, PROMOTE_TRANSFER_PUSH, outcome);
	}
	publish(s);
}

web_snapshot *web_snapshot_acquire(void)
{
	pthread_mutex_lock(&lock);
	web_snapshot *s = published;
	if (s)
		s->refs++;
	pthread_mutex_unlock(&lock);
	return s;
}

void web_snapshot_release(web_snapshot *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&lock);
	bool last = --s->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		snapshot_free(s);
}

void web_snapshot_clear(void)
{
	publish(NULL);
}

long web_snapshot_find(const web_snapshot *s, const char *id)
{
	for (size_t i = 0; s->releases && i < s->release_count; i++) {
		json_object *r = json_object_array_get_idx(s->releases, i), *v;
		if (json_object_object_get_ex(r, "id", &v) && json_object_is_type(v, json_type_string) &&
			strcmp(json_object_get_string(v), id) == 0)
			return (long)i;
	}
	return -1;
}
