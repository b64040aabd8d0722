/* Duplicate keys: which keys are one key to a reader, found per mapping. */
#include "keys.h"

#include "core/error.h"
#include "yaml/scalar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The values a reader may take a scalar key for, beside its text. */
typedef struct values {
	char form[PROMOTE__YFORMS][PROMOTE__YFORM_MAX];
	size_t count;
} values;

static void values_of(values *v, const promote__ynode *scalar)
{
	v->count = 0;
	if (scalar->style == PROMOTE__YPLAIN && !scalar->tag)
		v->count = promote__yplain_values(scalar->value, scalar->length, v->form);
}

static bool same_scalar(const promote__ynode *a, const promote__ynode *b)
{
	if (a->length == b->length && memcmp(a->value, b->value, a->length) == 0)
		return true;
	values va, vb;
	values_of(&va, a);
	values_of(&vb, b);
	for (size_t i = 0; i < va.count; i++)
		for (size_t j = 0; j < vb.count; j++)
			if (strcmp(va.form[i], vb.form[j]) == 0)
				return true;
	for (size_t i = 0; i < va.count; i++)
		if (strlen(va.form[i]) == b->length && memcmp(va.form[i], b->value, b->length) == 0)
			return true;
	for (size_t j = 0; j < vb.count; j++)
		if (strlen(vb.form[j]) == a->length && memcmp(vb.form[j], a->value, a->length) == 0)
			return true;
	return false;
}

static bool same_node(const promote__ynode *a, const promote__ynode *b)
{
	a = promote__ynode_resolve(a);
	b = promote__ynode_resolve(b);
	if (a == b)
		return true;
	if (a->type != b->type)
		return false;
	if (a->type == PROMOTE__YSCALAR)
		return same_scalar(a, b);
	if (a->count != b->count)
		return false;
	if (a->type == PROMOTE__YSEQUENCE) {
		for (size_t i = 0; i < a->count; i++)
			if (!same_node(a->items[i], b->items[i]))
				return false;
		return true;
	}
	/* Mappings: every pair of `a` is in `b` (both without repeats, so the counts settle it). */
	for (size_t i = 0; i + 1 < a->count; i += 2) {
		bool found = false;
		for (size_t j = 0; j + 1 < b->count && !found; j += 2)
			found = same_node(a->items[i], b->items[j]) && same_node(a->items[i + 1], b->items[j + 1]);
		if (!found)
			return false;
	}
	return true;
}

/* One spelling of a scalar key: its text, or a value it stands for. */
typedef struct entry {
	const char *s;
	size_t n;
	size_t key;
} entry;

