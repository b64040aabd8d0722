/*
 * Pushing one commit over git's smart HTTP protocol (receive-pack, protocol
 * version 0, as git-http-backend and the forges speak it):
 *
 *   GET  URL/info/refs?service=git-receive-pack   the refs and capabilities
 *   POST URL/git-receive-pack                     "OLD NEW REF\0caps", flush, the pack
 *
 * or, when the caller knows what the ref should hold (the commit it built
 * on, the record's version it read), the POST alone, from that value: the
 * GET is made only when the server refuses it (push_to()).
 *
 * The pack holds what the commit adds to its first parent
 * (promote__git_pack_added()), so the cost follows the change. The server
 * updates the ref only if it still holds OLD: the compare-and-swap happens
 * there. Messages are framed as pkt-lines: four hex digits of length
 * (header included), "0000" a flush.
 */
#include "smart_http.h"
#include "push_error.h"

#include "net/http.h"
#include "net/redact.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZERO_ID "0000000000000000000000000000000000000000"
/* The longest pkt-line payload: 65520 bytes with the four of the length. */
#define PKT_PAYLOAD_MAX (65520 - 4)

/* The next pkt-line of `buf` from *pos: its payload in *line (NULL for a
 * flush), false at the end or on a malformed length. */
static bool next_pkt(const promote_buf *buf, size_t *pos, const char **line, size_t *len)
{
	if (*pos + 4 > buf->size)
		return false;
	unsigned n = 0;
	for (size_t i = 0; i < 4; i++) {
		char c = buf->ptr[*pos + i];
		int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (digit < 0)
			return false;
		n = n * 16 + (unsigned)digit;
	}
	if (n == 0) {
		*pos += 4;
		*line = NULL;
		*len = 0;
		return true;
	}
	if (n < 4 || *pos + n > buf->size)
		return false;
	*line = buf->ptr + *pos + 4;
	*len = n - 4;
	*pos += n;
	return true;
}

static int put_pkt(promote_buf *out, const char *data, size_t len)
{
	if (len > PKT_PAYLOAD_MAX)
		return promote__error(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_INVALID,
			"a git protocol line of %zu bytes is longer than the %d the protocol allows", len, PKT_PAYLOAD_MAX);
	char head[5];
	snprintf(head, sizeof head, "%04zx", len + 4);
	int rc = promote__buf_put(out, head, 4);
	return rc ? rc : promote__buf_put(out, data, len);
}

/* A URL below the repository's: "https://host/repo.git" + "/info/refs". */
static char *below(const char *url, const char *path)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	size_t size = n + strlen(path) + 1;
	char *out = malloc(size);
	if (out)
		snprintf(out, size, "%.*s%s", (int)n, url, path);
	return out;
}

/* The user of "scheme://user[:password]@host...": 0 with *out NULL when
 * there is none or a malloc'd copy, or PROMOTE_ENOMEM. */
static int url_user(char **out, const char *url)
{
	*out = NULL;
	const char *start = strstr(url, "://");
	if (!start)
		return 0;
	start += 3;
	size_t span = strcspn(start, "/@");
	if (start[span] != '@')
		return 0;
	size_t user = strcspn(start, ":@");
	if (user == 0)
		return 0;
	if (!(*out = malloc(user + 1)))
		return promote__error_oom();
	memcpy(*out, start, user);
	(*out)[user] = '\0';
	return 0;
}

typedef struct session {
	promote__http_client *http;
	git_repository *repo;
	const char *url;
	const char *user;
	const char *password;
	bool insecure;
	bool *unauthorized;  /* set on a 401: the credentials were refused */
	bool from_helper;    /* the credentials are git's credential helpers' */
	promote__progress *progress;
	uint32_t net_timeout_s;  /* the context's bound (0: unset) */
	const promote__git_pack_kept *kept;  /* a pack made already (may be NULL) */
} session;

