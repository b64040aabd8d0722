/*
 * The pack a push of one commit needs: the commit and the trees and blobs it
 * adds to its first parent, found by walking only where the two trees
 * differ. libgit2's own push walks every tree of what the server has (its
 * uninteresting side) to learn the same, which costs time and memory in
 * proportion to the repository (libgit2 issue #3364); this costs what the
 * commit changed.
 *
 * Written here in git's pack format (version 2): "PACK", the version, the
 * number of objects, each object (a header of its type and size, then its
 * data deflated), the SHA-1 of all of it. A tree or blob that replaces one
 * at the same path is sent, when it is large, as a delta against the one it
 * replaces (a REF_DELTA naming it) — a thin pack, which git's receive-pack
 * completes from what it has (index-pack --fix-thin), as git push sends.
 * So the folder of a monorepo's 10,000 applications, where one entry
 * changed, travels as a few dozen bytes instead of being deflated whole.
 */
#include "repo.h"
#include "deflate.h"
#include "odb_raw.h"
#include "tree_cache.h"
#include "tree_raw.h"

#include "core/array.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strutil.h"
#include "core/thread.h"

#include <git2/sys/odb_backend.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* How many commits one ref's push sends at most (a record's versions of one poll, the commits a
 * watcher's pass stacks on a branch). */
#define CHAIN_MAX 100000
/* How far back a ref the receiver has not is walked to its root (its versions since it was created). */
#define NEW_CHAIN_MAX 256
/* Below this size an object is sent whole: a delta would save nothing worth its reading. */
#define DELTA_MIN 1024
/* git's pack object type of a delta against an object named by its id. */
#define OBJ_REF_DELTA 7
/* The largest copy one delta instruction makes without naming its size (git's limit for all). */
#define COPY_MAX 0x10000

/* An object to send, and the object it replaces at its path (zero: none), the delta's base. */
typedef struct wanted {
	git_oid id, base;
} wanted;

/* A large tree the walk read, kept for the pack: a folder of 10,000 applications, and the one it replaces
 * (the delta's base), are inflated once, not twice. */
typedef struct kept_tree {
	git_oid id;
	promote__git_raw raw;
} kept_tree;

/* How many kept trees, and how many bytes, at most (looked for one by one): beyond, a tree is read again
 * when packed. */
#define KEPT_TREES_MAX 64
#define KEPT_TREES_BYTES ((size_t)16 << 20)

typedef struct objects {
	PROMOTE__ARRAY(wanted) list;
	git_repository *repo;
	/* Where the new objects were written, read from there as they are (NULL: none). */
	git_odb_backend *memory;
	bool oom;  /* the list could not grow (its error set) */
	/* Which ids are in the list: an open-addressing table of list indexes + 1 (0: empty), a power of
	 * two at least twice the list's size, so that a push of thousands of objects finds each in O(1). */
	size_t *slots;
	size_t slot_count;
	PROMOTE__ARRAY(kept_tree) trees;
	size_t trees_bytes;
} objects;

static size_t slot_of(const objects *o, const git_oid *id)
{
	uint64_t h;
	memcpy(&h, id->id, sizeof h);
	size_t i = (size_t)h & (o->slot_count - 1);
	while (o->slots[i] && !git_oid_equal(&o->list.ptr[o->slots[i] - 1].id, id))
		i = (i + 1) & (o->slot_count - 1);
	return i;
}

/* The table grown to twice the list's size (rehashed), or false out of memory. */
static bool slots_grow(objects *o)
{
	size_t count = o->slot_count ? o->slot_count * 2 : 64;
	size_t *slots = calloc(count, sizeof *slots);
	if (!slots)
		return false;
	free(o->slots);
	o->slots = slots;
	o->slot_count = count;
	for (size_t k = 0; k < o->list.size; k++)
		o->slots[slot_of(o, &o->list.ptr[k].id)] = k + 1;
	return true;
}

static void objects_free(objects *o)
{
	promote__array_free(&o->list);
	free(o->slots);
	for (size_t i = 0; i < o->trees.size; i++)
		promote__git_raw_dispose(&o->trees.ptr[i].raw);
	promote__array_free(&o->trees);
}

