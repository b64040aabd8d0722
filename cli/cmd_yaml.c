/*
 * promote yaml get|set|delete: surgical edits of YAML files, in place like
 * `sed -i`: each file is edited and written to a temporary file beside it
 * (mode and, where allowed, owner kept; a symbolic link's target is what is
 * edited); only when every file was edited are the temporary files renamed
 * over the originals. A rename failing then (rare: a busy or read-only
 * target) stops there, and the message says how many were replaced before.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct edit {
	promote_yaml_path *path;  /* NULL for an image policy */
	char *value;              /* NULL for delete */
	char *policy;             /* --image-policy NAMESPACE:POLICY=IMAGE: the policy, `value` the image */
} edit;

static void edits_free(edit *edits, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		promote_yaml_path_free(edits[i].path);
		free(edits[i].value);
		free(edits[i].policy);
	}
	free(edits);
}

/* PATH=VALUE: the first '=' outside [...] separates them (quotes matter
 * only inside brackets, where quoted keys and selector values stand). */
static const char *split_assignment(const char *text)
{
	int depth = 0;
	char quote = 0;
	for (const char *p = text; *p; p++) {
		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (depth > 0 && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			depth++;
		} else if (*p == ']') {
			depth--;
		} else if (*p == '=' && depth == 0) {
			return p;
		}
	}
	return NULL;
}

#define MAX_YAML_SIZE (16u * 1024 * 1024)

/* Read all of `fd` (at most MAX_YAML_SIZE bytes) and parse it as `name`. */
static int parse_fd(promote_yaml_doc **out, int fd, const char *name, size_t hint)
{
	size_t size = 0, cap = hint + 1 > 4096 ? hint + 1 : 4096;
	char *data = malloc(cap);
	if (!data)
		return cli_usage_error("out of memory");
	for (;;) {
		if (size == cap) {
			if (cap > MAX_YAML_SIZE) {
				free(data);
				return cli_usage_error("%s holds more than 16 MiB of YAML", name);
			}
			char *grown = realloc(data, cap *= 2);
			if (!grown) {
				free(data);
				return cli_usage_error("out of memory");
			}
			data = grown;
		}
		ssize_t n = read(fd, data + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(data);
			fprintf(stderr, "promote: %s: cannot read: %s\n", name, strerror(errno));
			return EXIT_FAILED;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	int rc = promote_yaml_doc_parse(out, data, size, name, NULL);
	free(data);
	return rc;
}

/* Open and parse FILE ('-': standard input); *st (may be NULL) receives its status. */
static int open_doc(promote_yaml_doc **out, const char *file, struct stat *status, const cli *c)
{
	if (strcmp(file, "-") == 0) {
		int rc = parse_fd(out, STDIN_FILENO, "<stdin>", 0);
		return rc < 0 ? cli_fail(c) : rc;
	}
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int err = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "promote: %s: %s\n", file, fd < 0 ? strerror(err) : "not a regular file");
		return err == ENOENT || err == EINVAL ? EXIT_USAGE : EXIT_FAILED;
	}
	if (status)
		*status = st;
	int rc = parse_fd(out, fd, file, (size_t)st.st_size);
	close(fd);
	return rc < 0 ? cli_fail(c) : rc;
}

/* Write `doc` to a new temporary file beside `target`, with the mode and
 * (where allowed) the owner of `st`; its name in *tmp_out. */
static int write_beside(char **tmp_out, const char *target, const promote_yaml_doc *doc, const struct stat *st)
{
	size_t n = strlen(target);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return EXIT_FAILED;
	snprintf(tmp, n + 16, "%s.promote-XXXXXX", target);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "promote: %s: cannot create a temporary file beside it: %s\n", target, strerror(errno));
		free(tmp);
		return EXIT_FAILED;
	}
	/* Only root may give a file away; for others the owner is already theirs. */
	if (fchown(fd, st->st_uid, st->st_gid) != 0 && errno != EPERM)
		fprintf(stderr, "promote: %s: cannot keep its owner: %s\n", target, strerror(errno));
	size_t size;
	const char *content = promote_yaml_doc_content(doc, &size);
	bool ok = fchmod(fd, st->st_mode & 07777) == 0;
	for (size_t done = 0; ok && done < size;) {
		ssize_t w = write(fd, content + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		done += ok ? (size_t)w : 0;
	}
	ok = close(fd) == 0 && ok;
	if (!ok) {
		fprintf(stderr, "promote: %s: cannot write: %s\n", target, strerror(errno));
		unlink(tmp);
		free(tmp);
		return EXIT_FAILED;
	}
	*tmp_out = tmp;
	return EXIT_OK;
}