static int request(promote__http_response *res, const session *s, const char *method, const char *path,
	const char *const *headers, const promote_buf *body)
{
	char *target = below(s->url, path);
	if (!target)
		return promote__error_oom();
	promote__http_request req = { method, target, headers, body ? body->ptr : NULL, body ? body->size : 0, s->user,
		s->password, s->insecure, 0, 0, s->net_timeout_s, NULL, NULL, false };
	int rc = promote__http_run(s->http, res, &req);
	free(target);
	if (rc == 0 && (res->status == 401 || res->status == 403)) {
		/* 403: known, and not allowed; only a 401 says the credentials are wrong. */
		*s->unauthorized = res->status == 401;
		promote__http_response_dispose(res);
		char *shown = promote__redact_url(s->url);
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_GIT, "cannot push to %s: the server refused %s",
			shown ? shown : "the remote", s->from_helper ? "the credentials of git's credential helper" :
			"the credentials (set PROMOTE_GIT_USERNAME and PROMOTE_GIT_PASSWORD or PROMOTE_GIT_TOKEN)");
		free(shown);
	}
	return rc;
}

/* The ref's value and the server's capabilities, from the advertisement. */
typedef struct advert {
	char old[GIT_OID_HEXSZ + 1];
	promote__strbuf caps;
} advert;

static int read_advert(advert *out, const session *s, const char *ref)
{
	snprintf(out->old, sizeof out->old, ZERO_ID);
	promote__strbuf_init(&out->caps, PKT_PAYLOAD_MAX, "the server's capabilities");
	promote__http_response res;
	int rc = request(&res, s, "GET", "/info/refs?service=git-receive-pack", NULL, NULL);
	if (rc)
		return rc;
	bool smart = res.status == 200 && strcmp(res.content_type, "application/x-git-receive-pack-advertisement") == 0;
	size_t pos = 0, len, refs = 0;
	const char *line;
	/* "# service=git-receive-pack\n", a flush, then "ID REF[\0caps]\n" lines, a flush. */
	if (smart && !(next_pkt(&res.body, &pos, &line, &len) && line && len >= 26 &&
			     memcmp(line, "# service=git-receive-pack", 26) == 0 && next_pkt(&res.body, &pos, &line, &len) &&
			     !line))
		smart = false;
	while (smart && next_pkt(&res.body, &pos, &line, &len) && line) {
		if (len < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != ' ') {
			smart = false;
			break;
		}
		const char *name = line + GIT_OID_HEXSZ + 1, *end = line + len;
		const char *nul = memchr(name, '\0', (size_t)(end - name));
		size_t name_len = (size_t)((nul ? nul : end) - name);
		if (name_len > 0 && name[name_len - 1] == '\n')
			name_len--;
		if (refs++ == 0 && nul && (rc = promote__strbuf_add(&out->caps, nul + 1, (size_t)(end - nul - 1))) < 0)
			break;
		if (name_len == strlen(ref) && memcmp(name, ref, name_len) == 0)
			memcpy(out->old, line, GIT_OID_HEXSZ);
	}
	promote__http_response_dispose(&res);
	if (rc)
		return rc;
	/* Not a smart server (a dumb one, a redirect, a proxy's page): libgit2 copes or says why. */
	return smart && refs > 0 && strstr(promote__strbuf_cstr(&out->caps), "report-status") ? 0
											   : PROMOTE_ENOTSUPPORTED;
}

static bool has_cap(const char *caps, const char *cap)
{
	size_t n = strlen(cap);
	for (const char *p = caps; (p = strstr(p, cap)); p += n)
		if ((p == caps || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0' || p[n] == '\n'))
			return true;
	return false;
}

/* The report-status lines, out of side-band channel 1 when it is used. */
static int read_report(promote_buf *report, const promote_buf *body, bool sideband, const session *s, const char *ref)
{
	size_t pos = 0, len;
	const char *line;
	if (!sideband)
		return promote__buf_put(report, body->ptr ? body->ptr : "", body->size);
	while (next_pkt(body, &pos, &line, &len) && line) {
		if (len == 0)
			continue;
		if (line[0] == 1) {
			int rc = promote__buf_put(report, line + 1, len - 1);
			if (rc)
				return rc;
		} else if (line[0] == 3) {
			promote__strbuf reason;
			promote__strbuf_init(&reason, PKT_PAYLOAD_MAX, "the server's reason");
			int rc = promote__strbuf_add(&reason, line + 1, len - 1);
			if (rc == 0)
				rc = promote__git_push_refused(s->url, ref, promote__strbuf_cstr(&reason));
			promote__strbuf_free(&reason);
			return rc;
		}
	}
	return 0;
}

/* Whether `t` ("ok REF") names one of the updates' refs. */
static bool names_ref(const char *t, const promote__git_ref_update *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t, u[i].ref) == 0)
			return true;
	return false;
}

