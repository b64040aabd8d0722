/* The thread-local error detail behind promote_error_last(). */
#include "error.h"
#include "growth.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One recorded error: the public struct plus the strings it owns. */
typedef struct entry {
	promote_error pub;
	char *message;
	char *file;
	size_t order; /* insertion order, to keep sorting stable */
} entry;

struct promote__errlist {
	struct {
		entry *ptr;
		size_t size, alloc;
	} items;
	bool out_of_memory;
};

/* The published chain of the calling thread. */
static _Thread_local entry *tls_entries;
static _Thread_local size_t tls_count;

static const promote_error no_error = { PROMOTE_OK, PROMOTE_ERROR_CLASS_NONE, "no error", NULL, 0, 0, NULL };
static const promote_error oom_error = {
	PROMOTE_ENOMEM, PROMOTE_ERROR_CLASS_NOMEMORY, "out of memory", NULL, 0, 0, NULL
};
static _Thread_local bool tls_oom;

static void entries_free(entry *items, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(items[i].message);
		free(items[i].file);
	}
	free(items);
}

static void tls_reset(void)
{
	entries_free(tls_entries, tls_count);
	tls_entries = NULL;
	tls_count = 0;
	tls_oom = false;
}

/* A thread that exits with an error recorded frees it through this key's
 * destructor (thread-local variables have none in C11). */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void on_thread_exit(void *unused)
{
	(void)unused;
	tls_reset();
}

static void make_exit_key(void)
{
	(void)pthread_key_create(&exit_key, on_thread_exit);
}

static void arm_thread_exit(void)
{
	pthread_once(&exit_key_once, make_exit_key);
	(void)pthread_setspecific(exit_key, &exit_key); /* any non-NULL value arms it */
}

static char *vformat(const char *prefix, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int body = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (body < 0)
		body = 0;
	size_t plen = prefix ? strlen(prefix) : 0;
	char *out = malloc(plen + (size_t)body + 1);
	if (!out)
		return NULL;
	if (plen)
		memcpy(out, prefix, plen);
	vsnprintf(out + plen, (size_t)body + 1, fmt, ap);
	return out;
}

/* "file:line:column: " (or "file: " without a line); NULL without a file. */
static char *location_prefix(const promote__location *where)
{
	if (!where || !where->file)
		return NULL;
	char tmp[64]; /* two 32-bit numbers and punctuation: always fits */
	if (where->line && where->column)
		snprintf(tmp, sizeof tmp, ":%u:%u: ", (unsigned)where->line, (unsigned)where->column);
	else if (where->line)
		snprintf(tmp, sizeof tmp, ":%u: ", (unsigned)where->line);
	else
		snprintf(tmp, sizeof tmp, ": ");
	size_t n = strlen(where->file);
	char *out = malloc(n + strlen(tmp) + 1);
	if (!out)
		return NULL;
	memcpy(out, where->file, n);
	strcpy(out + n, tmp);
	return out;
}

static bool entry_fill(entry *e, int code, int klass, const promote__location *where, const char *fmt,
	va_list ap)
{
	memset(e, 0, sizeof *e);
	char *prefix = location_prefix(where);
	e->message = vformat(prefix, fmt, ap);
	free(prefix);
	if (where && where->file) {
		e->file = strdup(where->file);
		e->pub.line = where->line;
		e->pub.column = where->column;
	}
	if (!e->message || (where && where->file && !e->file)) {
		free(e->message);
		free(e->file);
		return false;
	}
	e->pub.code = code;
	e->pub.klass = klass;
	return true;
}

/* Fill in each entry's public strings and `next`. */
static void link_entries(entry *items, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		items[i].pub.message = items[i].message;
		items[i].pub.file = items[i].file;
		items[i].pub.next = i + 1 < count ? &items[i + 1].pub : NULL;
	}
}

/* Make `items` the thread's chain; takes ownership. */
static void publish(entry *items, size_t count)
{
	tls_reset();
	arm_thread_exit();
	tls_entries = items;
	tls_count = count;
	link_entries(items, count);
}

static int error_v(int code, int klass, const promote__location *where, const char *fmt, va_list ap)
{
	entry *e = malloc(sizeof *e);
	if (!e || !entry_fill(e, code, klass, where, fmt, ap)) {
		free(e);
		return promote__error_oom();
	}
	publish(e, 1);
	return code;
}

int promote__error(int code, int klass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = error_v(code, klass, NULL, fmt, ap);
	va_end(ap);
	return rc == PROMOTE_ENOMEM && code != PROMOTE_ENOMEM ? code : rc;
}

int promote__error_at(int code, int klass, const promote__location *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = error_v(code, klass, where, fmt, ap);
	va_end(ap);
	return rc == PROMOTE_ENOMEM && code != PROMOTE_ENOMEM ? code : rc;
}

