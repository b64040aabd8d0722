/* Reading a sync's files ahead on worker threads (prefetch.h). */
#include "prefetch.h"

#include "layout.h"
#include "plan.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/thread.h"
#include "yaml/document.h"

#include <stdlib.h>
#include <string.h>

/* How many products the workers may be ahead of the planning: what they hold is bounded by it. */
#define LEAD 64
#define MAX_WORKERS 4

typedef enum ahead_state { WAITING, READING, READ, LEFT } ahead_state;

/* One file a plan will read. */
typedef struct ahead {
	size_t item;
	const promote__commit_id *commit;
	char *path;
	ahead_state state;
	unsigned mode;
	promote_yaml_doc *doc; /* NULL: not read or not parsed, or handed over */
} ahead;

struct promote__prefetch {
	promote__tree_reader reader;
	promote_context *ctx;
	const promote__tree_reader *base;
	promote__commit_id src, dst;
	ahead *files;
	size_t count;
	size_t *first; /* the first file of each product; first[items] == count */
	size_t items;
	size_t next;    /* the next file a worker takes */
	size_t current; /* the product being planned */
	size_t freed;   /* the files before it are freed */
	bool stopping;
	size_t parsed;  /* documents the workers made */
	size_t handed;  /* documents the plans took */
	/* Who waits, so that a condition is signalled only to someone (a wake-up is a system call): */
	size_t sleepers;      /* workers waiting for room */
	bool planner_waiting; /* the planning waiting for a file being read */
	pthread_mutex_t lock;
	pthread_cond_t room; /* the planning moved on */
	pthread_cond_t done; /* a worker finished a file */
	pthread_t threads[MAX_WORKERS];
	promote__tree_reader *readers[MAX_WORKERS];
	size_t workers;
};

/* ---- the workers -------------------------------------------------------------- */

/* Read and parse `a` through `r`; NULL for anything that failed (the plan will say why). */
static promote_yaml_doc *read_and_parse(const promote__tree_reader *r, ahead *a, unsigned *mode)
{
	promote_buf bytes = PROMOTE_BUF_INIT;
	promote_yaml_doc *doc = NULL;
	if (r->read(&bytes, mode, r->self, a->commit, a->path, PROMOTE__YAML_DEFAULT_MAX_SIZE) == 0 &&
		promote_yaml_doc_parse(&doc, bytes.ptr, bytes.size, a->path, NULL) == 0) {
		promote_buf_dispose(&bytes);
		return doc;
	}
	promote_error_clear();
	promote_buf_dispose(&bytes);
	return NULL;
}

typedef struct worker_arg {
	promote__prefetch *pf;
	const promote__tree_reader *reader;
} worker_arg;

/* The files of one product a worker took: read and parse them, then hand them over (one lock each way for
 * the product's files, not for each file). */
static void *work(void *arg)
{
	promote__prefetch *pf = ((worker_arg *)arg)->pf;
	const promote__tree_reader *r = ((worker_arg *)arg)->reader;
	free(arg);
	pthread_mutex_lock(&pf->lock);
	while (!pf->stopping && pf->next < pf->count) {
		size_t item = pf->files[pf->next].item;
		if (item >= pf->current + LEAD) {
			pf->sleepers++;
			pthread_cond_wait(&pf->room, &pf->lock);
			pf->sleepers--;
			continue;
		}
		size_t from = pf->next, to = pf->first[item + 1];
		pf->next = to;
		for (size_t i = from; i < to; i++)
			if (pf->files[i].state == WAITING)
				pf->files[i].state = READING;
		pthread_mutex_unlock(&pf->lock);
		for (size_t i = from; i < to; i++) {
			ahead *a = &pf->files[i];
			if (a->state == READING) /* (only this worker writes it now) */
				a->doc = read_and_parse(r, a, &a->mode);
		}
		pthread_mutex_lock(&pf->lock);
		for (size_t i = from; i < to; i++) {
			if (pf->files[i].state != READING)
				continue;
			pf->files[i].state = READ;
			pf->parsed += pf->files[i].doc != NULL;
		}
		if (pf->planner_waiting)
			pthread_cond_broadcast(&pf->done);
	}
	pthread_mutex_unlock(&pf->lock);
	promote_error_clear(); /* the thread's error chain, freed */
	return NULL;
}