/* Which refusal ("REF REASON") of several says most: a ref's own reason before the one an atomic push
 * gives the others ("atomic push failure"), and a branch before the bookkeeping refs pushed with it
 * (a hook that refuses the whole push names the branch, as it would for the branch alone). */
static int refusal_rank(const char *ref_reason)
{
	return (strstr(ref_reason, "atomic push failure") ? 0 : 2) + (strncmp(ref_reason, "refs/heads/", 11) == 0 ? 1 : 0);
}

/* "unpack ok", then "ok REF" or "ng REF REASON" for each ref. Refused: the reason that says most
 * (refusal_rank()), so that a ref that moved is a race and a hook's refusal is final. */
static int check_report(const promote_buf *report, const session *s, const promote__git_ref_update *u, size_t n)
{
	size_t pos = 0, len, updated = 0;
	const char *line;
	bool unpacked = false;
	promote__strbuf text, refused;
	promote__strbuf_init(&text, PKT_PAYLOAD_MAX, "a line of the server's report");
	promote__strbuf_init(&refused, PKT_PAYLOAD_MAX, "the server's refusal");
	int rc = 0;
	while (rc == 0 && next_pkt(report, &pos, &line, &len) && line) {
		while (len > 0 && line[len - 1] == '\n')
			len--;
		promote__strbuf_reset(&text);
		if ((rc = promote__strbuf_add(&text, line, len)) < 0)
			break;
		const char *t = promote__strbuf_cstr(&text);
		if (strncmp(t, "unpack ", 7) == 0) {
			if (strcmp(t + 7, "ok") != 0)
				rc = promote__git_push_refused(s->url, u[0].ref, t);
			unpacked = true;
		} else if (strncmp(t, "ng ", 3) == 0) {
			if (promote__strbuf_len(&refused) == 0 || refusal_rank(t + 3) > refusal_rank(promote__strbuf_cstr(&refused))) {
				promote__strbuf_reset(&refused);
				rc = promote__strbuf_addf(&refused, "%s", t + 3);
			}
		} else if (strncmp(t, "ok ", 3) == 0 && names_ref(t + 3, u, n)) {
			updated++;
		}
	}
	promote__strbuf_free(&text);
	if (rc == 0 && promote__strbuf_len(&refused)) {
		/* "REF REASON" */
		char *ref = strdup(promote__strbuf_cstr(&refused));
		char *space = ref ? strchr(ref, ' ') : NULL;
		if (space)
			*space = '\0';
		rc = ref ? promote__git_push_refused(s->url, ref, space ? space + 1 : "refused") : promote__error_oom();
		free(ref);
	}
	promote__strbuf_free(&refused);
	if (rc || (unpacked && updated == n))
		return rc;
	char *shown = promote__redact_url(s->url);
	rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT,
		"cannot push to %s: the server's answer says neither that it took the pack nor that it updated '%s'",
		shown ? shown : "the remote", u[0].ref);
	free(shown);
	return rc;
}

/* What answered a push's POST. */
typedef enum push_answer { NO_ANSWER, NOT_SMART, SMART } push_answer;

/* The POST of the push: "OLD NEW REF\0caps" and "OLD NEW REF" for the others, a flush, the pack of what
 * each target adds to its expected value (zero: to nothing). `atomic`: all of them or none. *by: whether
 * an HTTP answer came, and whether it was a receive-pack result. */
