/* Shared by the release tests: a repository built for a release. */
#ifndef PROMOTE_TEST_RELEASE_HELPERS_H
#define PROMOTE_TEST_RELEASE_HELPERS_H

#include "helpers.h"

#include <stdarg.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A scratch folder /tmp/promote-test-NAME-XXXXXX (into `dir`) holding a bare
 * repository gitops.git (its path into `bare`) with `config` as promote.yaml
 * and product shop at tag 1.0 in envs/{dev,qa,staging,prod}/apps/shop
 * (values.yaml), `dev_tag` in dev; one commit on main.
 */
static inline void make_release_repo(char *dir, size_t dir_size, char *bare, size_t bare_size, const char *name,
	const char *config, const char *dev_tag)
{
	snprintf(dir, dir_size, "/tmp/promote-test-%s-XXXXXX", name);
	assert_non_null(mkdtemp(dir));
	snprintf(bare, bare_size, "%s/gitops.git", dir);
	char path[512];
	assert_int_equal(sh(NULL, 0, "mkdir -p %s/work && cd %s/work && for e in dev qa staging prod; do "
				     "mkdir -p envs/$e/apps/shop && printf 'image:\\n  tag: \"1.0\"  # the tag\\n' "
				     "> envs/$e/apps/shop/values.yaml; done && "
				     "printf 'image:\\n  tag: \"%s\"  # the tag\\n' > envs/dev/apps/shop/values.yaml",
				 dir, dir, dev_tag), 0);
	snprintf(path, sizeof path, "%s/work/promote.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(config, f);
	fclose(f);
	assert_int_equal(sh(NULL, 0, "cd %s/work && " GIT "init -q -b main && " GIT "add -A && " GIT
				     "commit -qm start && " GIT "clone -q --bare . %s", dir, bare), 0);
}

/* What a release's event callback was told, one line each, in order. */
typedef struct seen {
	char text[8192];
} seen;

/* Add one formatted line to `s` (cut at its size). */
static inline void seen_add(seen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void seen_add(seen *s, const char *fmt, ...)
{
	size_t n = strlen(s->text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->text + n, sizeof s->text - n, fmt, ap);
	va_end(ap);
}

/* Another process (forked; its pid returned) opens the repository `bare` and runs the release `id` to its
 * end: it exits 0 when that succeeded, else 1 after saying why on stderr as `who`. */
static inline pid_t resume_elsewhere(const char *bare, const char *id, const char *who)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		promote_context *child = NULL;
		promote_release *mine = NULL;
		int rc = promote_context_open_repository(&child, bare, NULL, NULL);
		if (rc == 0)
			rc = promote_release_open(&mine, child, id, NULL);
		if (rc == 0)
			rc = promote_release_run(mine, 60000);
		if (rc)
			fprintf(stderr, "%s: %s\n", who, promote_error_last()->message);
		_exit(rc ? 1 : 0);
	}
	return pid;
}

static inline void assert_exited_0(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

#endif
