/* --listen's address (promote watch; web_server.h). */
#ifndef PROMOTE_CLI_WEB_LISTEN_H
#define PROMOTE_CLI_WEB_LISTEN_H

#include <netinet/in.h>
#include <stdbool.h>

typedef struct web_listen {
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} addr;
	bool ipv6;
	char host[72];   /* as a URL has it: "127.0.0.1", "[::1]" */
} web_listen;

/* "127.0.0.1:8080", "[::1]:8080" (any IPv4 or bracketed IPv6 literal), or a port alone (127.0.0.1); port 0:
 * one the system chooses. 0, or EXIT_USAGE after saying what --listen takes. */
int web_listen_parse(web_listen *out, const char *text);

#endif