static int send_push(const session *s, const promote__git_ref_update *u, size_t n, bool sideband, bool thin,
	bool atomic, push_answer *by)
{
	*by = NO_ANSWER;
	/* "OLD NEW REF\0caps\n": the reference name may be as long as one pkt-line allows. */
	promote__strbuf command;
	promote__strbuf_init(&command, PKT_PAYLOAD_MAX, "the push command for the reference");
	promote_buf body = PROMOTE_BUF_INIT, report = PROMOTE_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(old_hex, sizeof old_hex, &u[i].expected);
		git_oid_tostr(new_hex, sizeof new_hex, &u[i].target);
		promote__strbuf_reset(&command);
		rc = promote__strbuf_addf(&command, "%s %s %s", old_hex, new_hex, u[i].ref);
		if (rc == 0 && i == 0 && (rc = promote__strbuf_add(&command, "", 1)) == 0)
			rc = promote__strbuf_addf(&command, "report-status%s%s agent=libpromote", sideband ? " side-band-64k" : "",
				atomic ? " atomic" : "");
		if (rc == 0)
			rc = promote__strbuf_add(&command, "\n", 1);
		if (rc == 0)
			rc = put_pkt(&body, promote__strbuf_cstr(&command), promote__strbuf_len(&command));
	}
	promote__strbuf_free(&command);
	if (rc == 0)
		rc = promote__buf_put(&body, "0000", 4);
	size_t objects = 0;
	git_oid *targets = calloc(n, sizeof *targets), *haves = calloc(n, sizeof *haves);
	bool *from_root = calloc(n, sizeof *from_root);
	if (rc == 0 && (!targets || !haves || !from_root))
		rc = promote__error_oom();
	for (size_t i = 0; rc == 0 && i < n; i++) {
		targets[i] = u[i].target;
		haves[i] = u[i].expected;
		/* A new record: created and moved on in this process, all its versions are new to the server. */
		from_root[i] = git_oid_is_zero(&u[i].expected) && strncmp(u[i].ref, "refs/promote/", 13) == 0;
	}
	/* The pack the commit was stored as, when it is this push's: sent as it is — with the pack of the
	 * other refs (a release's records, pushed with the commit they name) joined to it. */
	const promote__git_pack_kept *kept = s->kept;
	size_t k = n;
	for (size_t i = 0; kept && kept->pack.size && i < n; i++)
		if (git_oid_equal(&kept->commit, &u[i].target) && git_oid_equal(&kept->parent, &u[i].expected))
			k = i;
	if (rc == 0 && k < n && n == 1) {
		rc = promote__buf_put(&body, kept->pack.ptr, kept->pack.size);
		objects = kept->objects;
	} else if (rc == 0 && k < n) {
		promote_buf rest = PROMOTE_BUF_INIT;
		size_t others = 0;
		targets[k] = targets[n - 1];
		haves[k] = haves[n - 1];
		from_root[k] = from_root[n - 1];
		rc = promote__git_pack_added_many(&rest, &others, s->repo, targets, haves, from_root, n - 1, thin);
		if (rc == 0)
			rc = promote__git_pack_join(&body, &kept->pack, &rest);
		objects = kept->objects + others;
		promote_buf_dispose(&rest);
	} else if (rc == 0) {
		rc = promote__git_pack_added_many(&body, &objects, s->repo, targets, haves, from_root, n, thin);
	}
	free(targets);
	free(haves);
	free(from_root);
	/* The pack is whole before a byte is sent: packed, then sent in one request. */
	if (rc == 0 && (promote__progress_report(s->progress, PROMOTE_TRANSFER_PACKING, objects, objects, 0) ||
			       promote__progress_report(s->progress, PROMOTE_TRANSFER_WRITING, 0, objects, 0)))
		rc = promote__progress_stopped(s->progress, "the push to");
	static const char *const headers[] = { "Content-Type: application/x-git-receive-pack-request",
		"Accept: application/x-git-receive-pack-result", "Expect:", NULL };
	promote__http_response res = { 0, PROMOTE_BUF_INIT, "", PROMOTE_BUF_INIT, false, false };
	if (rc == 0)
		rc = request(&res, s, "POST", "/git-receive-pack", headers, &body);
	if (rc == 0) /* the server has it all: its answer to this one cannot stop anything */
		promote__progress_report(s->progress, PROMOTE_TRANSFER_WRITING, objects, objects, body.size);
	if (rc == 0)
		*by = res.status == 200 && strcmp(res.content_type, "application/x-git-receive-pack-result") == 0 ? SMART
														       : NOT_SMART;
	if (rc == 0 && res.status != 200) {
		char *shown = promote__redact_url(s->url);
		rc = promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_GIT, "cannot push to %s: HTTP status %ld",
			shown ? shown : "the remote", res.status);
		free(shown);
	}
	if (rc == 0 && (rc = read_report(&report, &res.body, sideband, s, u[0].ref)) == 0)
		rc = check_report(&report, s, u, n);
	promote__http_response_dispose(&res);
	promote_buf_dispose(&report);
	promote_buf_dispose(&body);
	return rc;
}

