/* Internal: checking an ssh server's host key against the known-hosts files. */
#ifndef PROMOTE_GIT_KNOWN_HOSTS_H
#define PROMOTE_GIT_KNOWN_HOSTS_H

#include "core/common.h"
#include "core/strbuf.h"

#include <git2.h>

/*
 * Is `key` the ssh host key the known-hosts files list for `host` (port
 * `port`)? The files: $PROMOTE_GIT_SSH_KNOWN_HOSTS (':'-separated), else
 * ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. 0 when listed; otherwise
 * -1 with the reason and what to do added to `why`: not listed, listed with
 * another key (changed: refused), revoked, or not checked to the end (out of
 * memory, a name too long). Hashed host names (|1|SALT|HASH) are read, and
 * lines of any length.
 */
int promote__known_hosts_check(const git_cert_hostkey *key, const char *host, int port, promote__strbuf *why);

#endif
