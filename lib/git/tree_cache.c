/* The trees read or written lately (tree_cache.h). */
#include "tree_cache.h"
#include "loose_stored.h"

#include "core/bulk_alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* From this size on a tree is kept whoever reads it: smaller ones cost less to read than to hold. */
#define KEEP_MIN 4096
/* How many trees, and how many bytes, the cache holds at most. */
#define ENTRIES_MAX 16
#define BYTES_MAX ((size_t)16 << 20)

/* One entry of a tree, for a binary search: where it starts, where its name starts, the name's length and
 * whether it is a folder (git orders a folder's name as if it ended in '/'). */
typedef struct slot {
	uint32_t start, name;
	uint32_t len : 31, folder : 1;
} slot;

/* A tree's entries in git's order. */
typedef struct sorted {
	size_t count;
	slot slots[];
} sorted;

typedef struct entry {
	git_oid id;
	/* Its own bytes (from malloc()): a tree read is copied, so that nothing kept belongs to an object
	 * database, which may be gone before the cache lets go of it. */
	unsigned char *data;
	size_t size;
	/* Made by its second lookup (one costs a walk, as making it does), then read by every lookup without
	 * the lock; NULL before, or when the tree is not in git's order (looked for by a walk). */
	_Atomic(sorted *) sorted;
	atomic_size_t lookups;
	atomic_size_t refs;   /* its readers, and the cache while it holds it */
	atomic_uint_fast64_t used; /* when it was last looked up */
} entry;

/* The objects folders of the repositories sessions opened (promote__git_tree_cache_objects_at()): a tree
 * stored loose and not deflated is read from there into the cache in one pass (loose_stored.h). Any of
 * them whose file of the id holds bytes of that id has the tree: what is read is hashed, so that no
 * repository's file stands for another's tree. Added, never removed. */
#define FOLDERS_MAX 8
static char *folders[FOLDERS_MAX];
static size_t folder_count;

/* Who reads the table shares the lock (a sync's threads look the same folders up for every file): a
 * reader takes its reference under it, and lets go of it without; who changes the table holds it alone. */
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static entry *kept[ENTRIES_MAX];
static size_t kept_bytes;
static atomic_uint_fast64_t clock_tick;

static void entry_free(entry *e)
{
	free(e->data);
	free(atomic_load(&e->sorted));
	free(e);
}

/* One reference less: true for the last, whose holder frees it. */
static bool unref(entry *e)
{
	return atomic_fetch_sub(&e->refs, 1) == 1;
}

static void release(void *holder)
{
	entry *e = holder;
	if (unref(e))
		entry_free(e);
}

/* The entries of `e` sorted for a binary search; NULL when they are not in git's order (or there is no
 * memory for it: looked for by a walk). */
static sorted *sort_entries(const entry *e)
{
	size_t at = 0, count = 0;
	promote__git_tree_entry_raw cur, prev;
	while (promote__git_tree_raw_next(&cur, e->data, e->size, &at))
		count++;
	sorted *out = at == e->size && e->size <= UINT32_MAX ? malloc(sizeof *out + count * sizeof out->slots[0]) : NULL;
	at = 0;
	for (size_t i = 0; out && i < count; i++) {
		size_t start = at;
		promote__git_tree_raw_next(&cur, e->data, e->size, &at);
		if ((i && promote__git_tree_raw_order(&prev, &cur) >= 0) || cur.len >= ((size_t)1 << 31)) {
			free(out);
			return NULL;
		}
		out->slots[i] = (slot){ (uint32_t)start, (uint32_t)((const unsigned char *)cur.name - e->data),
			(uint32_t)cur.len, cur.mode == GIT_FILEMODE_TREE };
		prev = cur;
	}
	if (out)
		out->count = count;
	return out;
}

/* The reference *out to `e`, which the caller holds. */
static void hand_out(promote__git_raw *out, entry *e)
{
	*out = (promote__git_raw)PROMOTE__GIT_RAW_INIT;
	out->data = e->data;
	out->size = e->size;
	out->type = GIT_OBJECT_TREE;
	out->release = release;
	out->holder = e;
}