/* ---- the reader the plans use ---------------------------------------------------- */

/* The file `path` at `commit` of the product being planned, read and not handed over yet; NULL: none. */
static ahead *held(promote__prefetch *pf, const promote__commit_id *commit, const char *path)
{
	for (size_t i = pf->first[pf->current]; i < pf->first[pf->current + 1]; i++) {
		ahead *a = &pf->files[i];
		if (a->doc && strcmp(a->path, path) == 0 && strcmp(a->commit->hex, commit->hex) == 0)
			return a;
	}
	return NULL;
}

static int read_file(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit,
	const char *path, size_t max)
{
	promote__prefetch *pf = self;
	ahead *a = pf->current < pf->items ? held(pf, commit, path) : NULL;
	size_t size = 0;
	const char *bytes = a ? promote_yaml_doc_content(a->doc, &size) : NULL;
	if (!a || size > max)
		return pf->base->read(out, mode, pf->base->self, commit, path, max);
	promote_buf copy = PROMOTE_BUF_INIT;
	int rc = promote__buf_put(&copy, bytes, size);
	if (rc == 0) {
		*out = copy;
		*mode = a->mode;
	}
	return rc;
}

static promote_yaml_doc *parsed(void *self, const promote__commit_id *commit, const char *path, const char *bytes,
	size_t size)
{
	promote__prefetch *pf = self;
	ahead *a = pf->current < pf->items ? held(pf, commit, path) : NULL;
	size_t held_size = 0;
	const char *held_bytes = a ? promote_yaml_doc_content(a->doc, &held_size) : NULL;
	if (!a || held_size != size || (size && memcmp(held_bytes, bytes, size) != 0))
		return NULL;
	promote_yaml_doc *doc = a->doc;
	a->doc = NULL;
	pf->handed++;
	return doc;
}

static int head_branch(char **out, void *self)
{
	const promote__prefetch *pf = self;
	return pf->base->head_branch(out, pf->base->self);
}

static int tip(promote__commit_id *out, void *self, const char *branch)
{
	const promote__prefetch *pf = self;
	return pf->base->tip(out, pf->base->self, branch);
}

static int list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb, void *payload)
{
	const promote__prefetch *pf = self;
	return pf->base->list(pf->base->self, commit, path, cb, payload);
}

static int parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	const promote__prefetch *pf = self;
	return pf->base->parent(out, pf->base->self, commit);
}

/* ---- starting and stopping ------------------------------------------------------ */

/* One product's files: each attribute file of its template, in the source and in the target. */
static int add_files(promote__prefetch *pf, size_t item, const promote__prefetch_plan *what, size_t *capacity)
{
	const promote_product *cfg = NULL;
	const char *name = what->names[item];
	int rc = promote__plan_product_config(&cfg, pf->ctx, name);
	if (rc) { /* the plan will say so */
		promote_error_clear();
		return 0;
	}
	char *dirs[2] = { promote__plan_product_dir(pf->ctx, what->from, cfg, name),
		promote__plan_product_dir(pf->ctx, what->to, cfg, name) };
	const promote_env *envs[2] = { what->from, what->to };
	const promote__commit_id *commits[2] = { &pf->src, &pf->dst };
	rc = dirs[0] && dirs[1] ? 0 : promote__error_oom();
	for (size_t i = 0; rc == 0 && i < promote_product_attribute_count(cfg); i++) {
		if (!promote__plan_file_first(cfg, i))
			continue;
		for (size_t side = 0; rc == 0 && side < 2; side++) {
			if (pf->count == *capacity) {
				size_t grown = *capacity ? 2 * *capacity : 64;
				ahead *files = realloc(pf->files, grown * sizeof *files);
				if (!files) {
					rc = promote__error_oom();
					break;
				}
				pf->files = files;
				*capacity = grown;
			}
			char *path = promote__plan_file_path(dirs[side], promote_product_attribute_file_at(cfg, i), envs[side],
				cfg, name);
			if (!path)
				rc = promote__error_oom();
			else
				pf->files[pf->count++] = (ahead){ item, commits[side], path, WAITING, 0, NULL };
		}
	}
	free(dirs[0]);
	free(dirs[1]);
	return rc;
}

/* The workers, each with a reader of its own: as many as the system gives (none at all is a sync
 * without reading ahead, not an error). */
