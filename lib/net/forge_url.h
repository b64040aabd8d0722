/*
 * Internal: a forge repository's URL read as its host and path — what a forge
 * provider needs to find its API (https://HOST) and the repository in it
 * (OWNER/NAME). "https://[user@]HOST[:PORT]/OWNER/NAME[.git]",
 * "ssh://git@HOST/OWNER/NAME.git" and "git@HOST:OWNER/NAME.git" are read; the
 * owner is every path segment but the last (a GitLab group path keeps its
 * slashes), the name the last without ".git". User information is dropped.
 */
#ifndef PROMOTE_NET_FORGE_URL_H
#define PROMOTE_NET_FORGE_URL_H

#include "core/common.h"

typedef struct promote__forge_url {
	char *scheme;  /* "https", "http" or "ssh" */
	char *host;    /* with ":PORT" when the URL gives one (never an ssh port) */
	char *owner;
	char *name;
} promote__forge_url;

/* 0 with `out` filled (free with promote__forge_url_dispose()), PROMOTE_EINVALID (no error set: the
 * caller says what it expected) when `url` has no host or fewer than two path segments, PROMOTE_ENOMEM. */
int promote__forge_url_parse(promote__forge_url *out, const char *url);
void promote__forge_url_dispose(promote__forge_url *url);

#endif
