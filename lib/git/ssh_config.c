/* Reading ~/.ssh/config's Host blocks for an alias (ssh_config.h). */
#include "ssh_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE (256 * 1024)
#define MAX_LINE 4096

bool promote__ssh_wildcard(const char *pattern, const char *name)
{
	for (; *pattern; pattern++, name++) {
		if (*pattern == '*') {
			for (const char *rest = name;; rest++) {
				if (promote__ssh_wildcard(pattern + 1, rest))
					return true;
				if (!*rest)
					return false;
			}
		}
		if (!*name || (*pattern != '?' && *pattern != *name))
			return false;
	}
	return !*name;
}

/* The next argument of `*p` (whitespace-separated, "quoted" as one), NUL-
 * terminated in place; NULL when there is none. */
static char *next_arg(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	char *arg = s;
	if (*s == '"') {
		arg = ++s;
		while (*s && *s != '"')
			s++;
	} else {
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	if (*s)
		*s++ = '\0';
	*p = s;
	return arg;
}

/* Does a `Host` line's pattern list match `alias`? A negated match says no. */
static bool host_matches(char *patterns, const char *alias)
{
	bool matched = false;
	for (char *p = patterns, *pat; (pat = next_arg(&p));) {
		bool negated = *pat == '!';
		if (promote__ssh_wildcard(negated ? pat + 1 : pat, alias)) {
			if (negated)
				return false;
			matched = true;
		}
	}
	return matched;
}

/* `value` with `~/` (at the start), `%d` (the home folder), `%h` (the
 * alias) and `%%` expanded into `out`. */
static void expand(char *out, size_t size, const char *value, const char *alias)
{
	const char *home = getenv("HOME");
	home = home ? home : "";
	size_t o = 0;
	out[0] = '\0';
	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		o = (size_t)snprintf(out, size, "%s", home);
		value++;
	}
	for (; *value && o + 1 < size; value++) {
		const char *piece = NULL;
		char one[2] = { *value, '\0' };
		if (*value == '%' && (value[1] == 'd' || value[1] == 'h' || value[1] == '%')) {
			value++;
			piece = *value == 'd' ? home : *value == 'h' ? alias : "%";
		}
		o += (size_t)snprintf(out + o, size - o, "%s", piece ? piece : one);
	}
	if (o >= size)
		out[size - 1] = '\0';
}

/* One "Keyword value" line of an applying block: the first value wins. */
static void apply_line(promote__ssh_host *out, const char *key, char *rest, const char *alias)
{
	char *value = next_arg(&rest);
	if (!value)
		return;
	if (strcasecmp(key, "HostName") == 0 && !out->hostname[0])
		expand(out->hostname, sizeof out->hostname, value, alias);
	else if (strcasecmp(key, "Port") == 0 && !out->port) {
		char *end = NULL;
		long port = strtol(value, &end, 10);
		out->port = end && !*end && port > 0 && port < 65536 ? (int)port : 0;
	} else if (strcasecmp(key, "User") == 0 && !out->user[0])
		snprintf(out->user, sizeof out->user, "%s", value);
	else if (strcasecmp(key, "IdentityFile") == 0 && !out->identity[0])
		expand(out->identity, sizeof out->identity, value, alias);
}

void promote__ssh_config_lookup(promote__ssh_host *out, const char *path, const char *alias)
{
	memset(out, 0, sizeof *out);
	char file[4200];
	if (!path) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return;
		snprintf(file, sizeof file, "%s/.ssh/config", home);
		path = file;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[MAX_LINE];
	size_t read_bytes = 0;
	bool applies = true; /* before the first Host: every host */
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		read_bytes += len;
		if (read_bytes > MAX_FILE)
			break;
		if (len == sizeof line - 1 && line[len - 1] != '\n') { /* too long: skipped whole */
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n' && ++read_bytes <= MAX_FILE)
				;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		/* "Keyword value", "Keyword=value" or "Keyword = value" */
		char *key = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		if (*p) {
			*p++ = '\0';
			while (*p == ' ' || *p == '\t' || *p == '=')
				p++;
		}
		if (strcasecmp(key, "Host") == 0)
			applies = host_matches(p, alias);
		else if (strcasecmp(key, "Match") == 0)
			applies = false;
		else if (applies)
			apply_line(out, key, p, alias);
	}
	fclose(f);
}

char *promote__ssh_config_url(const char *url, char *identity, size_t size)
{
	identity[0] = '\0';
	const char *rest, *slash;
	bool scp = false;
	if (strncmp(url, "ssh://", 6) == 0)
		rest = url + 6;
	else if (strncmp(url, "git+ssh://", 10) == 0 || strncmp(url, "ssh+git://", 10) == 0)
		rest = url + 10;
	else if (!strstr(url, "://") && (slash = strchr(url, ':')) && slash != url &&
		 (!strchr(url, '/') || slash < strchr(url, '/')))
		rest = url, scp = true;
	else
		return NULL;
	/* [user@]host[:port] then the path */
	size_t authority = scp ? strcspn(rest, ":") : strcspn(rest, "/");
	const char *at = memchr(rest, '@', authority);
	const char *host = at ? at + 1 : rest;
	size_t host_len = (size_t)(rest + authority - host);
	if (!scp && host[0] != '[') {
		const char *colon = memchr(host, ':', host_len);
		if (colon)
			host_len = (size_t)(colon - host);
	}
	char alias[1024];
	if (host_len == 0 || host_len >= sizeof alias || host[0] == '[')
		return NULL;
	memcpy(alias, host, host_len);
	alias[host_len] = '\0';
	promote__ssh_host found;
	promote__ssh_config_lookup(&found, NULL, alias);
	if (!found.hostname[0] && !found.port && !found.user[0] && !found.identity[0])
		return NULL;
	snprintf(identity, size, "%s", found.identity);
	/* The URL's own user and port win over the file's. */
	char user[300] = "";
	if (at)
		snprintf(user, sizeof user, "%.*s@", (int)(at - rest), rest);
	else if (found.user[0])
		snprintf(user, sizeof user, "%s@", found.user);
	int port = found.port;
	if (!scp) {
		const char *colon = memchr(host, ':', (size_t)(rest + authority - host));
		if (colon)
			port = atoi(colon + 1);
	}
	const char *path = rest + authority + (scp ? 1 : 0);
	char port_text[16] = "";
	if (port > 0 && port != 22)
		snprintf(port_text, sizeof port_text, ":%d", port);
	/* scp-like paths are relative to the home folder unless absolute. */
	const char *lead = scp ? (*path == '/' ? "" : "/~/") : "";
	size_t n = strlen(user) + strlen(found.hostname[0] ? found.hostname : alias) + strlen(port_text) +
		strlen(lead) + strlen(path) + 16;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "ssh://%s%s%s%s%s", user, found.hostname[0] ? found.hostname : alias, port_text, lead,
			path);
	return out;
}