static int want(objects *o, const git_oid *id, const git_oid *base)
{
	if ((o->list.size + 1) * 2 > o->slot_count && !slots_grow(o)) {
		o->oom = true;
		promote__error_oom();
		return GIT_ERROR;
	}
	size_t slot = slot_of(o, id);
	if (o->slots[slot])
		return 0;
	wanted w;
	w.id = *id;
	if (base)
		w.base = *base;
	else
		memset(&w.base, 0, sizeof w.base);
	o->oom = promote__array_push(&o->list, w) != 0;
	if (o->oom)
		return GIT_ERROR;
	o->slots[slot] = o->list.size;
	return 0;
}

/* An entry of a stored tree, and what it names: a blob, a tree, or a submodule's commit. */
typedef struct raw_entry {
	promote__git_tree_entry_raw raw;
	git_object_t type;
	git_oid id;
} raw_entry;

/* The entry at *at of `tree`, *at moved past it; false at the end, or where the tree is not one git wrote
 * (*at left short of its end). */
static bool next_entry(raw_entry *e, const promote__git_raw *tree, size_t *at)
{
	if (!promote__git_tree_raw_next(&e->raw, tree->data, tree->size, at))
		return false;
	e->type = e->raw.mode == GIT_FILEMODE_TREE ? GIT_OBJECT_TREE
		: e->raw.mode == GIT_FILEMODE_COMMIT ? GIT_OBJECT_COMMIT : GIT_OBJECT_BLOB;
	git_oid_fromraw(&e->id, e->raw.id);
	return true;
}

/* `raw`, the tree `id`, kept for the pack when it is large and there is room, else disposed of. */
static void keep_tree(objects *o, const git_oid *id, promote__git_raw *raw)
{
	if (raw->size >= DELTA_MIN && o->trees.size < KEPT_TREES_MAX && o->trees_bytes + raw->size <= KEPT_TREES_BYTES) {
		if (promote__array_push(&o->trees, ((kept_tree){ *id, *raw })) == 0) {
			o->trees_bytes += raw->size;
			*raw = (promote__git_raw)PROMOTE__GIT_RAW_INIT;
			return;
		}
		promote_error_clear(); /* no memory to keep it: read again when packed */
	}
	promote__git_raw_dispose(raw);
}

/* The tree `id` if the walk kept it, else NULL. */
static const promote__git_raw *kept(const objects *o, const git_oid *id)
{
	for (size_t i = 0; i < o->trees.size; i++)
		if (git_oid_equal(&o->trees.ptr[i].id, id))
			return &o->trees.ptr[i].raw;
	return NULL;
}

/*
 * What the tree `id` has that the tree `old` (NULL: nothing) has not, recursively. Both are read as
 * they are stored, not hashed again (odb_raw.h), and walked side by side in git's order: a folder of
 * 10,000 applications is not parsed into a map. An entry the walk does not pair (a tree out of git's
 * order) is sent whole: more than needed, never less.
 */
