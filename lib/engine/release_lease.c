/*
 * The lease of an environment for a product (release_lease.h). A release
 * that holds it while its step is open there keeps it; taking it always
 * writes a new version, even over the release's own name, so that a
 * release that finished a step there and then went back to `pending` (a
 * retry) takes it anew, by a compare-and-swap against whoever saw it
 * finished and took it meanwhile.
 */
#include "release_lease.h"
#include "release_json.h"
#include "release_peers.h"
#include "release_machine.h"

#include "git/record_update.h"
#include "git/session.h"
#include "model/context.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define LEASE_MAX 256u

/* A name as one component of a ref: characters outside [A-Za-z0-9._-] become '_' (two names that
 * become one share a lease: their releases wait for each other, never both act). */
static int add_component(promote__strbuf *ref, const char *name)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && name[i]; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			(c == '.' && i > 0 && name[i - 1] != '.');
		rc = promote__strbuf_addf(ref, "%c", ok ? c : '_');
	}
	return rc;
}

static int lease_ref(promote__strbuf *ref, const char *product, const char *env)
{
	promote__strbuf_init(ref, PROMOTE__REFNAME_MAX, "the lease's reference name");
	int rc = promote__strbuf_adds(ref, PROMOTE__GIT_LEASES_PREFIX);
	if (rc == 0)
		rc = add_component(ref, product);
	if (rc == 0)
		rc = promote__strbuf_adds(ref, "/");
	if (rc == 0)
		rc = add_component(ref, env);
	if (rc == 0 && !git_reference_is_valid_name(promote__strbuf_cstr(ref)))
		rc = promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_RELEASE,
			"product '%s' and environment '%s' make no valid lease reference ('%s'); rename one", product, env,
			promote__strbuf_cstr(ref));
	return rc;
}

/* The id a lease's bytes name ("" none), malloc'd. */
static char *holder_of(const promote_buf *bytes)
{
	if (!bytes || !bytes->ptr)
		return strdup("");
	size_t n = strcspn(bytes->ptr, "\n");
	return strndup(bytes->ptr, n);
}

/* Whether release `id` has an open step into `env`, as its record says now (no record: no). */
static int holds(bool *out, const promote_release *r, promote__git_session *s, const char *id, const char *env)
{
	*out = false;
	char *ref = promote__strdupf("%s%s", PROMOTE__RELEASES_PREFIX, id);
	if (!ref)
		return promote__error_oom();
	promote_buf bytes = PROMOTE_BUF_INIT;
	git_oid tip;
	promote_release *holder = NULL;
	int rc = promote__git_record_get(&bytes, &tip, s, ref, PROMOTE__RELEASE_RECORD_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	} else if (rc == 0 && (rc = promote__release_alloc(&holder, r->ctx)) == 0 &&
		(rc = promote__release_parse(holder, bytes.ptr, bytes.size, ref)) == 0) {
		const promote_release_step *step = promote__release_step_in(holder, env);
		*out = !promote__release_state_final(holder->state) && step && !promote__step_final(step->state);
	}
	promote__release_free(holder);
	promote_buf_dispose(&bytes);
	free(ref);
	return rc;
}

typedef struct take_args {
	const promote_release *r;
	promote__git_session *s;
	const char *env;
	char *holder; /* out: who holds it, when not r */
} take_args;

static int mutate_take(promote_buf *next, bool *write, const promote_buf *current, void *arg)
{
	take_args *a = arg;
	free(a->holder);
	a->holder = NULL;
	char *named = holder_of(current);
	if (!named)
		return promote__error_oom();
	bool held = false;
	int rc = *named && strcmp(named, a->r->id) != 0 ? holds(&held, a->r, a->s, named, a->env) : 0;
	if (rc == 0 && held) {
		a->holder = named;
		return 0;
	}
	free(named);
	if (rc == 0) {
		rc = promote__buf_puts(next, a->r->id);
		if (rc == 0)
			rc = promote__buf_putc(next, '\n');
		*write = rc == 0;
	}
	return rc;
}

int promote__lease_take(char **holder, const promote_release *r, const char *env)
{
	*holder = NULL;
	promote__git_session *s = NULL;
	promote__strbuf ref, message;
	promote__strbuf_init(&message, PROMOTE__MESSAGE_MAX, "the lease's commit message");
	int rc = lease_ref(&ref, promote__release_subject(r), env);
	if (rc == 0)
		rc = promote__strbuf_addf(&message, "Lease %s in %s: %s\n", promote__release_subject(r), env, r->id);
	if (rc == 0)
		rc = promote__context_session(&s, r->ctx);
	take_args a = { r, s, env, NULL };
	/* Kept for the release's next push, with its record (the step that takes it): a compare-and-swap among
	 * the others of that push — lost, none of them lands. */
	promote__git_record_target target = { promote__strbuf_cstr(&ref), LEASE_MAX, promote__strbuf_cstr(&message),
		r->opts.author_name, r->opts.author_email, true, NULL };
	if (rc == 0)
		rc = promote__git_record_update(NULL, NULL, s, &target, mutate_take, &a);
	if (rc == 0)
		*holder = a.holder;
	else
		free(a.holder);
	promote__strbuf_free(&message);
	promote__strbuf_free(&ref);
	return rc;
}

int promote__lease_settle(promote_context *ctx, const char *subject, const char *env)
{
	promote__strbuf ref;
	int rc = lease_ref(&ref, subject, env);
	promote__git_session *session = NULL;
	if (rc == 0 && (rc = promote__context_session(&session, ctx)) == 0)
		rc = promote__git_session_settle(session, promote__strbuf_cstr(&ref));
	promote__strbuf_free(&ref);
	return rc;
}

int promote__lease_read(char **holder, promote_context *ctx, const char *product, const char *env)
{
	*holder = NULL;
	promote__git_session *s = NULL;
	promote__strbuf ref;
	promote_buf bytes = PROMOTE_BUF_INIT;
	git_oid tip;
	int rc = lease_ref(&ref, product, env);
	if (rc == 0)
		rc = promote__context_session(&s, ctx);
	if (rc == 0)
		rc = promote__git_record_get(&bytes, &tip, s, promote__strbuf_cstr(&ref), LEASE_MAX);
	if (rc == PROMOTE_ENOTFOUND) {
		promote_error_clear();
		rc = 0;
	}
	if (rc == 0 && !(*holder = holder_of(rc == 0 && bytes.ptr ? &bytes : NULL)))
		rc = promote__error_oom();
	promote_buf_dispose(&bytes);
	promote__strbuf_free(&ref);
	return rc;
}
