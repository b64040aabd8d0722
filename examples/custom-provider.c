/*
 * custom-provider — a git provider written in C, registered by name and used
 * by a release.
 *
 * "fastforge" is a forge that lives in a bare repository on this machine:
 * it keeps its change requests in memory and merges fast-forward only (as a
 * forge set to "fast-forward merges" does), moving the base branch with
 * `git update-ref BRANCH NEW OLD` so that a branch that moved meanwhile is
 * never overwritten. A real provider makes REST calls where this one runs
 * git; the rules are the same (promote/sys/git_provider.h): read requests
 * through the getters, answer through the copying setters, give a failure
 * its message with promote_error_set_str().
 *
 * The repository's promote.yaml names it: repositories: {gitops: {provider:
 * fastforge}}. The program starts a release of PRODUCT at VERSION, runs it
 * until it waits for a person, approves every step waiting for an approval,
 * runs it to its end and prints each step.
 *
 *   cc -o custom-provider custom-provider.c $(pkg-config --cflags --libs libpromote)
 *   ./custom-provider REPOSITORY.git PRODUCT VERSION
 *
 * Exit status: 0 when the release succeeded, 1 otherwise.
 */
#include <promote.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHANGES 16

typedef struct change {
	char id[16];
	char head[256];
	char base[256];
	char title[256];
	char labels[1024];   /* each label followed by '\n' */
	int draft;
	int state;           /* promote_change_state */
	unsigned approvals;
	char merge_commit[64];
} change;

typedef struct forge {
	const char *repository;  /* the bare repository */
	change changes[MAX_CHANGES];
	size_t count;
} forge;

/* Run git on the forge's repository with `args` (NULL-terminated); its first
 * line of output in `out` (may be NULL). The exit status, -1 if it could not run. */
static int git(const forge *f, char *out, size_t size, const char *const *args)
{
	const char *argv[16] = { "git", "--git-dir", f->repository };
	size_t n = 3;
	int fds[2], status = 0;
	pid_t pid;

	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	if (out && size) {
		ssize_t got = pid > 0 ? read(fds[0], out, size - 1) : 0;
		out[got > 0 ? got : 0] = '\0';
		out[strcspn(out, "\n")] = '\0';
	}
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static change *find_id(forge *f, const char *id)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->changes[i].id, id) == 0)
			return &f->changes[i];
	return NULL;
}

static int describe(promote_change_info *out, const change *c)
{
	int rc = promote_change_info_set_id(out, c->id);
	if (rc == 0)
		rc = promote_change_info_set_head(out, c->head);
	if (rc == 0)
		rc = promote_change_info_set_base(out, c->base);
	if (rc == 0)
		rc = promote_change_info_set_title(out, c->title);
	if (rc == 0)
		rc = promote_change_info_set_state(out, c->state);
	if (rc == 0)
		rc = promote_change_info_set_draft(out, c->draft);
	if (rc == 0)
		rc = promote_change_info_set_approvals(out, c->approvals);
	if (rc == 0 && c->merge_commit[0])
		rc = promote_change_info_set_merge_commit(out, c->merge_commit);
	return rc;
}

/* Whether the open change `c` carries every label of `request`. */
static int has_labels(const change *c, const promote_change_request *request)
{
	for (size_t i = 0; i < promote_change_request_label_count(request); i++) {
		char line[300];
		snprintf(line, sizeof line, "%s\n", promote_change_request_label_at(request, i));
		if (!strstr(c->labels, line))
			return 0;
	}
	return c->state == PROMOTE_CHANGE_OPEN;
}

static int find_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	forge *f = payload;
	for (size_t i = 0; i < f->count; i++)
		if (has_labels(&f->changes[i], request))
			return describe(out, &f->changes[i]);
	return promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
		"fastforge has no open change with these labels");
}

static int open_change(promote_change_info *out, const promote_change_request *request, void *payload)
{
	forge *f = payload;
	/* A rerun finds the change it opened: never a second one. */
	for (size_t i = 0; i < f->count; i++)
		if (has_labels(&f->changes[i], request) &&
			strcmp(f->changes[i].head, promote_change_request_head(request)) == 0) {
			int rc = describe(out, &f->changes[i]);
			return rc ? rc : promote_change_info_set_reused(out, 1);
		}
	if (f->count == MAX_CHANGES)
		return promote_error_set_str(PROMOTE_ELIMIT, PROMOTE_ERROR_CLASS_PROVIDER,
			"fastforge holds 16 changes at most");
	change *c = &f->changes[f->count];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "FF-%zu", f->count + 1);
	snprintf(c->head, sizeof c->head, "%s", promote_change_request_head(request));
	snprintf(c->base, sizeof c->base, "%s", promote_change_request_base(request));
	snprintf(c->title, sizeof c->title, "%s", promote_change_request_title(request));
	for (size_t i = 0; i < promote_change_request_label_count(request); i++) {
		size_t used = strlen(c->labels);
		snprintf(c->labels + used, sizeof c->labels - used, "%s\n", promote_change_request_label_at(request, i));
	}
	c->draft = promote_change_request_draft(request);
	c->state = PROMOTE_CHANGE_OPEN;
	f->count++;
	printf("fastforge: opened %s: %s (%s into %s%s)\n", c->id, c->title, c->head, c->base,
		c->draft ? ", draft" : "");
	return describe(out, c);
}

