/* Who promote's commits are by: the order git reads it in (identity.h). */
#include "identity.h"

#include "core/error.h"
#include "core/value.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest name or address of an author or a committer. */
#define IDENTITY_MAX 1024

static const char *env(const char *name)
{
	const char *value = getenv(name);
	return value && *value ? value : NULL;
}

/* The first configured, non-empty value of `keys` in `cfg`, copied; NULL
 * when there is none. */
static char *config_value(git_config *cfg, const char *const *keys)
{
	for (; cfg && *keys; keys++) {
		git_buf value = { 0 };
		char *copy = NULL;
		if (git_config_get_string_buf(&value, cfg, *keys) == 0 && value.ptr && *value.ptr)
			copy = strdup(value.ptr);
		git_buf_dispose(&value);
		if (copy)
			return copy;
	}
	return NULL;
}

/* One field: the first of `chosen`, the environment variables, the
 * configuration keys, then `fallback`. */
static int pick(char **out, const char *chosen, const char *const *vars, git_config *cfg, const char *const *keys,
	const char *fallback)
{
	const char *value = chosen && *chosen ? chosen : NULL;
	for (; !value && *vars; vars++)
		value = env(*vars);
	*out = value ? strdup(value) : config_value(cfg, keys);
	if (!*out && !value)
		*out = fallback ? strdup(fallback) : NULL;
	return *out ? 0 : promote__error_oom();
}

int promote__git_identity_read(promote__git_identity *out, git_repository *repo, const char *name, const char *email)
{
	memset(out, 0, sizeof *out);
	git_config *cfg = NULL;
	if (repo && git_repository_config_snapshot(&cfg, repo) < 0)
		cfg = NULL; /* an unreadable configuration names nobody */
	static const char *const author_name_vars[] = { "PROMOTE_AUTHOR_NAME", "GIT_AUTHOR_NAME", NULL };
	static const char *const author_email_vars[] = { "PROMOTE_AUTHOR_EMAIL", "GIT_AUTHOR_EMAIL", NULL };
	static const char *const committer_name_vars[] = { "PROMOTE_AUTHOR_NAME", "GIT_COMMITTER_NAME", NULL };
	static const char *const committer_email_vars[] = { "PROMOTE_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", NULL };
	static const char *const author_name_keys[] = { "author.name", "user.name", NULL };
	static const char *const author_email_keys[] = { "author.email", "user.email", NULL };
	static const char *const committer_name_keys[] = { "committer.name", "user.name", NULL };
	static const char *const committer_email_keys[] = { "committer.email", "user.email", NULL };
	/* git takes $EMAIL after the configuration, for both addresses. */
	const char *mail = env("EMAIL");
	int rc = pick(&out->author_name, name, author_name_vars, cfg, author_name_keys, "promote");
	if (rc == 0)
		rc = pick(&out->author_email, email, author_email_vars, cfg, author_email_keys,
			mail ? mail : "promote@localhost");
	if (rc == 0)
		rc = pick(&out->committer_name, name, committer_name_vars, cfg, committer_name_keys, "promote");
	if (rc == 0)
		rc = pick(&out->committer_email, email, committer_email_vars, cfg, committer_email_keys,
			mail ? mail : "promote@localhost");
	/* They go into the commit's header lines: a line break there would forge a header or a trailer. */
	if (rc == 0 && (rc = promote__value_check("the commit's author name", out->author_name, IDENTITY_MAX)) == 0 &&
		(rc = promote__value_check("the commit's author email", out->author_email, IDENTITY_MAX)) == 0 &&
		(rc = promote__value_check("the commit's committer name", out->committer_name, IDENTITY_MAX)) == 0)
		rc = promote__value_check("the commit's committer email", out->committer_email, IDENTITY_MAX);
	git_config_free(cfg);
	if (rc)
		promote__git_identity_dispose(out);
	return rc;
}

void promote__git_identity_dispose(promote__git_identity *id)
{
	free(id->author_name);
	free(id->author_email);
	free(id->committer_name);
	free(id->committer_email);
	memset(id, 0, sizeof *id);
}

int promote__git_signatures(git_signature **author, git_signature **committer, const promote__git_commit_info *info)
{
	*author = *committer = NULL;
	git_time_t when = (git_time_t)(info->time ? info->time : (int64_t)time(NULL));
	int git_rc = git_signature_new(author, info->author_name, info->author_email, when, 0);
	if (git_rc == 0)
		git_rc = git_signature_new(committer, info->committer_name ? info->committer_name : info->author_name,
			info->committer_email ? info->committer_email : info->author_email, when, 0);
	if (git_rc < 0) {
		git_signature_free(*author);
		*author = NULL;
	}
	return git_rc;
}
