/* A tree reader over the files earlier plans changed (overlay.h). */
#include "overlay.h"

#include "core/buf.h"
#include "core/common.h"
#include "core/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct promote__overlay_file {
	promote__commit_id commit;
	char *path;
	const char *bytes;  /* borrowed */
	size_t size;
	unsigned mode;
};

/* FNV-1a over the commit's id and the path. */
static size_t hash_of(const promote__commit_id *commit, const char *path)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *s = commit->hex; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	for (const char *s = path; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static promote__overlay_file **slot_of(promote__overlay_file **slots, size_t capacity,
	const promote__commit_id *commit, const char *path)
{
	size_t i = hash_of(commit, path) & (capacity - 1);
	while (slots[i] && (strcmp(slots[i]->path, path) != 0 || strcmp(slots[i]->commit.hex, commit->hex) != 0))
		i = (i + 1) & (capacity - 1);
	return &slots[i];
}

static const promote__overlay_file *find(const promote__overlay *o, const promote__commit_id *commit,
	const char *path)
{
	return o->capacity ? *slot_of(o->slots, o->capacity, commit, path) : NULL;
}

static int grow(promote__overlay *o)
{
	size_t capacity = o->capacity ? o->capacity * 2 : 64;
	promote__overlay_file **slots = calloc(capacity, sizeof *slots);
	if (!slots)
		return promote__error_oom();
	for (size_t i = 0; i < o->capacity; i++)
		if (o->slots[i])
			*slot_of(slots, capacity, &o->slots[i]->commit, o->slots[i]->path) = o->slots[i];
	free(o->slots);
	o->slots = slots;
	o->capacity = capacity;
	return 0;
}

static int head_branch(char **out, void *self)
{
	promote__overlay *o = self;
	if (!o->head) {
		int rc = o->base->head_branch(&o->head, o->base->self);
		if (rc)
			return rc;
	}
	*out = strdup(o->head);
	return *out ? 0 : promote__error_oom();
}

static int tip(promote__commit_id *out, void *self, const char *branch)
{
	promote__overlay *o = self;
	for (size_t i = 0; i < o->tip_count; i++)
		if (strcmp(o->tips[i].branch, branch) == 0) {
			*out = o->tips[i].commit;
			return 0;
		}
	int rc = o->base->tip(out, o->base->self, branch);
	if (rc == 0 && o->tip_count < PROMOTE_ARRAY_SIZE(o->tips) && (o->tips[o->tip_count].branch = strdup(branch)))
		o->tips[o->tip_count++].commit = *out;
	return rc;
}

static int read_file(promote_buf *out, unsigned *mode, void *self, const promote__commit_id *commit, const char *path,
	size_t max)
{
	const promote__overlay *o = self;
	const promote__overlay_file *f = find(o, commit, path);
	if (!f)
		return o->base->read(out, mode, o->base->self, commit, path, max);
	if (f->size > max)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_INVALID,
			"'%s' would have %zu bytes after the promotions before it, more than the %zu allowed", path,
			f->size, max);
	promote_buf copy = PROMOTE_BUF_INIT;
	int rc = promote__buf_put(&copy, f->bytes, f->size);
	if (rc == 0) {
		*out = copy;
		*mode = f->mode;
	}
	return rc;
}

static int list(void *self, const promote__commit_id *commit, const char *path, promote__entry_cb cb, void *payload)
{
	const promote__overlay *o = self;
	return o->base->list(o->base->self, commit, path, cb, payload);
}

static int parent(promote__commit_id *out, void *self, const promote__commit_id *commit)
{
	const promote__overlay *o = self;
	return o->base->parent(out, o->base->self, commit);
}

/* The base's document, unless a plan before changed the file. */
static struct promote_yaml_doc *parsed(void *self, const promote__commit_id *commit, const char *path,
	const char *bytes, size_t size)
{
	const promote__overlay *o = self;
	return o->base->parsed && !find(o, commit, path) ? o->base->parsed(o->base->self, commit, path, bytes, size)
							 : NULL;
}

void promote__overlay_init(promote__overlay *o, const promote__tree_reader *base)
{
	*o = (promote__overlay){ .reader = { head_branch, tip, read_file, list, parent, NULL, parsed }, .base = base };
	o->reader.self = o;
}

void promote__overlay_clear(promote__overlay *o)
{
	for (size_t i = 0; i < o->capacity; i++)
		if (o->slots[i]) {
			free(o->slots[i]->path);
			free(o->slots[i]);
			o->slots[i] = NULL;
		}
	o->count = 0;
	for (size_t i = 0; i < o->tip_count; i++)
		free(o->tips[i].branch);
	o->tip_count = 0;
	free(o->head);
	o->head = NULL;
}

void promote__overlay_dispose(promote__overlay *o)
{
	promote__overlay_clear(o);
	free(o->slots);
	o->slots = NULL;
	o->capacity = 0;
}

int promote__overlay_put(promote__overlay *o, const promote__commit_id *commit, const char *path, const char *bytes,
	size_t size, unsigned mode)
{
	if ((o->count + 1) * 2 > o->capacity) {
		int rc = grow(o);
		if (rc)
			return rc;
	}
	promote__overlay_file **slot = slot_of(o->slots, o->capacity, commit, path);
	promote__overlay_file *f = *slot;
	if (!f) {
		if (!(f = calloc(1, sizeof *f)) || !(f->path = strdup(path))) {
			free(f);
			return promote__error_oom();
		}
		f->commit = *commit;
		*slot = f;
		o->count++;
	}
	f->bytes = bytes ? bytes : "";
	f->size = size;
	f->mode = mode;
	return 0;
}