static void touch(entry *e)
{
	atomic_store_explicit(&e->used, atomic_fetch_add(&clock_tick, 1) + 1, memory_order_relaxed);
}

/* (Looked for at every folder of every file a sync reads: compared in place, not through a call.) */
static entry *find_locked(const git_oid *id)
{
	for (size_t i = 0; i < ENTRIES_MAX; i++)
		if (kept[i] && memcmp(kept[i]->id.id, id->id, GIT_OID_RAWSZ) == 0)
			return kept[i];
	return NULL;
}

/* `e` (one reference: the caller's) put in the cache, the least recently used out to make room; false
 * when it is too large to keep or `id` is there already. */
static bool put(entry *e)
{
	if (e->size > BYTES_MAX)
		return false;
	entry *dropped[ENTRIES_MAX];
	size_t drops = 0;
	pthread_rwlock_wrlock(&lock);
	bool there = find_locked(&e->id) != NULL;
	while (!there) {
		size_t free_slot = ENTRIES_MAX, oldest = ENTRIES_MAX;
		for (size_t i = 0; i < ENTRIES_MAX; i++) {
			if (!kept[i])
				free_slot = i;
			else if (oldest == ENTRIES_MAX || atomic_load(&kept[i]->used) < atomic_load(&kept[oldest]->used))
				oldest = i;
		}
		if (free_slot < ENTRIES_MAX && kept_bytes + e->size <= BYTES_MAX) {
			atomic_fetch_add(&e->refs, 1);
			touch(e);
			kept[free_slot] = e;
			kept_bytes += e->size;
			break;
		}
		kept_bytes -= kept[oldest]->size;
		if (unref(kept[oldest]))
			dropped[drops++] = kept[oldest];
		kept[oldest] = NULL;
	}
	pthread_rwlock_unlock(&lock);
	for (size_t i = 0; i < drops; i++)
		entry_free(dropped[i]);
	return !there;
}

/* A new entry holding `data` (size bytes, from malloc()), one reference (its maker's); NULL (`data` not
 * taken) out of memory. */
static entry *entry_new(const git_oid *id, unsigned char *data, size_t size)
{
	entry *e = calloc(1, sizeof *e);
	if (e) {
		e->id = *id;
		e->data = data;
		e->size = size;
		atomic_init(&e->refs, 1);
		atomic_init(&e->used, 0);
		atomic_init(&e->sorted, NULL);
		atomic_init(&e->lookups, 0);
	}
	return e;
}

void promote__git_tree_cache_objects_at(const char *objects_dir)
{
	pthread_rwlock_wrlock(&lock);
	bool known = false;
	for (size_t i = 0; i < folder_count && !known; i++)
		known = strcmp(folders[i], objects_dir) == 0;
	if (!known && folder_count < FOLDERS_MAX && (folders[folder_count] = strdup(objects_dir)))
		folder_count++;
	pthread_rwlock_unlock(&lock);
}

/* The tree `id` stored loose and not deflated in one of the known objects folders, into a new entry (one
 * reference, its reader's); NULL when none has it so (libgit2 then reads it). */
static entry *read_stored(const git_oid *id)
{
	pthread_rwlock_rdlock(&lock);
	size_t count = folder_count; /* the strings stay: never removed */
	pthread_rwlock_unlock(&lock);
	for (size_t i = 0; i < count; i++) {
		unsigned char *data = NULL;
		size_t size = 0;
		git_object_t type = GIT_OBJECT_INVALID;
		int rc = promote__git_loose_read_stored(&data, &size, &type, folders[i], id);
		if (rc == GIT_ENOTFOUND)
			continue;
		git_oid is;
		bool right = rc == 0 && type == GIT_OBJECT_TREE && promote__git_large_tree_id(&is, data, size) == 0 &&
			git_oid_equal(&is, id);
		git_error_clear();
		entry *e = right ? entry_new(id, data, size) : NULL;
		if (!e)
			free(data);
		return e;
	}
	return NULL;
}

