/*
 * promote watch --listen: the web view's HTTP server (libmicrohttpd, on its own thread; doc/WEB.md). It
 * serves the pages of web_pages.h and the JSON of the snapshot the watcher publishes after each pass
 * (web_snapshot.h) with GET and HEAD, and takes the forges' webhooks with POST (web_hooks.h): bounded
 * connections, request size and time.
 * Without libmicrohttpd at build time (web_server_off.c) --listen is refused with what to install.
 */
#ifndef PROMOTE_CLI_WEB_SERVER_H
#define PROMOTE_CLI_WEB_SERVER_H

#include "web_listen.h"

#include <promote.h>
#include <stddef.h>

typedef struct web_server web_server;

/* Start serving on `where` (web_listen_parse() of `text`, which messages name); `url` gets the address served
 * ("http://127.0.0.1:8080/", the port chosen when 0 was given). The forges' webhooks wake the watcher for a
 * push to a branch of the environments of `ctx` (web_hooks.h). 0, or an exit status after a message. */
int web_server_start(web_server **out, const web_listen *where, const char *text, const promote_context *ctx, char *url,
	size_t url_size);

/* Stop (waits for the request being answered) and free. NULL is fine. */
void web_server_stop(web_server *server);

#endif
