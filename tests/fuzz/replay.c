/*
 * Replays fuzz inputs through the fuzz target without libFuzzer, with the
 * normal compiler: every file of the directories (or files) named on the
 * command line is one run of LLVMFuzzerTestOneInput.
 *
 *   replay [--allow-empty] DIR|FILE...
 *
 * The inputs run in a child process, which tells the parent through a pipe
 * which input it starts. When the child dies (a crash, an abort on a broken
 * contract, a sanitizer report, a hang past TIMEOUT_SECONDS), the parent
 * names that input and goes on with the next one in a new child: one run
 * lists every failing input, at the cost of one fork when none fails.
 *
 * Without --allow-empty, a directory holding no file is an error: the seed
 * corpus is generated from the yaml-test-suite, and an empty one means the
 * suite was not found.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Per input; run-fuzz.sh gives libFuzzer the same -timeout. */
#define TIMEOUT_SECONDS 10
/* A bug every input trips should not take the run past meson's timeout
 * (each sanitizer report costs a symbolized stack). */
#define MAX_FAILURES 25

typedef struct list {
	char **names;
	size_t count, capacity;
} list;

static void add(list *l, const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	if (l->count == l->capacity) {
		l->capacity = l->capacity ? l->capacity * 2 : 64;
		char **grown = realloc(l->names, l->capacity * sizeof *grown);
		if (!grown)
			free(path), path = NULL;
		else
			l->names = grown;
	}
	if (!path) {
		fprintf(stderr, "replay: out of memory\n");
		exit(2);
	}
	snprintf(path, len, "%s%s%s", dir, dir[0] ? "/" : "", name);
	l->names[l->count++] = path;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of `dir`, in name order; how many, or -1. */
static long add_dir(list *l, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
		return -1;
	}
	size_t first = l->count;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		add(l, dir, e->d_name);
		struct stat st;
		if (stat(l->names[l->count - 1], &st) != 0 || !S_ISREG(st.st_mode))
			free(l->names[--l->count]);
	}
	closedir(d);
	qsort(l->names + first, l->count - first, sizeof *l->names, compare);
	return (long)(l->count - first);
}

static bool run_one(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
		return false;
	}
	size_t size = 0, cap = 4096;
	uint8_t *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + size, 1, cap - size, f)) > 0) {
		size += n;
		if (size == cap) {
			uint8_t *grown = realloc(data, cap *= 2);
			if (!grown) {
				free(data);
				data = NULL;
				break;
			}
			data = grown;
		}
	}
	bool ok = data && !ferror(f);
	fclose(f);
	if (ok)
		LLVMFuzzerTestOneInput(data, size);
	else
		fprintf(stderr, "replay: cannot read %s\n", path);
	free(data);
	return ok;
}

/* Runs inputs first..count-1 in a child; returns the index it stopped at
 * (count when all ran) and whether it ended well. */
static size_t run_batch(const list *l, size_t first, bool *ok, int *status)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("replay: pipe");
		exit(2);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("replay: fork");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		bool all = true;
		for (size_t i = first; i <= l->count; i++) {
			/* i == count: every input ran; what fails now fails at exit (leaks). */
			if (write(fds[1], &i, sizeof i) != (ssize_t)sizeof i)
				_exit(2);
			if (i == l->count)
				break;
			alarm(TIMEOUT_SECONDS);
			all = run_one(l->names[i]) && all;
			alarm(0);
		}
		exit(all ? 0 : 3); /* exit, not _exit: LeakSanitizer checks at exit */
	}
	close(fds[1]);
	size_t last = first, i;
	while (read(fds[0], &i, sizeof i) == (ssize_t)sizeof i)
		last = i;
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR) {
			perror("replay: waitpid");
			exit(2);
		}
	*ok = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
	return last;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: replay [--allow-empty] DIR|FILE...\n");
		return 2;
	}
	bool allow_empty = false, ok = true;
	list inputs = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow-empty") == 0) {
			allow_empty = true;
			continue;
		}
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			ok = false;
		} else if (!S_ISDIR(st.st_mode)) {
			add(&inputs, "", argv[i]);
		} else {
			long n = add_dir(&inputs, argv[i]);
			if (n < 0) {
				ok = false;
			} else if (n == 0 && !allow_empty) {
				fprintf(stderr, "replay: no input in %s (is the corpus generated? for the seeds, is the "
						"yaml-test-suite in tests/data?)\n", argv[i]);
				ok = false;
			}
		}
	}
	size_t failed = 0;
	for (size_t first = 0; first < inputs.count;) {
		bool batch_ok;
		int status;
		size_t at = run_batch(&inputs, first, &batch_ok, &status);
		if (batch_ok)
			break;
		failed++;
		char how[64];
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			snprintf(how, sizeof how, "still running after %d seconds: a hang?", TIMEOUT_SECONDS);
		else if (WIFSIGNALED(status))
			snprintf(how, sizeof how, "signal %d", WTERMSIG(status));
		else
			snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
		if (at >= inputs.count) {
			fprintf(stderr, "replay: FAILED after the last input (%s; a leak report?)\n", how);
			break;
		}
		fprintf(stderr, "replay: FAILED on %s (%s)\n", inputs.names[at], how);
		first = at + 1;
		if (failed == MAX_FAILURES && first < inputs.count) {
			fprintf(stderr, "replay: stopping after %d failures; %zu inputs not run\n", MAX_FAILURES,
				inputs.count - first);
			break;
		}
	}
	printf("replay: %zu inputs, %zu failed\n", inputs.count, failed);
	for (size_t i = 0; i < inputs.count; i++)
		free(inputs.names[i]);
	free(inputs.names);
	return ok && failed == 0 ? 0 : 1;
}
