/* promote init [--from-jx FILE] [--output FILE] [--force]: write a starting promote.yaml — from a Jenkins X
 * jx-requirements.yml, or guessed from the repository's committed folders (doc/INIT.md). */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *from_jx, *output;
static int force;

static const cli_opt init_opts[] = {
	{ CLI_OPT_VALUE, "from-jx", 0, &from_jx, 0, "FILE", "make it from a Jenkins X jx-requirements.yml", 0 },
	{ CLI_OPT_VALUE, "output", 'o', &output, 0, "FILE",
	  "where to write it (default: promote.yaml at the top of the git work tree; - for standard output)", 0 },
	{ CLI_OPT_SWITCH, "force", 0, &force, 0, NULL, "replace an existing FILE", 0 },
	{ CLI_OPT_END }
};

#define JX_MAX (4 * 1024 * 1024)

/* The whole file `path` (at most JX_MAX bytes) into *out; 0, or an exit code after saying why. */
static int read_file(promote_buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "promote: cannot open %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	char *data = malloc(JX_MAX + 1);
	size_t n = data ? fread(data, 1, JX_MAX + 1, f) : 0;
	int failed = ferror(f);
	fclose(f);
	if (!data || failed || n > JX_MAX) {
		fprintf(stderr, "promote: cannot read %s: %s\n", path, !data ? "out of memory" : failed ? strerror(errno)
			: "more than 4 MiB: no jx-requirements.yml is that large");
		free(data);
		return !data || failed ? EXIT_FAILED : EXIT_USAGE;
	}
	data[n] = '\0';
	out->ptr = data;
	out->size = n;
	out->reserved = JX_MAX + 1;
	return 0;
}

/* The top of the git work tree around the current folder (the nearest one holding .git) into `out`. */
static bool work_tree_root(char *out, size_t size)
{
	if (!getcwd(out, size))
		return false;
	for (;;) {
		char git[PATH_MAX + 8];
		struct stat st;
		snprintf(git, sizeof git, "%s/.git", strcmp(out, "/") == 0 ? "" : out);
		if (stat(git, &st) == 0)
			return true;
		char *slash = strrchr(out, '/');
		if (!slash || strcmp(out, "/") == 0)
			return false;
		slash[slash == out ? 1 : 0] = '\0';
	}
}

/* `text` into `path` whole or not at all: a temporary file beside it, then linked to its name (which fails
 * when a file is there) or, with --force, renamed over it. */
static int write_file(const char *path, const promote_buf *text)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp) {
		fprintf(stderr, "promote: cannot write %s: the name is too long\n", path);
		return EXIT_USAGE;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "promote: cannot write %s: %s; nothing written\n", path, strerror(errno));
		return EXIT_FAILED;
	}
	mode_t mask = umask(0);
	umask(mask);
	bool ok = fchmod(fd, 0666 & ~mask) == 0;
	FILE *f = ok ? fdopen(fd, "w") : NULL;
	ok = f && fwrite(text->ptr, 1, text->size, f) == text->size;
	int err = errno;
	if (f && fclose(f) != 0 && ok) {
		err = errno;
		ok = false;
	} else if (!f)
		close(fd);
	if (ok && (force ? rename(tmp, path) : link(tmp, path)) != 0) {
		err = errno;
		ok = false;
	}
	unlink(tmp);
	if (ok)
		return 0;
	if (err == EEXIST) {
		fprintf(stderr, "promote: %s exists; nothing written (--force replaces it)\n", path);
		return EXIT_USAGE;
	}
	fprintf(stderr, "promote: cannot write %s: %s; nothing written\n", path, strerror(err));
	return EXIT_FAILED;
}

static int init_run(const cli *c)
{
	if (c->config)
		return cli_usage_error("init writes a configuration, it reads none: leave out --config (--output FILE "
			"names the file written)");
	promote_buf text = PROMOTE_BUF_INIT;
	char root[PATH_MAX], target[PATH_MAX + 16];
	const char *path = output;
	int rc = 0;
	if (from_jx) {
		promote_buf jx = PROMOTE_BUF_INIT;
		if ((rc = read_file(&jx, from_jx)) == 0 && promote_scaffold_from_jx(&text, jx.ptr, jx.size, from_jx) < 0)
			rc = cli_fail(c);
		promote_buf_dispose(&jx);
	} else {
		const char *repo = c->repo;
		if (!repo && !work_tree_root(root, sizeof root)) {
			fprintf(stderr, "promote: not in a git work tree: run init in the repository, or name it with --repo PATH, "
				"or give --from-jx FILE\n");
			return EXIT_USAGE;
		}
		if (!repo)
			repo = root;
		char here[PATH_MAX];
		if (!path && !c->repo && !(getcwd(here, sizeof here) && strcmp(here, root) == 0)) {
			/* The top of the work tree, named as it is from here when that is here. */
			snprintf(target, sizeof target, "%s/promote.yaml", strcmp(root, "/") == 0 ? "" : root);
			path = target;
		}
		if (promote_scaffold_from_repository(&text, repo, NULL) < 0)
			rc = cli_fail(c);
	}
	if (!path)
		path = "promote.yaml";
	if (rc == 0 && strcmp(path, "-") == 0)
		fwrite(text.ptr, 1, text.size, stdout);
	else if (rc == 0 && (rc = write_file(path, &text)) == 0 && c->verbosity >= 0)
		printf("wrote %s; check it with: promote --config %s validate\n", path, path);
	promote_buf_dispose(&text);
	return rc;
}

const cli_command cmd_init = {
	"init", "write a starting promote.yaml: from a jx-requirements.yml, or from the repository's folders",
	"With --from-jx FILE, from a Jenkins X jx-requirements.yml: its environments with Jenkins X's defaults (an\n"
	"empty promotionStrategy: staging auto, dev never, the others manual; Never kept but not in the flow; a\n"
	"remoteCluster environment in a repository of its own; namespace jx-KEY) and the default flow in the\n"
	"file's order. Without it, guessed from the committed tree of the repository (--repo PATH, or the one\n"
	"around the current folder; never its working tree): environments in envs/, environments/, overlays/\n"
	"or env/, or files values-ENV.yaml and ENV-values.yaml; products and the attribute holding each one's\n"
	"version. Every section of the file has a comment; the file loads as promote validate checks it. An\n"
	"existing file is kept unless --force; on an error nothing is written. doc/INIT.md says what is guessed.",
	init_opts, init_run, NULL, 0
};