static int want_added(objects *o, git_odb *odb, const git_oid *id, const git_oid *old)
{
	promote__git_raw tree, was_tree = PROMOTE__GIT_RAW_INIT;
	int git_rc = want(o, id, old);
	if (git_rc == 0)
		git_rc = promote__git_tree_read(&tree, odb, id, false);
	if (git_rc < 0)
		return git_rc;
	if (old && (git_rc = promote__git_tree_read(&was_tree, odb, old, false)) < 0) {
		promote__git_raw_dispose(&tree);
		return git_rc;
	}
	size_t at = 0, old_at = 0, was_at = 0; /* (was_at: where `was`, the old entry read ahead, starts) */
	raw_entry e, was = { 0 };
	bool more_old = old && next_entry(&was, &was_tree, &old_at);
	while (git_rc == 0) {
		size_t same = more_old ? promote__git_tree_raw_same(tree.data + at, tree.size - at, was_tree.data + was_at,
						 was_tree.size - was_at)
				       : 0;
		if (same > 0) { /* entries both have, byte for byte: the receiver has them */
			at += same;
			was_at += same;
			old_at = was_at;
			more_old = next_entry(&was, &was_tree, &old_at);
		}
		if (!next_entry(&e, &tree, &at))
			break;
		int order = -1;
		while (more_old && (order = promote__git_tree_raw_order(&was.raw, &e.raw)) < 0) {
			was_at = old_at;
			more_old = next_entry(&was, &was_tree, &old_at);
		}
		bool paired = more_old && order == 0;
		raw_entry pair = was;
		if (paired) { /* taken: the next old entry is read ahead, where the next new one starts if alike */
			was_at = old_at;
			more_old = next_entry(&was, &was_tree, &old_at);
		}
		if (paired && git_oid_equal(&pair.id, &e.id))
			continue; /* the receiver has it */
		bool same_type = paired && pair.type == e.type;
		if (e.type == GIT_OBJECT_BLOB)
			git_rc = want(o, &e.id, same_type ? &pair.id : NULL);
		else if (e.type == GIT_OBJECT_TREE)
			git_rc = want_added(o, odb, &e.id, same_type ? &pair.id : NULL);
		/* (a submodule's commit is not in this repository) */
	}
	if (git_rc == 0 && at != tree.size) { /* (an old tree cut short only pairs less: more is sent) */
		git_error_set_str(GIT_ERROR_INVALID, "a tree to push is malformed");
		git_rc = GIT_ERROR;
	}
	if (old)
		keep_tree(o, old, &was_tree);
	keep_tree(o, id, &tree);
	return git_rc;
}

/* The commit and what it adds to its first parent. */
static int want_commit(objects *o, const git_oid *commit)
{
	git_commit *c = NULL, *parent = NULL;
	git_odb *odb = NULL;
	int git_rc;
	if ((git_rc = git_repository_odb(&odb, o->repo)) == 0 && (git_rc = git_commit_lookup(&c, o->repo, commit)) == 0 &&
		(git_rc = want(o, commit, NULL)) == 0 &&
		(git_commit_parentcount(c) == 0 || (git_rc = git_commit_parent(&parent, c, 0)) == 0))
		git_rc = want_added(o, odb, git_commit_tree_id(c), parent ? git_commit_tree_id(parent) : NULL);
	git_commit_free(parent);
	git_commit_free(c);
	git_odb_free(odb);
	return git_rc;
}

/* The commits from `commit` back to `have` (excluded) along first parents, newest first, into `chain`
 * (emptied first): all of them when `have` is found within CHAIN_MAX. `from_root` (a ref new to the
 * receiver whose history is new too: a record created and moved on before its first push): all of them
 * back to the root, when it is within NEW_CHAIN_MAX. Else `commit` alone (its first parent is the
 * receiver's). */
static int chain_to(objects *chain, git_repository *repo, const git_oid *commit, const git_oid *have, bool from_root)
{
	bool none = !have || git_oid_is_zero(have);
	if (none && !from_root) {
		wanted alone = { *commit, { { 0 } } };
		chain->list.size = 0;
		chain->oom = promote__array_push(&chain->list, alone) != 0;
		return chain->oom ? GIT_ERROR : 0;
	}
	size_t max = none ? NEW_CHAIN_MAX : CHAIN_MAX;
	chain->list.size = 0;
	git_oid at = *commit;
	bool found = false;
	while (chain->list.size < max && !(found = !none && git_oid_equal(&at, have))) {
		git_commit *c = NULL;
		int git_rc = git_commit_lookup(&c, repo, &at);
		if (git_rc < 0)
			return git_rc;
		wanted w = { at, { { 0 } } };
		chain->oom = promote__array_push(&chain->list, w) != 0;
		bool more = !chain->oom && git_commit_parentcount(c) > 0;
		if (more)
			at = *git_commit_parent_id(c, 0);
		git_commit_free(c);
		if (chain->oom)
			return GIT_ERROR;
		if (!more) {
			found = none; /* the root of a new ref's history */
			break;
		}
	}
	if (!found) {
		wanted alone = { *commit, { { 0 } } };
		chain->list.size = 0;
		chain->oom = promote__array_push(&chain->list, alone) != 0;
		return chain->oom ? GIT_ERROR : 0;
	}
	return 0;
}