int promote__git_tree_read(promote__git_raw *out, git_odb *odb, const git_oid *id, bool keep)
{
	pthread_rwlock_rdlock(&lock);
	entry *e = find_locked(id);
	if (e) {
		atomic_fetch_add(&e->refs, 1);
		touch(e);
	}
	pthread_rwlock_unlock(&lock);
	if (e) {
		hand_out(out, e);
		return 0;
	}
	if ((e = read_stored(id))) {
		put(e);
		hand_out(out, e);
		return 0;
	}
	int git_rc = promote__git_raw_read(out, odb, id);
	if (git_rc == 0 && out->type != GIT_OBJECT_TREE) {
		promote__git_raw_dispose(out);
		git_error_set_str(GIT_ERROR_INVALID, "a folder's object is not a tree");
		return GIT_ERROR;
	}
	if (git_rc < 0 || (!keep && out->size < KEEP_MIN))
		return git_rc;
	unsigned char *copy = promote__bulk_alloc(out->size);
	if (!copy || !(e = entry_new(id, copy, out->size))) {
		free(copy);
		return 0; /* (no memory to keep it: read as it is) */
	}
	memcpy(copy, out->data, out->size);
	promote__git_raw_dispose(out);
	put(e); /* (another thread may have kept it meanwhile: this one is the caller's alone) */
	hand_out(out, e);
	return 0;
}

void promote__git_tree_written(const git_oid *id, unsigned char *data, size_t size)
{
	entry *e = size >= KEEP_MIN ? entry_new(id, data, size) : NULL;
	if (!e) {
		free(data);
		return;
	}
	put(e);
	release(e);
}

/* git's order of the name `name` (a folder's when `folder`) and the entry `at` of `data`. */
static int compare(const char *name, size_t len, bool folder, const unsigned char *data, const slot *at)
{
	size_t n = len < at->len ? len : at->len;
	int c = memcmp(name, data + at->name, n);
	if (c)
		return c;
	unsigned ca = n < len ? (unsigned char)name[n] : folder ? '/' : 0;
	unsigned cb = n < at->len ? data[at->name + n] : at->folder ? '/' : 0;
	return ca < cb ? -1 : ca > cb;
}

/* The entry named `name` as a file's (or a folder's) name sorts, by a binary search. */
static bool search(promote__git_tree_entry_raw *found, const entry *tree, const sorted *s, const char *name,
	size_t len, bool folder)
{
	size_t lo = 0, hi = s->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare(name, len, folder, tree->data, &s->slots[mid]);
		if (c == 0 && s->slots[mid].len == len) {
			size_t at = s->slots[mid].start;
			return promote__git_tree_raw_next(found, tree->data, tree->size, &at);
		}
		if (c == 0) /* "a/" against the folder "a", which git's order puts at the same place */
			return false;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

bool promote__git_tree_lookup(promote__git_tree_entry_raw *e, const promote__git_raw *tree, const char *name,
	size_t len)
{
	entry *kept_tree = tree->release == release ? tree->holder : NULL;
	sorted *s = kept_tree ? atomic_load_explicit(&kept_tree->sorted, memory_order_acquire) : NULL;
	if (kept_tree && !s && atomic_fetch_add(&kept_tree->lookups, 1) == 1) {
		/* (one thread sorts, once: the others walk meanwhile) */
		s = sort_entries(kept_tree);
		atomic_store_explicit(&kept_tree->sorted, s, memory_order_release);
	}
	if (!s) {
		size_t from = 0;
		return promote__git_tree_raw_find(e, tree->data, tree->size, &from, name, len);
	}
	return search(e, kept_tree, s, name, len, false) || search(e, kept_tree, s, name, len, true);
}

void promote__git_tree_cache_clear(void)
{
	entry *dropped[ENTRIES_MAX];
	size_t drops = 0;
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < ENTRIES_MAX; i++) {
		if (kept[i] && unref(kept[i]))
			dropped[drops++] = kept[i];
		kept[i] = NULL;
	}
	kept_bytes = 0;
	pthread_rwlock_unlock(&lock);
	for (size_t i = 0; i < drops; i++)
		entry_free(dropped[i]);
}
