/*
 * promote yaml get|set|delete: surgical edits of YAML files, in place like
 * `sed -i` (a temporary file beside the original, renamed over it, mode kept;
 * nothing is written unless every file could be edited).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct edit {
	promote_yaml_path *path;
	char *value; /* NULL for delete */
} edit;

static void edits_free(edit *edits, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		promote_yaml_path_free(edits[i].path);
		free(edits[i].value);
	}
	free(edits);
}

/* PATH=VALUE: the first '=' outside [...] and quotes separates them. */
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
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
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

/* Read all of stdin into a buffer (bounded like files). */
static int read_stdin(promote_yaml_doc **out)
{
	size_t size = 0, cap = 64 * 1024;
	char *data = malloc(cap);
	if (!data)
		return cli_usage_error("out of memory");
	for (;;) {
		if (size == cap) {
			if (cap >= 16u * 1024 * 1024) {
				free(data);
				return cli_usage_error("standard input holds more than 16 MiB of YAML");
			}
			char *grown = realloc(data, cap *= 2);
			if (!grown) {
				free(data);
				return cli_usage_error("out of memory");
			}
			data = grown;
		}
		size_t n = fread(data + size, 1, cap - size, stdin);
		size += n;
		if (n == 0)
			break;
	}
	int rc = promote_yaml_doc_parse(out, data, size, "<stdin>", NULL);
	free(data);
	return rc;
}

static int open_doc(promote_yaml_doc **out, const char *file)
{
	return strcmp(file, "-") == 0 ? read_stdin(out) : promote_yaml_doc_read(out, file, NULL);
}

/* Write `doc` over `file` through a temporary file in the same folder. */
static int write_in_place(const char *file, const promote_yaml_doc *doc)
{
	struct stat st;
	if (stat(file, &st) != 0)
		return fprintf(stderr, "promote: %s: %s\n", file, strerror(errno)), EXIT_FAILED;
	size_t n = strlen(file);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return EXIT_FAILED;
	snprintf(tmp, n + 16, "%s.promote-XXXXXX", file);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "promote: %s: cannot create a temporary file beside it: %s\n", file, strerror(errno));
		free(tmp);
		return EXIT_FAILED;
	}
	size_t size;
	const char *content = promote_yaml_doc_content(doc, &size);
	bool ok = fchmod(fd, st.st_mode & 07777) == 0;
	for (size_t done = 0; ok && done < size;) {
		ssize_t w = write(fd, content + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		done += ok ? (size_t)w : 0;
	}
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, file) != 0) {
		fprintf(stderr, "promote: %s: cannot write: %s; the file is unchanged\n", file, strerror(errno));
		unlink(tmp);
		free(tmp);
		return EXIT_FAILED;
	}
	free(tmp);
	return EXIT_OK;
}

static int usage(void)
{
	return cli_usage_error(
		"usage: promote yaml get [--source] FILE PATH\n"
		"       promote yaml set [-e PATH=VALUE]... [--create] [--typed] [--edit-anchors] FILE...\n"
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
	int rc = promote_yaml_path_compile(&path, args[1]);
	if (rc == 0)
		rc = open_doc(&doc, args[0]);
	if (rc == 0)
		rc = source ? promote_yaml_get_source(&value, doc, path) : promote_yaml_get(&value, doc, path);
	int exit_code = rc > 0 ? rc : rc < 0 ? cli_fail(c) : EXIT_OK;
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

	promote_yaml_doc **docs = rc == 0 ? calloc(file_count ? file_count : 1, sizeof *docs) : NULL;
	if (rc == 0 && !docs)
		rc = EXIT_FAILED;
	const promote_yaml_path **paths = rc == 0 ? calloc(edit_count, sizeof *paths) : NULL;
	const char **values = rc == 0 ? calloc(edit_count, sizeof *values) : NULL;
	if (rc == 0 && (!paths || !values))
		rc = EXIT_FAILED;
	for (size_t i = 0; rc == 0 && i < edit_count; i++) {
		paths[i] = edits[i].path;
		values[i] = edits[i].value;
	}
	/* First every file in memory; a single failure writes nothing at all. */
	for (size_t f = 0; rc == 0 && f < file_count; f++) {
		int err = open_doc(&docs[f], files[f]);
		if (err == 0 && deleting)
			for (size_t i = 0; err == 0 && i < edit_count; i++)
				err = promote_yaml_delete(docs[f], paths[i], flags);
		else if (err == 0)
			err = promote_yaml_set_many(docs[f], paths, values, edit_count, flags);
		if (err)
			rc = cli_fail(c);
	}
	if (rc && file_count > 1)
		fprintf(stderr, "promote: no file was changed\n");
	size_t changed = 0;
	for (size_t f = 0; rc == 0 && f < file_count; f++) {
		if (use_stdin) {
			size_t size;
			const char *content = promote_yaml_doc_content(docs[f], &size);
			rc = fwrite(content, 1, size, stdout) == size ? EXIT_OK : EXIT_FAILED;
		} else if (promote_yaml_doc_changed(docs[f])) {
			rc = write_in_place(files[f], docs[f]);
			changed++;
		}
	}
	if (rc == 0 && c->verbosity > 0 && !use_stdin)
		fprintf(stderr, "promote: %zu of %zu files changed\n", changed, file_count);
	for (size_t f = 0; docs && f < file_count; f++)
		promote_yaml_doc_free(docs[f]);
	free(docs);
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