/* ---- git's pack format --------------------------------------------------------- */

static int put_byte(promote_buf *out, unsigned value)
{
	return promote__buf_putc(out, (char)(unsigned char)value);
}

/* An object's header: its type and size, 4 bits then 7 per byte, the high bit saying more follow. */
static int put_header(promote_buf *out, unsigned type, size_t size)
{
	unsigned c = (type << 4) | (unsigned)(size & 15);
	int rc = 0;
	for (size >>= 4; rc == 0 && size; size >>= 7) {
		rc = put_byte(out, c | 0x80);
		c = (unsigned)(size & 0x7f);
	}
	return rc ? rc : put_byte(out, c);
}

/* A size in a delta's header: 7 bits per byte, least significant first. */
static int put_varint(promote_buf *out, size_t v)
{
	int rc = 0;
	for (; rc == 0 && v >= 0x80; v >>= 7)
		rc = put_byte(out, (unsigned)(v & 0x7f) | 0x80);
	return rc ? rc : put_byte(out, (unsigned)v);
}

/* Copy `len` bytes from `offset` of the base: the offset's and size's non-zero bytes, flagged. */
static int put_copy(promote_buf *out, size_t offset, size_t len)
{
	int rc = 0;
	while (rc == 0 && len > 0) {
		size_t n = len < COPY_MAX ? len : COPY_MAX;
		unsigned char op[8];
		size_t k = 1;
		op[0] = 0x80;
		for (unsigned i = 0; i < 4; i++)
			if ((offset >> (8 * i)) & 0xff) {
				op[0] |= (unsigned char)(1u << i);
				op[k++] = (unsigned char)((offset >> (8 * i)) & 0xff);
			}
		for (unsigned i = 0; n < COPY_MAX && i < 3; i++) /* no size bytes: 0x10000 */
			if ((n >> (8 * i)) & 0xff) {
				op[0] |= (unsigned char)(0x10u << i);
				op[k++] = (unsigned char)((n >> (8 * i)) & 0xff);
			}
		rc = promote__buf_put(out, (const char *)op, k);
		offset += n;
		len -= n;
	}
	return rc;
}

/* Insert `len` bytes of `data`, at most 127 per instruction. */
static int put_insert(promote_buf *out, const unsigned char *data, size_t len)
{
	int rc = 0;
	while (rc == 0 && len > 0) {
		size_t n = len < 127 ? len : 127;
		if ((rc = put_byte(out, (unsigned)n)) == 0)
			rc = promote__buf_put(out, (const char *)data, n);
		data += n;
		len -= n;
	}
	return rc;
}

/* `target` as a delta against `base`: what they share at the start and at the end is copied, the rest
 * inserted — a promotion changes a few bytes in the middle of a tree or a file. */
static int make_delta(promote_buf *out, const unsigned char *base, size_t base_len, const unsigned char *target,
	size_t target_len)
{
	size_t shorter = base_len < target_len ? base_len : target_len;
	size_t head = promote__common_prefix(base, target, shorter);
	size_t tail = promote__common_suffix(base + base_len, target + target_len, shorter - head);
	int rc = put_varint(out, base_len);
	if (rc == 0)
		rc = put_varint(out, target_len);
	if (rc == 0)
		rc = put_copy(out, 0, head);
	if (rc == 0)
		rc = put_insert(out, target + head, target_len - head - tail);
	if (rc == 0)
		rc = put_copy(out, base_len - tail, tail);
	return rc;
}

static int put_deflated(promote_buf *out, const void *data, size_t len)
{
	if (len > UINT_MAX)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT, "an object of %zu bytes is too large to pack", len);
	z_stream z;
	memset(&z, 0, sizeof z);
	if (promote__git_deflate_init(&z, len) != Z_OK) /* (deflate.h) */
		return promote__error_oom();
	uLong bound = deflateBound(&z, (uLong)len);
	int rc = promote__buf_grow(out, bound), zrc = Z_OK;
	if (rc == 0) {
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out->ptr + out->size;
		z.avail_out = (uInt)bound;
		zrc = deflate(&z, Z_FINISH);
	}
	size_t made = bound - z.avail_out;
	deflateEnd(&z);
	if (rc)
		return rc;
	if (zrc != Z_STREAM_END)
		return promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot compress an object of %zu bytes", len);
	out->size += made;
	out->ptr[out->size] = '\0';
	return 0;
}

