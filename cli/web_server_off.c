/* promote built without libmicrohttpd: --listen is refused, saying what to install (web_server.h). */
#include "web_server.h"

#include "cli.h"

#include <stdio.h>

int web_server_start(web_server **out, const web_listen *where, const char *text, const promote_context *ctx, char *url,
	size_t url_size)
{
	(void)where, (void)text, (void)ctx, (void)url, (void)url_size;
	*out = NULL;
	fprintf(stderr, "promote: this promote was built without the web view: install libmicrohttpd (Debian: "
		"libmicrohttpd-dev) and build it again to use --listen\n");
	return EXIT_USAGE;
}

void web_server_stop(web_server *server)
{
	(void)server;
}
