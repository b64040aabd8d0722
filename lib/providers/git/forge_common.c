/* What the forge providers share (forge_common.h). */
#include "forge_common.h"
#include "providers/change.h"

#include "git/remote_auth.h"
#include "model/context.h"
#include "core/error.h"
#include "core/json_util.h"
#include "core/strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <promote/sys/git_provider.h>

const char *promote__forge_string(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
		json_object_get_string(v) : "";
}

int64_t promote__forge_int(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

bool promote__forge_bool(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
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

const char *promote__forge_request_env(const promote_change_request *request)
{
	return promote_change_request_environment_count(request) ?
		promote_change_request_environment_at(request, 0) : NULL;
}

static bool has_provider(const promote_repository *repo, const char *provider)
{
	return repo && repo->provider && strcmp(repo->provider, provider) == 0;
}

/* Whether change id "PATH<sep>N" names the repository of `url` (OWNER/NAME, case aside). */
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

const promote_repository *promote__forge_choose(promote_context *ctx, const char *provider, const char *env,
	const char *id, char sep)
{
	const promote_env *e = NULL;
	if (env && promote_env_lookup(&e, ctx, env) == 0 && has_provider(promote_env_repository(e), provider))
		return promote_env_repository(e);
	promote_error_clear();
	const promote_repository *first = NULL;
	for (size_t i = 0; i < ctx->cfg.repository_count; i++) {
		const promote_repository *repo = &ctx->cfg.repositories[i];
		if (!has_provider(repo, provider) || !repo->url)
			continue;
		if (!first)
			first = repo;
		promote__forge_url url;
		if (id && promote__forge_url_parse(&url, repo->url) == 0) {
			bool same = same_repository(id, sep, &url);
			promote__forge_url_dispose(&url);
			if (same)
				return repo;
		}
	}
	return first;
}

/* The header with the token (malloc'd) from the environment or the credentials callback. */
static int auth_header(char **out, promote_context *ctx, const char *api_url, const promote__forge_token *how)
{
	*out = NULL;
	const char *token = NULL;
	for (size_t i = 0; i < 2 && (!token || !*token); i++)
		token = how->variables[i] ? getenv(how->variables[i]) : NULL;
	struct promote_credential cred = { 0, NULL, NULL, NULL, NULL, NULL };
	int rc = 0;
	if ((!token || !*token) && ctx->creds.cb) {
		rc = promote__credentials_ask(&cred, &ctx->creds, api_url, NULL, PROMOTE_CREDENTIAL_USERPASS);
		if (rc == PROMOTE_PASSTHROUGH) {
			promote_error_clear();
			rc = 0;
		} else if (rc == 0) {
			token = cred.password;
		}
	}
	if (rc == 0 && (!token || !*token))
		rc = promote__error(PROMOTE_EAUTH, PROMOTE_ERROR_CLASS_PROVIDER, how->missing, api_url);
	if (rc == 0 && !(*out = promote__strdupf(how->header, token)))
		rc = promote__error_oom();
	promote__credential_clear(&cred);
	return rc;
}

/* The client at `base` (and `extra`'s at extra_base, when extra is set), one token for both. */
static int api_pair_new(promote__api **out, promote_context *ctx, const char *base, const promote__forge_token *how,
	promote__api_flavor flavor, promote__api **extra, const char *extra_base)
{
	*out = NULL;
	char *header = NULL;
	int rc = auth_header(&header, ctx, base, how);
	promote__api_options options = { 0 };
	options.auth_header = header;
	options.flavor = flavor;
	options.net_timeout_s = ctx->creds.net_timeout_s;
	if (rc == 0) {
		options.base_url = base;
		rc = promote__api_new(out, &options);
	}
	if (rc == 0 && extra) {
		options.base_url = extra_base;
		rc = promote__api_new(extra, &options);
	}
	if (header) {
		memset(header, 0, strlen(header));
		free(header);
	}
	if (rc) {
		promote__api_free(*out);
		*out = NULL;
	}
	return rc;
}

int promote__forge_api_new(promote__api **out, promote_context *ctx, const char *base, const promote__forge_token *how,
	promote__api_flavor flavor)
{
	return api_pair_new(out, ctx, base, how, flavor, NULL, NULL);
}

int promote__forge_connect_extra(promote__api **api, char **owner, char **name, const char **merge_method,
	promote_context *ctx, const char *provider, const char *env, const char *id, char sep,
	char *(*default_base)(const promote__forge_url *url), const promote__forge_token *how, promote__api_flavor flavor,
	const char *shape, const promote__forge_extra *extra)
{
	*api = NULL;
	*owner = *name = NULL;
	const promote_repository *repo = promote__forge_choose(ctx, provider, env, id, sep);
	if (!repo)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"no repository of the configuration has provider %s and a url: add one under 'repositories'", provider);
	promote__forge_url url;
	int rc = promote__forge_url_parse(&url, repo->url);
	if (rc == PROMOTE_EINVALID)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"repository '%s': its url does not end in %s", repo->name, shape);
	if (rc)
		return rc;
	*merge_method = repo->merge_method ? repo->merge_method : "merge";
	char *base = repo->api ? promote__strdupf("%s", repo->api) : default_base(&url);
	char *extra_base = base && extra ? extra->url(repo, base) : NULL;
	rc = base && (!extra || extra_base) ? api_pair_new(api, ctx, base, how, flavor, extra ? extra->api : NULL, extra_base)
					    : promote__error_oom();
	free(extra_base);
	free(base);
	if (rc == 0) {
		*owner = url.owner;
		*name = url.name;
		url.owner = url.name = NULL;
	}
	promote__forge_url_dispose(&url);
	return rc;
}