static int usage(void)
{
	return cli_usage_error(
		"usage: promote yaml get [--source] FILE PATH\n"
		"       promote yaml set [-e PATH=VALUE]... [--image-policy NS:POLICY=IMAGE]... [--create] [--typed]\n"
		"                        [--edit-anchors] FILE...\n"
		"       promote yaml delete [-e PATH]... [--edit-anchors] FILE...\n"
		"FILE '-' reads standard input and writes standard output");
}

static int yaml_get(const cli *c)
{
	bool source = false;
	const char *args[2];
	int n = 0;
	for (int i = 1; i < c->argc; i++) {
		if (strcmp(c->argv[i], "--source") == 0)
			source = true;
		else if (n < 2)
			args[n++] = c->argv[i];
		else
			return usage();
	}
	if (n != 2)
		return usage();
	promote_yaml_path *path = NULL;
	promote_yaml_doc *doc = NULL;
	promote_buf value = PROMOTE_BUF_INIT;
	int rc = promote_yaml_path_compile(&path, args[1]) ? cli_fail(c) : 0;
	if (rc == 0)
		rc = open_doc(&doc, args[0], NULL, c);
	if (rc == 0 && (source ? promote_yaml_get_source(&value, doc, path) : promote_yaml_get(&value, doc, path)))
		rc = cli_fail(c);
	int exit_code = rc;
	if (rc == 0) {
		if (c->json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "file", cli_json_string(args[0]));
			json_object_object_add(o, "path", cli_json_string(args[1]));
			json_object_object_add(o, "value", json_object_new_string_len(value.ptr, (int)value.size));
			cli_print_json(o);
		} else {
			fwrite(value.ptr, 1, value.size, stdout);
			if (!value.size || value.ptr[value.size - 1] != '\n')
				fputc('\n', stdout);
		}
	}
	promote_buf_dispose(&value);
	promote_yaml_doc_free(doc);
	promote_yaml_path_free(path);
	return exit_code;
}