static bool same_form(const entry *a, const entry *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

static int by_form(const void *x, const void *y)
{
	const entry *a = x, *b = y;
	int c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	if (c)
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

/* Up to this many spellings (most mappings: a handful of keys) are sorted in place, by insertion: qsort()
 * costs more in calls and a merge buffer than the comparisons it saves. */
#define SMALL_SORT 16

static void sort_small(entry *entries, size_t count)
{
	for (size_t i = 1; i < count; i++) {
		entry e = entries[i];
		size_t j = i;
		for (; j > 0 && by_form(&entries[j - 1], &e) > 0; j--)
			entries[j] = entries[j - 1];
		entries[j] = e;
	}
}

/* The working space of one document's check, grown to its largest mapping and reused for every mapping:
 * one allocation for a document instead of three for each of its mappings. */
typedef struct scratch {
	entry *entries;
	values *vals;
	size_t *first_of;
	size_t keys; /* how many keys each holds room for */
} scratch;

static int scratch_fit(scratch *w, size_t keys)
{
	if (keys <= w->keys)
		return 0;
	if (keys > SIZE_MAX / ((1 + PROMOTE__YFORMS) * sizeof(entry) + sizeof(values) + sizeof(size_t)))
		return promote__error_oom();
	entry *entries = realloc(w->entries, keys * (1 + PROMOTE__YFORMS) * sizeof *entries);
	if (entries)
		w->entries = entries;
	values *vals = entries ? realloc(w->vals, keys * sizeof *vals) : NULL;
	if (vals)
		w->vals = vals;
	size_t *first_of = vals ? realloc(w->first_of, keys * sizeof *first_of) : NULL;
	if (!first_of)
		return promote__error_oom();
	w->first_of = first_of;
	w->keys = keys;
	return 0;
}

/* For each key of `map`, the earliest key it repeats (w->first_of[k], SIZE_MAX: none). Scalar
 * keys are sorted by each of their spellings, so that a big mapping costs
 * n log n; collection keys, rare, are compared pair by pair. */
static int find_repeats(const promote__ynode *map, scratch *w)
{
	size_t keys = map->count / 2;
	int rc = scratch_fit(w, keys);
	if (rc)
		return rc;
	entry *entries = w->entries;
	values *vals = w->vals;
	size_t *first_of = w->first_of;
	size_t count = 0;
	for (size_t k = 0; k < keys; k++) {
		first_of[k] = SIZE_MAX;
		const promote__ynode *key = promote__ynode_resolve(map->items[2 * k]);
		if (key->type != PROMOTE__YSCALAR) {
			for (size_t j = 0; j < k && first_of[k] == SIZE_MAX; j++) {
				const promote__ynode *other = promote__ynode_resolve(map->items[2 * j]);
				if (other->type != PROMOTE__YSCALAR && same_node(key, other))
					first_of[k] = j;
			}
			continue;
		}
		entries[count++] = (entry){ key->value, key->length, k };
		values_of(&vals[k], key);
		for (size_t i = 0; i < vals[k].count; i++) {
			size_t n = strlen(vals[k].form[i]);
			if (n != key->length || memcmp(vals[k].form[i], key->value, n) != 0)
				entries[count++] = (entry){ vals[k].form[i], n, k };
		}
	}
	if (count <= SMALL_SORT)
		sort_small(entries, count);
	else
		qsort(entries, count, sizeof *entries, by_form);
	for (size_t i = 0, run = 0; i < count; i++) {
		if (!same_form(&entries[i], &entries[run]))
			run = i;
		size_t k = entries[i].key, first = entries[run].key;
		if (first != k && first < first_of[k])
			first_of[k] = first;
	}
	return 0;
}

static int duplicate_keys(const promote__ynode *node, scratch *w, promote__yduplicate_cb cb, void *payload)
{
	if (!node || node->type == PROMOTE__YALIAS || node->type == PROMOTE__YSCALAR)
		return 0;
	if (node->type == PROMOTE__YMAPPING && node->count >= 4) {
		int rc = find_repeats(node, w);
		for (size_t k = 0; rc == 0 && k < node->count / 2; k++)
			if (w->first_of[k] != SIZE_MAX)
				rc = cb(node->items[2 * w->first_of[k]], node->items[2 * k], payload);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < node->count; i++) {
		int rc = duplicate_keys(node->items[i], w, cb, payload);
		if (rc)
			return rc;
	}
	return 0;
}

int promote__yduplicate_keys(const promote__ynode *node, promote__yduplicate_cb cb, void *payload)
{
	scratch w = { NULL, NULL, NULL, 0 };
	int rc = duplicate_keys(node, &w, cb, payload);
	free(w.entries);
	free(w.vals);
	free(w.first_of);
	return rc;
}

/* A key's text for a message: its first KEY_SHOWN bytes, "..." after them. */
#define KEY_SHOWN 200

static int add_key(promote__strbuf *out, const char *fmt, const promote__ynode *key)
{
	int shown = key->length > KEY_SHOWN ? KEY_SHOWN : (int)key->length;
	return promote__strbuf_addf(out, fmt, shown, key->value, key->length > KEY_SHOWN ? "..." : "");
}

int promote__yduplicate_describe(promote__strbuf *out, const promote__ynode *first, const promote__ynode *second)
{
	const promote__ynode *a = promote__ynode_resolve(first), *b = promote__ynode_resolve(second);
	int rc;
	if (b->type == PROMOTE__YSCALAR)
		rc = add_key(out, "duplicate key '%.*s%s'", b);
	else
		rc = promote__strbuf_addf(out, "duplicate key (a %s)", promote__ynode_type_name(b));
	if (rc == 0)
		rc = promote__strbuf_addf(out, " (first at line %u, column %u", (unsigned)first->start.line,
			(unsigned)first->start.column);
	bool respelled = b->type == PROMOTE__YSCALAR &&
		(a->length != b->length || memcmp(a->value, b->value, a->length) != 0);
	if (rc == 0 && respelled)
		rc = add_key(out, ", written '%.*s%s'", a);
	return rc ? rc : promote__strbuf_adds(out, ")");
}
