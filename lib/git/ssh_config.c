/* Reading ~/.ssh/config's Host blocks for an alias (ssh_config.h). */
#include "ssh_config.h"

#include "core/error.h"
#include "core/strbuf.h"

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
 * alias) and `%%` expanded, as a malloc'd string into *out. */
static int expand(char **out, const char *value, const char *alias, const char *what)
{
	const char *home = getenv("HOME");
	home = home ? home : "";
	promote__strbuf sb;
	promote__strbuf_init(&sb, PROMOTE__PATH_MAX, what);
	int rc = 0;
	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		rc = promote__strbuf_adds(&sb, home);
		value++;
	}
	for (; rc == 0 && *value; value++) {
		if (*value == '%' && (value[1] == 'd' || value[1] == 'h' || value[1] == '%')) {
			value++;
			rc = promote__strbuf_adds(&sb, *value == 'd' ? home : *value == 'h' ? alias : "%");
		} else {
			rc = promote__strbuf_add(&sb, value, 1);
		}
	}
	if (rc == 0 && !(*out = promote__strbuf_take(&sb)))
		rc = PROMOTE_ENOMEM;
	promote__strbuf_free(&sb);
	return rc;
}

/* One "Keyword value" line of an applying block: the first value wins. */
static int apply_line(promote__ssh_host *out, const char *key, char *rest, const char *alias)
{
	char *value = next_arg(&rest);
	if (!value)
		return 0;
	if (strcasecmp(key, "HostName") == 0 && !out->hostname)
		return expand(&out->hostname, value, alias, "the HostName of ~/.ssh/config");
	if (strcasecmp(key, "Port") == 0 && !out->port) {
		char *end = NULL;
		long port = strtol(value, &end, 10);
		out->port = end && !*end && port > 0 && port < 65536 ? (int)port : 0;
	} else if (strcasecmp(key, "User") == 0 && !out->user) {
		if (!(out->user = strdup(value)))
			return promote__error_oom();
	} else if (strcasecmp(key, "IdentityFile") == 0 && !out->identity)
		return expand(&out->identity, value, alias, "the IdentityFile of ~/.ssh/config");
	return 0;
}

void promote__ssh_host_clear(promote__ssh_host *host)
{
	free(host->hostname);
	free(host->user);
	free(host->identity);
	memset(host, 0, sizeof *host);
}

int promote__ssh_config_lookup(promote__ssh_host *out, const char *path, const char *alias)
{
	memset(out, 0, sizeof *out);
	promote__strbuf file;
	promote__strbuf_init(&file, PROMOTE__PATH_MAX, "the path of ~/.ssh/config");
	int rc = 0;
	if (!path) {
		const char *home = getenv("HOME");
		if (!home || !*home)
			return 0;
		if ((rc = promote__strbuf_addf(&file, "%s/.ssh/config", home)) < 0)
			return rc;
		path = promote__strbuf_cstr(&file);
	}
	FILE *f = fopen(path, "r");
	promote__strbuf_free(&file);
	if (!f)
		return 0;
	/* Lines longer than this are skipped whole, never read in parts (the
	 * header says so): no option ssh takes needs one. */
	char line[MAX_LINE];
	size_t read_bytes = 0;
	bool applies = true; /* before the first Host: every host */
	while (rc == 0 && fgets(line, sizeof line, f)) {
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
			rc = apply_line(out, key, p, alias);
	}
	fclose(f);
	if (rc < 0)
		promote__ssh_host_clear(out);
	return rc;
}

int promote__ssh_config_url(char **out, char **identity, const char *url)
{
	*out = *identity = NULL;
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
		return 0;
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
	if (host_len == 0 || host[0] == '[')
		return 0;
	char *alias = strndup(host, host_len);
	if (!alias)
		return promote__error_oom();
	promote__ssh_host found;
	int rc = promote__ssh_config_lookup(&found, NULL, alias);
	if (rc < 0 || (!found.hostname && !found.port && !found.user && !found.identity))
		goto done;
	/* The URL's own user and port win over the file's. */
	int port = found.port;
	if (!scp) {
		const char *colon = memchr(host, ':', (size_t)(rest + authority - host));
		if (colon)
			port = atoi(colon + 1);
	}
	const char *path = rest + authority + (scp ? 1 : 0);
	promote__strbuf sb;
	promote__strbuf_init(&sb, PROMOTE__MESSAGE_MAX, "the ssh URL made with ~/.ssh/config");
	rc = promote__strbuf_adds(&sb, "ssh://");
	if (rc == 0 && at)
		rc = promote__strbuf_addf(&sb, "%.*s@", (int)(at - rest), rest);
	else if (rc == 0 && found.user)
		rc = promote__strbuf_addf(&sb, "%s@", found.user);
	if (rc == 0)
		rc = promote__strbuf_adds(&sb, found.hostname ? found.hostname : alias);
	if (rc == 0 && port > 0 && port != 22)
		rc = promote__strbuf_addf(&sb, ":%d", port);
	/* scp-like paths are relative to the home folder unless absolute. */
	if (rc == 0)
		rc = promote__strbuf_addf(&sb, "%s%s", scp ? (*path == '/' ? "" : "/~/") : "", path);
	if (rc == 0 && !(*out = promote__strbuf_take(&sb)))
		rc = PROMOTE_ENOMEM;
	promote__strbuf_free(&sb);
	if (rc == 0) {
		*identity = found.identity;
		found.identity = NULL;
	}
done:
	promote__ssh_host_clear(&found);
	free(alias);
	return rc;
}