int promote__forge_connect(promote__api **api, char **owner, char **name, const char **merge_method,
	promote_context *ctx, const char *provider, const char *env, const char *id, char sep,
	char *(*default_base)(const promote__forge_url *url), const promote__forge_token *how, promote__api_flavor flavor,
	const char *shape)
{
	return promote__forge_connect_extra(api, owner, name, merge_method, ctx, provider, env, id, sep, default_base, how,
		flavor, shape, NULL);
}

int promote__forge_call(json_object **out, long *status, promote__api *api, const char *method, const char *path,
	json_object *body)
{
	*out = NULL;
	promote__api_reply reply = { 0, NULL, NULL, NULL };
	int rc = promote__api_call(api, &reply, method, path, body);
	if (status)
		*status = reply.status;
	if (rc == 0) {
		*out = reply.json;
		reply.json = NULL;
	}
	promote__api_reply_dispose(&reply);
	return rc;
}

int promote__forge_call_at(json_object **out, long *status, promote__api *api, const char *method, const char *prefix,
	const char *suffix, json_object *body)
{
	*out = NULL;
	char *path = promote__strdupf("%s%s", prefix, suffix);
	int rc = path ? promote__forge_call(out, status, api, method, path, body) : promote__error_oom();
	free(path);
	return rc;
}

int promote__forge_list_at(json_object **out, promote__api *api, const char *prefix, const char *suffix)
{
	*out = NULL;
	char *path = promote__strdupf("%s%s", prefix, suffix);
	int rc = path ? promote__forge_list(out, api, path) : promote__error_oom();
	free(path);
	return rc;
}

int promote__forge_send(promote__api *api, const char *method, const char *path, const char *key, const char *value)
{
	json_object *request = json_object_new_object(), *answer = NULL;
	int rc = request ? promote__json_put_string(request, key, value, false) : promote__error_oom();
	if (rc == 0)
		rc = promote__forge_call(&answer, NULL, api, method, path, request);
	json_object_put(answer);
	json_object_put(request);
	return rc;
}