/* The push as git makes it: the ref's value and the server's capabilities read first (GET info/refs), then
 * the POST from that value; a ref already at `commit` is not pushed again. */
static int push_advertised(const session *s, const git_oid *commit, const char *ref, bool force)
{
	advert ad;
	int rc = read_advert(&ad, s, ref);
	char new_hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(new_hex, sizeof new_hex, commit);
	if (rc || strcmp(ad.old, new_hex) == 0) { /* or there already */
		promote__strbuf_free(&ad.caps);
		return rc;
	}
	if (!force && strcmp(ad.old, ZERO_ID) != 0) {
		/* Only a fast-forward: what the server has must be behind the commit. */
		git_oid old;
		if (git_oid_fromstr(&old, ad.old) < 0 || git_graph_descendant_of(s->repo, commit, &old) != 1) {
			promote__strbuf_free(&ad.caps);
			return promote__git_push_refused(s->url, ref, "non-fast-forward");
		}
	}
	bool sideband = has_cap(promote__strbuf_cstr(&ad.caps), "side-band-64k");
	bool thin = !has_cap(promote__strbuf_cstr(&ad.caps), "no-thin");
	promote__strbuf_free(&ad.caps);
	promote__git_ref_update u = { ref, *commit, { { 0 } } };
	if (git_oid_fromstr(&u.expected, ad.old) < 0)
		memset(&u.expected, 0, sizeof u.expected);
	push_answer by;
	return send_push(s, &u, 1, sideband, thin, false, &by);
}

/*
 * The push, once the credentials are known. With the value the caller expects the ref to hold (`expected`,
 * zero: none), the POST goes first, from that value, with the capabilities every git server has (report-status,
 * side-band-64k, thin packs): one round trip instead of two, the server's compare-and-swap the same. When
 * the server refuses it (the ref is elsewhere: moved, or already at `commit`) or is not a smart server,
 * the push is made again as git makes it, which tells those apart. A push that got no answer (the network,
 * a timeout) is not made again: said as it is, within its bound.
 */
static int push_to(const session *s, const git_oid *commit, const git_oid *expected, const char *ref, bool force)
{
	if (expected && !force) {
		promote__git_ref_update u = { ref, *commit, *expected };
		push_answer by = NOT_SMART;
		/* (Not a fast-forward of what the caller expects: the server's value decides, as git's push.) */
		bool descends = git_oid_is_zero(expected) || git_graph_descendant_of(s->repo, commit, expected) == 1;
		int rc = descends ? send_push(s, &u, 1, true, true, false, &by) : PROMOTE_ECONFLICT;
		/* (Only "the ref holds another value": a hook's or a protected branch's refusal is final, and a
		 * hook is not run twice.) */
		bool refused = rc == PROMOTE_ECONFLICT;
		if (!(by == NOT_SMART || (by == SMART && refused)))
			return rc;
		promote_error_clear();
	}
	return push_advertised(s, commit, ref, force);
}

/* What a push does once it has its session (the server's URL, the credentials). */
typedef int (*push_op)(const session *s, void *arg);

/* `op` with the credentials to offer: the context's callback first (asked once, for a password), then git's
 * credential helpers, else the environment; the helpers learn what became of their answer. */