/* One object of a pack: what its entry says (its type, or a delta's, and the size), and the bytes to
 * deflate, gathered on the calling thread (libgit2's objects are not shared between threads), deflated
 * on any. */
typedef struct pack_job {
	unsigned type;
	size_t size;
	const git_oid *base;  /* a delta's base; NULL: whole */
	const unsigned char *data;
	size_t len;
	/* who owns `data` */
	git_odb_backend *memory;
	void *memory_data;
	promote__git_raw raw;
	promote_buf delta;
	promote_buf deflated;
	int rc; /* the deflate's; its error is said again on the calling thread */
} pack_job;

static void job_dispose(pack_job *job)
{
	if (job->memory_data)
		git_odb_backend_data_free(job->memory, job->memory_data);
	promote__git_raw_dispose(&job->raw);
	promote_buf_dispose(&job->delta);
	promote_buf_dispose(&job->deflated);
	memset(job, 0, sizeof *job);
}

/* An object written into `memory` (commit.c), whole: its bytes as they were hashed when written, not read
 * and hashed again through the object database. *found false when `memory` does not hold it. */
static int gather_from_memory(pack_job *job, bool *found, git_odb_backend *memory, const wanted *w)
{
	void *data = NULL;
	size_t len = 0;
	git_object_t type = GIT_OBJECT_INVALID;
	*found = false;
	int git_rc = memory->read(&data, &len, &type, memory, &w->id);
	if (git_rc == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read an object to push", git_oid_tostr_s(&w->id));
	*found = true;
	job->type = (unsigned)type;
	job->size = job->len = len;
	job->data = data;
	job->memory = memory;
	job->memory_data = data;
	return 0;
}

/* The object `id`: a tree the walk kept (borrowed), else read into `owned`. A libgit2 error code. */
static int read_object(const promote__git_raw **out, promote__git_raw *owned, const objects *o, git_odb *odb,
	const git_oid *id)
{
	if ((*out = kept(o, id)) != NULL)
		return 0;
	*out = owned;
	return promote__git_raw_read(owned, odb, id);
}

/* One object: as a delta against its base when that is much smaller, else whole. */
static int gather(pack_job *job, git_odb *odb, const objects *o, const wanted *w, bool thin)
{
	*job = (pack_job){ 0, 0, NULL, NULL, 0, NULL, NULL, PROMOTE__GIT_RAW_INIT, PROMOTE_BUF_INIT, PROMOTE_BUF_INIT, 0 };
	if (o->memory && !thin) {
		bool found = false;
		int rc = gather_from_memory(job, &found, o->memory, w);
		if (rc || found)
			return rc;
	}
	const promote__git_raw *object = NULL, *base = NULL;
	promote__git_raw base_owned = PROMOTE__GIT_RAW_INIT;
	int git_rc = read_object(&object, &job->raw, o, odb, &w->id);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot read an object to push", git_oid_tostr_s(&w->id));
	job->data = object->data;
	job->len = object->size;
	int rc = 0;
	if (thin && job->len >= DELTA_MIN && !git_oid_is_zero(&w->base) &&
		read_object(&base, &base_owned, o, odb, &w->base) == 0 && base->type == object->type)
		rc = make_delta(&job->delta, base->data, base->size, job->data, job->len);
	git_error_clear(); /* a base that cannot be read: the object goes whole */
	promote__git_raw_dispose(&base_owned);
	if (rc == 0 && job->delta.size > 0 && job->delta.size < job->len / 2) {
		job->type = OBJ_REF_DELTA;
		job->size = job->len = job->delta.size;
		job->base = &w->base;
		job->data = (const unsigned char *)job->delta.ptr;
	} else {
		job->type = (unsigned)object->type;
		job->size = job->len;
	}
	return rc;
}

/* The objects of a batch are gathered, then deflated on two threads, then written in order. */
#define BATCH 256

typedef struct deflating {
	pack_job *jobs;
	size_t count;
} deflating;

static void *deflate_jobs(void *arg)
{
	deflating *d = arg;
	for (size_t i = 0; i < d->count; i++)
		d->jobs[i].rc = put_deflated(&d->jobs[i].deflated, d->jobs[i].data, d->jobs[i].len);
	promote_error_clear(); /* a failure is said again by the caller */
	return NULL;
}

/* Below this many bytes a batch is deflated here: a thread would cost more than it saves. */
#define THREAD_MIN_BYTES (64 * 1024)

/* Deflate `count` jobs: the second half of their bytes on another thread when there is enough of them
 * and a thread is allowed (core/thread.h), the rest here. */
static void deflate_batch(pack_job *jobs, size_t count, bool threads)
{
	size_t total = 0, half = 0, split = count;
	for (size_t i = 0; i < count; i++)
		total += jobs[i].len;
	if (threads && count > 1 && total >= THREAD_MIN_BYTES)
		for (split = 0; split < count && half < total / 2; split++)
			half += jobs[split].len;
	deflating rest = { jobs + split, count - split };
	pthread_t thread;
	bool other = rest.count && promote__thread_start(&thread, deflate_jobs, &rest);
	deflating mine = { jobs, other ? split : count };
	deflate_jobs(&mine);
	if (other)
		pthread_join(thread, NULL);
}

/* The job's entry in the pack: its header, a delta's base, the deflated bytes (deflated again here
 * when the other thread could not, so that its error is said on this one). */
static int put_job(promote_buf *out, pack_job *job)
{
	int rc = put_header(out, job->type, job->size);
	if (rc == 0 && job->base)
		rc = promote__buf_put(out, (const char *)job->base->id, GIT_OID_RAWSZ);
	if (rc == 0 && job->rc == 0)
		rc = promote__buf_put(out, job->deflated.ptr ? job->deflated.ptr : "", job->deflated.size);
	else if (rc == 0)
		rc = put_deflated(out, job->data, job->len);
	return rc;
}

/* The pack of `o`'s objects; where each one is in it into `entries` when given (o->list.size of them). */
static int write_pack(promote_buf *out, git_repository *repo, const objects *o, bool thin,
	promote__git_pack_entry *entries)
{
	git_odb *odb = NULL;
	int git_rc = git_repository_odb(&odb, repo);
	if (git_rc < 0)
		return promote__git_failed(git_rc, "cannot open the objects of", git_repository_path(repo));
	size_t start = out->size;
	bool threads = promote__thread_budget(2) > 1;
	pack_job *jobs = calloc(BATCH, sizeof *jobs);
	int rc = jobs ? promote__buf_put(out, "PACK", 4) : promote__error_oom();
	if (rc == 0)
		rc = promote__git_pack_put_be32(out, 2);
	if (rc == 0)
		rc = promote__git_pack_put_be32(out, (uint32_t)o->list.size);
	for (size_t first = 0; rc == 0 && first < o->list.size; first += BATCH) {
		size_t count = o->list.size - first < BATCH ? o->list.size - first : BATCH, gathered = 0;
		while (rc == 0 && gathered < count) {
			rc = gather(&jobs[gathered], odb, o, &o->list.ptr[first + gathered], thin);
			gathered++;
		}
		if (rc == 0)
			deflate_batch(jobs, count, threads);
		for (size_t i = 0; rc == 0 && i < count; i++) {
			size_t at = out->size;
			rc = put_job(out, &jobs[i]);
			if (rc == 0 && entries)
				entries[first + i] = (promote__git_pack_entry){ o->list.ptr[first + i].id, at - start,
					promote__git_pack_crc(out->ptr + at, out->size - at) };
		}
		for (size_t i = 0; i < gathered; i++)
			job_dispose(&jobs[i]);
	}
	if (rc == 0)
		rc = promote__git_pack_put_sum(out, start);
	free(jobs);
	git_odb_free(odb);
	return rc;
}

static int pack_added(promote_buf *out, size_t *objects_out, git_repository *repo, git_odb_backend *memory,
	promote__git_pack_entry **entries, const git_oid *commits, const git_oid *haves, const bool *from_root,
	size_t count, bool thin)
{
	objects o = { PROMOTE__ARRAY_INIT, repo, memory, false, NULL, 0, PROMOTE__ARRAY_INIT, 0 };
	objects chain = { PROMOTE__ARRAY_INIT, repo, NULL, false, NULL, 0, PROMOTE__ARRAY_INIT, 0 };
	*objects_out = 0;
	int git_rc = 0;
	for (size_t k = 0; git_rc == 0 && k < count; k++) {
		git_rc = chain_to(&chain, repo, &commits[k], haves ? &haves[k] : NULL, from_root && from_root[k]);
		/* Oldest first: what an older commit adds is not sent again for a later one. */
		for (size_t i = chain.list.size; git_rc == 0 && i > 0; i--)
			git_rc = want_commit(&o, &chain.list.ptr[i - 1].id);
	}
	o.oom |= chain.oom;
	objects_free(&chain);
	int rc = o.oom ? PROMOTE_ENOMEM : git_rc < 0 ? promote__git_failed(git_rc, "cannot pack", "the commit to push") : 0;
	if (rc == 0 && o.list.size > UINT32_MAX)
		rc = promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_GIT, "a push of more than 2^32 objects");
	if (rc == 0 && entries && !(*entries = calloc(o.list.size ? o.list.size : 1, sizeof **entries)))
		rc = promote__error_oom();
	if (rc == 0)
		rc = write_pack(out, repo, &o, thin, entries ? *entries : NULL);
	if (rc == 0)
		*objects_out = o.list.size;
	objects_free(&o);
	return rc;
}