static void start_workers(promote__prefetch *pf, size_t wanted)
{
	while (pf->workers < wanted) {
		promote__tree_reader *r = NULL;
		worker_arg *arg = NULL;
		if (promote__context_reader_open(&r, pf->ctx) < 0 || !(arg = malloc(sizeof *arg))) {
			promote_error_clear();
			promote__context_reader_close(r);
			return;
		}
		*arg = (worker_arg){ pf, r };
		if (!promote__thread_start(&pf->threads[pf->workers], work, arg)) {
			free(arg);
			promote__context_reader_close(r);
			return;
		}
		pf->readers[pf->workers++] = r;
	}
}

int promote__prefetch_start(promote__prefetch **out, promote_context *ctx, const promote__tree_reader *base,
	const promote__prefetch_plan *what)
{
	*out = NULL;
	size_t wanted = promote__thread_budget(MAX_WORKERS);
	if (what->count < 2 || wanted < 2)
		return 0;
	promote__prefetch *pf = calloc(1, sizeof *pf);
	if (!pf || !(pf->first = calloc(what->count + 1, sizeof *pf->first))) {
		free(pf);
		return promote__error_oom();
	}
	pf->reader = (promote__tree_reader){ head_branch, tip, read_file, list, parent, pf, parsed };
	pf->ctx = ctx;
	pf->base = base;
	pf->src = *what->src;
	pf->dst = *what->dst;
	pf->items = what->count;
	pthread_mutex_init(&pf->lock, NULL);
	pthread_cond_init(&pf->room, NULL);
	pthread_cond_init(&pf->done, NULL);
	size_t capacity = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < what->count; i++) {
		pf->first[i] = pf->count;
		rc = add_files(pf, i, what, &capacity);
	}
	pf->first[what->count] = pf->count;
	if (rc == 0)
		start_workers(pf, wanted);
	if (rc) {
		promote__prefetch_stop(pf);
		return rc;
	}
	*out = pf;
	return 0;
}

const promote__tree_reader *promote__prefetch_reader(promote__prefetch *pf)
{
	return &pf->reader;
}

/* Files [pf->freed, end) are no worker's any more: their documents go. */
static void free_before(promote__prefetch *pf, size_t end)
{
	for (; pf->freed < end; pf->freed++) {
		promote_yaml_doc_free(pf->files[pf->freed].doc);
		pf->files[pf->freed].doc = NULL;
	}
}

void promote__prefetch_enter(promote__prefetch *pf, size_t index)
{
	if (!pf || index >= pf->items)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->current = index;
	/* Workers that ran LEAD products ahead are woken when there is room for half as many again, not
	 * at every product: each wake-up would buy one product's work for two context switches. */
	if (pf->sleepers && index % (LEAD / 2) == 0)
		pthread_cond_broadcast(&pf->room);
	/* This product's files, and any of products skipped: no worker's once this is done. */
	for (size_t i = pf->freed; i < pf->first[index + 1]; i++) {
		if (pf->files[i].state == WAITING)
			pf->files[i].state = LEFT;
		while (pf->files[i].state == READING) {
			pf->planner_waiting = true;
			pthread_cond_wait(&pf->done, &pf->lock);
			pf->planner_waiting = false;
		}
	}
	pthread_mutex_unlock(&pf->lock);
	free_before(pf, pf->first[index]);
}

void promote__prefetch_stop(promote__prefetch *pf)
{
	if (!pf)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->stopping = true;
	pthread_cond_broadcast(&pf->room);
	pthread_mutex_unlock(&pf->lock);
	for (size_t i = 0; i < pf->workers; i++) {
		pthread_join(pf->threads[i], NULL);
		promote__context_reader_close(pf->readers[i]);
	}
	promote__log(pf->ctx, PROMOTE_LOG_DEBUG, "plan", "read ahead %zu of %zu files on %zu threads; the plans took %zu",
		pf->parsed, pf->count, pf->workers, pf->handed);
	free_before(pf, pf->count);
	for (size_t i = 0; i < pf->count; i++)
		free(pf->files[i].path);
	free(pf->files);
	free(pf->first);
	pthread_mutex_destroy(&pf->lock);
	pthread_cond_destroy(&pf->room);
	pthread_cond_destroy(&pf->done);
	free(pf);
}