/* set and delete: edit every file in memory, then write the changed ones. */
static int yaml_edit(const cli *c, bool deleting)
{
	unsigned flags = 0;
	edit *edits = calloc((size_t)c->argc, sizeof *edits);
	const char **files = calloc((size_t)c->argc, sizeof *files);
	size_t edit_count = 0, file_count = 0;
	int rc = edits && files ? 0 : EXIT_FAILED;
	for (int i = 1; rc == 0 && i < c->argc; i++) {
		const char *a = c->argv[i];
		if (strcmp(a, "--create") == 0 && !deleting) {
			flags |= PROMOTE_YAML_CREATE;
		} else if (strcmp(a, "--typed") == 0 && !deleting) {
			flags |= PROMOTE_YAML_TYPED;
		} else if (strcmp(a, "--edit-anchors") == 0) {
			flags |= PROMOTE_YAML_EDIT_ANCHORS;
		} else if (strcmp(a, "-e") == 0 || strcmp(a, "--expression") == 0) {
			if (++i >= c->argc) {
				rc = usage();
				break;
			}
			const char *expr = c->argv[i];
			const char *eq = deleting ? NULL : split_assignment(expr);
			if (!deleting && !eq) {
				rc = cli_usage_error("-e '%s': write PATH=VALUE (e.g. -e image.tag=v2)", expr);
				break;
			}
			char *path_text = deleting ? strdup(expr) : strndup(expr, (size_t)(eq - expr));
			edit *e = &edits[edit_count++];
			if (!path_text || (!deleting && !(e->value = strdup(eq + 1)))) {
				free(path_text);
				rc = EXIT_FAILED;
				break;
			}
			if (promote_yaml_path_compile(&e->path, path_text))
				rc = cli_fail(c);
			free(path_text);
		} else if (strcmp(a, "--image-policy") == 0 && !deleting) {
			const char *spec = ++i < c->argc ? c->argv[i] : NULL;
			const char *eq = spec ? strchr(spec, '=') : NULL;
			if (!eq || eq == spec || !eq[1]) {
				rc = cli_usage_error("--image-policy takes NAMESPACE:POLICY=IMAGE (e.g. flux-system:web=ghcr.io/org/web:1.2.3)");
				break;
			}
			edit *e = &edits[edit_count++];
			if (!(e->policy = strndup(spec, (size_t)(eq - spec))) || !(e->value = strdup(eq + 1)))
				rc = EXIT_FAILED;
		} else if (strcmp(a, "--") == 0) {
			while (++i < c->argc)
				files[file_count++] = c->argv[i];
		} else if (a[0] == '-' && a[1]) {
			rc = cli_usage_error("unknown option '%s' for yaml %s", a, deleting ? "delete" : "set");
		} else {
			files[file_count++] = a;
		}
	}
	if (rc == 0 && (edit_count == 0 || file_count == 0))
		rc = usage();
	bool use_stdin = false;
	for (size_t i = 0; rc == 0 && i < file_count; i++)
		use_stdin |= strcmp(files[i], "-") == 0;
	if (rc == 0 && use_stdin && file_count > 1)
		rc = cli_usage_error("'-' (standard input) must be the only FILE");

	char **temps = rc == 0 ? calloc(file_count ? file_count : 1, sizeof *temps) : NULL;
	char **targets = rc == 0 ? calloc(file_count ? file_count : 1, sizeof *targets) : NULL;
	if (rc == 0 && (!temps || !targets))
		rc = EXIT_FAILED;
	const promote_yaml_path **paths = rc == 0 ? calloc(edit_count, sizeof *paths) : NULL;
	const char **values = rc == 0 ? calloc(edit_count, sizeof *values) : NULL;
	if (rc == 0 && (!paths || !values))
		rc = EXIT_FAILED;
	/* Path edits go to set_many in one pass; image policies apply after them. */
	size_t path_count = 0;
	for (size_t i = 0; rc == 0 && i < edit_count; i++) {
		if (!edits[i].path)
			continue;
		paths[path_count] = edits[i].path;
		values[path_count++] = edits[i].value;
	}
	/* Each file edited and written to a temporary file beside it, one at a time
	 * (memory stays that of one file); only when all succeeded are the
	 * temporary files renamed over the originals. */
	size_t changed = 0;
	for (size_t f = 0; rc == 0 && f < file_count; f++) {
		promote_yaml_doc *doc = NULL;
		struct stat st;
		rc = open_doc(&doc, files[f], &st, c);
		int err = 0;
		if (rc == 0 && deleting)
			for (size_t i = 0; err == 0 && i < path_count; i++)
				err = promote_yaml_delete(doc, paths[i], flags);
		else if (rc == 0 && path_count)
			err = promote_yaml_set_many(doc, paths, values, path_count, flags);
		for (size_t i = 0; rc == 0 && err == 0 && i < edit_count; i++)
			if (edits[i].policy)
				err = promote_yaml_set_image_policy(doc, edits[i].policy, edits[i].value, NULL);
		if (err)
			rc = cli_fail(c);
		if (rc == 0 && use_stdin) {
			size_t size;
			const char *content = promote_yaml_doc_content(doc, &size);
			rc = fwrite(content, 1, size, stdout) == size ? EXIT_OK : EXIT_FAILED;
		} else if (rc == 0 && promote_yaml_doc_changed(doc)) {
			/* Through a symbolic link, the file it points to is what changes. */
			struct stat link;
			bool is_link = lstat(files[f], &link) == 0 && S_ISLNK(link.st_mode);
			targets[f] = is_link ? realpath(files[f], NULL) : strdup(files[f]);
			rc = targets[f] ? write_beside(&temps[f], targets[f], doc, &st) : EXIT_FAILED;
			changed += rc == 0;
		}
		promote_yaml_doc_free(doc);
	}
	bool editing_failed = rc != 0;
	size_t replaced = 0;
	for (size_t f = 0; temps && f < file_count; f++) {
		if (!temps[f])
			continue;
		if (rc == 0 && rename(temps[f], targets[f]) != 0) {
			fprintf(stderr, "promote: %s: cannot replace it: %s; %zu file%s before it %s replaced, the "
				"others are unchanged\n", files[f], strerror(errno), replaced, replaced == 1 ? "" : "s",
				replaced == 1 ? "was" : "were");
			rc = EXIT_FAILED;
		} else if (rc == 0) {
			replaced++;
		}
		if (rc)
			unlink(temps[f]);
		free(temps[f]);
	}
	for (size_t f = 0; targets && f < file_count; f++)
		free(targets[f]);
	free(targets);
	if (editing_failed && file_count > 1)
		fprintf(stderr, "promote: no file was changed\n");
	if (rc == 0 && c->verbosity > 0 && !use_stdin)
		fprintf(stderr, "promote: %zu of %zu files changed\n", changed, file_count);
	free(temps);
	free(paths);
	free(values);
	free(files);
	edits_free(edits, edit_count);
	return rc;
}

int cmd_yaml(const cli *c)
{
	if (c->argc < 1)
		return usage();
	if (strcmp(c->argv[0], "get") == 0)
		return yaml_get(c);
	if (strcmp(c->argv[0], "set") == 0)
		return yaml_edit(c, false);
	if (strcmp(c->argv[0], "delete") == 0)
		return yaml_edit(c, true);
	return usage();
}
