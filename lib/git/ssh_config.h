/*
 * Internal: what ~/.ssh/config says of a host alias, as ssh reads it —
 * `Host` blocks whose patterns (`*`, `?`, `!` negation) match the name the
 * URL gives, and in them `HostName` (with `%h` for that name), `Port`,
 * `User` and `IdentityFile` (`~`, `%d` and `%h` expanded); the first value
 * found for each wins, as ssh's does. Lines before the first `Host` apply to
 * every host; `Match` blocks and `Include` are not read (their lines are
 * skipped). The file is read up to 256 KiB, lines up to 4 KiB.
 */
#ifndef PROMOTE_GIT_SSH_CONFIG_H
#define PROMOTE_GIT_SSH_CONFIG_H

#include "core/common.h"

typedef struct promote__ssh_host {
	char *hostname;   /* NULL when the file names none */
	int port;         /* 0 when none */
	char *user;       /* NULL when none */
	char *identity;   /* the key file, NULL when none */
} promote__ssh_host;

/* What the ssh configuration file `path` (NULL: $HOME/.ssh/config) says of
 * `alias`, the strings malloc'd (promote__ssh_host_clear frees them). A
 * missing or unreadable file says nothing (all fields empty). 0, or
 * PROMOTE_ENOMEM, or PROMOTE_ELIMIT for a value expanded past 4 KiB (error
 * set, `out` empty). */
PROMOTE_WARN_UNUSED int promote__ssh_config_lookup(promote__ssh_host *out, const char *path, const char *alias);
void promote__ssh_host_clear(promote__ssh_host *host);

/* ssh's host pattern: `*` any run, `?` one character, anything else itself. */
bool promote__ssh_wildcard(const char *pattern, const char *name);

/*
 * The ssh URL `url` (ssh://, git+ssh://, ssh+git:// or scp-like
 * [user@]host:path) with what ~/.ssh/config says of its host applied: the
 * host name, port and user (a user in the URL wins) — as a malloc'd
 * "ssh://[user@]host[:port]/path" (scp-like relative paths as "/~/path")
 * into *out, and the key file it names (malloc'd, NULL when none) into
 * *identity. Both NULL for a URL that is not ssh or whose host the file does
 * not name: use the URL as it is. 0, or a negative code (error set).
 */
PROMOTE_WARN_UNUSED int promote__ssh_config_url(char **out, char **identity, const char *url);

#endif
