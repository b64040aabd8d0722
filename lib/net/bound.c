/* How long the network may keep promote waiting (see bound.h). */
#include "bound.h"
#include "redact.h"

#include "core/error.h"

#include <stdlib.h>

unsigned promote__net_timeout_s(uint32_t option)
{
	if (option)
		return option > PROMOTE__NET_TIMEOUT_MAX_S ? PROMOTE__NET_TIMEOUT_MAX_S : option;
	const char *env = getenv("PROMOTE_NET_TIMEOUT");
	char *end = NULL;
	long s = env && *env ? strtol(env, &end, 10) : 0;
	return end && *end == '\0' && s >= 1 && s <= (long)PROMOTE__NET_TIMEOUT_MAX_S ? (unsigned)s
										      : PROMOTE__NET_TIMEOUT_DEFAULT_S;
}

int promote__net_timed_out(const char *what, const char *url, const char *host, promote__net_stall stall,
	unsigned seconds)
{
	char *shown = promote__redact_url(url);
	char *server = promote__redact_url(host && *host ? host : "the server");
	int rc = promote__error(PROMOTE_ETIMEOUT, PROMOTE_ERROR_CLASS_NET,
		"%s %s: %s %s %s %u s; the server or the network is down or overloaded: try again later, or wait "
		"longer (PROMOTE_NET_TIMEOUT=SECONDS)",
		what, shown ? shown : "the remote", stall == PROMOTE__NET_CONNECT ? "no connection to" : "no data from",
		server ? server : "the server", stall == PROMOTE__NET_CONNECT ? "within" : "for", seconds);
	free(server);
	free(shown);
	return rc;
}
