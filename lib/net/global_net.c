/* libcurl's start and stop, for core's run-time (see global_net.h). */
#include "global_net.h"

#include "core/error.h"

#include <curl/curl.h>

static int curl_start(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		return 0;
	return promote__error(PROMOTE_ENET, PROMOTE_ERROR_CLASS_NET, "could not initialise libcurl");
}

static void curl_stop(void)
{
	curl_global_cleanup();
}

const promote__subsystem promote__net_subsystem = { "libcurl", curl_start, curl_stop };

int promote__need_curl(void)
{
	return promote__subsystem_need(&promote__net_subsystem);
}
