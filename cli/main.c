/* promote — the command-line front end of libpromote: parse, call the API, print. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: promote [--config FILE | --repo PATH|URL] [--cache DIR] [--json] [-q] [-v] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  validate                          check the configuration; every error with file:line:column\n"
	"  env list                          the configured environments\n"
	"  product list [--env ENV]          the products ENV's branch holds (configured and discovered)\n"
	"  flow show [FLOW]                  a flow's trigger and steps, in waves\n"
	"  policy explain PRODUCT ENV [--flow FLOW]\n"
	"                                    the effective policy and which policy supplied each field\n"
	"  yaml get [--source] FILE PATH     print one value of a YAML file\n"
	"  yaml set [-e PATH=VALUE]... [--image-policy NS:POLICY=IMAGE]... [--create] [--typed]\n"
	"           [--edit-anchors] FILE...  edit YAML files in place, changing only the values' bytes\n"
	"  yaml delete [-e PATH]... [--edit-anchors] FILE...\n"
	"                                    remove keys or items\n"
	"  plan PRODUCT --to ENV [--from ENV] [--version V]\n"
	"                                    the diff a promotion would make; writes nothing\n"
	"  apply PRODUCT --to ENV [--from ENV] [--version V] [--release ID]\n"
	"                                    one promotion: one commit, or a change request, as policy says\n"
	"  change show|approve|merge|close ID [--provider NAME] [--by NAME]\n"
	"  change comment ID TEXT            a change request at its git provider (local: in the repository)\n"
	"  help                              this text\n"
	"\n"
	"options:\n"
	"  --config FILE   the configuration (default: promote.yaml here or above, up to the git root)\n"
	"  --repo PATH|URL read promote.yaml from HEAD of that git repository (a URL is mirrored)\n"
	"  --cache DIR     where mirrors of remote repositories are kept (default $PROMOTE_CACHE_DIR,\n"
	"                  else $XDG_CACHE_HOME/promote)\n"
	"  --json          machine-readable output\n"
	"  -q, -v          quieter, more verbose\n"
	"  --version       print the version\n"
	"\n"
	"exit codes: 0 ok, 1 failed, 2 usage or bad input, 3 waiting\n";

typedef struct command {
	const char *name;
	int (*run)(const cli *c);
} command;

static const command commands[] = {
	{ "validate", cmd_validate },
	{ "env", cmd_env },
	{ "product", cmd_product },
	{ "flow", cmd_flow },
	{ "policy", cmd_policy },
	{ "yaml", cmd_yaml },
	{ "plan", cmd_plan },
	{ "apply", cmd_apply },
	{ "change", cmd_change },
};

/* Take the global options out of argv wherever they stand; the rest is the
 * command and its arguments. Returns -1 to go on, else an exit code. */
static int parse_globals(cli *c, int argc, char **argv)
{
	c->argv = calloc((size_t)argc + 1, sizeof *c->argv);
	if (!c->argv)
		return EXIT_FAILED;
	bool literal = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (literal || a[0] != '-') {
			c->argv[c->argc++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			literal = true;
			c->argv[c->argc++] = argv[i]; /* the subcommand sees it too: what follows are operands */
		} else if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			c->verbosity--;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			c->verbosity++;
		} else if (strcmp(a, "--config") == 0 || strcmp(a, "--repo") == 0 || strcmp(a, "--cache") == 0) {
			if (i + 1 >= argc)
				return cli_usage_error("%s needs a value", a);
			if (strcmp(a, "--config") == 0)
				c->config = argv[++i];
			else if (strcmp(a, "--repo") == 0)
				c->repo = argv[++i];
			else
				c->cache = argv[++i];
		} else if (strncmp(a, "--config=", 9) == 0) {
			c->config = a + 9;
		} else if (strncmp(a, "--repo=", 7) == 0) {
			c->repo = a + 7;
		} else if (strncmp(a, "--cache=", 8) == 0) {
			c->cache = a + 8;
		} else if (strcmp(a, "--version") == 0 && c->argc == 0) {
			/* Before a command only: `promote apply P --to E --version V` is the command's. */
			printf("promote %s (libpromote %s)\n", PROMOTE_VERSION, promote_version_string());
			return EXIT_OK;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else {
			c->argv[c->argc++] = argv[i]; /* a subcommand's own option */
		}
	}
	if (c->config && c->repo)
		return cli_usage_error("--config and --repo exclude each other; pass one");
	return -1;
}

int main(int argc, char **argv)
{
	cli c = { 0 };
	int rc = parse_globals(&c, argc, argv);
	if (rc >= 0)
		goto out;
	if (c.argc == 0) {
		fputs(usage, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	const char *name = c.argv[0];
	if (strcmp(name, "help") == 0) {
		fputs(usage, stdout);
		rc = EXIT_OK;
		goto out;
	}
	const command *cmd = NULL;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !cmd; i++)
		if (strcmp(commands[i].name, name) == 0)
			cmd = &commands[i];
	if (!cmd) {
		rc = cli_usage_error("unknown command '%s'; see 'promote help'", name);
		goto out;
	}
	if (promote_init() < 0) {
		rc = cli_fail(&c);
		goto out;
	}
	c.argc--;
	c.argv++;
	rc = cmd->run(&c);
	c.argv--;
	/* Output that could not be written (a full disk, a closed pipe) is a failure. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "promote: cannot write the output: %s\n", strerror(errno));
		rc = EXIT_FAILED;
	}
	promote_shutdown();
out:
	free(c.argv);
	return rc;
}