static int with_login(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, push_op op, void *arg)
{
	char *user_in_url;
	int rc = url_user(&user_in_url, url);
	if (rc)
		return rc;
	const char *skip = getenv("PROMOTE_GIT_INSECURE_SKIP_TLS_VERIFY");
	bool unauthorized = false;
	promote__progress progress;
	char *shown = events && events->cb ? promote__redact_url(url) : NULL; /* out of memory: no URL in events */
	promote__progress_start(&progress, events, PROMOTE_TRANSFER_PUSH, shown);
	session s = { NULL, repo, url, NULL, NULL, skip && strcmp(skip, "1") == 0, &unauthorized, false, &progress,
		creds ? creds->net_timeout_s : 0, NULL };
	promote__git_credential helper = PROMOTE__GIT_CREDENTIAL_INIT;
	struct promote_credential answer = { 0, NULL, NULL, NULL, NULL, NULL };
	rc = creds && creds->cb ? promote__credentials_ask(&answer, creds, url, user_in_url, PROMOTE_CREDENTIAL_USERPASS)
				: PROMOTE_PASSTHROUGH;
	promote__git_credential *kept = creds && creds->helpers ? &creds->helpers->accepted : NULL;
	bool from_kept = rc == PROMOTE_PASSTHROUGH && kept && kept->request;
	if (from_kept) {
		s.user = kept->username;
		s.password = kept->password;
		s.from_helper = true;
		rc = 0;
	} else if (rc == PROMOTE_PASSTHROUGH && promote__git_credential_fill(&helper, url, user_in_url, creds ? creds->helpers : NULL) == 0) {
		s.user = helper.username;
		s.password = helper.password;
		s.from_helper = true;
		rc = 0;
	} else if (rc == PROMOTE_PASSTHROUGH) {
		promote__remote_userpass(&s.user, &s.password, user_in_url);
		rc = 0;
	} else if (rc == 0) {
		s.user = answer.user;
		s.password = answer.password;
	}
	if (rc == 0)
		rc = promote__http_client_new(&s.http);
	if (rc == 0)
		rc = op(&s, arg);
	promote__http_client_free(s.http);
	/* Any answer but a 401 is the server's past the login. Accepted ones are kept for the session's next
	 * push; kept ones refused now are forgotten. */
	promote__git_credential_settle(creds ? creds->helpers : NULL, &helper, from_kept,
		unauthorized ? -1 : rc == 0 || rc == PROMOTE_ECONFLICT || rc == PROMOTE_EGIT ? 1 : 0);
	promote__credential_clear(&answer);
	free(user_in_url);
	free(shown);
	return rc;
}

typedef struct one_push {
	const git_oid *commit, *expected;
	const char *ref;
	bool force;
	const promote__git_pack_kept *kept;
} one_push;

static int push_one(const session *s, void *arg)
{
	const one_push *p = arg;
	session with = *s;
	with.kept = p->kept;
	return push_to(&with, p->commit, p->expected, p->ref, p->force);
}

int promote__git_http_push(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, const git_oid *commit, const git_oid *expected, const char *ref, bool force,
	const promote__git_pack_kept *kept)
{
	one_push p = { commit, expected, ref, force, kept };
	return with_login(repo, url, creds, events, push_one, &p);
}

typedef struct many_push {
	const promote__git_ref_update *updates;
	size_t count;
	int *atomic;
	const promote__git_pack_kept *kept;
} many_push;

/* Whether the server takes atomic pushes is asked once (its advertisement), then known. */
static int push_many(const session *s, void *arg)
{
	const many_push *p = arg;
	if (*p->atomic == 0) {
		advert ad;
		int rc = read_advert(&ad, s, p->updates[0].ref);
		if (rc == 0)
			*p->atomic = has_cap(promote__strbuf_cstr(&ad.caps), "atomic") &&
				has_cap(promote__strbuf_cstr(&ad.caps), "side-band-64k") ? 1 : -1;
		promote__strbuf_free(&ad.caps);
		if (rc)
			return rc;
	}
	if (*p->atomic < 0)
		return PROMOTE_ENOTSUPPORTED;
	push_answer by;
	session with = *s;
	with.kept = p->kept;
	int rc = send_push(&with, p->updates, p->count, true, true, true, &by);
	return by == NOT_SMART ? PROMOTE_ENOTSUPPORTED : rc;
}

int promote__git_http_push_atomic(git_repository *repo, const char *url, const promote__credentials *creds,
	const promote__events *events, const promote__git_ref_update *updates, size_t count, int *atomic,
	const promote__git_pack_kept *kept)
{
	many_push p = { updates, count, atomic, kept };
	return with_login(repo, url, creds, events, push_many, &p);
}
