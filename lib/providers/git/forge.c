/* A forge provider's connection to one repository (forge.h). */
#include "forge.h"

#include "model/context.h"
#include "net/forge_url.h"
#include "core/error.h"
#include "core/strbuf.h"
#include "core/json_util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_kind(const promote_repository *repo, const promote__forge_kind *kind)
{
	return repo && repo->provider &&
	       (strcmp(repo->provider, kind->provider) == 0 || (kind->alias && strcmp(repo->provider, kind->alias) == 0));
}

/* Whether change id "PATH<sep>N" names the repository of `url` (OWNER/NAME, case aside; a GitLab
 * owner is a group path: the name follows the last slash). */
static bool same_repository(const char *id, char sep, const promote__forge_url *url)
{
	const char *mark = id ? strrchr(id, sep) : NULL, *slash = NULL;
	for (const char *p = id; mark && p < mark; p++)
		slash = *p == '/' ? p : slash;
	if (!mark || !slash)
		return false;
	size_t owner_len = (size_t)(slash - id), name_len = (size_t)(mark - slash - 1);
	return strlen(url->owner) == owner_len && strncasecmp(id, url->owner, owner_len) == 0 &&
	       strlen(url->name) == name_len && strncasecmp(slash + 1, url->name, name_len) == 0;
}

const char *promote__forge_what(const promote__forge_kind *kind)
{
	return kind->what ? kind->what : "pull request";
}

char promote__forge_sep(const promote__forge_kind *kind)
{
	return kind->id_sep ? kind->id_sep : '#';
}

const char *promote__forge_pulls(const promote__forge_kind *kind)
{
	return kind->pulls ? kind->pulls : "/pulls";
}

const char *promote__forge_number_key(const promote__forge_kind *kind)
{
	return kind->number_key ? kind->number_key : "number";
}

/* Which configured repository: see forge.h. */
static const promote_repository *choose(promote_context *ctx, const promote__forge_kind *kind, const char *env,
	const char *id)
{
	const promote_env *e = NULL;
	if (env && promote_env_lookup(&e, ctx, env) == 0 && is_kind(promote_env_repository(e), kind))
		return promote_env_repository(e);
	promote_error_clear();
	const promote_repository *first = NULL;
	for (size_t i = 0; i < ctx->cfg.repository_count; i++) {
		const promote_repository *repo = &ctx->cfg.repositories[i];
		if (!is_kind(repo, kind) || !repo->url)
			continue;
		if (!first)
			first = repo;
		promote__forge_url url;
		if (id && promote__forge_url_parse(&url, repo->url) == 0) {
			bool same = same_repository(id, promote__forge_sep(kind), &url);
			promote__forge_url_dispose(&url);
			if (same)
				return repo;
		}
	}
	return first;
}

int promote__forge_open(promote__forge *f, const promote__forge_kind *kind, promote_context *ctx, const char *env,
	const char *id)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	const promote_repository *repo = choose(ctx, kind, env, id);
	if (!repo)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"no repository of the configuration has provider %s and a url: add one under 'repositories'",
			kind->provider);
	promote__forge_url url;
	int rc = promote__forge_url_parse(&url, repo->url);
	if (rc == PROMOTE_EINVALID)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"repository '%s': its url does not end in %s", repo->name, kind->shape ? kind->shape : "OWNER/REPO");
	if (rc)
		return rc;
	char *base = repo->api ? promote__strdupf("%s", repo->api) : kind->api_base(&url), *header = NULL;
	f->owner = url.owner;
	f->name = url.name;
	url.owner = url.name = NULL;
	f->merge_method = repo->merge_method ? repo->merge_method : "merge";
	promote__forge_url_dispose(&url);
	f->prefix = kind->prefix ? kind->prefix(f) : promote__strdupf("/repos/%s/%s", f->owner, f->name);
	if (!f->prefix)
		rc = promote__error_oom();
	char *graphql = base && kind->graphql_url ? kind->graphql_url(repo->graphql, base) : NULL;
	if (rc == 0)
		rc = base && (graphql || !kind->graphql_url) ? promote__api_token_header(&header, &kind->token, ctx, base)
							 : promote__error_oom();
	promote__api_options options = { 0 };
	options.auth_header = header;
	options.flavor = kind->flavor;
	options.net_timeout_s = ctx->creds.net_timeout_s;
	if (rc == 0) {
		options.base_url = base;
		rc = promote__api_new(&f->api, &options);
	}
	if (rc == 0 && graphql) {
		options.base_url = graphql;
		rc = promote__api_new(&f->graphql, &options);
	}
	promote__api_token_header_free(header);
	free(graphql);
	free(base);
	if (rc)
		promote__forge_close(f);
	return rc;
}

