/* promote release list|...: releases recorded in the repository. */
#include "cli.h"

const cli_command cmd_release = {
	"release", "releases recorded in the repository: see, approve, stop, resume",
	"A release is one run of a flow for one product at one version; its record is kept in the repository\n"
	"at refs/promote/releases/ID, so any machine can see, approve or resume it.",
	NULL, NULL, (const cli_command *const[]){ &cmd_release_list, NULL }, 0
};