static int get_change(promote_change_info *out, const char *id, void *payload)
{
	change *c = find_id(payload, id);
	if (!c)
		return promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER, "fastforge has no such change");
	return describe(out, c);
}

static int approve_change(promote_change_info *out, const char *id, const char *by, void *payload)
{
	change *c = find_id(payload, id);
	if (!c)
		return promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER, "fastforge has no such change");
	c->approvals++;
	c->draft = 0; /* an approved draft is ready */
	printf("fastforge: %s approved by %s\n", id, by ? by : "(the caller)");
	return describe(out, c);
}

/* Fast-forward only: the base must be an ancestor of the head. */
static int merge_change(promote_change_info *out, const char *id, void *payload)
{
	forge *f = payload;
	change *c = find_id(f, id);
	char base_ref[300], head_ref[300], base[64], head[64];

	if (!c)
		return promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER, "fastforge has no such change");
	if (c->state == PROMOTE_CHANGE_MERGED)
		return describe(out, c);
	snprintf(base_ref, sizeof base_ref, "refs/heads/%s", c->base);
	snprintf(head_ref, sizeof head_ref, "refs/heads/%s", c->head);
	if (git(f, base, sizeof base, (const char *[]){ "rev-parse", "--verify", base_ref, NULL }) != 0 ||
		git(f, head, sizeof head, (const char *[]){ "rev-parse", "--verify", head_ref, NULL }) != 0)
		return promote_error_set_str(PROMOTE_ENOTFOUND, PROMOTE_ERROR_CLASS_PROVIDER,
			"fastforge cannot read the change's branches");
	if (git(f, NULL, 0, (const char *[]){ "merge-base", "--is-ancestor", base, head, NULL }) != 0)
		return promote_error_set_str(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
			"fastforge merges fast-forward only, and the base branch moved: rebase the change");
	/* NEW OLD: refused if the base moved since it was read. */
	if (git(f, NULL, 0, (const char *[]){ "update-ref", base_ref, head, base, NULL }) != 0)
		return promote_error_set_str(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_PROVIDER,
			"fastforge: the base branch moved while merging; try again");
	c->state = PROMOTE_CHANGE_MERGED;
	snprintf(c->merge_commit, sizeof c->merge_commit, "%s", head);
	printf("fastforge: merged %s into %s at %.12s\n", id, c->base, head);
	return describe(out, c);
}

static void print_release(const promote_release *release)
{
	printf("release %s: %s\n", promote_release_id(release), promote_release_state_name(promote_release_state(release)));
	for (size_t i = 0; i < promote_release_step_count(release); i++) {
		const promote_release_step *s = promote_release_step_at(release, i);
		const char *id = promote_release_step_change(s);
		printf("  %-8s %-18s %s%s%s\n", promote_release_step_environment(s),
			promote_step_state_name(promote_release_step_state(s)), promote_release_step_reason(s),
			*id ? " change " : "", id);
	}
}

static int fail(const char *what)
{
	fprintf(stderr, "custom-provider: %s: %s\n", what, promote_error_last()->message);
	return 1;
}

int main(int argc, char **argv)
{
	promote_git_provider vtable = PROMOTE_GIT_PROVIDER_INIT;
	promote_release_options opts = PROMOTE_RELEASE_OPTIONS_INIT;
	promote_context *ctx = NULL;
	promote_release *release = NULL;
	forge *f;
	int status = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s REPOSITORY.git PRODUCT VERSION\n", argv[0]);
		return 2;
	}
	if (promote_init() < 0)
		return fail("promote_init");
	f = calloc(1, sizeof *f);
	if (!f)
		return 1;
	f->repository = argv[1];
	vtable.open_change = open_change;
	vtable.get_change = get_change;
	vtable.find_change = find_change;
	vtable.merge_change = merge_change;
	vtable.approve_change = approve_change;
	vtable.free_payload = free; /* the context owns `f` once registered */

	if (promote_context_open_repository(&ctx, argv[1], NULL, NULL) < 0) {
		fail(argv[1]);
		free(f);
		goto out;
	}
	if (promote_git_provider_register(ctx, "fastforge", &vtable, f) < 0) {
		fail("registering fastforge");
		free(f);
		goto out;
	}
	opts.set_version = argv[3];
	if (promote_release_start(&release, ctx, argv[2], &opts) < 0 || promote_release_run(release, 0) < 0) {
		fail("the release");
		goto out;
	}
	/* Waiting for a person: this program is that person. */
	for (size_t i = 0; i < promote_release_step_count(release); i++) {
		const promote_release_step *s = promote_release_step_at(release, i);
		char env[128];
		if (promote_release_step_state(s) != PROMOTE_STEP_AWAITING_APPROVAL)
			continue;
		/* The release's strings change with it: approving rewrites the step. */
		snprintf(env, sizeof env, "%s", promote_release_step_environment(s));
		if (promote_release_approve(release, env, "custom-provider") < 0) {
			fail("approving");
			goto out;
		}
	}
	if (promote_release_run(release, 0) < 0) {
		fail("the release");
		goto out;
	}
	print_release(release);
	status = promote_release_state(release) == PROMOTE_RELEASE_SUCCEEDED ? 0 : 1;
out:
	promote_release_free(release);
	promote_context_free(ctx);
	promote_shutdown();
	return status;
}