void promote__forge_close(promote__forge *f)
{
	promote__api_free(f->api);
	promote__api_free(f->graphql);
	free(f->owner);
	free(f->name);
	free(f->prefix);
	memset(f, 0, sizeof *f);
}

int promote__forge_call(json_object **out, long *status, promote__forge *f, const char *method, const char *suffix,
	json_object *body)
{
	*out = NULL;
	char *path = promote__strdupf("%s%s", f->prefix, suffix);
	int rc = path ? promote__api_call_json(f->api, out, status, method, path, body) : promote__error_oom();
	free(path);
	return rc;
}

char *promote__forge_change_id(const promote__forge *f, int64_t number)
{
	return promote__strdupf("%s/%s%c%lld", f->owner, f->name, promote__forge_sep(f->kind), (long long)number);
}

int promote__forge_change_number(int64_t *number, const char *id, const promote__forge_kind *kind)
{
	const char *hash = strrchr(id, promote__forge_sep(kind)), *digits = hash ? hash + 1 : id;
	char *end = NULL;
	long long n = isdigit((unsigned char)*digits) ? strtoll(digits, &end, 10) : 0;
	if (n <= 0 || !end || *end)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"'%s' is not a change id of the %s provider: it is %s%cNUMBER, the %s's", id, kind->provider,
			kind->shape ? kind->shape : "OWNER/REPO", promote__forge_sep(kind), promote__forge_what(kind));
	*number = n;
	return 0;
}

int promote__forge_list(json_object **out, promote__forge *f, const char *suffix)
{
	*out = json_object_new_array();
	char *path = promote__strdupf("%s%s", f->prefix, suffix);
	int rc = *out && path ? 0 : promote__error_oom();
	for (unsigned page = 0; rc == 0 && path && page < 20; page++) {
		promote__api_reply reply = { 0, NULL, NULL, NULL };
		rc = promote__api_call(f->api, &reply, "GET", path, NULL);
		size_t n = rc == 0 && json_object_is_type(reply.json, json_type_array) ? json_object_array_length(reply.json) : 0;
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = promote__json_append(*out, json_object_get(json_object_array_get_idx(reply.json, i)));
		free(path);
		path = reply.next;  /* an absolute URL on the same host, or NULL: the last page */
		reply.next = NULL;
		promote__api_reply_dispose(&reply);
	}
	free(path);
	if (rc) {
		json_object_put(*out);
		*out = NULL;
	}
	return rc;
}

char *promote__forge_escape(const char *s, bool in_path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(3 * strlen(s) + 1), *o = out;
	for (; out && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr(in_path ? "-._~" : "-._~/:", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	if (out)
		*o = '\0';
	return out;
}

int promote__forge_compare(json_object **out, promote__forge *f, const promote_change_request *request,
	const char *query)
{
	char *base = promote__forge_escape(promote_change_request_base(request), true);
	char *head = promote__forge_escape(promote_change_request_head(request), true);
	char *suffix = base && head ? promote__strdupf("/compare/%s...%s%s", base, head, query) : NULL;
	int rc = suffix ? promote__forge_call(out, NULL, f, "GET", suffix, NULL) : promote__error_oom();
	free(suffix);
	free(head);
	free(base);
	return rc;
}

int promote__forge_pull_body(json_object **out, const promote_change_request *request, const char *title)
{
	json_object *body = *out = json_object_new_object();
	int rc = body ? promote__json_put_string(body, "title", title, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__json_put_string(body, "body", promote_change_request_body(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "head", promote_change_request_head(request), false);
	if (rc == 0)
		rc = promote__json_put_string(body, "base", promote_change_request_base(request), false);
	if (rc) {
		json_object_put(body);
		*out = NULL;
	}
	return rc;
}

int promote__forge_head_moved(const promote__forge *f, const char *id, const char *sha)
{
	return promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
		"%s %s was not merged: its head moved since commit %.12s, whose checks were read; the new head's checks "
		"are read again before it is merged", promote__forge_what(f->kind), id, sha);
}
