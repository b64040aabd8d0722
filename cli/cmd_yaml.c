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
	/* A FIFO or a device opens at once and is refused, instead of waiting for a writer. */
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int err = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "promote: %s: %s\n", file, fd < 0 ? strerror(err) : "not a regular file; name a YAML file");
		return err == ENOENT || err == EINVAL ? EXIT_USAGE : EXIT_FAILED;
	}
	/* Too large: refused from its size, before a byte is read. */
	if ((uintmax_t)st.st_size > MAX_YAML_SIZE) {
		close(fd);
		return cli_usage_error("%s: the file has %jd bytes, more than the limit of %u; split the file", file,
			(intmax_t)st.st_size, MAX_YAML_SIZE);
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

static int source, create, typed, edit_anchors, dry_run;
static const char *get_args[2];
static cli_list exprs, policies, files;

#define DRY_RUN_OPT { CLI_OPT_SWITCH, "dry-run", 0, &dry_run, 0, NULL, \
	"print the diff the edit would make and write nothing", 0 }
#define FILES_OPT { CLI_OPT_ARG, "FILE", 0, &files, 0, NULL, \
	"the files to edit in place ('-': standard input, edited to standard output)", CLI_OPT_REQUIRED | CLI_OPT_MULTIPLE }
#define ANCHORS_OPT { CLI_OPT_SWITCH, "edit-anchors", 0, &edit_anchors, 0, NULL, \
	"allow editing an anchored node (every alias sees the change) or a node behind an alias", 0 }

static const cli_opt get_opts[] = {
	{ CLI_OPT_SWITCH, "source", 0, &source, 0, NULL, "the node's source text as written (quotes included)", 0 },
	{ CLI_OPT_ARG, "FILE", 0, &get_args[0], 0, NULL, "the YAML file ('-': standard input)", CLI_OPT_REQUIRED },
	{ CLI_OPT_ARG, "PATH", 0, &get_args[1], 0, NULL, "the value's path, e.g. image.tag or images[name=web].newTag",
	  CLI_OPT_REQUIRED },
	{ CLI_OPT_END }
};

static const cli_opt set_opts[] = {
	{ CLI_OPT_VALUE, "expression", 'e', &exprs, 0, "PATH=VALUE", "set the value at PATH (repeatable)", CLI_OPT_MULTIPLE },
	{ CLI_OPT_VALUE, "image-policy", 0, &policies, 0, "NS:POLICY=IMAGE",
	  "set the scalars Flux's $imagepolicy markers name (repeatable)", CLI_OPT_MULTIPLE },
	{ CLI_OPT_SWITCH, "create", 0, &create, 0, NULL, "create missing keys and [key=value] items", 0 },
	{ CLI_OPT_SWITCH, "typed", 0, &typed, 0, NULL, "VALUE is YAML text (a number stays a number, [a, b] a list)", 0 },
	ANCHORS_OPT,
	DRY_RUN_OPT,
	FILES_OPT,
	{ CLI_OPT_END }
};

static const cli_opt delete_opts[] = {
	{ CLI_OPT_VALUE, "expression", 'e', &exprs, 0, "PATH", "remove the key or item at PATH (repeatable)",
	  CLI_OPT_MULTIPLE | CLI_OPT_REQUIRED },
	ANCHORS_OPT,
	DRY_RUN_OPT,
	FILES_OPT,
	{ CLI_OPT_END }
};

/* What became of one edited file: with --dry-run its diff, with '-' its
 * content; with --json an entry of `list` instead of text on stdout. */
static int report_file(json_object *list, const char *file, const promote_yaml_doc *doc, bool use_stdin)
{
	promote_buf diff = PROMOTE_BUF_INIT;
	if (dry_run && promote_yaml_doc_diff(&diff, doc, use_stdin ? "<stdin>" : file))
		return -1;
	size_t size;
	const char *content = promote_yaml_doc_content(doc, &size);
	int rc = EXIT_OK;
	if (list) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "file", json_object_new_string(file));
		json_object_object_add(o, "changed", json_object_new_boolean(promote_yaml_doc_changed(doc)));
		if (dry_run)
			json_object_object_add(o, "diff", json_object_new_string_len(diff.ptr, (int)diff.size));
		else if (use_stdin)
			json_object_object_add(o, "content", json_object_new_string_len(content, (int)size));
		json_object_array_add(list, o);
	} else if (dry_run) {
		rc = fwrite(diff.ptr, 1, diff.size, stdout) == diff.size ? EXIT_OK : EXIT_FAILED;
	} else if (use_stdin) {
		rc = fwrite(content, 1, size, stdout) == size ? EXIT_OK : EXIT_FAILED;
	}
	promote_buf_dispose(&diff);
	return rc;
}