int promote__error_oom(void)
{
	tls_reset();
	tls_oom = true;
	return PROMOTE_ENOMEM;
}

int promote__error_arg(const char *function, const char *argument)
{
	return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_INVALID,
		"%s: argument '%s' is NULL or invalid; see its documentation in <promote.h>", function,
		argument);
}

promote__errlist *promote__errlist_new(void)
{
	return calloc(1, sizeof(promote__errlist));
}

void promote__errlist_free(promote__errlist *list)
{
	if (!list)
		return;
	entries_free(list->items.ptr, list->items.size);
	free(list);
}

void promote__errlist_vadd(promote__errlist *list, int code, int klass, const promote__location *where,
	const char *fmt, va_list ap)
{
	/* Grown as array.h's arrays grow; not one of them, since their failures
	 * are reported through this file. */
	size_t cap = promote__grown_capacity(list->items.alloc, list->items.size, 1, sizeof(entry));
	entry *grown = cap == list->items.alloc ? list->items.ptr
		: cap ? realloc(list->items.ptr, cap * sizeof(entry)) : NULL;
	if (!grown) {
		list->out_of_memory = true;
		return;
	}
	list->items.ptr = grown;
	list->items.alloc = cap;
	entry *e = &list->items.ptr[list->items.size];
	if (entry_fill(e, code, klass, where, fmt, ap)) {
		e->order = list->items.size;
		list->items.size++;
	} else {
		list->out_of_memory = true;
	}
}

void promote__errlist_add(promote__errlist *list, int code, int klass, const promote__location *where,
	const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	promote__errlist_vadd(list, code, klass, where, fmt, ap);
	va_end(ap);
}

size_t promote__errlist_count(const promote__errlist *list)
{
	return list->items.size + (list->out_of_memory ? 1 : 0);
}

static int compare_entries(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int f = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (f)
		return f;
	if (x->pub.line != y->pub.line)
		return x->pub.line < y->pub.line ? -1 : 1;
	if (x->pub.column != y->pub.column)
		return x->pub.column < y->pub.column ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

int promote__errlist_seal(promote__errlist *list)
{
	if (list->out_of_memory)
		return promote__error_oom();
	if (list->items.size > 1)
		qsort(list->items.ptr, list->items.size, sizeof *list->items.ptr, compare_entries);
	link_entries(list->items.ptr, list->items.size);
	return 0;
}

const promote_error *promote__errlist_at(const promote__errlist *list, size_t index)
{
	return index < list->items.size ? &list->items.ptr[index].pub : NULL;
}

int promote__errlist_publish(promote__errlist *list)
{
	if (list->out_of_memory)
		return promote__error_oom();
	if (list->items.size == 0)
		return 0;
	qsort(list->items.ptr, list->items.size, sizeof *list->items.ptr, compare_entries);
	int code = list->items.ptr[0].pub.code;
	publish(list->items.ptr, list->items.size);
	list->items.ptr = NULL;
	list->items.size = list->items.alloc = 0;
	return code;
}

const promote_error *promote_error_last(void)
{
	if (tls_oom)
		return &oom_error;
	return tls_count ? &tls_entries[0].pub : &no_error;
}

void promote_error_clear(void)
{
	tls_reset();
}

int promote_error_set_str(int code, int klass, const char *message)
{
	if (code >= 0)
		code = PROMOTE_ERROR;
	return promote__error(code, klass, "%s", message ? message : promote_strerror(code));
}

const char *promote_strerror(int code)
{
	switch (code) {
	case PROMOTE_OK: return "success";
	case PROMOTE_ERROR: return "failed";
	case PROMOTE_ENOMEM: return "out of memory";
	case PROMOTE_ENOTFOUND: return "not found";
	case PROMOTE_EEXISTS: return "already exists";
	case PROMOTE_EINVALID: return "invalid input";
	case PROMOTE_ELIMIT: return "input exceeds a limit";
	case PROMOTE_EVERSION: return "unsupported struct or vtable version";
	case PROMOTE_EUSER: return "stopped by a callback";
	case PROMOTE_EIO: return "input/output error";
	case PROMOTE_EGIT: return "git operation failed";
	case PROMOTE_ENET: return "network operation failed";
	case PROMOTE_EAUTH: return "authentication failed";
	case PROMOTE_ECONFLICT: return "conflicting change";
	case PROMOTE_EBUSY: return "resource busy";
	case PROMOTE_ETIMEOUT: return "timed out";
	case PROMOTE_ENOTSUPPORTED: return "not supported";
	case PROMOTE_ESTATE: return "not possible in the current state";
	case PROMOTE_PASSTHROUGH: return "passthrough";
	case PROMOTE_ITEROVER: return "iteration over";
	default: return "unknown error code";
	}
}
