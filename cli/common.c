/* Opening the context and reporting errors for every subcommand. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* promote.yaml in the current folder or the nearest parent, stopping at the
 * root of the git work tree around it. */
static bool find_config(char *out, size_t size)
{
	char dir[PATH_MAX];
	if (!getcwd(dir, sizeof dir))
		return false;
	for (;;) {
		snprintf(out, size, "%s/promote.yaml", strcmp(dir, "/") == 0 ? "" : dir);
		if (exists(out))
			return true;
		char git[PATH_MAX + 8];
		snprintf(git, sizeof git, "%s/.git", dir);
		char *slash = strrchr(dir, '/');
		if (exists(git) || !slash || strcmp(dir, "/") == 0)
			return false;
		slash[slash == dir ? 1 : 0] = '\0'; /* "/srv" goes up to "/" */
	}
}

static void log_to_stderr(int level, const char *domain, const char *message, void *payload)
{
	(void)payload;
	static const char *const names[] = { "error", "warning", "info", "debug", "trace" };
	cli_progress_finish();
	fprintf(stderr, "promote: %s: [%s] %s\n", level >= 0 && level <= 4 ? names[level] : "log", domain, message);
}

/* What the global options ask of the library. Where the command listens to
 * the library (its log; its events, e.g. transfer progress), it is set here. */
static void context_options(promote_context_options *opts, const cli *c)
{
	opts->cache_dir = c->cache;
	cli_progress_options(opts, c);
	if (c->verbosity > 0) {
		/* -v: the library's debug lines; -vv: trace as well. */
		opts->log_cb = log_to_stderr;
		opts->log_level = c->verbosity > 1 ? PROMOTE_LOG_TRACE : PROMOTE_LOG_DEBUG;
	}
}

int cli_open(promote_context **out, const cli *c)
{
	int rc;
	promote_context_options opts = PROMOTE_CONTEXT_OPTIONS_INIT;
	context_options(&opts, c);
	if ((rc = cli_clock_options(&opts)) != 0)
		return rc;
	if (c->config) {
		rc = promote_context_open_file(out, c->config, &opts);
	} else if (c->repo) {
		rc = promote_context_open_repository(out, c->repo, NULL, &opts);
	} else {
		char path[PATH_MAX + 16];
		if (!find_config(path, sizeof path))
			return cli_usage_error("no promote.yaml here or in the folders above (up to the git work tree's "
					       "root); pass --config FILE or --repo PATH");
		rc = promote_context_open_file(out, path, &opts);
	}
	if (rc == 0)
		return 0;
	/* What stops the configuration from opening is bad input (missing, not a
	 * repository, invalid, credentials refused), save what is not the input's
	 * fault: no memory, the network (failed or silent), a mirror busy — those failed. */
	int exit_code = cli_fail(c);
	bool failed = rc == PROMOTE_ENOMEM || rc == PROMOTE_ENET || rc == PROMOTE_ETIMEOUT || rc == PROMOTE_EBUSY;
	return failed ? exit_code == EXIT_USAGE ? EXIT_FAILED : exit_code : EXIT_USAGE;
}

int cli_exit_code(int code)
{
	switch (code) {
	case PROMOTE_OK: return EXIT_OK;
	case PROMOTE_EINVALID:
	case PROMOTE_ELIMIT:
	case PROMOTE_ENOTFOUND:
	case PROMOTE_EEXISTS:
	case PROMOTE_EAUTH: return EXIT_USAGE; /* credentials refused: the input to fix */
	default: return EXIT_FAILED;
	}
}

json_object *cli_json_string(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

void cli_json_add_remote(json_object *o, const promote_context *ctx)
{
	json_object_object_add(o, "remote", cli_json_string(promote_context_remote_name(ctx)));
}

bool cli_stdout_is_terminal(void)
{
	const char *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && term && *term && strcmp(term, "dumb") != 0;
}

const char *cli_json_text(json_object *value)
{
	return json_object_to_json_string_ext(value, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
}

void cli_print_json(json_object *value)
{
	puts(cli_json_text(value));
	json_object_put(value);
}

json_object *cli_error_to_json(const promote_error *e)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "code", json_object_new_int(e->code));
	json_object_object_add(o, "error", json_object_new_string(promote_strerror(e->code)));
	json_object_object_add(o, "message", json_object_new_string(e->message));
	json_object_object_add(o, "file", cli_json_string(e->file));
	json_object_object_add(o, "line", e->line ? json_object_new_int((int)e->line) : NULL);
	json_object_object_add(o, "column", e->column ? json_object_new_int((int)e->column) : NULL);
	return o;
}