int promote__forge_list(json_object **out, promote__api *api, const char *first)
{
	*out = json_object_new_array();
	char *path = promote__strdupf("%s", first);
	int rc = *out && path ? 0 : promote__error_oom();
	for (unsigned page = 0; rc == 0 && path && page < 20; page++) {
		promote__api_reply reply = { 0, NULL, NULL, NULL };
		rc = promote__api_call(api, &reply, "GET", path, NULL);
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

int promote__forge_change_number(int64_t *number, const char *id, char sep, const char *provider, const char *what)
{
	const char *mark = strrchr(id, sep), *digits = mark ? mark + 1 : id;
	char *end = NULL;
	long long n = isdigit((unsigned char)*digits) ? strtoll(digits, &end, 10) : 0;
	if (n <= 0 || !end || *end)
		return promote__error(PROMOTE_EINVALID, PROMOTE_ERROR_CLASS_PROVIDER,
			"'%s' is not a change id of the %s provider: it is OWNER/REPO%cNUMBER, the %s's", id, provider, sep,
			what);
	*number = n;
	return 0;
}

bool promote__forge_has_labels(json_object *labels, const promote_change_request *request)
{
	size_t n = json_object_is_type(labels, json_type_array) ? json_object_array_length(labels) : 0;
	for (size_t i = 0; i < promote_change_request_label_count(request); i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++) {
			json_object *label = json_object_array_get_idx(labels, j);
			const char *name = json_object_is_type(label, json_type_string) ? json_object_get_string(label)
											  : promote__forge_string(label, "name");
			found = strcmp(name, promote_change_request_label_at(request, i)) == 0;
		}
		if (!found)
			return false;
	}
	return true;
}

int promote__forge_fill_info(promote_change_info *out, const char *id, const promote__forge_fields *f)
{
	int rc = promote_change_info_set_id(out, id);
	if (rc == 0)
		rc = promote_change_info_set_url(out, f->url);
	if (rc == 0)
		rc = promote_change_info_set_head(out, f->head);
	if (rc == 0)
		rc = promote_change_info_set_base(out, f->base);
	if (rc == 0)
		rc = promote_change_info_set_title(out, f->title);
	if (rc == 0)
		rc = promote_change_info_set_state(out, f->state);
	if (rc == 0)
		rc = promote_change_info_set_draft(out, f->draft);
	if (rc == 0 && f->state == PROMOTE_CHANGE_MERGED)
		rc = promote_change_info_set_merge_commit(out, f->merge_commit);
	return rc;
}

int promote__forge_reuse_or_open(json_object **out, promote_change_info *info, const promote__forge_ops *ops,
	const promote_change_request *request)
{
	bool diff = true;
	int rc = ops->find_open(out, ops->forge, request, true);
	if (rc == 0 && !*out && promote_change_request_label_count(request))
		rc = ops->find_open(out, ops->forge, request, false);
	if (rc == 0 && *out)
		return promote_change_info_set_reused(info, 1);
	if (rc == 0 && (rc = ops->has_diff(&diff, ops->forge, request)) == 0 && !diff)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"branch '%s' changes nothing in '%s' of %s: no %s was opened for an empty change",
			promote_change_request_head(request), promote_change_request_base(request), ops->where, ops->what);
	if (rc == 0)
		rc = ops->create(out, ops->forge, request);
	if ((rc == PROMOTE_EINVALID || rc == PROMOTE_ECONFLICT) && strstr(promote_error_last()->message, "already exists")) {
		/* Opened by a run that raced this one. */
		promote_error_clear();
		rc = ops->find_open(out, ops->forge, request, true);
		if (rc == 0 && !*out)
			rc = ops->create(out, ops->forge, request);  /* the same refusal again, with the forge's words */
		else if (rc == 0)
			rc = promote_change_info_set_reused(info, 1);
	}
	return rc;
}

int promote__forge_checks_seen(int checks, const promote_change_info *info, const char *why, bool conflict)
{
	if (checks != PROMOTE_CHECKS_FAILING && promote_change_info_state(info) == PROMOTE_CHANGE_OPEN &&
		!promote_change_info_draft(info) && why && !conflict)
		return PROMOTE_CHECKS_PENDING;  /* not ready yet: a release waits */
	return checks;
}

int promote__forge_merge_guard(const promote_change_info *info, const char *why, bool conflict, const char *id,
	const char *what, const char *forge, const char *head_sha)
{
	int state = promote_change_info_state(info), checks = promote_change_info_checks(info);
	if (state == PROMOTE_CHANGE_MERGED)
		return 1;  /* merged already (a run that died after the merge): nothing to do */
	if (state == PROMOTE_CHANGE_CLOSED)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s is closed; reopen it at %s or apply the promotion again", what, id, forge);
	if (why)  /* not ready yet is EBUSY: a release tries again later; a conflict waits for a person */
		return promote__error(conflict ? PROMOTE_ECONFLICT : PROMOTE_EBUSY, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s cannot be merged yet: %s", what, id, why);
	if (checks == PROMOTE_CHECKS_PENDING || checks == PROMOTE_CHECKS_FAILING)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s is not merged: the checks of its head %.12s are %s", what, id, head_sha,
			promote_checks_state_name(checks));
	return 0;
}

int promote__forge_merge_refused(int rc, const char *what, const char *forge, const char *id, const char *sha)
{
	if (rc == PROMOTE_ECONFLICT)
		return promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s %s was not merged: its head moved since commit %.12s, whose checks were read; "
			"the new head's checks are read again before it is merged", what, id, sha);
	if (rc == PROMOTE_ESTATE)
		return promote__error(PROMOTE_ESTATE, PROMOTE_ERROR_CLASS_PROVIDER,
			"%s does not merge %s %s now (%s)", forge, what, id, promote_error_last()->message);
	return rc;
}