int promote__git_pack_added_many(promote_buf *out, size_t *objects_out, git_repository *repo, const git_oid *commits,
	const git_oid *haves, const bool *from_root, size_t count, bool thin)
{
	return pack_added(out, objects_out, repo, NULL, NULL, commits, haves, from_root, count, thin);
}

int promote__git_pack_added(promote_buf *out, size_t *objects_out, git_repository *repo, const git_oid *commit,
	const git_oid *have, bool thin)
{
	return pack_added(out, objects_out, repo, NULL, NULL, commit, have, NULL, 1, thin);
}

int promote__git_pack_written(promote_buf *out, size_t *objects_out, promote__git_pack_entry **entries,
	git_repository *repo, const git_oid *commit, git_odb_backend *memory)
{
	*entries = NULL;
	int rc = pack_added(out, objects_out, repo, memory, entries, commit, NULL, NULL, 1, false);
	if (rc) {
		free(*entries);
		*entries = NULL;
	}
	return rc;
}

/* The object count of a whole pack, or -1 when it is none. */
static int64_t pack_count(const promote_buf *pack)
{
	const unsigned char *p = (const unsigned char *)pack->ptr;
	if (pack->size < 32 || memcmp(p, "PACK", 4) != 0)
		return -1;
	return (int64_t)((uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11]);
}

int promote__git_pack_join(promote_buf *out, const promote_buf *first, const promote_buf *second)
{
	int64_t a = pack_count(first), b = pack_count(second);
	if (a < 0 || b < 0 || a + b > UINT32_MAX)
		return promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "cannot join two packs: one is no pack");
	size_t start = out->size;
	int rc = promote__buf_put(out, "PACK", 4);
	if (rc == 0)
		rc = promote__git_pack_put_be32(out, 2);
	if (rc == 0)
		rc = promote__git_pack_put_be32(out, (uint32_t)(a + b));
	/* The entries: between each pack's 12-byte header and its 20-byte checksum. */
	if (rc == 0)
		rc = promote__buf_put(out, first->ptr + 12, first->size - 32);
	if (rc == 0)
		rc = promote__buf_put(out, second->ptr + 12, second->size - 32);
	if (rc == 0)
		rc = promote__git_pack_put_sum(out, start);
	return rc;
}

void promote__git_pack_kept_dispose(promote__git_pack_kept *kept)
{
	if (!kept)
		return;
	promote_buf_dispose(&kept->pack);
	memset(kept, 0, sizeof *kept);
}