/* The library names what to do in its own words (an option field, a flag
 * constant, a function); the command line's words for the same thing. */
static const struct {
	const char *library;
	const char *cli;
} hints[] = {
	{ "promote_plan_options.from", "pass --from ENV to name the source environment" },
	{ "promote_release_options.from", "pass --from ENV to name the source environment" },
	{ "promote_release_options.force and .reason", "pass --force --reason TEXT to promote it anyway (the reason is recorded)" },
	{ "promote_release_options.reason", "pass --reason TEXT to say why" },
	{ "promote_release_approve", "approve it with: promote release approve ID --env ENV" },
	{ "a listing of the releases shows them", "promote release list shows them" },
	{ "promote_context_open_repository", "pass --repo PATH|URL to name the repository" },
	{ "(config_path)", "pass --config FILE to name the configuration file" },
	{ "set PROMOTE_YAML_EDIT_ANCHORS", "pass --edit-anchors to do so" },
	{ "without PROMOTE_YAML_TYPED", "leave out --typed" },
	{ "set PROMOTE_YAML_TYPED", "pass --typed to do so" },
	{ "promote_change_approve", "approve it with: promote change approve ID" },
	{ "promote_context_doctor() with PROMOTE_DOCTOR_FIX",
	  "promote doctor --fix removes it (with the same --repo or --config)" },
	{ "promote_context_doctor() and PROMOTE_DOCTOR_FIX",
	  "promote doctor --fix removes it (with the same --repo or --config)" },
};

/* "promote: hint: ..." for each library word that `says` finds, once. */
static void print_hints_where(bool (*says)(const void *where, const char *word), const void *where)
{
	for (size_t h = 0; h < sizeof hints / sizeof *hints; h++)
		if (says(where, hints[h].library))
			fprintf(stderr, "promote: hint: %s\n", hints[h].cli);
}

static bool chain_says(const void *where, const char *word)
{
	for (const promote_error *e = where; e; e = e->next)
		if (strstr(e->message, word))
			return true;
	return false;
}

static bool message_says(const void *where, const char *word)
{
	return strstr(where, word) != NULL;
}

void cli_print_hints(const char *message)
{
	print_hints_where(message_says, message);
}

int cli_fail(const cli *c)
{
	const promote_error *first = promote_error_last();
	cli_progress_finish();
	size_t count = 0;
	if (c->json) {
		json_object *list = json_object_new_array();
		for (const promote_error *e = first; e; e = e->next, count++)
			json_object_array_add(list, cli_error_to_json(e));
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "errors", list);
		cli_print_json(o);
	} else {
		for (const promote_error *e = first; e; e = e->next, count++)
			fprintf(stderr, "%s%s\n", e->file ? "" : "promote: ", e->message);
		if (count > 1)
			fprintf(stderr, "promote: %zu errors\n", count);
		print_hints_where(chain_says, first);
	}
	return cli_exit_code(first->code);
}

int cli_parse_duration(uint32_t *ms, const char *text, const char *option)
{
	/* A number alone is seconds; else number-unit pairs: 1h30m. */
	static const struct {
		char unit;
		uint64_t ms;
	} units[] = { { 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 } };
	uint64_t total = 0;
	const char *p = text;
	bool any = false;
	while (*p >= '0' && *p <= '9') {
		uint64_t n = 0;
		while (*p >= '0' && *p <= '9' && n <= UINT32_MAX)
			n = n * 10 + (uint64_t)(*p++ - '0');
		uint64_t scale = 0;
		for (size_t i = 0; i < sizeof units / sizeof *units; i++)
			if (*p == units[i].unit)
				scale = units[i].ms;
		if (!scale && (*p || any))
			return cli_usage_error("%s takes a duration such as 90s, 10m or 1h30m, not '%s'", option, text);
		total += n * (scale ? scale : 1000);
		p += scale ? 1 : 0;
		any = true;
		if (total > UINT32_MAX)
			return cli_usage_error("%s %s is too long; at most 49 days (49d)", option, text);
	}
	if (!any || *p)
		return cli_usage_error("%s takes a duration such as 90s, 10m or 1h30m, not '%s'", option, text);
	*ms = (uint32_t)total;
	return 0;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("promote: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_USAGE;
}

void cli_format_time(char *out, size_t size, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	if (!when || !gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, size, "-");
}