static int get_run(const cli *c)
{
	const char *const *args = get_args;
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
	unsigned flags = (create ? PROMOTE_YAML_CREATE : 0) | (typed ? PROMOTE_YAML_TYPED : 0) |
		(edit_anchors ? PROMOTE_YAML_EDIT_ANCHORS : 0);
	size_t file_count = files.count, edit_count = 0;
	edit *edits = calloc(exprs.count + policies.count + 1, sizeof *edits);
	int rc = edits ? 0 : EXIT_FAILED;
	for (size_t i = 0; rc == 0 && i < exprs.count; i++) {
		const char *expr = exprs.items[i];
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
	}
	for (size_t i = 0; rc == 0 && i < policies.count; i++) {
		const char *spec = policies.items[i], *eq = strchr(spec, '=');
		if (!eq || eq == spec || !eq[1]) {
			rc = cli_usage_error("--image-policy takes NAMESPACE:POLICY=IMAGE (e.g. flux-system:web=ghcr.io/org/web:1.2.3)");
			break;
		}
		edit *e = &edits[edit_count++];
		if (!(e->policy = strndup(spec, (size_t)(eq - spec))) || !(e->value = strdup(eq + 1)))
			rc = EXIT_FAILED;
	}
	if (rc == 0 && edit_count == 0)
		rc = cli_usage_error("nothing to set: give -e PATH=VALUE or --image-policy NS:POLICY=IMAGE");
	bool use_stdin = false;
	for (size_t i = 0; rc == 0 && i < file_count; i++)
		use_stdin |= strcmp(files.items[i], "-") == 0;
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
	json_object *list = c->json ? json_object_new_array() : NULL;
	for (size_t f = 0; rc == 0 && f < file_count; f++) {
		promote_yaml_doc *doc = NULL;
		struct stat st;
		rc = open_doc(&doc, files.items[f], &st, c);
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
		if (rc == 0 && (rc = report_file(list, files.items[f], doc, use_stdin)) < 0)
			rc = cli_fail(c);
		if (rc == 0 && !dry_run && !use_stdin && promote_yaml_doc_changed(doc)) {
			/* Through a symbolic link, the file it points to is what changes. */
			struct stat link;
			bool is_link = lstat(files.items[f], &link) == 0 && S_ISLNK(link.st_mode);
			targets[f] = is_link ? realpath(files.items[f], NULL) : strdup(files.items[f]);
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
				"others are unchanged\n", files.items[f], strerror(errno), replaced, replaced == 1 ? "" : "s",
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
	if (rc == 0 && c->verbosity > 0 && !use_stdin && !dry_run)
		fprintf(stderr, "promote: %zu of %zu files changed\n", changed, file_count);
	if (rc == 0 && list) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "dryRun", json_object_new_boolean(dry_run));
		json_object_object_add(o, "files", list);
		cli_print_json(o);
	} else {
		json_object_put(list);
	}
	free(temps);
	free(paths);
	free(values);
	edits_free(edits, edit_count);
	return rc;
}

static int set_run(const cli *c)
{
	return yaml_edit(c, false);
}

static int delete_run(const cli *c)
{
	return yaml_edit(c, true);
}

static const cli_command get = {
	"get", "print one value of a YAML file",
	"A scalar's value (quotes and escapes resolved), or a collection's source text.",
	get_opts, get_run, NULL, 0
};

static const cli_command set = {
	"set", "edit YAML files in place, changing only the values' bytes",
	"Comments, order, quoting and indentation stay as they were. Every file is edited in memory first;\n"
	"only when all succeeded are they replaced.",
	set_opts, set_run, NULL, 0
};

static const cli_command delete = {
	"delete", "remove keys or items from YAML files in place",
	"A key's whole entry goes, comments on its lines included.",
	delete_opts, delete_run, NULL, 0
};

const cli_command cmd_yaml = {
	"yaml", "surgical edits of YAML files (no configuration needed)", NULL, NULL, NULL,
	(const cli_command *const[]){ &get, &set, &delete, NULL }, 0
};
