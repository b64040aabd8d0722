/* promote version (and promote --version): the version built with and the library's. */
#include "cli.h"

#include <stdio.h>

static const cli_opt opts[] = { { CLI_OPT_END } };

static int run(const cli *c)
{
	if (c->json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "promote", json_object_new_string(PROMOTE_VERSION));
		json_object_object_add(o, "libpromote", json_object_new_string(promote_version_string()));
		cli_print_json(o);
	} else {
		printf("promote %s (libpromote %s)\n", PROMOTE_VERSION, promote_version_string());
	}
	return EXIT_OK;
}

const cli_command cmd_version = {
	"version", "print the version of promote and of the library it runs with",
	"The first is the version promote was built with, the second the library's at run time.",
	opts, run, NULL, 0
};
