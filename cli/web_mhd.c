/* libmicrohttpd loaded by name when the web view starts (web_mhd.h). */
#include "web_mhd.h"

#include "core/dynlib.h"

#include <stdio.h>

#ifndef PROMOTE_MICROHTTPD_SONAME
#error "PROMOTE_MICROHTTPD_SONAME: libmicrohttpd's soname, set by meson.build"
#endif

#define SYMBOL(field) { "MHD_" #field, offsetof(web_mhd_api, field) }

static const promote__dynlib_symbol symbols[] = {
	SYMBOL(start_daemon), SYMBOL(stop_daemon), SYMBOL(get_daemon_info), SYMBOL(get_connection_info),
	SYMBOL(get_connection_values), SYMBOL(lookup_connection_value), SYMBOL(create_response_from_buffer),
	SYMBOL(add_response_header), SYMBOL(queue_response), SYMBOL(destroy_response),
};

const web_mhd_api *web_mhd(char *why, size_t n)
{
	static web_mhd_api api;
	static bool loaded;
	static char failure[512];
	if (!loaded && !failure[0])
		loaded = promote__dynlib_load(PROMOTE_MICROHTTPD_SONAME, symbols, sizeof symbols / sizeof *symbols, &api,
			sizeof api, failure, sizeof failure);
	if (!loaded)
		snprintf(why, n, "could not load libmicrohttpd (%s): %s; install it (Debian: apt install libmicrohttpd12)",
			PROMOTE_MICROHTTPD_SONAME, failure);
	return loaded ? &api : NULL;
}
