/* A refused push: a race to plan again, or the server's final answer. */
#include "push_error.h"

#include "net/redact.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

int promote__git_push_refused(const char *url, const char *ref, const char *reason)
{
	/* A ref that moved is a race to plan again; any other refusal (a hook, a
	 * protected branch) is the server's answer and retrying will not change it. */
	bool moved = strstr(reason, "non-fast-forward") || strstr(reason, "fetch first") ||
		strstr(reason, "stale info") || strstr(reason, "failed to update ref") ||
		strstr(reason, "failed to lock") || strstr(reason, "cannot lock ref") || strstr(reason, "already exists") ||
		/* an atomic push whose refs could not all be moved from the values it named */
		strstr(reason, "atomic transaction failed");
	const char *name = strncmp(ref, "refs/heads/", 11) == 0 ? ref + 11 : ref;
	char *shown = promote__redact_url(url);
	char *why = promote__redact_url(reason);
	int rc = moved ? promote__error(PROMOTE_ECONFLICT, PROMOTE_ERROR_CLASS_GIT,
				 "%s refused the update of '%s' (%s): it moved meanwhile; fetch and plan again",
				 shown ? shown : "the remote", name, why ? why : "")
		       : promote__error(PROMOTE_EGIT, PROMOTE_ERROR_CLASS_GIT, "%s refused the update of '%s': %s",
				 shown ? shown : "the remote", name, why ? why : "");
	free(why);
	free(shown);
	return rc;
}
