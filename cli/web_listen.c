/* --listen's address: "127.0.0.1:8080", "[::1]:8080", or a port (127.0.0.1). */
#include "web_listen.h"

#include "cli.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(const char *text)
{
	return cli_usage_error("--listen takes an address and port (127.0.0.1:8080, [::1]:8080) or a port "
			       "(8080: 127.0.0.1), not '%s'", text);
}

static bool parse_port(const char *text, unsigned *port)
{
	char *end;
	if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 5)
		return false;
	unsigned long n = strtoul(text, &end, 10);
	*port = (unsigned)n;
	return n <= 65535;
}

int web_listen_parse(web_listen *out, const char *text)
{
	char host[64];
	const char *port_text;
	unsigned port;
	memset(out, 0, sizeof *out);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':' || (size_t)(close - text - 1) >= sizeof host)
			return refuse(text);
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		port_text = close + 2;
		out->ipv6 = true;
	} else if (strchr(text, ':')) {
		const char *colon = strrchr(text, ':');
		if ((size_t)(colon - text) >= sizeof host)
			return refuse(text);
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
		port_text = colon + 1;
	} else {
		strcpy(host, "127.0.0.1");
		port_text = text;
	}
	if (!parse_port(port_text, &port))
		return refuse(text);
	if (out->ipv6) {
		out->addr.v6.sin6_family = AF_INET6;
		out->addr.v6.sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &out->addr.v6.sin6_addr) != 1)
			return refuse(text);
	} else {
		out->addr.v4.sin_family = AF_INET;
		out->addr.v4.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &out->addr.v4.sin_addr) != 1)
			return refuse(text);
	}
	snprintf(out->host, sizeof out->host, out->ipv6 ? "[%s]" : "%s", host);
	return 0;
}
