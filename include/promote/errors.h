/*
 * libpromote — error codes and the thread-local error detail.
 *
 * Every fallible function returns 0 on success or one of the negative codes
 * below. The values are fixed forever: new codes are only added.
 * promote_error_last() then says what went wrong and what to do.
 */
#ifndef PROMOTE_ERRORS_H
#define PROMOTE_ERRORS_H

#include "common.h"

PROMOTE_BEGIN_DECL

typedef enum promote_error_code {
	PROMOTE_OK = 0,
	PROMOTE_ERROR = -1,         /* failure with no more specific code */
	PROMOTE_ENOMEM = -2,        /* out of memory */
	PROMOTE_ENOTFOUND = -3,     /* no such environment, product, file, path ... */
	PROMOTE_EEXISTS = -4,       /* already exists (a name registered twice) */
	PROMOTE_EINVALID = -5,      /* invalid input: configuration, YAML, arguments */
	PROMOTE_ELIMIT = -6,        /* input beyond a bound (size, depth, alias expansion) */
	PROMOTE_EVERSION = -7,      /* struct or vtable version newer than this library */
	PROMOTE_EUSER = -8,         /* a callback asked to stop; passed through untouched */
	PROMOTE_EIO = -9,           /* the operating system refused (open, read, write) */
	PROMOTE_EGIT = -10,         /* a git operation failed */
	PROMOTE_ENET = -11,         /* a network operation failed */
	PROMOTE_EAUTH = -12,        /* credentials missing or refused */
	PROMOTE_ECONFLICT = -13,    /* a concurrent change could not be reconciled */
	PROMOTE_EBUSY = -14,        /* a lock is held by someone else */
	PROMOTE_ETIMEOUT = -15,     /* a bounded wait ran out */
	PROMOTE_ENOTSUPPORTED = -16,/* not available in this build or for this input */
	PROMOTE_ESTATE = -17,       /* not possible in the object's current state */

	PROMOTE_PASSTHROUGH = -30,  /* from a callback: use the built-in behaviour */
	PROMOTE_ITEROVER = -31      /* an iteration has no more items */
} promote_error_code;

/* Which part of the library an error comes from. */
typedef enum promote_error_class {
	PROMOTE_ERROR_CLASS_NONE = 0,
	PROMOTE_ERROR_CLASS_OS = 1,
	PROMOTE_ERROR_CLASS_NOMEMORY = 2,
	PROMOTE_ERROR_CLASS_INVALID = 3,   /* API misuse: bad argument, NULL handle */
	PROMOTE_ERROR_CLASS_CONFIG = 4,    /* promote.yaml */
	PROMOTE_ERROR_CLASS_YAML = 5,      /* YAML syntax or bounds */
	PROMOTE_ERROR_CLASS_GIT = 6,
	PROMOTE_ERROR_CLASS_NET = 7,
	PROMOTE_ERROR_CLASS_PROVIDER = 8,  /* git provider */
	PROMOTE_ERROR_CLASS_DEPLOY = 9,    /* deploy backend */
	PROMOTE_ERROR_CLASS_RELEASE = 10,
	PROMOTE_ERROR_CLASS_CALLBACK = 11
} promote_error_class;

/*
 * Detail of the last failure on the calling thread.
 *
 * The library owns it; it stays valid until the next libpromote call on the
 * same thread. Fields are only ever appended.
 *
 * `message` is complete and printable: for input errors it starts with
 * "file:line:column: ". `file` is NULL and `line`/`column` are 0 when the
 * error has no input location; both are 1-based otherwise.
 *
 * One failure can carry several errors (validation reports every problem
 * in one run): `next` points to the following one, or is NULL.
 */
typedef struct promote_error {
	int code;                           /* a promote_error_code */
	int klass;                          /* a promote_error_class */
	const char *message;
	const char *file;
	uint32_t line;
	uint32_t column;
	const struct promote_error *next;
} promote_error;

/* Never NULL: with no error recorded, code is PROMOTE_OK and message "no error". */
PROMOTE_EXTERN(const promote_error *) promote_error_last(void);

/* Forget the calling thread's last error. */
PROMOTE_EXTERN(void) promote_error_clear(void);

/*
 * For callbacks (a git provider, a deploy backend, credentials): record
 * `message` (copied; NULL: the code's description) as the calling thread's
 * error with `code` (negative) and `klass`, and return `code`, so that
 * `return promote_error_set_str(code, PROMOTE_ERROR_CLASS_PROVIDER, "the
 * token was refused");` reaches the caller with that message. Not a fallible
 * call: it returns the code it was given (-1, the generic one, for a code
 * that is not negative).
 */
PROMOTE_EXTERN(int) promote_error_set_str(int code, int klass, const char *message);

/* A static description of a code ("not found"); never NULL. */
PROMOTE_EXTERN(const char *) promote_strerror(int code);

PROMOTE_END_DECL

#endif
