/* promote doctor [--fix]: the locks a killed git or promote left in the repository; --fix removes the stale ones. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static int fix;

static const cli_opt opts[] = {
	{ CLI_OPT_SWITCH, "fix", 0, &fix, 0, NULL, "remove the stale locks found", 0 },
	{ CLI_OPT_END }
};

static int run(const cli *c)
{
	promote_context *ctx;
	int rc = cli_open(&ctx, c);
	if (rc)
		return rc;
	promote_warnings *found = NULL;
	size_t in_the_way = 0;
	if (promote_context_doctor(&found, &in_the_way, ctx, fix ? PROMOTE_DOCTOR_FIX : 0)) {
		rc = cli_fail(c);
		promote_context_free(ctx);
		return rc;
	}
	size_t count = promote_warnings_count(found);
	if (c->json) {
		json_object *o = json_object_new_object(), *list = json_object_new_array();
		for (size_t i = 0; i < count; i++) {
			const promote_error *e = promote_warnings_at(found, i);
			json_object *entry = json_object_new_object();
			json_object_object_add(entry, "path", cli_json_string(e->file));
			json_object_object_add(entry, "removed", json_object_new_boolean(e->code == PROMOTE_OK));
			json_object_object_add(entry, "message", cli_json_string(e->message));
			json_object_array_add(list, entry);
		}
		json_object_object_add(o, "repository", cli_json_string(promote_context_repository_path(ctx)));
		json_object_object_add(o, "locks", list);
		json_object_object_add(o, "ok", json_object_new_boolean(in_the_way == 0));
		cli_print_json(o);
	} else {
		bool stale = false;
		for (size_t i = 0; i < count; i++) {
			const promote_error *e = promote_warnings_at(found, i);
			fprintf(e->code == PROMOTE_OK ? stdout : stderr, "%s%s\n", e->code == PROMOTE_OK ? "" : "promote: ",
				e->message);
			stale = stale || (e->code == PROMOTE_EBUSY && strstr(e->message, "a stale lock file"));
		}
		if (stale)
			fputs("promote: hint: promote doctor --fix removes the stale ones\n", stderr);
		if (c->verbosity >= 0 && in_the_way == 0)
			printf("%s: %s\n", promote_context_repository_path(ctx),
				count ? "no lock left in the way" : "no lock in the way");
	}
	promote_warnings_free(found);
	promote_context_free(ctx);
	return in_the_way ? EXIT_FAILED : EXIT_OK;
}

const cli_command cmd_doctor = {
	"doctor", "the lock files a killed process left in the repository; --fix removes the stale ones",
	"A process of git's or promote's killed while it updates a branch leaves a lock file (refs/heads/main.lock,\n"
	"packed-refs.lock, ...) that makes every later update of it fail; git never removes one by itself and\n"
	"records no owner in it, so its age tells: one older than PROMOTE_STALE_LOCK_AGE seconds (600 unless\n"
	"set) is stale. Each lock in the repository promotions write is printed with its age; --fix removes\n"
	"the stale ones, never a younger one (a process may be writing). Exit status 0 when no lock is left in\n"
	"the way, 1 otherwise. A mirror in the cache is promote's own: its locks are removed whenever it is\n"
	"used, under its lock.",
	opts, run, NULL, 0
};
