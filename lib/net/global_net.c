/* libcurl's start and stop, for core's run-time (see global_net.h). */
#include "global_net.h"

#include "curl_api.h"

#include "core/error.h"

static int curl_start(void)
{
	const promote__curl_api *curl = promote__curl();
	if (!curl)
		return PROMOTE_ENET;
	if (curl->global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		return 0;
	return promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET, "could not initialise libcurl");
}

static void curl_stop(void)
{
	promote__curl()->global_cleanup(); /* started: loaded */
}

const promote__subsystem promote__net_subsystem = { "libcurl", curl_start, curl_stop };

int promote__need_curl(void)
{
	return promote__subsystem_need(&promote__net_subsystem);
}
